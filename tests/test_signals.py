"""SIGTERM and SIGINT while `ecrtui login` replaces config.json (issue 10, defect 9): the
temp file that holds the tokens is removed, and the file is the old one or the new one.

The write is made long (a config.json with 24 MB of other keys, which ecrtui keeps) so
that the signal, sent as soon as the temp file appears, lands inside it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from support import hygiene
from support.commands import OUTSIDE, cli_command
from support.environment import Env

FILLER = 24 * 1024 * 1024
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def temp_files(env: Env) -> list[str]:
    return [p.name for p in env.docker_config.parent.glob(".config.json.*.tmp")]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_write_removes_the_temp_file(env: Env, signum: signal.Signals) -> None:
    env.docker_config.parent.mkdir(parents=True)
    original = json.dumps({"unrelated": "x" * FILLER, "auths": {}})
    env.docker_config.write_text(original)
    landed = 0
    for _ in range(8):
        process = subprocess.Popen(
            [*cli_command(), "login", "--registries", "123456789012", "--region", "us-east-1"],
            env=env.vars,
            cwd=OUTSIDE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not temp_files(env) and process.poll() is None:  # poll for the write in progress
            assert time.monotonic() < deadline, "the login never started its write"
        in_write = bool(temp_files(env))
        if in_write:
            os.kill(process.pid, signum)
        stdout, stderr = process.communicate(timeout=30)
        hygiene.record("ecrtui", ["login"], stdout, stderr, env.home)
        assert not temp_files(env), f"a temp file holding tokens outlived {signum.name}"
        data = json.loads(env.docker_config.read_text())  # the old file or the new one, never torn
        assert data["unrelated"] == "x" * FILLER
        assert set(data["auths"]) <= {HOST}
        landed += in_write and process.returncode != 0
        env.docker_config.write_text(original)
        if landed >= 2:
            break
    assert landed >= 1, "no signal landed inside a write: the test did not test anything"
