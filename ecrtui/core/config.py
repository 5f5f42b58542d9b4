"""The profiles file (targets, defaults, keymap) and discovery of AWS profiles.

The loader walks YAML *nodes*, not constructed values, so every message can name the file
and line, an ID is read exactly as written (no leading zero lost), duplicate keys are
caught, and anchors cannot expand into a memory bomb.
"""

from __future__ import annotations

import configparser
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.locations import aws_config_paths, find_profiles_file
from ecrtui.core.models import WRITER_NAMES, SourceLocation, Target
from ecrtui.core.registry import (
    PUBLIC_HOSTS,
    RegistrySpec,
    RegistryType,
    check_account_id,
    check_host_alias,
    check_region,
    is_role_arn,
    parse_registry,
)

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 1024 * 1024
MAX_TARGETS = 2000
MAX_REGISTRIES_PER_TARGET = 1000
# All list entries of a file together, each use of a YAML alias counted again: a 60 kB file
# of aliased lists must not make the loader (and every login) walk millions of entries.
MAX_LIST_ENTRIES = 50_000
CACHE_MODES = ("keyring", "none")


@dataclass(frozen=True)
class Defaults:
    region: str | None = None
    writers: tuple[str, ...] = ("docker",)
    cache: str = "keyring"
    max_attempts: int = 3
    timeout: float = 10.0
    jobs: int = 64
    refresh_margin_minutes: int = 30


@dataclass(frozen=True)
class ProfilesFile:
    """A loaded profiles file; `path` None when there was none."""

    path: str | None = None
    defaults: Defaults = field(default_factory=Defaults)
    targets: tuple[Target, ...] = ()
    keymap: tuple[tuple[str, str], ...] = ()

    def target(self, name: str) -> Target:
        for target in self.targets:
            if target.name == name:
                return target
        known = ", ".join(t.name for t in self.targets) or "none"
        where = self.path or "no profiles file"
        raise UsageError(
            f"no target named {name!r} in {where}",
            remediation=f"use one of: {known}",
        )


def load_profiles(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> ProfilesFile:
    path = find_profiles_file(explicit, environ)
    return ProfilesFile() if path is None else load_profiles_file(path)


# --- the YAML node walker ---------------------------------------------------------------

_TOP_KEYS = ("version", "defaults", "targets", "keymap")
_DEFAULT_KEYS = ("region", "writers", "cache", "max_attempts", "timeout", "jobs", "refresh_margin")
_TARGET_KEYS = (
    "name",
    "profile",
    "region",
    "role_arn",
    "type",
    "registries",
    "repositories",
    "writers",
    *("sso_session", "account", "role"),  # a role reached through IAM Identity Center, no profile needed
)
_REGISTRY_KEYS = ("id", "region", "host")
_NULL = "tag:yaml.org,2002:null"


class _Walker:
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
        if not node.value.strip():
            raise self.fail(node, f"{what} is empty")
        if not node.value.strip().isprintable():  # escapes and line breaks would reach terminals and logs
            raise self.fail(
                node,
                f"{what} {node.value.strip()!r} contains control characters or invisible Unicode",
                "write it in plain printable text",
            )
        return node.value.strip()

    def optional_text(self, fields: Mapping[str, yaml.Node], key: str, what: str) -> str | None:
        node = fields.get(key)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
            return None
        return self.text(node, what)

    def number(self, node: yaml.Node, what: str, *, low: float, high: float, integer: bool) -> float:
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

    def checked(self, node: yaml.Node, check: object) -> object:
        """Run a registry-module check, re-raising its UsageError with this file and line."""
        try:
            return check()  # type: ignore[operator]
        except UsageError as error:
            raise ConfigError(f"{self.where(node)}: {error.message}", remediation=error.remediation) from None

    def writers(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        names = []
        for item in self.sequence(node, what, limit=len(WRITER_NAMES)):
            name = self.text(item, f"an entry of {what}").lower()
            if name not in WRITER_NAMES and name != "none":
                raise self.fail(item, f"unknown writer {name!r}", f"use any of: {', '.join(WRITER_NAMES)}")
            if name != "none":
                names.append(name)
        return tuple(dict.fromkeys(names))


def load_profiles_file(path: Path) -> ProfilesFile:
    shown = str(path)
    if path.is_dir():
        raise ConfigError(f"profiles file {shown} is a directory", remediation="point --config at a YAML file")
    if path.exists() and not path.is_file() and str(path) != os.devnull:  # a FIFO would block forever
        raise ConfigError(f"profiles file {shown} is not a regular file", remediation="point --config at a YAML file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read profiles file {shown}: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"profiles file {shown} is larger than 1 MiB", remediation="is it the right file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"{shown}:{line}: the file is not UTF-8 text", remediation="save it as UTF-8") from None
    if "\x00" in text:
        raise ConfigError(f"profiles file {shown} is binary, not YAML", remediation="is it the right file?")
    global yaml
    import yaml  # only with a profiles file: a CI step (most have none) never pays for it

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError(
            f"{shown}:{line}: not valid YAML: {error.problem or error.context}",
            remediation="fix the YAML syntax (indentation, quotes, colons)",
        ) from None
    except (yaml.YAMLError, RecursionError):
        raise ConfigError(f"profiles file {shown} is not valid YAML") from None
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _NULL):  # empty, or a bare `---`
        return ProfilesFile(path=shown)
    return _read_document(_Walker(shown), root)


def _read_document(walk: _Walker, root: yaml.Node) -> ProfilesFile:
    top = walk.mapping(root, "the profiles file", _TOP_KEYS)
    if "version" in top:
        version = walk.text(top["version"], "version")
        if version != "1":
            raise walk.fail(top["version"], f"unsupported version {version}", "write version: 1")
    defaults = _read_defaults(walk, top["defaults"]) if "defaults" in top else Defaults()
    targets: list[Target] = []
    if "targets" in top:
        names: dict[str, SourceLocation] = {}
        for node in walk.sequence(top["targets"], "targets", MAX_TARGETS):
            target = _read_target(walk, node)
            if target.name in names:
                raise walk.fail(
                    node,
                    f"duplicate target name {target.name!r} (first at line {names[target.name].line})",
                    "give every target a unique name",
                )
            names[target.name] = walk.where(node)
            targets.append(target)
    keymap: list[tuple[str, str]] = []
    if "keymap" in top and not (isinstance(top["keymap"], yaml.ScalarNode) and top["keymap"].tag == _NULL):
        node = top["keymap"]
        if not isinstance(node, yaml.MappingNode):
            raise walk.fail(node, "keymap must map binding ids to keys", "write keymap: {login: ctrl+l}")
        for key_node, value_node in node.value:
            binding = walk.text(key_node, "a keymap binding id")
            keymap.append((binding, walk.text(value_node, f"the key of {binding!r}")))
    return ProfilesFile(path=walk.path, defaults=defaults, targets=tuple(targets), keymap=tuple(keymap))


def _read_defaults(walk: _Walker, node: yaml.Node) -> Defaults:
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
        return Defaults()
    fields = walk.mapping(node, "defaults", _DEFAULT_KEYS)
    values: dict[str, object] = {}
    region = walk.optional_text(fields, "region", "defaults.region")
    if region is not None:
        values["region"] = walk.checked(fields["region"], lambda: check_region(region, where="defaults.region"))
    if "writers" in fields:
        values["writers"] = walk.writers(fields["writers"], "defaults.writers")
    cache = walk.optional_text(fields, "cache", "defaults.cache")
    if cache is not None:
        if cache.lower() not in CACHE_MODES:
            raise walk.fail(fields["cache"], f"unknown cache {cache!r}", "write cache: keyring or cache: none")
        values["cache"] = cache.lower()
    for key, low, high, integer in (
        ("max_attempts", 1, 20, True),
        ("timeout", 0.1, 600, False),
        ("jobs", 1, 256, True),
        ("refresh_margin", 0, 720, True),
    ):
        if key in fields:
            number = walk.number(fields[key], f"defaults.{key}", low=low, high=high, integer=integer)
            values["refresh_margin_minutes" if key == "refresh_margin" else key] = number
    return Defaults(**values)  # type: ignore[arg-type]


def _read_target(walk: _Walker, node: yaml.Node) -> Target:
    fields = walk.mapping(node, "a target", _TARGET_KEYS)
    if "name" not in fields:
        raise walk.fail(node, "a target has no name", "add name: <unique name>")
    name = walk.text(fields["name"], "target name")
    what = f"target {name!r}"
    kind = RegistryType.PRIVATE
    type_text = walk.optional_text(fields, "type", f"{what} type")
    if type_text is not None:
        try:
            kind = RegistryType(type_text.lower())
        except ValueError:
            raise walk.fail(
                fields["type"], f"{what} has type {type_text!r}", "write type: private or type: public"
            ) from None
    region = walk.optional_text(fields, "region", f"{what} region")
    if region is not None:
        walk.checked(fields["region"], lambda: check_region(region, where=f"{what} region"))
    role_arn = walk.optional_text(fields, "role_arn", f"{what} role_arn")
    if role_arn is not None and not is_role_arn(role_arn):
        raise walk.fail(
            fields["role_arn"],
            f"{what} role_arn {role_arn!r} is not a role ARN",
            "write arn:aws:iam::123456789012:role/NAME",
        )
    registries: dict[RegistrySpec, None] = {}  # a dict: ordered, and duplicates found in O(1)
    if "registries" in fields and not (
        isinstance(fields["registries"], yaml.ScalarNode) and fields["registries"].tag == _NULL
    ):
        for item in walk.sequence(fields["registries"], f"{what} registries", MAX_REGISTRIES_PER_TARGET):
            spec = _read_registry(walk, item, what)
            if spec.type is not kind:
                raise walk.fail(
                    item,
                    f"{what} is {kind.value} but lists the {spec.type.value} registry {spec.host or spec.account_id}",
                    "put public and private registries in separate targets",
                )
            registries.setdefault(spec)
    repositories: list[str] = []
    if "repositories" in fields:
        for item in walk.sequence(fields["repositories"], f"{what} repositories", MAX_REGISTRIES_PER_TARGET):
            repositories.append(walk.text(item, f"a repository of {what}"))
    profile = walk.optional_text(fields, "profile", f"{what} profile")
    if any(key in fields for key in ("sso_session", "account", "role")):
        profile = _sso_target_profile(walk, node, fields, what, profile)
    return Target(
        name=name,
        profile=profile,
        region=region,
        role_arn=role_arn,
        type=kind,
        registries=tuple(registries),
        repositories=tuple(repositories),
        writers=walk.writers(fields["writers"], f"{what} writers") if "writers" in fields else None,
        source=walk.where(node),
    )


def _sso_target_profile(
    walk: _Walker, node: yaml.Node, fields: Mapping[str, yaml.Node], what: str, profile: str | None
) -> str:
    """sso_session, account and role together: the target's credentials come from
    GetRoleCredentials; the plan carries them as a profile name of their own form."""
    from ecrtui.core.sso_config import SsoRole, check_role_name, check_sso_account

    missing = [key for key in ("sso_session", "account", "role") if key not in fields]
    if missing:
        raise walk.fail(
            node,
            f"{what} names IAM Identity Center but has no {missing[0]}",
            "write all of sso_session, account and role",
        )
    if profile is not None:
        raise walk.fail(fields["profile"], f"{what} has both a profile and an sso_session", "keep one of them")
    session = walk.text(fields["sso_session"], f"{what} sso_session")
    account = walk.text(fields["account"], f"{what} account")
    role = walk.text(fields["role"], f"{what} role")
    walk.checked(fields["account"], lambda: check_sso_account(account, f"{what} account"))
    walk.checked(fields["role"], lambda: check_role_name(role, f"{what} role"))
    return SsoRole(session, account, role).profile_key


def _read_registry(walk: _Walker, node: yaml.Node, what: str) -> RegistrySpec:
    if isinstance(node, yaml.ScalarNode):
        # node.value is the text as written: an unquoted 012345678901 keeps its zero here,
        # and an 11-digit value gets the leading-zero hint from check_account_id.
        text = walk.text(node, f"a registry of {what}")
        return walk.checked(node, lambda: parse_registry(text, where=f"registry of {what}"))  # type: ignore[return-value]
    fields = walk.mapping(node, f"a registry of {what}", _REGISTRY_KEYS)
    host = walk.optional_text(fields, "host", "host")
    account = walk.optional_text(fields, "id", "id")
    region = walk.optional_text(fields, "region", "region")
    if host is not None and host.lower() in PUBLIC_HOSTS:
        return RegistrySpec(type=RegistryType.PUBLIC, host=host.lower())
    if account is None:
        raise walk.fail(node, f"a registry of {what} has no id", 'add id: "123456789012"')
    walk.checked(fields["id"], lambda: check_account_id(account, where="id"))
    if region is not None:
        walk.checked(fields["region"], lambda: check_region(region, where="region"))
    if host is not None:
        host = walk.checked(fields["host"], lambda: check_host_alias(host, where="host"))  # type: ignore[assignment]
    return RegistrySpec(account_id=account, region=region, host=host)


# --- AWS shared config discovery -------------------------------------------------------


@dataclass(frozen=True)
class AwsProfile:
    """A profile of the AWS shared config/credentials files, as the TUI lists it."""

    name: str
    kind: str  # sso | assume-role | credential-process | web-identity | static | config
    region: str | None
    source: str
    role_arn: str | None = None
    source_profile: str | None = None
    sso_session: str | None = None
    sso_start_url: str | None = None


def _read_ini(path: Path) -> configparser.RawConfigParser | None:
    parser = configparser.RawConfigParser(strict=False, interpolation=None, default_section="\x00")
    if path.exists() and not path.is_dir() and not path.is_file():  # a FIFO would block forever
        raise ConfigError(f"AWS config file {path} is not a regular file")
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(f"AWS config file {path} is a directory") from None
    except (configparser.Error, UnicodeDecodeError) as error:
        errors = getattr(error, "errors", None)  # ParsingError has no lineno: (line, text) pairs
        line = getattr(error, "lineno", None) or (errors[0][0] if errors else 1)
        raise ConfigError(
            f"{path}:{line}: the AWS config file cannot be parsed",
            remediation="fix it the way `aws configure list` would expect: [profile NAME] sections of key = value lines",
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read AWS config file {path}: {error.strerror}") from None
    return parser


def discover_aws_profiles(environ: Mapping[str, str] | None = None) -> tuple[AwsProfile, ...]:
    """Every profile of the shared config and credentials files, config order first."""
    config_path, credentials_path = aws_config_paths(environ)
    profiles: dict[str, AwsProfile] = {}
    config = _read_ini(config_path)
    if config is not None:
        for section in config.sections():
            if section == "default":
                name = "default"
            elif section.startswith("profile "):
                name = section[len("profile ") :].strip()
            else:
                continue  # sso-session and services sections are not profiles
            values = dict(config.items(section))
            profiles[name] = AwsProfile(
                name=name,
                kind=_profile_kind(values),
                region=values.get("region"),
                source=str(config_path),
                role_arn=values.get("role_arn"),
                source_profile=values.get("source_profile"),
                sso_session=values.get("sso_session"),
                sso_start_url=values.get("sso_start_url") or _sso_session_url(config, values.get("sso_session")),
            )
    credentials = _read_ini(credentials_path)
    if credentials is not None:
        for name in credentials.sections():
            if name not in profiles:
                profiles[name] = AwsProfile(name=name, kind="static", region=None, source=str(credentials_path))
            elif profiles[name].kind == "config":
                existing = profiles[name]
                profiles[name] = AwsProfile(name=name, kind="static", region=existing.region, source=existing.source)
    return tuple(profiles.values())


def _sso_session_url(config: configparser.RawConfigParser, session: str | None) -> str | None:
    section = f"sso-session {session}"
    if session and config.has_section(section):
        return config.get(section, "sso_start_url", fallback=None)
    return None


def _profile_kind(values: Mapping[str, str]) -> str:
    if "sso_session" in values or "sso_start_url" in values:
        return "sso"
    if "role_arn" in values and "web_identity_token_file" in values:
        return "web-identity"
    if "role_arn" in values:
        return "assume-role"
    if "credential_process" in values:
        return "credential-process"
    if "aws_access_key_id" in values:
        return "static"
    return "config"


def region_for(
    explicit: str | None,
    profile: str | None,
    defaults_region: str | None,
    aws_profiles: tuple[AwsProfile, ...],
    environ: Mapping[str, str] | None = None,
) -> tuple[str | None, str]:
    """The region a target resolves to and where it came from, in the SDK's order:
    explicit setting, AWS_REGION/AWS_DEFAULT_REGION, the profile, then defaults.region."""
    env = os.environ if environ is None else environ
    if explicit:
        return explicit, "set explicitly"
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if env.get(variable, "").strip():
            return env[variable].strip(), f"${variable}"
    profile_name = profile or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"
    for aws_profile in aws_profiles:
        if aws_profile.name == profile_name and aws_profile.region:
            return aws_profile.region, f"profile {profile_name} in {aws_profile.source}"
    if defaults_region:
        return defaults_region, "defaults.region of the profiles file"
    return None, "nowhere"
