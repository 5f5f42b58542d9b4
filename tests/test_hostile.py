"""Hostile input that is accepted, and properties over generated input. The table of
refused bad and hostile input is tests/test_refusals.py; here: symlinked credentials files
(followed, never replaced), a password with line breaks that must not forge GitHub
outputs, and (hypothesis) hostname and list parsing, the profiles loader and docker-config
round trips.
"""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.commands import run_cli
from support.environment import Env
from support.refusal import FORGED

from ecrtui.core.config import load_profiles_file
from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.models import Token
from ecrtui.core.registry import (
    PUBLIC_HOSTS,
    parse_ecr_host,
    parse_registry,
    parse_registry_list,
    private_host,
)
from ecrtui.core.writers import AuthFileWriter
from ecrtui.core.writers.authfile import docker_config_path
from ecrtui.standins.ecr_public import EcrPublicStandin

LOGIN = ("login", "--region", "us-east-1", "--registries", "123456789012")
GITHUB = {"GITHUB_ACTIONS": "true", "AWS_REGION": "us-east-1"}
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


# --- symlinks that are fine: followed, never replaced ----------------------------------


def test_a_symlinked_config_is_updated_where_it_points(env: Env) -> None:
    """Dotfile managers link ~/.docker/config.json into a repository: the link stays a
    link, the file it points to is replaced atomically (0600), its other keys kept."""
    real = env.home / "dotfiles" / "docker-config.json"
    real.parent.mkdir()
    real.write_text(json.dumps({"auths": {"ghcr.io": {"auth": "bWU6cHc="}}, "psFormat": "x"}))
    env.docker_config.parent.mkdir()
    env.docker_config.symlink_to(real)
    result = run_cli(env, *LOGIN)
    assert result.returncode == 0, result.stderr
    assert env.docker_config.is_symlink() and env.docker_config.resolve() == real
    data = json.loads(real.read_text())
    assert set(data["auths"]) == {"ghcr.io", HOST} and data["psFormat"] == "x"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert not list(real.parent.glob("*.tmp"))
    assert (real.parent / ".docker-config.json.lock").exists()


def test_two_links_to_one_file_share_its_lock(env: Env) -> None:
    """docker and podman pointed at one file through different links: both entries land,
    because the lock is taken beside the file the links lead to."""
    shared = env.home / "shared" / "auth.json"
    shared.parent.mkdir()
    shared.write_text("{}")
    for link in (env.docker_config, env.podman_auth):
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(shared)
    result = run_cli(env, *LOGIN, "--writer", "docker,podman")
    assert result.returncode == 0, result.stderr
    assert set(json.loads(shared.read_text())["auths"]) == {HOST}
    assert list(shared.parent.glob("*.lock")) == [shared.parent / ".auth.json.lock"]


# --- GitHub output injection through what AWS answers -------------------------------------


def test_a_password_with_line_breaks_cannot_forge_outputs(env: Env, ecr_public: EcrPublicStandin) -> None:
    """A hostile endpoint hands out a password with line breaks and a fake delimiter: the
    outputs file still parses to exactly the expected names, the mask command is one line."""
    output_file, state_file = env.home / "output", env.home / "state"
    output_file.touch()
    state_file.touch()
    password = f"pw\n{FORGED}\nghadelimiter_00000000-0000-0000-0000-000000000000\n::error::forged"
    with ecr_public.state.lock:
        ecr_public.state.password = password
    variables = {**env.vars, **GITHUB, "GITHUB_OUTPUT": str(output_file), "GITHUB_STATE": str(state_file)}
    variables["INPUT_REGISTRY-TYPE"] = "public"
    result = run_cli(variables, "login")
    assert result.returncode == 0, result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("::error::")] == []
    [mask] = [line for line in result.stdout.splitlines() if line.startswith("::add-mask::")]
    assert (
        mask
        == "::add-mask::pw%0Aregistry=evil.example.com%0Aghadelimiter_00000000-0000-0000-0000-000000000000%0A::error::forged"
    )
    from support.github_files import parse_file_commands

    outputs = dict(parse_file_commands(output_file.read_text()))
    assert set(outputs) == {"registry", "docker_username_public_ecr_aws", "docker_password_public_ecr_aws"}
    assert outputs["docker_password_public_ecr_aws"] == password
    assert [name for name, _ in parse_file_commands(state_file.read_text())] == ["registries", "writers", "lease"]


# --- properties -----------------------------------------------------------------------------

accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)
regions = st.from_regex(r"(us|eu|ap|cn|us-gov|us-iso|eusc)-[a-z]{4,9}-[1-9]", fullmatch=True)
hosts = st.builds(private_host, accounts, regions, fips=st.booleans(), dualstack=st.booleans())
# What people and attackers put around or inside a hostname.
noise = st.sampled_from(
    [
        "\x00",
        "\x1b",
        "\n",
        "\r",
        "\t",
        " ",
        "\u200b",
        "\u202e",
        "\ufeff",
        "/",
        "@",
        ":",
        "#",
        "?",
        "%",
        "\\",
        "é",
        "\u0661",
    ]
)


@settings(max_examples=300, deadline=None)
@given(host=hosts, extra=noise, data=st.data())
def test_a_hostname_with_anything_inserted_is_refused_or_still_canonical(
    host: str, extra: str, data: st.DataObject
) -> None:
    """Insert a character anywhere in a valid registry hostname: parsing either refuses
    with a UsageError or yields a host made only of DNS characters that parses back to
    the same account and region (no control, Unicode or URL syntax smuggled through)."""
    position = data.draw(st.integers(0, len(host)))
    text = host[:position] + extra + host[position:]
    try:
        spec = parse_registry(text)
    except UsageError as error:
        assert error.message and "\n" not in error.message.replace("\\n", "")
        return
    assert spec.host is not None
    assert spec.host.isascii() and all(c.isalnum() or c in ".-" for c in spec.host), spec.host
    parsed = parse_ecr_host(spec.host)
    assert parsed is not None and (parsed.account_id, parsed.region) == (spec.account_id, spec.region)


@settings(deadline=None)
@given(host=hosts, flips=st.lists(st.booleans(), min_size=80, max_size=80), tail=st.text(min_size=1, max_size=30))
def test_letter_case_never_matters_and_nothing_may_follow_a_host(host: str, flips: list[bool], tail: str) -> None:
    """Docker compares hosts case-insensitively, so must we; and a valid host followed by
    anything (`.evil.example.com`, a newline, a port) is not that registry."""
    mixed = "".join(c.upper() if flip else c for c, flip in zip(host, flips, strict=False))
    assert parse_ecr_host(mixed) == parse_ecr_host(host)
    assume(not (host + tail).lower().endswith(".amazonaws.com.cn"))  # `.cn` makes another valid suffix
    assert parse_ecr_host(host + tail) is None


entries = st.one_of(accounts, hosts, st.sampled_from(list(PUBLIC_HOSTS)))
separators = st.sampled_from([",", " ", "\n", "\t", ", ", " ,\n", "  \t "])


@settings(deadline=None)
@given(items=st.lists(entries, min_size=1, max_size=30), data=st.data())
def test_registry_lists_of_ids_and_hosts_parse_back_in_order(items: list[str], data: st.DataObject) -> None:
    text = items[0] + "".join(data.draw(separators) + item for item in items[1:])
    specs = parse_registry_list(text)
    assert list(specs) == list(dict.fromkeys(parse_registry(item) for item in items))
    assert all(spec.host is None or spec.host in (item.lower() for item in items) for spec in specs)


# Profiles files from a grammar of plausible and implausible YAML values.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    accounts,
    regions,
    hosts,
    st.sampled_from(["docker", "podman", "helm", "none", "keyring", "private", "public", "us-east-1", "1"]),
)
keys = st.sampled_from(
    [
        "version",
        "defaults",
        "targets",
        "keymap",
        "name",
        "profile",
        "region",
        "role_arn",
        "type",
        "registries",
        "repositories",
        "writers",
        "id",
        "host",
        "max_attempts",
        "timeout",
        "jobs",
        "cache",
        "refresh_margin",
        "<<",
        "x",
    ]
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(document=documents, flow=st.booleans())
def test_the_profiles_loader_returns_a_file_or_a_config_error(tmp_path: Path, document: Any, flow: bool) -> None:
    """Whatever the YAML: a loaded file or a ConfigError naming the file, never another
    exception; every loaded target has a printable name."""
    path = tmp_path / "generated.yaml"
    path.write_text(yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True))
    try:
        loaded = load_profiles_file(path)
    except ConfigError as error:
        assert str(path) in error.message
        return
    for loaded_target in loaded.targets:
        assert loaded_target.name.isprintable()


# Docker config files: any JSON under keys ecrtui does not own.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text()),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(), children, max_size=4)),
    max_leaves=20,
)
other_auths = st.dictionaries(
    st.text(min_size=1).filter(lambda k: not k.endswith(".amazonaws.com") and "amazonaws.com/" not in k),
    st.one_of(json_values, st.fixed_dictionaries({"auth": st.text()})),
    max_size=5,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    unrelated=st.dictionaries(
        st.text().filter(lambda k: k not in ("auths", "credHelpers", "credsStore")), json_values, max_size=6
    ),
    auths=other_auths,
    logged_in=st.lists(accounts, min_size=1, max_size=4, unique=True),
)
def test_docker_config_round_trip_keeps_every_unrelated_key(
    tmp_path: Path, unrelated: dict[str, Any], auths: dict[str, Any], logged_in: list[str]
) -> None:
    """Write tokens into a file full of other people's keys, then erase them: the
    unrelated keys, values and auths entries are exactly as they were, at every step."""
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    original = {**unrelated, "auths": auths}
    writer = AuthFileWriter("docker", docker_config_path, {"DOCKER_CONFIG": str(folder)})
    writer.path.write_text(json.dumps(original))
    tokens = [Token(private_host(a, "us-east-1"), "AWS", f"{a}-auth-token", None, a, "us-east-1") for a in logged_in]
    writer.write(tokens)
    written = json.loads(writer.path.read_text())
    for token in tokens:
        entry = written["auths"].pop(token.host)
        assert base64.b64decode(entry["auth"]).decode() == f"AWS:{token.password}"
    assert written == original
    assert stat.S_IMODE(writer.path.stat().st_mode) == 0o600
    outcome = writer.erase([t.host for t in tokens])
    assert outcome == {t.host: None for t in tokens}
    assert json.loads(writer.path.read_text()) == original
