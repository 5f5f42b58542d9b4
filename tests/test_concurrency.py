"""Many ecrtui processes writing the same credentials files at once (docs/login-engine.md,
"writes"): every entry lands, the files stay valid JSON, unrelated keys
survive, the mode is 0600, and one CI job's logout never erases what another job uses
(the shared-runner problem of the upstream Action: one job's post-step logout
removing the login of another job on the same self-hosted runner).

All runs are real `python -m ecrtui` processes against moto server. For comparison,
`python tests/support/docker_race.py` runs the same race with the docker CLI.
"""

from __future__ import annotations

import base64
import copy
import json
import random
import stat
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from support import hygiene
from support.commands import OUTSIDE, REPO, cli_command
from support.environment import Env
from support.github_files import parse_file_commands

WRITERS = "docker,podman,helm"
REGION = "us-east-1"

# Keys docker, podman and helm users really have, none of them ecrtui's business.
UNRELATED: dict[str, Any] = {
    "auths": {
        "registry.example.com": {"auth": "dXNlcjpwdw=="},
        "https://index.docker.io/v1/": {"auth": "ZG9ja2VyOmh1Yg==", "email": "dev@example.com"},
        "quay.io": {"identitytoken": "opaque-refresh-token"},
    },
    "credHelpers": {"gcr.io": "gcloud", "ecr.internal.example.com": "ecr-login"},
    "psFormat": "table {{.ID}}\t{{.Names}}",
    "HttpHeaders": {"User-Agent": "ecrtui-test"},
    "proxies": {"default": {"httpProxy": "http://proxy.example.com:3128", "noProxy": "*.internal"}},
    "plugins": {"scan": {"enabled": "false"}},
    "currentContext": "default",
    "experimental": "enabled",
    "detachKeys": "ctrl-e,e",
    "note": "ünïcödé ✓ kept as written",
    "numbers": [1, 2.5, -3, 10**20, None, True],
}


def account(index: int) -> str:
    return f"{210000000000 + index:012d}"


def host(account_id: str) -> str:
    return f"{account_id}.dkr.ecr.{REGION}.amazonaws.com"


def credential_files(env: Env) -> list[Path]:
    return [env.docker_config, env.podman_auth, env.helm_config]


def seed(env: Env) -> None:
    """Unrelated content in every file, readable by others (ecrtui must tighten it)."""
    for path in credential_files(env):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(UNRELATED, ensure_ascii=False, indent=2))
        path.chmod(0o644)


def spawn(env: Env, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*cli_command(), *args],
        env=env.vars,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=OUTSIDE,
    )


def finish(processes: Sequence[subprocess.Popen[str]], env: Env) -> list[subprocess.CompletedProcess[str]]:
    """Wait for every process; their output goes to the session's secret scan too."""
    done = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=180)
        args = [str(a) for a in process.args][3:]  # type: ignore[union-attr]
        hygiene.record("ecrtui", args, stdout, stderr, env.home)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
    return done


def login_args(*account_ids: str) -> list[str]:
    return ["login", "--registries", ",".join(account_ids), "--region", REGION, "--writer", WRITERS, "--output", "json"]


def logout_args(*account_ids: str) -> list[str]:
    return ["logout", "--registries", ",".join(account_ids), "--region", REGION, "--writer", WRITERS]


def check_file(path: Path, expected_accounts: set[str]) -> None:
    """Valid JSON, exactly the expected ECR entries with their moto passwords, every
    unrelated key as seeded, mode 0600, no temp file left behind."""
    data = json.loads(path.read_text(encoding="utf-8"))
    auths = data["auths"]
    ours = {key for key in auths if key.endswith(".amazonaws.com")}
    assert ours == {host(a) for a in expected_accounts}, path
    for account_id in expected_accounts:
        decoded = base64.b64decode(auths[host(account_id)]["auth"]).decode()
        assert decoded == f"AWS:{account_id}-auth-token"
    unrelated = copy.deepcopy(data)
    for key in ours:
        del unrelated["auths"][key]
    assert unrelated == UNRELATED, path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not list(path.parent.glob(f".{path.name}.*.tmp")), "a temp file was left behind"


def test_32_concurrent_logins_keep_every_entry(env: Env) -> None:
    seed(env)
    accounts = [account(i) for i in range(32)]
    results = finish([spawn(env, *login_args(a)) for a in accounts], env)
    for result in results:
        assert result.returncode == 0, result.stderr
        [record] = json.loads(result.stdout)["results"]
        assert record["status"] == "ok"
        assert record["writers"] == ["docker", "podman", "helm"]
    for path in credential_files(env):
        check_file(path, set(accounts))


def test_logins_and_logouts_interleaved(env: Env) -> None:
    """16 registries logged in first; then 16 logouts of those race 16 new logins."""
    seed(env)
    old = [account(i) for i in range(16)]
    new = [account(100 + i) for i in range(16)]
    [first] = finish([spawn(env, *login_args(*old))], env)
    assert first.returncode == 0, first.stderr
    jobs = [login_args(a) for a in new] + [logout_args(a) for a in old]
    random.Random(7).shuffle(jobs)
    results = finish([spawn(env, *args) for args in jobs], env)
    for args, result in zip(jobs, results, strict=True):
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    for path in credential_files(env):
        check_file(path, set(new))


_HAMMER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ecrtui.core.writers.jsonfile import update_json_file

    path, worker, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    while not go.exists():  # start together: poll the starting gun
        time.sleep(0.001)
    for round_ in range(int(sys.argv[4])):
        def add(data, key=f"w{worker}-{round_}"):
            data.setdefault("auths", {})[key] = {"auth": key}
            return True
        update_json_file(path, add)
    """
)


def test_lock_serializes_read_modify_write_under_contention(tmp_path: Path) -> None:
    """32 processes released at the same instant, 8 read-modify-writes each: without the
    lock, lost updates are all but certain; with it, all 256 keys are there."""
    path = tmp_path / "docker" / "config.json"
    go = tmp_path / "go"
    workers, rounds = 32, 8
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _HAMMER, str(path), str(w), str(go), str(rounds)], cwd=REPO, stderr=subprocess.PIPE
        )
        for w in range(workers)
    ]
    go.touch()
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
    keys = set(json.loads(path.read_text())["auths"])
    assert keys == {f"w{w}-{r}" for w in range(workers) for r in range(rounds)}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0, "the folder ecrtui creates is private"


@pytest.mark.parametrize("bad", ["not json {", '["a", "list"]'])
def test_concurrent_logins_never_overwrite_a_file_they_cannot_parse(env: Env, bad: str) -> None:
    """Eight logins at once against a broken file: every one fails naming the file, and
    the file is byte for byte what it was."""
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(bad)
    results = finish([spawn(env, *login_args(account(i))[:-4], "--writer", "docker") for i in range(8)], env)
    for result in results:
        assert result.returncode == 1
        assert str(env.docker_config) in result.stderr
    assert env.docker_config.read_text() == bad


# --- shared runners: several GitHub jobs, one config.json ------------------------------

SHARED = account(900)  # the registry every job pushes to (upstream #623)


def github_job(env: Env, index: int, *registries: str, skip_logout: bool = False) -> dict[str, str]:
    """The variables of job `index` on a shared runner: own output and state files, the
    same DOCKER_CONFIG as every other job."""
    folder = env.home / f"job-{index}"
    folder.mkdir(exist_ok=True)
    for name in ("output", "state"):  # the runner creates both before the step starts
        (folder / name).touch()
    variables = dict(env.vars)
    variables.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(folder / "output"),
            "GITHUB_STATE": str(folder / "state"),
            "AWS_REGION": REGION,
            "INPUT_REGISTRIES": ",".join(registries),
            "INPUT_MASK-PASSWORD": "true",
            "INPUT_SKIP-LOGOUT": "true" if skip_logout else "false",
            "INPUT_REGISTRY-TYPE": "private",
        }
    )
    return variables


def post_step(job: dict[str, str]) -> dict[str, str]:
    """The job's post step: its main step's state handed over as STATE_* variables."""
    state = parse_file_commands(Path(job["GITHUB_STATE"]).read_text())
    return {**job, **{f"STATE_{name}": value for name, value in state}}


def run_steps(env: Env, steps: Sequence[tuple[str, dict[str, str]]]) -> None:
    """Start every (command, variables) step at once; each must succeed."""
    processes = [
        subprocess.Popen(
            [*cli_command(), command],
            env=variables,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=OUTSIDE,
        )
        for command, variables in steps
    ]
    for (command, _), result in zip(steps, finish(processes, env), strict=True):
        assert result.returncode == 0, (command, result.stdout, result.stderr)


def ecr_entries(env: Env) -> set[str]:
    return {key for key in env.docker_auths() if key.endswith(".amazonaws.com")}


def test_one_jobs_logout_never_removes_what_other_jobs_use(env: Env) -> None:
    """Nine jobs, each logging into its own registry and a shared one. Three log out
    together while six still run; three more log out while the last three log in; those
    log out last. A registry disappears only with the last job that logged into it, and
    nothing else in the file is ever touched."""
    seed(env)
    jobs = [github_job(env, i, account(i), SHARED) for i in range(9)]

    def expect(running: range) -> None:
        assert ecr_entries(env) == {host(account(i)) for i in running} | ({host(SHARED)} if running else set())
        check_file(env.docker_config, {account(i) for i in running} | ({SHARED} if running else set()))

    run_steps(env, [("login", job) for job in jobs[:6]])
    expect(range(6))
    run_steps(env, [("logout", post_step(job)) for job in jobs[:3]])
    expect(range(3, 6))
    run_steps(env, [("logout", post_step(job)) for job in jobs[3:6]] + [("login", job) for job in jobs[6:]])
    expect(range(6, 9))
    run_steps(env, [("logout", post_step(job)) for job in jobs[6:]])
    expect(range(0))
    assert not list(env.docker_config.parent.glob("*ecrtui-leases*")), "no lease outlives its jobs"


def test_a_skip_logout_job_keeps_its_registry_through_other_jobs_logouts(env: Env) -> None:
    """skip-logout means: leave me logged in. Another job's logout of the same registry
    must not undo that (#77), while it still erases that job's own registry."""
    keeper = github_job(env, 0, SHARED, skip_logout=True)
    other = github_job(env, 1, SHARED, account(1))
    run_steps(env, [("login", keeper), ("login", other)])
    assert parse_file_commands(Path(keeper["GITHUB_STATE"]).read_text()) == []
    run_steps(env, [("logout", post_step(other))])
    assert ecr_entries(env) == {host(SHARED)}


def test_logout_by_hand_erases_whatever_jobs_hold(env: Env) -> None:
    """A person's explicit `ecrtui logout --registries` is not a job's post step: it
    erases the entry even though a job's lease is still live."""
    run_steps(env, [("login", github_job(env, 0, SHARED))])
    result = finish([spawn(env, *logout_args(SHARED)[:-2], "--writer", "docker")], env)[0]
    assert result.returncode == 0, result.stderr
    assert ecr_entries(env) == set()
