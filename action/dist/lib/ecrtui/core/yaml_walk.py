"""A walker over YAML *nodes*, not constructed values: every message names the file and
line, a value is read exactly as written (an ID keeps its leading zero), duplicate keys are
caught, and anchors cannot expand into a memory bomb (every list entry is counted against
one budget, each use of an alias again)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import TypeVar

import yaml

from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.models import SourceLocation

# All list entries of a file together, each use of a YAML alias counted again: a 60 kB file
# of aliased lists must not make the loader (and every login) walk millions of entries.
MAX_LIST_ENTRIES = 50_000
_NULL = "tag:yaml.org,2002:null"

T = TypeVar("T")


def is_null(node: yaml.Node | None) -> bool:
    """An absent value, `~`, `null` or nothing after the colon."""
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL)


class YamlWalker:
    """Reads the nodes of one file, `path`, raising ConfigError at `path:line`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries_left = MAX_LIST_ENTRIES

    def where(self, node: yaml.Node) -> SourceLocation:
        return SourceLocation(self.path, node.start_mark.line + 1)

    def fail(self, node: yaml.Node, message: str, remediation: str = "") -> ConfigError:
        return ConfigError(f"{self.where(node)}: {message}", remediation=remediation)

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, f"{what} has a key that is not a plain name")
            key = key_node.value
            if key == "<<":
                raise self.fail(key_node, "merge keys (<<) are not supported", "write the keys out")
            if key in found:
                raise self.fail(key_node, f"duplicate key {key!r} in {what}", "keep one of them")
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
                raise self.fail(key_node, f"unknown key {key!r} in {what}", hint)
            found[key] = value_node
        return found

    def sequence(self, node: yaml.Node, what: str, limit: int) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list", f"write {what}: [item, item]")
        if len(node.value) > limit:
            raise self.fail(node, f"{what} has {len(node.value)} entries, more than {limit}")
        self.entries_left -= len(node.value)
        if self.entries_left < 0:
            raise self.fail(
                node,
                f"the file has more than {MAX_LIST_ENTRIES} list entries in all (each use of a YAML alias counts)",
                "write the lists out without aliases, or split the targets over several files",
            )
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL:
            raise self.fail(node, f"{what} must be a text value")
        value: str = node.value.strip()
        if not value:
            raise self.fail(node, f"{what} is empty")
        if not value.isprintable():  # escapes and line breaks would reach terminals and logs
            raise self.fail(
                node,
                f"{what} {value!r} contains control characters or invisible Unicode",
                "write it in plain printable text",
            )
        return value

    def optional_text(self, fields: Mapping[str, yaml.Node], key: str, what: str) -> str | None:
        node = fields.get(key)
        if node is None or is_null(node):
            return None
        return self.text(node, what)

    def number(self, node: yaml.Node, what: str, *, low: float, high: float, integer: bool) -> float:
        """A number between `low` and `high`; an int when `integer`."""
        raw = self.text(node, what) if isinstance(node, yaml.ScalarNode) else None
        try:
            value = float(raw) if raw is not None and not integer else int(raw or "x")
        except ValueError:
            kind = "a whole number" if integer else "a number"
            raise self.fail(
                node, f"{what} must be {kind}", f"write e.g. {what.split()[-1]}: {int(low) if low else 1}"
            ) from None
        if not low <= value <= high:
            raise self.fail(node, f"{what} must be between {low:g} and {high:g}, not {raw}")
        return value

    def checked(self, node: yaml.Node, check: Callable[[], T]) -> T:
        """Run a check that raises UsageError (the registry module's), re-raising it with
        this file and line."""
        try:
            return check()
        except UsageError as error:
            raise ConfigError(f"{self.where(node)}: {error.message}", remediation=error.remediation) from None
