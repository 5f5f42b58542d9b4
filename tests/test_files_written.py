"""SECURITY.md's table of what ecrtui stores is complete and true: a tour of the commands
(login with every writer, GitHub mode with leases, the credential helper with its log
rotated, `helper install`, logout, doctor) under umask 0 creates only files the table
names, each 0600 in folders of 0700 (the keyring's own file aside: it is the keyring's)."""

from __future__ import annotations

import json
import re
import stat
import subprocess
from pathlib import Path

from support.commands import REPO, run_cli
from support.credential_helper import FILE_BACKEND, HOST
from support.doctor import json_checks
from support.environment import Env

SECURITY = (REPO / "SECURITY.md").read_text()
seen: dict[Path, int] = {}
# The files written under a lock of their own beside them (`.<file>.lock`).
CREDENTIAL_FILES = ("config.json", "auth.json", "registry.json", "helper-install.json", "written.json")


def run(env: Env, *args: str, program: str = "ecrtui", stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command under umask 0 (which would make anything world-writable); then note
    every file it left, with its mode at that moment (logout removes some again)."""
    completed = run_cli(env, *args, stdin=stdin, program=program, umask=0)
    for path in env.home.rglob("*"):
        if path.exists():
            seen.setdefault(path, stat.S_IMODE(path.stat().st_mode))
    return completed


def documented_as(name: str) -> str:
    """How the table names a file: `.<file>.lock` for the lock beside config.json..."""
    for suffix in (".lock", ".ecrtui-leases"):
        inner = name[1:].removesuffix(suffix) if name.startswith(".") else ""
        if name.endswith(suffix) and inner in CREDENTIAL_FILES:
            return f"`.<file>{suffix}`"
    if re.fullmatch(r"[\w.-]+-[0-9a-f]{12}\.lock", name):
        return "refresh/<host>-<hash>.lock"  # the helper's per-host refresh lock
    chosen = {"auth.json": "$REGISTRY_AUTH_FILE", "registry.json": "$HELM_REGISTRY_CONFIG"}  # this test's names
    return f"`{chosen.get(name, name)}`" if f"`{chosen.get(name, name)}`" in SECURITY else name


def test_every_file_ecrtui_writes_is_in_the_security_table(env: Env, tmp_path: Path) -> None:
    state = env.home / "state"
    env.vars.update(
        PYTHON_KEYRING_BACKEND=FILE_BACKEND,
        XDG_STATE_HOME=str(state),
        DOCKER_CONFIG=str(env.home / "a" / "docker"),
        REGISTRY_AUTH_FILE=str(env.home / "b" / "auth.json"),
        HELM_REGISTRY_CONFIG=str(env.home / "c" / "registry.json"),
        AWS_REGION="us-east-1",
    )
    before = set(env.home.rglob("*"))
    login = run(env, "login", "--registries", "123456789012", "--writer", "docker,podman,helm")
    assert login.returncode == 0, login.stderr
    (tmp_path / "output").touch()
    (tmp_path / "state").touch()
    github = dict(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(tmp_path / "output"), GITHUB_STATE=str(tmp_path / "state"))
    job = run(Env({**env.vars, **github}, env.home), "login", "--registries", "123456789012")
    assert job.returncode == 0, job.stdout + job.stderr
    # The helper's log, rotated: a log past 1 MiB moves aside before the next line.
    (state / "ecrtui").mkdir(parents=True, exist_ok=True, mode=0o700)
    (state / "ecrtui" / "helper.log").write_text("x" * (1024 * 1024 + 1))
    (state / "ecrtui" / "helper.log").chmod(0o600)
    failing = Env({**env.vars, "AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:9"}, env.home)
    run(failing, "get", program="docker-credential-ecrtui", stdin="999999999999.dkr.ecr.us-east-1.amazonaws.com")
    assert (state / "ecrtui" / "helper.log.1").exists()
    # helper install takes over a credHelpers entry and remembers it for uninstall.
    config = Path(env.vars["DOCKER_CONFIG"]) / "config.json"
    data = json.loads(config.read_text())
    data["credHelpers"] = {HOST: "desktop"}
    config.write_text(json.dumps(data))
    install = run(env, "helper", "install", "--registries", "123456789012")
    assert install.returncode == 0, install.stderr
    assert run(env, "logout", "--registries", "123456789012", "--writer", "docker,podman,helm").returncode == 0
    doctor = run(env, "doctor", "--output", "json")
    [keyring] = json_checks(json.loads(doctor.stdout), "local.keyring")
    assert keyring["status"] == "warn" and "unencrypted" in keyring["finding"], "doctor warns of a plaintext keyring"

    created = set(seen) - before
    names = {p.name for p in created if not p.is_dir()}
    assert {"config.json", "auth.json", "registry.json", "cache.lock", "helper.log", "helper.log.1"} <= names
    assert {"helper-install.json", ".helper-install.json.lock", ".config.json.ecrtui-leases"} <= names
    undocumented = sorted(
        {p.name for p in created if not p.is_dir() and "python_keyring" not in p.parts}
        - {n for n in names if documented_as(n) in SECURITY}
    )
    assert not undocumented, f"SECURITY.md's table misses {undocumented}"
    assert not [p for p in created if re.search(r"\.tmp$", p.name)], "a temp file outlived its write"
    for path in created:
        if "python_keyring" in path.parts:
            continue  # the keyring's own file: its protection is the keyring's
        assert seen[path] == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(seen[path])}"
