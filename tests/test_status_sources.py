"""`ecrtui status` says where each host's credentials come from, also when a credential
helper serves them (it said `-` for hosts in credHelpers/credsStore)."""

from __future__ import annotations

import json

from support.commands import run_cli
from support.credential_helper import HOST
from support.environment import Env

from ecrtui.tui.services import Services


def status_cell(env: Env) -> str:
    result = run_cli(env, "status", "--region", "us-east-1", "--registries", "123456789012")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()[:2]
    start = header.index("CREDENTIALS IN")
    return row[start : header.index("TOKEN")].strip()


def write_config(env: Env, data: dict[str, object]) -> None:
    env.docker_config.parent.mkdir(parents=True, exist_ok=True)
    env.docker_config.write_text(json.dumps(data))


def test_each_source_of_credentials_is_named(env: Env) -> None:
    assert status_cell(env) == "-"
    write_config(env, {"credHelpers": {HOST: "ecrtui"}})
    assert status_cell(env) == "docker: keyring via docker-credential-ecrtui"
    write_config(env, {"credHelpers": {HOST: "ecr-login"}})
    assert status_cell(env) == "docker: docker-credential-ecr-login (credHelpers)"
    write_config(env, {"credsStore": "desktop", "auths": {HOST: {}}})
    assert status_cell(env) == "docker: docker-credential-desktop (credsStore)"
    write_config(env, {"credsStore": "desktop"})
    assert status_cell(env) == "-", "a store holds only the hosts docker logged into"
    write_config(env, {"auths": {HOST: {"auth": "QVdTOnB3"}}})
    assert status_cell(env) == "docker"
    document = json.loads(
        run_cli(env, "status", "--region", "us-east-1", "--registries", "123456789012", "--output", "json").stdout
    )
    [record] = document["registries"]
    assert record["credentials_in"] == ["docker"] and record["written_to"] == ["docker"]


def test_a_cached_host_no_plan_names_is_listed_in_text_and_json(env: Env) -> None:
    """A host in the token cache that the selection does not name still gets its row (the
    text table broke on it: such a record has no `credentials_in`)."""
    from support.credential_helper import use_file_keyring

    use_file_keyring(env)
    login = run_cli(env, "login", "--region", "us-east-1", "--registries", "123456789012")
    assert login.returncode == 0, login.stderr
    other = ("status", "--region", "us-east-1", "--registries", "444444444444")
    text = run_cli(env, *other)
    assert text.returncode == 0, text.stderr
    [row] = [line for line in text.stdout.splitlines() if line.startswith(HOST)]
    assert row.split()[1:5] == ["default", "-", "us-east-1", "-"], row  # its target; files are not read for it
    assert row.endswith("expired 2015-01-01 00:00 UTC"), row  # moto's expiry, from the cache
    records = json.loads(run_cli(env, *other, "--output", "json").stdout)["registries"]
    [unplanned] = [r for r in records if r["registry"] == HOST]
    assert unplanned["cached"] is True and "credentials_in" not in unplanned


def test_a_malformed_credentials_file_holds_nothing_and_status_goes_on(env: Env) -> None:
    """`status` (and the app's cached state, the same use case) reads a file it cannot
    parse as holding nothing, as logout does, instead of stopping on it."""
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text("{not json")
    assert status_cell(env) == "-"
    result = run_cli(env, "status", "--region", "us-east-1", "--registries", "123456789012", "--output", "json")
    assert result.returncode == 0, result.stderr
    [record] = json.loads(result.stdout)["registries"]
    assert record["written_to"] == [], record
    profiles = "version: 1\ntargets:\n  - name: t\n    region: us-east-1\n    registries: ['123456789012']\n"
    services = Services({**env.vars, "ECRTUI_CONFIG": str(env.write_profiles(profiles))})
    states, _ = services.cached_state(services.load_inventory().registries)
    assert states == {}  # nothing cached, nothing held: and no WriterError
