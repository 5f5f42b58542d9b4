"""Discovered (account, role) pairs as targets of the profiles file.

They live in a marked block inside the file's `targets:` list, one block per sso-session:

    targets:
      - name: my-own-target          # the user's: never touched
        ...
      # >>> ecrtui discover --sso-session corp: generated, rewritten by each run >>>
      - name: "prod/ReadOnly"
        sso_session: "corp"
        ...
      # <<< ecrtui discover --sso-session corp <<<

A run rewrites only its session's block: text outside it (the user's targets, comments,
key order) stays byte for byte. The block's entries are sorted and written the same way
each time, so a run that finds nothing new leaves the file byte-identical. Without
`prune`, entries whose account or role are gone stay; with it they go. The new file is
validated with the profiles loader before it replaces the old one, atomically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ecrtui.core.discover import DiscoveredAccount
from ecrtui.core.errors import ConfigError
from ecrtui.core.profiles_file import load_profiles_file, parse_profiles_text, read_profiles_text
from ecrtui.core.writers.jsonfile import write_text_atomically


@dataclass(frozen=True)
class GeneratedTarget:
    name: str
    session: str
    account_id: str
    account_name: str
    role: str
    regions: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.account_id, self.role)

    def lines(self, indent: str) -> list[str]:
        q = json.dumps  # a JSON string is a valid YAML double-quoted scalar: any name is safe
        registries = ", ".join(f"{{id: {q(self.account_id)}, region: {q(r)}}}" for r in self.regions)
        return [
            f"{indent}- name: {q(self.name)}",
            f"{indent}  sso_session: {q(self.session)}",
            f"{indent}  account: {q(self.account_id)}",
            f"{indent}  role: {q(self.role)}",
            f"{indent}  registries: [{registries}]",
        ]


@dataclass(frozen=True)
class DiscoveredBlock:
    """What one discover run puts in the marked block of its sso-session: the targets
    chosen now, every (account, role) the user has now (whatever was chosen: what `prune`
    may remove is what is not among them), and whether to prune."""

    session: str
    targets: tuple[GeneratedTarget, ...]
    all_pairs: frozenset[tuple[str, str]]
    prune: bool = False

    def merged(self, existing: list[GeneratedTarget]) -> tuple[list[GeneratedTarget], tuple[str, ...], tuple[str, ...]]:
        """The block's new entries (sorted), the names added, the names pruned: what was
        discovered now, plus what was there before unless `prune` and it is gone."""
        chosen = {t.key: t for t in self.targets}
        merged: dict[tuple[str, str], GeneratedTarget] = {}
        removed = []
        for target in existing:
            if target.key in chosen:
                continue
            if self.prune and target.key not in self.all_pairs:
                removed.append(target.name)
                continue
            merged[target.key] = target
        merged.update(chosen)
        added = tuple(t.name for k, t in chosen.items() if k not in {e.key for e in existing})
        return sorted(merged.values(), key=lambda t: (t.account_id, t.role)), added, tuple(removed)


def split_lines(text: str) -> list[str]:
    """The file's lines without the empty one after a final newline."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass(frozen=True)
class WriteResult:
    path: Path
    changed: bool
    added: tuple[str, ...]
    removed: tuple[str, ...]
    kept: int


def begin_marker(session: str) -> str:
    return f"# >>> ecrtui discover --sso-session {session}: generated, rewritten by each run >>>"


def end_marker(session: str) -> str:
    return f"# <<< ecrtui discover --sso-session {session} <<<"


def plan_targets(
    session: str, accounts: Iterable[DiscoveredAccount], regions: tuple[str, ...]
) -> list[GeneratedTarget]:
    chosen = list(accounts)
    seen_names: dict[str, int] = {}
    for account in chosen:
        seen_names[account.account_name] = seen_names.get(account.account_name, 0) + 1
    targets = []
    for account in chosen:
        label = (
            account.account_name
            if seen_names[account.account_name] == 1
            else f"{account.account_name}@{account.account_id}"
        )
        for role in account.roles:
            targets.append(
                GeneratedTarget(f"{label}/{role}", session, account.account_id, account.account_name, role, regions)
            )
    return targets


def read_block(lines: list[str], session: str, markers: tuple[str, str] | None = None) -> tuple[int, int, str] | None:
    """(first line, last line, indent) of the session's block, if the file has one."""
    begin, end = markers or (begin_marker(session), end_marker(session))
    starts = [i for i, line in enumerate(lines) if line.strip() == begin]
    if not starts:
        return None
    first = starts[0]
    for i in range(first + 1, len(lines)):
        if lines[i].strip() == end:
            indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
            return first, i, indent
    raise ConfigError(
        f"the file has the start of the generated block of sso-session {session} but not its end",
        remediation=f"restore the line `{end}`, or delete the block and run discover again",
    )


def _existing(lines: list[str], block: tuple[int, int, str] | None, session: str) -> list[GeneratedTarget]:
    if block is None:
        return []
    text = "\n".join(
        line[len(block[2]) :] if line.startswith(block[2]) else line for line in lines[block[0] + 1 : block[1]]
    )
    try:
        entries = yaml.safe_load(text) or []
    except yaml.YAMLError:
        raise ConfigError(
            f"the generated block of sso-session {session} was edited into invalid YAML",
            remediation="delete the block (between its marker lines) and run discover again",
        ) from None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        regions = tuple(
            str(r.get("region")) for r in entry.get("registries") or [] if isinstance(r, dict) and r.get("region")
        )
        account_name = str(entry.get("name", "")).rsplit("/", 1)[0]
        found.append(
            GeneratedTarget(
                str(entry.get("name")),
                session,
                str(entry.get("account")),
                account_name,
                str(entry.get("role")),
                regions,
            )
        )
    return found


def _insertion_point(lines: list[str]) -> tuple[int, str, list[str]]:
    """Where a new block goes in the `targets:` list: (line index, indent, lines to put
    before it), adding a `targets:` key when the file has none."""
    for i, line in enumerate(lines):
        if re.match(r"^targets\s*:\s*(#.*)?$", line):
            end = len(lines)
            for j in range(i + 1, len(lines)):
                if lines[j].strip() and not lines[j][0].isspace() and not lines[j].startswith("#"):
                    end = j  # the next top-level key
                    break
            items = [m.group(1) for line_ in lines[i + 1 : end] if (m := re.match(r"^(\s*)- ", line_))]
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1  # blank lines before the next key stay after the block
            return end, items[0] if items else "  ", []
        if re.match(r"^targets\s*:\s*\[\s*\]\s*(#.*)?$", line):
            del lines[i]
            return i, "  ", ["targets:"]
        if re.match(r"^targets\s*:", line):
            raise ConfigError(
                "the profiles file's targets are written in flow style ([...])",
                remediation="write targets: as a block list (one `- name: ...` per entry) so discover can add to it",
            )
    return len(lines), "  ", ["targets:"]


def write_targets(path: Path, found: DiscoveredBlock, *, dry_run: bool = False) -> WriteResult:
    """Merge `found` into its session's block of `path`. With `dry_run`, everything is
    checked and nothing written."""
    original = _read(path)
    lines = split_lines(original)
    trailing_newline = original.endswith("\n") or not original
    session = found.session
    block = read_block(lines, session)
    ordered, added, removed = found.merged(_existing(lines, block, session))
    if block is not None:
        first, last, indent = block
        body = [indent + begin_marker(session)] + [line for t in ordered for line in t.lines(indent)]
        lines[first : last + 1] = [*body, indent + end_marker(session)]
    else:
        at, indent, before = _insertion_point(lines)
        body = [*before, indent + begin_marker(session)]
        body += [line for t in ordered for line in t.lines(indent)] + [indent + end_marker(session)]
        if not lines:
            body = ["version: 1", *body]
        lines[at:at] = body
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    if text == original:
        return WriteResult(path, False, (), (), len(ordered))
    _replace_checked(path, text, commit=not dry_run)
    return WriteResult(path, True, added, removed, len(ordered))


def _read(path: Path) -> str:
    if not path.exists():
        return ""
    if not path.is_file():
        raise ConfigError(f"profiles file {path} is not a regular file", remediation="point --write at a YAML file")
    text = read_profiles_text(path)
    parse_profiles_text(text, str(path))  # a broken file is reported as it is, before anything is added
    return text


def _replace_checked(path: Path, text: str, *, commit: bool = True) -> None:
    """Validate the new text with the profiles loader, then (`commit`) replace the file (or
    the file its symlink leads to: the link stays) atomically."""

    def valid(temp: Path) -> None:
        try:
            load_profiles_file(temp)
        except ConfigError as error:
            raise ConfigError(
                f"the targets would make {path} invalid: {error.message.replace(str(temp), str(path))}",
                remediation=error.remediation or "rename the clashing target of yours",
            ) from None

    write_text_atomically(path, text, check=valid, commit=commit, error=ConfigError)
