"""Helpers of the IAM Identity Center tests: the stand-in's control calls over HTTP, where
the token cache lives, and a runner for `ecrtui sso login` that plays the user at the
browser: it reads the code the command printed and approves (or denies) it through the
stand-in's control call. The fixtures are in sso_fixtures.py.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from ecrtui.demo.standins.identity_center import IdentityCenterStandin
from support import hygiene
from support.commands import OUTSIDE, cli_command, starts_command
from support.environment import Env

START_URL = "https://corp.awsapps.com/start"
SSO_REGION = "eu-west-1"
SESSION_CONFIG = f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = {SSO_REGION}\n"


def control(server: IdentityCenterStandin, path: str, body: dict[str, Any] | None = None) -> Any:
    """A test-only control call, over HTTP as an outside process would make it."""
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(f"{server.url}/_standin/{path}", data=data, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def calls(server: IdentityCenterStandin) -> list[str]:
    with urllib.request.urlopen(f"{server.url}/_standin/calls", timeout=10) as answer:
        return list(json.loads(answer.read()))


def token_file(env: Env, key: str = "corp") -> Path:
    return env.home / ".aws" / "sso" / "cache" / f"{hashlib.sha1(key.encode()).hexdigest()}.json"


@starts_command
def sign_in(
    env: Env, server: IdentityCenterStandin, *args: str, user: str = "approve", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `ecrtui sso login ARGS`; once it prints a code, the user `approve`s or `deny`s
    it (or, `ignore`, lets it expire; `revoke-clients`: the operator revokes the registration). The run is recorded for the secret scan."""
    command = [*cli_command(), "sso", "login", *args]
    process = subprocess.Popen(
        command, env=env.vars, cwd=OUTSIDE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None and process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        for line in process.stderr:
            lines.append(line)
            if line.strip().startswith("code:"):
                code = line.split(":", 1)[1].strip()
                if user == "ignore":
                    control(server, "expire-devices")
                elif user == "revoke-clients":
                    control(server, "revoke-clients")
                else:
                    assert control(server, user, {"user_code": code}) == {"changed": 1}
            if time.monotonic() > deadline:
                break
        stdout = process.stdout.read()
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = "".join(lines)
    hygiene.record("ecrtui", ["sso", "login", *args], stdout, stderr, env.home)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def squeezed(names: list[str]) -> list[str]:
    """The call log with repeats in a row collapsed: how many pending polls a sign-in
    makes depends on when the user approves."""
    return [name for i, name in enumerate(names) if i == 0 or names[i - 1] != name]
