"""Helpers shared by the token-cache and credential-helper tests: keyrings chosen the
standard way (PYTHON_KEYRING_BACKEND, or a Secret Service's DBUS_SESSION_BUS_ADDRESS),
ECR tokens with a real 12-hour expiry from our stand-in (AWS_ENDPOINT_URL_ECR), which counts
every call (moto's tokens all expired in 2015), and the helper run as docker runs it.
The fixtures are in keyring_fixtures.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request

from ecrtui.core.cache.store import TokenCache
from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from support.commands import cli_bin, run_cli, starts_command
from support.environment import Env
from support.gnome_keyring import SecretServiceSession

FILE_BACKEND = "keyrings.alt.file.PlaintextKeyring"
NO_BACKEND = "keyring.backends.fail.Keyring"
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
VENV_BIN = cli_bin()


def use_file_keyring(env: Env) -> None:
    env.vars["PYTHON_KEYRING_BACKEND"] = FILE_BACKEND
    add_venv_to_path(env)


def use_secret_service(env: Env, session: SecretServiceSession) -> None:
    env.vars.pop("PYTHON_KEYRING_BACKEND", None)
    env.vars.update(session.environ)
    add_venv_to_path(env)


def add_venv_to_path(env: Env) -> None:
    """docker, skopeo and podman find docker-credential-ecrtui on PATH."""
    path = env.vars.get("PATH", "")
    if VENV_BIN not in path.split(os.pathsep):
        env.vars["PATH"] = os.pathsep.join([VENV_BIN, path]) if path else VENV_BIN


def use_ecr_standin(env: Env, standin: EcrPublicStandin) -> None:
    """ECR GetAuthorizationToken from the stand-in: tokens valid for 12 hours, calls counted."""
    env.vars["AWS_ENDPOINT_URL_ECR"] = standin.url


def standin_calls(standin: EcrPublicStandin) -> int:
    with urllib.request.urlopen(f"{standin.url}/_standin/calls", timeout=10) as response:
        return len(json.loads(response.read()))


def set_mode(standin: EcrPublicStandin, mode: str) -> None:
    request = urllib.request.Request(
        f"{standin.url}/_standin/mode", data=json.dumps({"mode": mode}).encode(), method="POST"
    )
    urllib.request.urlopen(request, timeout=10).read()


def file_cache(env: Env) -> TokenCache:
    """The cache the subprocesses of `env` use, opened in this process (same file)."""
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(env.home / ".local" / "share" / "python_keyring" / "keyring_pass.cfg")
    return TokenCache(backend)


@starts_command
def helper(env: Env, action: str, stdin: str = "", *python_flags: str) -> subprocess.CompletedProcess[str]:
    """Run `docker-credential-ecrtui ACTION` as docker does (python flags such as
    `-X importtime` go to its interpreter). Its output is scanned for leaked secrets at the
    end of the session like every run's (only a successful get's stdout may hold one: that
    is the protocol)."""
    return run_cli(env, action, stdin=stdin, program="docker-credential-ecrtui", python_flags=python_flags)


def helper_log(env: Env) -> str:
    path = env.home / ".local" / "state" / "ecrtui" / "helper.log"
    return path.read_text() if path.exists() else ""
