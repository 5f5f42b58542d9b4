"""Benchmark 6, discovery: 300 IAM Identity Center accounts with 1 to 3 roles each, every
portal call 50 ms away on the Identity Center stand-in (ListAccounts pages of 100, the most
the service returns, as both ways ask for).

ecrtui's discovery (ListAccountRoles of each account as soon as its page arrives, at most
--jobs calls in flight) against the sequential way the AWS CLI takes (`aws sso
list-accounts`, then `list-account-roles` one account at a time), both in-process on the
same signed-in token; then the real command (`python -m ecrtui discover --output json`,
a fresh process). Goal: under 3 s, with the bound on calls in flight respected.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks._common import (
    ChildRun,
    Goal,
    Options,
    Section,
    Table,
    Timing,
    environment,
    interleaved,
    median,
    run_child,
)
from benchmarks._standins import scratch
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.discover import DEFAULT_JOBS, Portal, discover
from ecrtui.core.sso import SignIn, current_token
from ecrtui.core.sso_config import SsoConfig, resolve_config
from ecrtui.demo.standins.identity_center import IdentityCenterStandin
from ecrtui.demo.standins.identity_center_state import organisation

ACCOUNTS = 300
LATENCY = 0.05
GOAL_SECONDS = 3.0
PARALLEL = f"ecrtui, --jobs {DEFAULT_JOBS}"
SEQUENTIAL = "sequential (as the AWS CLI)"


def _discover_sequentially(config: SsoConfig, factory: ClientFactory, environ: dict[str, str]) -> list[Any]:
    """The AWS CLI's way (`aws sso list-accounts`, then `list-account-roles` per account),
    to compare with."""
    token = current_token(config, factory, environ)
    portal = Portal(factory, token, config, 1)
    found = []
    for page in portal.pages("list_accounts", "accountList"):
        for item in page:
            roles = [
                r["roleName"]
                for p in portal.pages("list_account_roles", "roleList", accountId=item["accountId"])
                for r in p
            ]
            found.append((item["accountId"], tuple(sorted(roles))))
    return found


def _sign_in(server: IdentityCenterStandin, env: dict[str, str]) -> None:
    """The real device flow; the stand-in's user approves as soon as the code exists."""
    with environment(env):
        config = resolve_config(sso_session="corp")
        flow = SignIn(config, ClientFactory(AwsSettings(environ=env)), environ=env)
        registration, authorization, device_code = flow.start()
        approver = threading.Thread(target=server.state.set_user_decision, args=(authorization.user_code, "approved"))
        approver.start()
        flow.wait(registration, authorization, device_code)
        approver.join()


Found = Callable[[ClientFactory], list[Any]]


@dataclass
class _Runs:
    """What the runs measured: in-process timings, the peak calls in flight of each way,
    and the fresh-process runs at the default bound and at twice it."""

    times: dict[str, Timing] = field(default_factory=dict)
    peaks: dict[str, int] = field(default_factory=dict)
    children: list[ChildRun] = field(default_factory=list)
    child_peak: int = 0
    wide: ChildRun | None = None
    wide_peak: int = 0
    roles: int = 0


def _in_process(server: IdentityCenterStandin, env: dict[str, str], runs: int, slow_runs: int, out: _Runs) -> None:
    def measured(name: str, action: Found) -> Callable[[], None]:
        def run_once() -> None:
            server.state.reset_stats()
            with environment(env):
                factory = ClientFactory(AwsSettings(environ=env, max_attempts=5, max_pool_connections=DEFAULT_JOBS))
                found = action(factory)
            assert len(found) == ACCOUNTS, len(found)
            out.peaks[name] = max(out.peaks.get(name, 0), server.state.max_in_flight)

        return run_once

    def config() -> Any:
        return resolve_config(sso_session="corp", environ=env)

    parallel = measured("parallel", lambda f: list(discover(config(), f, environ=env)))
    sequential = measured("sequential", lambda f: _discover_sequentially(config(), f, environ=env))
    out.times.update(interleaved({PARALLEL: parallel}, runs, warmup=False))
    out.times.update(interleaved({SEQUENTIAL: sequential}, slow_runs, warmup=False))


def _fresh_processes(server: IdentityCenterStandin, env: dict[str, str], runs: int, out: _Runs) -> None:
    argv = [sys.executable, "-m", "ecrtui", "discover", "--sso-session", "corp", "--output", "json"]
    for _ in range(runs):
        server.state.reset_stats()
        out.children.append(run_child(argv, env))
        out.child_peak = max(out.child_peak, server.state.max_in_flight)
    wider = []  # a wider bound, to show where the time goes on a loaded machine
    for _ in range(runs):
        server.state.reset_stats()
        wider.append(run_child([*argv, "--jobs", str(2 * DEFAULT_JOBS)], env))
    out.wide_peak = server.state.max_in_flight
    out.wide = sorted(wider, key=lambda c: c.seconds)[len(wider) // 2]


def _measure(options: Options) -> _Runs:
    root = scratch("discover")
    runs = 1 if options.quick else 3
    out = _Runs()
    try:
        with IdentityCenterStandin(organisation(ACCOUNTS), interval=0) as server:
            (root / ".aws").mkdir()
            (root / ".aws" / "config").write_text(
                "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
            )
            env = {
                "HOME": str(root),
                "PATH": "/usr/bin:/bin",
                "AWS_CONFIG_FILE": str(root / ".aws" / "config"),
                "AWS_EC2_METADATA_DISABLED": "true",
                **server.environment(),
            }
            _sign_in(server, env)
            server.state.delay = LATENCY
            out.roles = sum(len(a.roles) for a in server.state.accounts.values())
            _in_process(server, env, runs, 1 if options.quick else options.slow_runs, out)
            _fresh_processes(server, env, runs, out)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return out


def _table(out: _Runs, child: ChildRun) -> Table:
    assert out.wide is not None
    calls = (ACCOUNTS + 99) // 100 + ACCOUNTS
    table = Table(
        f"{ACCOUNTS} accounts, {out.roles} roles, {calls} portal calls at {LATENCY * 1000:.0f} ms: medians "
        "(in-process CPU includes the stand-in serving the calls)",
        ("way", "wall (s)", "CPU (s)", "peak calls in flight", "floor (s)"),
    )
    for label, name, peak, floor in (
        (f"ecrtui (in-process), --jobs {DEFAULT_JOBS}", PARALLEL, "parallel", f"{calls / DEFAULT_JOBS * LATENCY:.2f}"),
        ("sequential, as the AWS CLI (in-process)", SEQUENTIAL, "sequential", f"{calls * LATENCY:.2f}"),
    ):
        timing = out.times[name]
        table.add(label, f"{median(timing.wall):.2f}", f"{median(timing.cpu):.2f}", out.peaks[peak], floor)
    table.add(
        "`ecrtui discover --output json`, fresh process",
        f"{child.seconds:.2f}",
        f"{child.cpu_seconds:.2f}",
        out.child_peak,
        "",
    )
    table.add(
        f"`ecrtui discover --output json --jobs {2 * DEFAULT_JOBS}`, fresh process",
        f"{out.wide.seconds:.2f}",
        f"{out.wide.cpu_seconds:.2f}",
        out.wide_peak,
        f"{calls / (2 * DEFAULT_JOBS) * LATENCY:.2f}",
    )
    return table


def run(options: Options) -> Section:
    section = Section(
        "discover", f"6. Discovery: {ACCOUNTS} Identity Center accounts, {LATENCY * 1000:.0f} ms per call"
    )
    started = time.perf_counter()
    out = _measure(options)
    child = sorted(out.children, key=lambda c: c.seconds)[len(out.children) // 2]  # the median run
    child_accounts = min(len(json.loads(c.stdout)["accounts"]) if c.returncode == 0 else 0 for c in out.children)
    parallel_wall = median(out.times[PARALLEL].wall)
    sequential_wall = median(out.times[SEQUENTIAL].wall)
    section.tables.append(_table(out, child))
    section.goals.append(
        Goal(
            f"discovery of {ACCOUNTS} accounts under {GOAL_SECONDS:.0f} s with the bound on calls in flight respected",
            child.returncode == 0
            and child_accounts == ACCOUNTS
            and child.seconds < GOAL_SECONDS
            and out.peaks["parallel"] <= DEFAULT_JOBS
            and out.child_peak <= DEFAULT_JOBS,
            f"{child.seconds:.2f} s for the command, {parallel_wall:.2f} s in-process "
            f"({sequential_wall / parallel_wall:.1f}x faster than sequential), peak "
            f"{max(out.peaks['parallel'], out.child_peak)} in flight (bound {DEFAULT_JOBS})",
        )
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    from benchmarks._common import Options as _Options

    print(run(_Options(quick="--quick" in sys.argv)).render())
