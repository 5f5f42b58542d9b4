"""External credential helpers are found and run the way docker runs them (issue 10,
defect 7): never from the current folder or an empty or relative PATH element, and a
helper that hangs costs one timeout for the whole run, its children killed with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.commands import run_cli
from support.environment import Env

A, B, C = "111111111111", "222222222222", "333333333333"


def run_in(env: Env, cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return run_cli(env, *args, cwd=cwd, timeout=timeout)


def plant(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / f"docker-credential-{name}"
    program.write_text(body)
    program.chmod(0o755)
    return program


def use_store(env: Env, name: str) -> None:
    env.docker_config.parent.mkdir(parents=True, exist_ok=True)
    env.docker_config.write_text(json.dumps({"credsStore": name}))


@pytest.mark.parametrize("path_prefix", [".", "", "bin", "./bin"])
def test_a_helper_planted_in_the_current_folder_is_never_run(env: Env, tmp_path: Path, path_prefix: str) -> None:
    workspace = tmp_path / "workspace"
    marker = tmp_path / "planted-helper-ran"
    script = f"#!/bin/sh\ntouch {marker}\ncat >/dev/null\n"
    plant(workspace, "x", script)
    plant(workspace / "bin", "x", script)
    env.vars["PATH"] = os.pathsep.join([path_prefix, str(Path(sys.executable).parent), "/usr/bin", "/bin", ""])
    use_store(env, "x")
    result = run_in(env, workspace, "login", "--registries", A, "--region", "us-east-1")
    assert not marker.exists(), "a helper from the current folder ran"
    assert result.returncode == 1
    assert "docker-credential-x is not on PATH" in result.stdout + result.stderr
    assert json.loads(env.docker_config.read_text()) == {"credsStore": "x"}


def test_a_helper_on_an_absolute_path_element_still_runs(env: Env, tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    received = tmp_path / "received"
    plant(tools, "rec", f"#!/bin/sh\ncat > {received}\n")
    env.vars["PATH"] = os.pathsep.join(["", ".", str(tools), "/usr/bin", "/bin"])
    use_store(env, "rec")
    result = run_in(env, tmp_path, "login", "--registries", A, "--region", "us-east-1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(received.read_text())["ServerURL"] == f"{A}.dkr.ecr.us-east-1.amazonaws.com"


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc to see the helper's child")
def test_a_hanging_helper_costs_one_timeout_and_its_children_die_with_it(env: Env, tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    pids = tmp_path / "pids"
    # The helper starts a child that would hold its pipes open, then hangs itself.
    plant(tools, "hang", f"#!/bin/sh\nsleep 300 &\necho $! >> {pids}\nsleep 300\n")
    env.vars["PATH"] = os.pathsep.join([str(tools), "/usr/bin", "/bin"])
    env.vars["ECRTUI_HELPER_TIMEOUT"] = "2"
    use_store(env, "hang")
    started = time.monotonic()
    result = run_in(env, tmp_path, "login", "--registries", f"{A},{B},{C}", "--region", "us-east-1", timeout=30)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert elapsed < 2 + 8, f"three tokens through a hanging helper took {elapsed:.1f} s"
    assert "did not answer in 2 s" in result.stdout + result.stderr
    children = [int(line) for line in pids.read_text().split()]
    assert len(children) == 1, f"the hanging helper was run {len(children)} times: one timeout must cover the run"
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children), "the helper's child outlived it"
    assert json.loads(env.docker_config.read_text()) == {"credsStore": "hang"}
