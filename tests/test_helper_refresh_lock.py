"""24 parallel first `get`s of one host (a `docker compose pull`, a build with many stages)
make one AWS call: one refresh per host at a time across processes, the others wait and
read the cache. Run as real processes against the ECR stand-in, which counts each call."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

from support.commands import OUTSIDE, cli_command
from support.credential_helper import HOST, file_cache, standin_calls, use_ecr_standin, use_file_keyring
from support.environment import Env

from ecrtui.core.refresh import refresh_lock_path
from ecrtui.demo.standins.ecr_public import EcrPublicStandin

PARALLEL = 24


def start_get(env: Env, server_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*cli_command("docker-credential-ecrtui"), "get"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env.vars,
        cwd=OUTSIDE,
    )


def test_parallel_first_gets_of_one_host_make_one_aws_call(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    processes = [start_get(env, HOST) for _ in range(PARALLEL)]

    def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
        stdout, stderr = process.communicate(HOST, timeout=180)
        return process.returncode, stdout, stderr

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(finish, processes))
    for code, stdout, stderr in results:
        assert code == 0, (stdout, stderr)
        assert json.loads(stdout) == {"ServerURL": HOST, "Username": "AWS", "Secret": "123456789012-auth-token"}
    assert standin_calls(ecr_public) == 1, "one refresh for the host; the others read the cache"
    entry = file_cache(env).get(HOST)
    assert entry is not None and entry.source == "helper"


def test_the_lock_file_name_is_safe_and_distinct_per_host(tmp_path: object) -> None:
    from pathlib import Path

    state = Path(str(tmp_path))
    a = refresh_lock_path(state, "127.0.0.1:5000")
    b = refresh_lock_path(state, "127.0.0.1_5000")
    assert a != b and ":" not in a.name and a.parent == state / "refresh"
    assert refresh_lock_path(state, "../../etc/passwd").parent == state / "refresh"
