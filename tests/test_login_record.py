"""A target with no `registries:` logs into the caller's default registry, whose host AWS
names only in its answer. Afterwards `status` and `logout` know that host from the record
of what was written (core/written.py): they never guess, never ask AWS again."""

from __future__ import annotations

import json
import stat

from support.commands import run_cli
from support.environment import Env

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"  # moto's caller account
OTHER = {"auths": {"ghcr.io": {"auth": "dXNlcjpwYXNz"}, "registry.example:5000": {"auth": "eDp5"}}}
PROFILES = """\
version: 1
defaults:
  region: us-east-1
targets:
  - name: prod
    role_arn: arn:aws:iam::123456789012:role/ecr-pull
  - name: dev
    registries: ["111111111111"]
"""


def _record(env: Env) -> dict[str, object]:
    path = env.home / ".local" / "state" / "ecrtui" / "written.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return json.loads(path.read_text())


def test_a_target_without_registries_is_logged_out_exactly(env: Env) -> None:
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps(OTHER))
    env.vars["ECRTUI_CONFIG"] = str(env.write_profiles(PROFILES))

    login = run_cli(env, "login", "--all")
    assert login.returncode == 0, login.stderr
    assert HOST in login.stdout
    hosts = _record(env)["hosts"]
    assert isinstance(hosts, dict) and hosts[HOST]["target"] == "prod"
    fields = {"target", "profile", "role_arn", "region", "type", "account", "writers", "expires_at", "written_at"}
    assert set(hosts[HOST]) == fields  # no secret has a place in it

    status = run_cli(env, "status")
    assert status.returncode == 0, status.stderr
    [prod] = [line for line in status.stdout.splitlines() if " prod " in line]
    assert prod.startswith(HOST) and "docker" in prod and "expired 2015-01-01" in prod, status.stdout  # moto's expiry
    document = json.loads(run_cli(env, "status", "--output", "json").stdout)
    [record] = [r for r in document["registries"] if r["target"] == "prod"]
    assert record["registry"] == HOST and record["written_to"] == ["docker"] and record["expires_at"]

    logout = run_cli(env, "logout", "--all")
    assert logout.returncode == 0, logout.stderr
    assert f"Logged out of {HOST}" in logout.stdout
    assert env.docker_auths() == OTHER["auths"]  # exactly the two ecrtui wrote are gone
    assert HOST not in _record(env)["hosts"]  # type: ignore[operator]

    again = run_cli(env, "logout", "--target", "prod")
    assert again.returncode == 0, again.stderr
    assert "target prod: no login recorded, so its host is unknown and nothing was erased" in again.stdout


def test_a_bare_headless_login_is_logged_out_by_a_bare_logout(env: Env) -> None:
    env.vars["AWS_REGION"] = "us-east-1"
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps(OTHER))
    login = run_cli(env, "--headless")
    assert login.returncode == 0, login.stderr
    assert set(env.docker_auths()) == {*OTHER["auths"], HOST}

    status = run_cli(env, "status")
    assert status.stdout.splitlines()[1].startswith(HOST), status.stdout

    logout = run_cli(env, "logout")
    assert logout.returncode == 0, logout.stderr
    assert logout.stdout == f"Logged out of {HOST}\n"
    assert env.docker_auths() == OTHER["auths"]
