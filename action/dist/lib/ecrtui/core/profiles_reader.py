"""Reading a profiles file's YAML document into a ProfilesFile: every key checked, every
mistake reported at file:line with what to write instead."""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from ecrtui.core.addresses import (
    PUBLIC_HOSTS,
    RegistrySpec,
    RegistryType,
    check_account_id,
    check_host_alias,
    check_region,
    is_role_arn,
    parse_registry,
)
from ecrtui.core.errors import ConfigError
from ecrtui.core.models import WRITER_NAMES, SourceLocation, Target
from ecrtui.core.profiles_file import (
    MAX_REGISTRIES_PER_TARGET,
    MAX_TARGETS,
    CacheMode,
    Defaults,
    ProfilesFile,
)
from ecrtui.core.yaml_walk import YamlWalker, is_null

_TOP_KEYS = ("version", "defaults", "targets", "keymap")
_DEFAULT_KEYS = ("region", "writers", "cache", "max_attempts", "timeout", "jobs", "refresh_margin")
_SSO_KEYS = ("sso_session", "account", "role")  # a role reached through IAM Identity Center, no profile needed
_TARGET_KEYS = ("name", "profile", "region", "role_arn", "type", "registries", "repositories", "writers", *_SSO_KEYS)
_REGISTRY_KEYS = ("id", "region", "host")


def read_profiles(text: str, shown: str) -> ProfilesFile:
    """The profiles file named `shown` in messages, from its text."""
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
    if root is None or is_null(root):  # empty, or a bare `---`
        return ProfilesFile(path=shown)
    return _read_document(YamlWalker(shown), root)


def _read_document(walk: YamlWalker, root: yaml.Node) -> ProfilesFile:
    top = walk.mapping(root, "the profiles file", _TOP_KEYS)
    if "version" in top:
        version = walk.text(top["version"], "version")
        if version != "1":
            raise walk.fail(top["version"], f"unsupported version {version}", "write version: 1")
    defaults = _read_defaults(walk, top["defaults"]) if "defaults" in top else Defaults()
    targets = _read_targets(walk, top["targets"]) if "targets" in top else ()
    keymap = _read_keymap(walk, top["keymap"]) if "keymap" in top else ()
    return ProfilesFile(path=walk.path, defaults=defaults, targets=targets, keymap=keymap)


def _read_targets(walk: YamlWalker, node: yaml.Node) -> tuple[Target, ...]:
    targets: list[Target] = []
    names: dict[str, SourceLocation] = {}
    for item in walk.sequence(node, "targets", MAX_TARGETS):
        target = _read_target(walk, item)
        if target.name in names:
            raise walk.fail(
                item,
                f"duplicate target name {target.name!r} (first at line {names[target.name].line})",
                "give every target a unique name",
            )
        names[target.name] = walk.where(item)
        targets.append(target)
    return tuple(targets)


def _read_keymap(walk: YamlWalker, node: yaml.Node) -> tuple[tuple[str, str], ...]:
    if is_null(node):
        return ()
    if not isinstance(node, yaml.MappingNode):
        raise walk.fail(node, "keymap must map binding ids to keys", "write keymap: {login: ctrl+l}")
    keymap: list[tuple[str, str]] = []
    for key_node, value_node in node.value:
        binding = walk.text(key_node, "a keymap binding id")
        keymap.append((binding, walk.text(value_node, f"the key of {binding!r}")))
    return tuple(keymap)


def _read_writers(walk: YamlWalker, node: yaml.Node, what: str) -> tuple[str, ...]:
    names = []
    for item in walk.sequence(node, what, limit=len(WRITER_NAMES)):
        name = walk.text(item, f"an entry of {what}").lower()
        if name not in WRITER_NAMES and name != "none":
            raise walk.fail(item, f"unknown writer {name!r}", f"use any of: {', '.join(WRITER_NAMES)}")
        if name != "none":
            names.append(name)
    return tuple(dict.fromkeys(names))


def _read_defaults(walk: YamlWalker, node: yaml.Node) -> Defaults:
    if is_null(node):
        return Defaults()
    fields = walk.mapping(node, "defaults", _DEFAULT_KEYS)
    base = Defaults()
    written = walk.optional_text(fields, "region", "defaults.region")
    region = None
    if written is not None:
        region = walk.checked(fields["region"], lambda: check_region(written, where="defaults.region"))

    def number(key: str, low: float, high: float, integer: bool, default: float) -> float:
        if key not in fields:
            return default
        return walk.number(fields[key], f"defaults.{key}", low=low, high=high, integer=integer)

    return Defaults(
        region=region,
        writers=_read_writers(walk, fields["writers"], "defaults.writers") if "writers" in fields else base.writers,
        cache=_read_cache_mode(walk, fields) or base.cache,
        max_attempts=int(number("max_attempts", 1, 20, True, base.max_attempts)),
        timeout=number("timeout", 0.1, 600, False, base.timeout),
        jobs=int(number("jobs", 1, 256, True, base.jobs)),
        refresh_margin_minutes=int(number("refresh_margin", 0, 720, True, base.refresh_margin_minutes)),
    )


def _read_cache_mode(walk: YamlWalker, fields: Mapping[str, yaml.Node]) -> CacheMode | None:
    cache = walk.optional_text(fields, "cache", "defaults.cache")
    if cache is None:
        return None
    try:
        return CacheMode(cache.lower())
    except ValueError:
        raise walk.fail(fields["cache"], f"unknown cache {cache!r}", "write cache: keyring or cache: none") from None


def _read_target(walk: YamlWalker, node: yaml.Node) -> Target:
    fields = walk.mapping(node, "a target", _TARGET_KEYS)
    if "name" not in fields:
        raise walk.fail(node, "a target has no name", "add name: <unique name>")
    name = walk.text(fields["name"], "target name")
    what = f"target {name!r}"
    kind = _read_target_type(walk, fields, what)
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
    registries = _read_registries(walk, fields.get("registries"), what, kind)
    repositories = [
        walk.text(item, f"a repository of {what}")
        for item in (
            walk.sequence(fields["repositories"], f"{what} repositories", MAX_REGISTRIES_PER_TARGET)
            if "repositories" in fields
            else []
        )
    ]
    profile = walk.optional_text(fields, "profile", f"{what} profile")
    if any(key in fields for key in _SSO_KEYS):
        profile = _sso_target_profile(walk, node, fields, what, profile)
    return Target(
        name=name,
        profile=profile,
        region=region,
        role_arn=role_arn,
        type=kind,
        registries=registries,
        repositories=tuple(repositories),
        writers=_read_writers(walk, fields["writers"], f"{what} writers") if "writers" in fields else None,
        source=walk.where(node),
    )


def _read_target_type(walk: YamlWalker, fields: Mapping[str, yaml.Node], what: str) -> RegistryType:
    type_text = walk.optional_text(fields, "type", f"{what} type")
    if type_text is None:
        return RegistryType.PRIVATE
    try:
        return RegistryType(type_text.lower())
    except ValueError:
        raise walk.fail(
            fields["type"], f"{what} has type {type_text!r}", "write type: private or type: public"
        ) from None


def _read_registries(
    walk: YamlWalker, node: yaml.Node | None, what: str, kind: RegistryType
) -> tuple[RegistrySpec, ...]:
    if node is None or is_null(node):
        return ()
    registries: dict[RegistrySpec, None] = {}  # a dict: ordered, and duplicates found in O(1)
    for item in walk.sequence(node, f"{what} registries", MAX_REGISTRIES_PER_TARGET):
        spec = _read_registry(walk, item, what)
        if spec.type is not kind:
            raise walk.fail(
                item,
                f"{what} is {kind.value} but lists the {spec.type.value} registry {spec.host or spec.account_id}",
                "put public and private registries in separate targets",
            )
        registries.setdefault(spec)
    return tuple(registries)


def _sso_target_profile(
    walk: YamlWalker, node: yaml.Node, fields: Mapping[str, yaml.Node], what: str, profile: str | None
) -> str:
    """sso_session, account and role together: the target's credentials come from
    GetRoleCredentials; the plan carries them as a profile name of their own form."""
    from ecrtui.core.sso_config import SsoRole, check_role_name, check_sso_account

    missing = [key for key in _SSO_KEYS if key not in fields]
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


def _read_registry(walk: YamlWalker, node: yaml.Node, what: str) -> RegistrySpec:
    if isinstance(node, yaml.ScalarNode):
        # node.value is the text as written: an unquoted 012345678901 keeps its zero here,
        # and an 11-digit value gets the leading-zero hint from check_account_id.
        text = walk.text(node, f"a registry of {what}")
        return walk.checked(node, lambda: parse_registry(text, where=f"registry of {what}"))
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
        checked_host = host
        host = walk.checked(fields["host"], lambda: check_host_alias(checked_host, where="host"))
    return RegistrySpec(account_id=account, region=region, host=host)
