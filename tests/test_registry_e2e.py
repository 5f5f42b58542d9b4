"""End to end against a real registry: the credentials ecrtui writes open it, and logout
closes it again.

A real docker-registry (distribution) with htpasswd auth accepts user AWS with the password
moto hands out for 123456789012. A profiles-file target stores that registry's credentials
under `host: 127.0.0.1:PORT`, so `ecrtui login` fetches the token from moto and writes it
where the registry lives. skopeo, which needs no daemon, then pushes an OCI image built here
by hand (a config blob, one layer, a manifest) and lists tags, reading only what ecrtui
wrote: docker's config.json (through DOCKER_CONFIG) or podman's auth.json (--authfile).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from support.commands import run_cli
from support.environment import Env
from support.oci import write_oci_layout
from support.standins import RealRegistry, require_binary

REPOSITORY = "team/app"


class Skopeo:
    """skopeo in an environment that holds no credentials but the ones named per call."""

    def __init__(self, binary: str, env: Env, empty: Path) -> None:
        self.binary = binary
        self.base = {k: v for k, v in env.vars.items() if k not in ("DOCKER_CONFIG", "REGISTRY_AUTH_FILE")}
        # No fallback file may help: HOME, XDG_RUNTIME_DIR and ~/.config hold nothing.
        self.base.update(HOME=str(empty), XDG_RUNTIME_DIR=str(empty), XDG_CONFIG_HOME=str(empty))
        self.empty = empty

    def run(self, *args: str, docker_config: Path | None = None, authfile: Path | None = None) -> str:
        variables = dict(self.base)
        variables["DOCKER_CONFIG"] = str(docker_config.parent if docker_config else self.empty)
        extra = ["--authfile", str(authfile)] if authfile else []
        process = subprocess.run(
            [self.binary, *args[:1], *extra, *args[1:]],
            env=variables,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if process.returncode != 0:
            raise SkopeoFailed(process.stderr)
        return process.stdout

    def list_tags(self, registry: RealRegistry, **auth: Path) -> list[str]:
        output = self.run("list-tags", "--tls-verify=false", f"docker://{registry.host}/{REPOSITORY}", **auth)
        return list(json.loads(output)["Tags"])


class SkopeoFailed(Exception):
    pass


@pytest.fixture
def skopeo(env: Env, tmp_path: Path) -> Skopeo:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    return Skopeo(require_binary("skopeo"), env, empty)


def profiles_for(env: Env, registry: RealRegistry) -> Path:
    return env.write_profiles(
        "version: 1\n"
        "targets:\n"
        "  - name: local\n"
        "    region: us-east-1\n"
        "    registries:\n"
        f'      - {{id: "123456789012", host: "{registry.host}"}}\n'
    )


def login_args(config: Path) -> tuple[str, ...]:
    return ("--config", str(config), "--all", "--writer", "docker,podman")


def assert_refused(skopeo: Skopeo, registry: RealRegistry, **auth: Path) -> None:
    with pytest.raises(SkopeoFailed) as refused:
        skopeo.list_tags(registry, **auth)
    assert "unauthorized" in str(refused.value) or "authentication required" in str(refused.value)


def test_written_credentials_open_the_registry_and_logout_closes_it(
    env: Env, docker_registry: RealRegistry, skopeo: Skopeo, tmp_path: Path
) -> None:
    image = tmp_path / "image"
    write_oci_layout(image, "v1")
    # Nothing opens the registry before ecrtui writes anything.
    assert_refused(skopeo, docker_registry)

    config = profiles_for(env, docker_registry)
    login = run_cli(env, "login", *login_args(config), "--output", "json")
    assert login.returncode == 0, login.stderr
    [record] = json.loads(login.stdout)["results"]
    assert record["registry"] == docker_registry.host
    assert record["writers"] == ["docker", "podman"]

    skopeo.run(
        "copy",
        "--dest-tls-verify=false",
        f"oci:{image}:v1",
        f"docker://{docker_registry.host}/{REPOSITORY}:v1",
        docker_config=env.docker_config,
    )
    only_docker: Mapping[str, Path] = {"docker_config": env.docker_config}
    only_podman: Mapping[str, Path] = {"authfile": env.podman_auth}
    assert skopeo.list_tags(docker_registry, **only_docker) == ["v1"]
    assert skopeo.list_tags(docker_registry, **only_podman) == ["v1"]

    logout = run_cli(env, "logout", *login_args(config))
    assert logout.returncode == 0, logout.stdout + logout.stderr
    assert_refused(skopeo, docker_registry, **only_docker)
    assert_refused(skopeo, docker_registry, **only_podman)


def test_podman_credentials_alone_push(env: Env, docker_registry: RealRegistry, skopeo: Skopeo, tmp_path: Path) -> None:
    image = tmp_path / "image"
    write_oci_layout(image, "v2")
    config = profiles_for(env, docker_registry)
    login = run_cli(env, "login", "--config", str(config), "--all", "--writer", "podman")
    assert login.returncode == 0, login.stderr
    assert not env.docker_config.exists()
    skopeo.run(
        "copy",
        "--dest-tls-verify=false",
        f"oci:{image}:v2",
        f"docker://{docker_registry.host}/{REPOSITORY}:v2",
        authfile=env.podman_auth,
    )
    assert skopeo.list_tags(docker_registry, authfile=env.podman_auth) == ["v2"]
