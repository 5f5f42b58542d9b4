"""The podman writer follows the containers tools' rules, not docker's: podman, skopeo and
buildah read `auths` and `credHelpers` and have no `credsStore`, so a token handed to the
file's credsStore would be lost to them. Checked with skopeo against a real registry."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support.commands import run_cli
from support.environment import Env
from support.standins import RealRegistry, require_binary


def profiles_for(env: Env, registry: RealRegistry) -> Path:
    return env.write_profiles(
        "version: 1\ntargets:\n  - name: local\n    region: us-east-1\n    registries:\n"
        f'      - {{id: "123456789012", host: "{registry.host}"}}\n'
    )


def list_tags(env: Env, registry: RealRegistry, authfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            require_binary("skopeo"),
            "list-tags",
            "--tls-verify=false",
            "--authfile",
            str(authfile),
            f"docker://{registry.host}/team/app",
        ],
        env=env.vars,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def opened(result: subprocess.CompletedProcess[str]) -> bool:
    """skopeo got past authentication (the repository itself does not exist)."""
    return "unauthorized" not in result.stderr and "authentication required" not in result.stderr


@pytest.fixture
def pass_store(env: Env, tmp_path: Path) -> Path:
    """A throwaway `pass` store with its own GnuPG key, for docker-credential-pass."""
    require_binary("docker-credential-pass")
    require_binary("pass")
    gpg = require_binary("gpg")
    gnupg = tmp_path / "gnupg"
    gnupg.mkdir(mode=0o700)
    store = tmp_path / "password-store"
    env.vars.update(GNUPGHOME=str(gnupg), PASSWORD_STORE_DIR=str(store))
    key = "ecrtui-test@example.invalid"
    subprocess.run(
        [gpg, "--batch", "--passphrase", "", "--quick-gen-key", key, "default", "default", "never"],
        env=env.vars,
        capture_output=True,
        check=True,
        timeout=120,
    )
    subprocess.run(["pass", "init", key], env=env.vars, capture_output=True, check=True, timeout=60)
    return store


def test_with_creds_store_in_auth_json_the_podman_writer_still_writes_auths(
    env: Env, docker_registry: RealRegistry
) -> None:
    env.podman_auth.parent.mkdir(parents=True)
    env.podman_auth.write_text(json.dumps({"credsStore": "desktop"}))  # as a docker config copied over
    assert not opened(list_tags(env, docker_registry, env.podman_auth))

    login = run_cli(env, "login", "--config", str(profiles_for(env, docker_registry)), "--all", "--writer", "podman")
    assert login.returncode == 0, login.stderr
    data = json.loads(env.podman_auth.read_text())
    assert data["credsStore"] == "desktop", "another tool's key is kept"
    assert data["auths"][docker_registry.host]["auth"], "the token is where podman reads it"
    listed = list_tags(env, docker_registry, env.podman_auth)
    assert opened(listed), listed.stderr

    logout = run_cli(env, "logout", "--config", str(profiles_for(env, docker_registry)), "--all", "--writer", "podman")
    assert logout.returncode == 0, logout.stdout + logout.stderr
    assert not opened(list_tags(env, docker_registry, env.podman_auth))


def test_docker_config_as_registry_auth_file_keeps_the_password_from_dockers_helper(
    env: Env, docker_registry: RealRegistry, pass_store: Path
) -> None:
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credsStore": "pass"}))
    env.vars["REGISTRY_AUTH_FILE"] = str(env.docker_config)

    login = run_cli(env, "login", "--config", str(profiles_for(env, docker_registry)), "--all", "--writer", "podman")
    assert login.returncode == 0, login.stderr
    in_store = subprocess.run(
        ["docker-credential-pass", "list"], env=env.vars, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(in_store.stdout) == {}, "podman cannot read docker's helper: nothing goes there"
    listed = list_tags(env, docker_registry, env.docker_config)
    assert opened(listed), listed.stderr


def test_the_docker_writer_still_honours_creds_store(env: Env, docker_registry: RealRegistry, pass_store: Path) -> None:
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credsStore": "pass"}))
    login = run_cli(env, "login", "--config", str(profiles_for(env, docker_registry)), "--all", "--writer", "docker")
    assert login.returncode == 0, login.stderr
    in_store = subprocess.run(
        ["docker-credential-pass", "list"], env=env.vars, capture_output=True, text=True, timeout=60, check=True
    )
    assert docker_registry.host in json.loads(in_store.stdout)
    assert env.docker_auths() == {docker_registry.host: {}}, "docker's placeholder, no password in the file"
