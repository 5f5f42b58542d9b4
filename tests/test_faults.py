"""Faults between ecrtui and AWS, injected by a real proxy in front of moto server
(tests/support/faultproxy.py): HTTP 500s, throttling, connection resets, stalls past
`--timeout`, a dead HTTP proxy, an endpoint whose name does not resolve; and a writer
killed with SIGKILL in the middle of replacing config.json.

Every login run covers four private registries in four regions (four parallel
GetAuthorizationToken calls) plus ECR Public. The fault hits one region's calls only; the
proxy counts them, so each test proves the call was made exactly `--max-attempts` times
(with botocore's standard-mode backoff in between) where retrying makes sense, and once
where it does not. The failing registry is reported with a reason, every other one is
logged in, the exit code is 1, and no file holds half of anything.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.commands import OUTSIDE, REPO, cli_command, run_cli
from support.environment import Env
from support.faultproxy import Fault, FaultProxy

from ecrtui.demo.standins.ports import free_port

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
BROKEN = "us-west-2"  # the region whose calls the proxy breaks
ACCOUNT = "123456789012"
PUBLIC = "public.ecr.aws"
UNRELATED = {"auths": {"registry.example.com": {"auth": "dXNlcjpwdw=="}}, "psFormat": "table {{.ID}}"}


def host(region: str) -> str:
    return f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com"


@pytest.fixture
def proxy(moto: str) -> Iterator[FaultProxy]:
    with FaultProxy(moto) as running:
        yield running


@pytest.fixture
def faulty(env: Env, proxy: FaultProxy) -> Env:
    """The environment with private ECR behind the fault proxy, a profiles file of four
    private targets and a public one, and credentials files with unrelated content."""
    env.vars["AWS_ENDPOINT_URL_ECR"] = proxy.url
    lines = ["version: 1", "targets:"]
    for region in REGIONS:
        lines += [f"  - name: {region}", f"    region: {region}", f"    registries: ['{ACCOUNT}']"]
    lines += ["  - name: public", "    type: public", "defaults:", "  writers: [docker, podman]"]
    env.write_profiles("\n".join(lines) + "\n")
    for path in (env.docker_config, env.podman_auth):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(UNRELATED))
    return env


def login(env: Env, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, dict[str, Any]]]:
    """`ecrtui login --all` with JSON output; the results by registry host."""
    started = time.monotonic()
    result = run_cli(env, "login", "--config", str(env.home / "profiles.yaml"), "--all", "--output", "json", *args)
    assert time.monotonic() - started < 45, "a fault must never hang a run"
    assert "Traceback" not in result.stderr, result.stderr
    records = {r["registry"]: r for r in json.loads(result.stdout)["results"]}
    return result, records


def check_files(env: Env, logged_in: set[str]) -> None:
    """Both files: valid JSON, exactly `logged_in` plus the unrelated entry, 0600."""
    for path in (env.docker_config, env.podman_auth):
        data = json.loads(path.read_text())
        assert set(data["auths"]) == logged_in | {"registry.example.com"}, path
        assert data["psFormat"] == UNRELATED["psFormat"]
        for key in logged_in - {PUBLIC}:
            assert base64.b64decode(data["auths"][key]["auth"]).decode() == f"AWS:{ACCOUNT}-auth-token"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not list(path.parent.glob(f".{path.name}.*.tmp"))


def expect_one_failure(
    env: Env, result: subprocess.CompletedProcess[str], records: dict[str, dict[str, Any]], reason: str
) -> str:
    """BROKEN's registry failed with `reason`, named on stderr too; all others logged in."""
    assert result.returncode == 1, result.stderr
    failed = records[host(BROKEN)]
    assert failed["status"] == "failed"
    assert reason in failed["error"], failed["error"]
    assert f"error: {host(BROKEN)}: " in result.stderr
    others = {host(r) for r in REGIONS if r != BROKEN} | {PUBLIC}
    assert {h for h, r in records.items() if r["status"] == "ok"} == others
    check_files(env, others)
    return str(failed["error"])


RETRIED = [
    pytest.param(Fault.error(500), "InternalFailure: injected failure (after 3 attempts)", id="http-500"),
    pytest.param(
        Fault.error(503, "ServiceUnavailable", "slow down"),
        "ServiceUnavailable: slow down (after 3 attempts)",
        id="http-503",
    ),
    pytest.param(Fault.throttle(), "AWS throttled the request after 3 attempts", id="throttling"),
    pytest.param(Fault.reset(), "was closed before AWS answered (3 attempts)", id="connection-reset"),
]


@pytest.mark.parametrize(("fault", "reason"), RETRIED)
def test_a_failing_region_is_retried_then_reported(faulty: Env, proxy: FaultProxy, fault: Fault, reason: str) -> None:
    rule = proxy.inject(fault, always=True, region=BROKEN)
    result, records = login(faulty, "--max-attempts", "3")
    expect_one_failure(faulty, result, records, reason)
    assert rule.hits == 3, "one call, retried up to --max-attempts"
    for region in REGIONS:
        if region != BROKEN:
            assert proxy.count(region=region) == 1


@pytest.mark.parametrize(("fault", "reason"), RETRIED)
def test_a_transient_fault_is_survived_by_retrying(faulty: Env, proxy: FaultProxy, fault: Fault, reason: str) -> None:
    """Two faults, then the call goes through: the third attempt logs in."""
    rule = proxy.inject(fault, fault, region=BROKEN)
    result, records = login(faulty, "--max-attempts", "3")
    assert result.returncode == 0, result.stderr
    assert all(r["status"] == "ok" for r in records.values())
    assert rule.hits == 3
    check_files(faulty, {host(r) for r in REGIONS} | {PUBLIC})


def test_max_attempts_is_the_number_of_calls(faulty: Env, proxy: FaultProxy) -> None:
    rule = proxy.inject(Fault.error(500), always=True, region=BROKEN)
    result, records = login(faulty, "--max-attempts", "5")
    expect_one_failure(faulty, result, records, "InternalFailure: injected failure (after 5 attempts)")
    assert rule.hits == 5


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        pytest.param(
            Fault.error(
                400, "AccessDeniedException", "User: x is not authorized to perform: ecr:GetAuthorizationToken"
            ),
            "access denied: the caller may not call ecr:GetAuthorizationToken",
            id="access-denied",
        ),
        pytest.param(
            Fault.error(400, "InvalidParameterException", "Invalid parameter at 'registryIds'"),
            "registryIds",
            id="invalid-parameter",
        ),
        pytest.param(
            Fault.reply(200, b"<html>captive portal</html>", "text/html"),
            "Amazon ECR authorization token returned no data",
            id="not-json",
        ),
        pytest.param(Fault.reply(200, {"authorizationData": "nope"}), "authorization token is invalid", id="bad-shape"),
    ],
)
def test_a_fault_retrying_cannot_fix_is_tried_once(faulty: Env, proxy: FaultProxy, fault: Fault, reason: str) -> None:
    rule = proxy.inject(fault, always=True, region=BROKEN)
    result, records = login(faulty, "--max-attempts", "4")
    expect_one_failure(faulty, result, records, reason)
    assert rule.hits == 1, "retrying a refusal or a malformed answer only wastes time"


def test_a_stall_past_the_timeout(faulty: Env, proxy: FaultProxy) -> None:
    """The proxy accepts the call and says nothing for 30 s; `--timeout 1` gives up on each
    attempt after a second, the run ends in a few seconds, the other regions are fine."""
    rule = proxy.inject(Fault.stall(30), always=True, region=BROKEN)
    started = time.monotonic()
    result, records = login(faulty, "--max-attempts", "2", "--timeout", "1")
    elapsed = time.monotonic() - started
    expect_one_failure(faulty, result, records, "timed out after 1 s (2 attempts)")
    assert rule.hits == 2
    assert elapsed < 12, f"a stalled call must not hold the run ({elapsed:.1f} s)"


def test_latency_below_the_timeout_is_no_fault(faulty: Env, proxy: FaultProxy) -> None:
    rule = proxy.inject(Fault.latency(0.5), always=True, region=BROKEN)
    result, records = login(faulty, "--max-attempts", "1", "--timeout", "5")
    assert result.returncode == 0, result.stderr
    assert rule.hits == 1
    assert records[host(BROKEN)]["status"] == "ok"


def test_every_fault_at_once(faulty: Env, proxy: FaultProxy) -> None:
    """Each region breaks in its own way at the same time; only ECR Public gets through."""
    proxy.inject(Fault.error(500), always=True, region="us-east-1")
    proxy.inject(Fault.throttle(), always=True, region="us-west-2")
    proxy.inject(Fault.reset(), always=True, region="eu-west-1")
    proxy.inject(Fault.stall(30), always=True, region="ap-southeast-2")
    result, records = login(faulty, "--max-attempts", "2", "--timeout", "1")
    assert result.returncode == 1
    assert {h for h, r in records.items() if r["status"] == "ok"} == {PUBLIC}
    reasons = {region: records[host(region)]["error"] for region in REGIONS}
    assert "InternalFailure" in reasons["us-east-1"]
    assert "throttled" in reasons["us-west-2"]
    assert "was closed before AWS answered" in reasons["eu-west-1"]
    assert "timed out" in reasons["ap-southeast-2"]
    for region in REGIONS:
        assert proxy.count(region=region) == 2
    check_files(faulty, {PUBLIC})


def test_a_dead_http_proxy_fails_only_what_goes_through_it(faulty: Env) -> None:
    """Private ECR goes through a proxy nobody listens on; ECR Public is in NO_PROXY."""
    port = free_port()
    public_endpoint = faulty.vars["AWS_ENDPOINT_URL_ECR_PUBLIC"].removeprefix("http://")
    faulty.vars["HTTP_PROXY"] = f"http://ops:dead-proxy-secret@127.0.0.1:{port}"
    faulty.vars["NO_PROXY"] = public_endpoint
    result, records = login(faulty, "--max-attempts", "2", "--timeout", "2")
    assert result.returncode == 1
    assert records[PUBLIC]["status"] == "ok"
    for region in REGIONS:
        assert records[host(region)]["error"].startswith(f"cannot connect to the proxy http://***@127.0.0.1:{port}")
    assert "dead-proxy-secret" not in result.stdout + result.stderr
    check_files(faulty, {PUBLIC})


def test_an_endpoint_that_does_not_resolve(faulty: Env) -> None:
    """`.invalid` never resolves (RFC 6761): private ECR fails with the name it tried,
    ECR Public, on another endpoint, logs in."""
    faulty.vars["AWS_ENDPOINT_URL_ECR"] = "http://ecr.ecrtui-test.invalid"
    result, records = login(faulty, "--max-attempts", "2")
    assert result.returncode == 1
    assert records[PUBLIC]["status"] == "ok"
    for region in REGIONS:
        error = records[host(region)]["error"]
        assert error.startswith(
            "cannot reach http://ecr.ecrtui-test.invalid/: the name ecr.ecrtui-test.invalid does not resolve (DNS)"
        ), error
    check_files(faulty, {PUBLIC})


def test_the_proxy_is_out_of_the_way_when_no_fault_is_set(faulty: Env, proxy: FaultProxy) -> None:
    result, _ = login(faulty)
    assert result.returncode == 0, result.stderr
    assert proxy.count() == len(REGIONS)
    assert {s.target for s in proxy.seen} == {"AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"}


# --- SIGKILL in the middle of a write ---------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ecrtui.core.writers.jsonfile import update_json_file

    path, size = Path(sys.argv[1]), int(sys.argv[2])
    sequence = 0
    while True:  # until killed: each version is complete and says how big it is
        sequence += 1
        def mutate(data, n=sequence):
            data["seq"] = n
            data["filler"] = str(n % 10) * (size + n % 7)
            return True
        update_json_file(path, mutate)
    """
)


def _complete(path: Path) -> int:
    """The sequence number of the version in the file; fails on anything torn."""
    data = json.loads(path.read_text())
    sequence = data["seq"]
    assert data["filler"] == str(sequence % 10) * (data["size"] + sequence % 7)
    assert data["unrelated"] == UNRELATED
    return int(sequence)


def test_sigkill_mid_write_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    """A writer replacing a 2 MB config.json in a loop is killed (SIGKILL: no cleanup runs)
    as soon as its temp file appears, 12 times: every time the file is one complete
    version, and the next writer finds the lock free and the killed one's temp gone."""
    from ecrtui.core.writers.jsonfile import update_json_file

    path = tmp_path / "docker" / "config.json"
    size = 2 * 1024 * 1024
    path.parent.mkdir()
    path.write_text(json.dumps({"seq": 0, "size": size, "filler": "0" * size, "unrelated": UNRELATED}))
    mid_write = 0
    last = 0
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(size)], cwd=REPO)
        try:
            deadline = time.monotonic() + 20
            while not list(path.parent.glob(".config.json.*.tmp")):  # poll for the write in progress
                assert writer.poll() is None, "the writer died on its own"
                assert time.monotonic() < deadline, "the writer never started a write"
            os.kill(writer.pid, signal.SIGKILL)
        finally:
            writer.kill()
            writer.wait(timeout=10)
        assert writer.returncode == -signal.SIGKILL
        mid_write += bool(list(path.parent.glob(".config.json.*.tmp")))
        sequence = _complete(path)
        assert sequence >= last
        last = sequence
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 or sequence == 0
    assert mid_write >= 6, f"only {mid_write} of 12 kills landed mid-write: the test did not test much"

    started = time.monotonic()
    update_json_file(path, lambda data: data.update(seq=0, filler="0" * size) is None)
    assert time.monotonic() - started < 5, "a killed writer must not leave the lock held"
    assert _complete(path) == 0
    assert not list(path.parent.glob(".config.json.*.tmp")), "a killed writer's temp file (a password) lingers"


def test_sigkill_of_a_whole_login_run_leaves_valid_files(faulty: Env, proxy: FaultProxy) -> None:
    """ecrtui itself killed while three regions stall and one has already been written:
    the files are valid, hold what was written before the kill, and the next run works."""
    for region in REGIONS[1:]:
        proxy.inject(Fault.stall(30), region=region)
    process = subprocess.Popen(
        [*cli_command(), "login", "--config", str(faulty.home / "profiles.yaml"), "--all"],
        env=faulty.vars,
        cwd=OUTSIDE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while host(REGIONS[0]) not in json.loads(faulty.podman_auth.read_text())["auths"]:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=10)
    for path in (faulty.docker_config, faulty.podman_auth):
        auths = json.loads(path.read_text())["auths"]
        assert host(REGIONS[0]) in auths
        assert set(auths) <= {host(REGIONS[0]), PUBLIC, "registry.example.com"}
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    proxy.clear()
    result, _ = login(faulty)
    assert result.returncode == 0, result.stderr
    check_files(faulty, {host(r) for r in REGIONS} | {PUBLIC})
