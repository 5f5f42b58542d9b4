"""`ecrtui --demo --headless`, the README's main job when there is no terminal: it must
run end to end against its embedded stand-ins on a machine with no AWS account."""

from __future__ import annotations

import os
import subprocess

from support.commands import OUTSIDE, cli_command


def test_headless_demo_logs_in_caches_and_logs_out(tmp_path: object) -> None:
    # No AWS variables at all: the demo brings its own stand-ins and throwaway HOME.
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DOCKER_", "ECRTUI_", "XDG_"))}
    result = subprocess.run(
        [*cli_command(), "--demo", "--headless"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=OUTSIDE,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    login, status = result.stdout.split("$ ecrtui status", 1)
    status, logout = status.split("$ ecrtui logout", 1)
    assert login.count("\nok ") == 8
    assert "failed  default registry (eu-central-1)" in login
    assert "aws sso login --profile sso-expired" in result.stderr
    # login returns only once every token is cached, so status sees all eight at once
    status_rows = [line for line in status.splitlines() if "amazonaws.com" in line or "public.ecr.aws" in line]
    assert len(status_rows) == 8
    assert all("expires 20" in row and "docker" in row for row in status_rows)
    # The demo's Identity Center: a device sign-in its "user" approves, then discovery.
    assert "ecrtui: signed in to demo until" in result.stderr
    discovered = status.split("$ ecrtui discover", 1)[1]
    assert discovered.count("\n1000000000") == 12 and "Admin, Developer, ReadOnly" in discovered
    assert logout.count("Logged out of ") == 8
    assert "Traceback" not in result.stdout + result.stderr
