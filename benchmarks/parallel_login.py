"""Benchmark 1, parallel login: 40 registries over 8 targets (AWS profiles) and 5 regions,
every AWS call 150 ms away.

- ecrtui headless (`ecrtui login --all`, run in this process) for 1 registry and for the
  40, at the default job bound (64) and with every group in flight (`--jobs 40`);
- the way the GitHub Action and shell scripts log in today, from this same process to be
  fair: one GetAuthorizationToken after the other (boto3, a session per profile), each
  written to the docker config before the next;
- `aws ecr get-login-password | docker login --password-stdin` in a bash loop, with the
  awscli from PyPI (installed by the benchmark into benchmarks/.venv-baseline).

Goals: 40 registries in at most 1.5x the wall time of 1 (ideal 1x), and at least 8x faster
than the sequential loop. One more, instrumented, run says where the time goes.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from benchmarks._baseline import awscli, awscli_version, login_command, login_path, login_tool
from benchmarks._common import (
    Goal,
    Options,
    Section,
    Table,
    Timing,
    environment,
    interleaved,
    median,
    ratio,
    silenced,
    spread,
    timed,
)
from benchmarks._standins import Layout, Registry, StandIns, Workspace, scratch

LATENCY = 0.15
LAYOUT = Layout(targets=8, regions=5)
ONE = "ecrtui, 1 registry"
DEFAULT = "ecrtui, 40 registries (default --jobs 64)"
ALL_IN_FLIGHT = "ecrtui, 40 registries (--jobs 40)"
SEQUENTIAL = "sequential loop, same process, 40 registries"


def ecrtui_login(workspace: Workspace, *extra: str) -> Callable[[], None]:
    """`ecrtui login --all` in this process, from an empty docker config."""

    def run() -> None:
        from ecrtui.cli.main import main

        workspace.reset_docker()
        with environment(workspace.env), silenced():
            code = main(["login", "--all", *extra])
        hosts = workspace.docker_hosts()
        if code != 0 or len(hosts) != workspace.layout.registries:
            raise RuntimeError(f"ecrtui login exited {code} with {len(hosts)} registries written")

    return run


def sequential_loop(workspace: Workspace) -> Callable[[], None]:
    """Today's way, in this process: per registry one GetAuthorizationToken, then the
    write, then the next registry (boto3 as the Action's SDK; ecrtui's docker writer, so
    that only the orchestration differs)."""

    def run() -> None:
        import boto3

        from ecrtui.core.models import Token
        from ecrtui.core.writers import make_writers

        workspace.reset_docker()
        with environment(workspace.env):
            writer = make_writers(["docker"], workspace.env)[0]
            sessions: dict[str, Any] = {}
            for profile, region, host in workspace.layout.entries():
                session = sessions.get(profile) or sessions.setdefault(profile, boto3.Session(profile_name=profile))
                client = session.client("ecr", region_name=region)
                account = host.split(".", 1)[0]
                data = client.get_authorization_token(registryIds=[account])["authorizationData"][0]
                username, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
                writer.write([Token(host, username, password, data.get("expiresAt"), account, region)])
        if len(workspace.docker_hosts()) != workspace.layout.registries:
            raise RuntimeError("the sequential loop did not write every registry")

    return run


def awscli_loop(workspace: Workspace, registry: Registry, aws: str) -> Callable[[], None]:
    """`aws ecr get-login-password | docker login` for each registry, in bash. The logins
    go to the loopback docker-registry (no traffic leaves 127.0.0.1), which checks them."""
    lines = [
        f"{aws} ecr get-login-password --region {region} --profile {profile} | {login_command(registry.host)}"
        for profile, region, _ in workspace.layout.entries()
    ]
    script = "set -euo pipefail\n" + "\n".join(lines) + "\n"

    def run() -> None:
        workspace.reset_docker(file_store=True)
        done = subprocess.run(["bash", "-c", script], env=workspace.env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the awscli loop exited {done.returncode}: {done.stderr[-500:]}")

    return run


# --- where the time goes ---------------------------------------------------------------------


@dataclass
class _Phase:
    calls: int = 0
    wall: float = 0.0
    cpu: float = 0.0


@dataclass
class _Probe:
    """Wall and CPU time (of the calling thread) spent in a few functions, over threads."""

    phases: dict[str, _Phase] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, owner: Any, name: str, label: str) -> tuple[Any, str, Any]:
        original = getattr(owner, name)

        def probe(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                with self.lock:
                    phase = self.phases.setdefault(label, _Phase())
                    phase.calls += 1
                    phase.wall += wall
                    phase.cpu += cpu

        setattr(owner, name, probe)
        return owner, name, original


@contextmanager
def probed() -> Iterator[_Probe]:
    import botocore.client
    import botocore.session

    from ecrtui.core.writers.authfile import AuthFileWriter

    probe = _Probe()
    restore = [
        probe.wrap(botocore.session.Session, "__init__", "botocore Session() (one per profile)"),
        probe.wrap(botocore.session.Session, "get_credentials", "credentials (one per profile)"),
        probe.wrap(botocore.session.Session, "create_client", "create_client (one per region: shared by the profiles)"),
        probe.wrap(botocore.client.BaseClient, "_make_api_call", "GetAuthorizationToken (150 ms away)"),
        probe.wrap(AuthFileWriter, "write", "docker config writes"),
    ]
    try:
        yield probe
    finally:
        for owner, name, original in restore:
            setattr(owner, name, original)


def breakdown(run: Callable[[], None], runs: int) -> Table:
    """Instrumented runs of `run` (median run by wall time shown): time per phase."""
    samples = []
    for _ in range(runs):
        with probed() as probe:
            cpu = time.process_time()
            wall = timed(run)
            cpu = time.process_time() - cpu
        samples.append((wall, cpu, probe.phases))
    samples.sort(key=lambda sample: sample[0])
    wall, cpu, phases = samples[len(samples) // 2]
    table = Table(
        f"Where the time goes: ecrtui, {LAYOUT.registries} registries, --jobs {LAYOUT.registries} "
        f"(instrumented run, median of {runs})",
        ("phase", "calls", "wall in phase, summed over threads (s)", "CPU in phase (s)", "CPU per call (ms)"),
    )
    for label, phase in phases.items():
        table.add(label, phase.calls, f"{phase.wall:.3f}", f"{phase.cpu:.3f}", f"{phase.cpu / phase.calls * 1000:.1f}")
    table.add("whole run (process)", "", f"{wall:.3f} wall", f"{cpu:.3f}", "")
    return table


def _measure(options: Options, section: Section) -> tuple[dict[str, Timing], int]:
    """Every variant's timings, and the calls the proxy saw for one run of the 40; the
    instrumented breakdown goes into `section`."""
    root = scratch("parallel")
    aws = str(awscli())
    try:
        with StandIns(LATENCY) as standins:
            one = Workspace(root / "one", standins, Layout(1, 1))
            many = Workspace(root / "many", standins, LAYOUT)
            registry = Registry(root / "registry")
            try:
                names = {
                    ONE: ecrtui_login(one),
                    DEFAULT: ecrtui_login(many),
                    ALL_IN_FLIGHT: ecrtui_login(many, "--jobs", "40"),
                    SEQUENTIAL: sequential_loop(many),
                }
                standins.clear()
                times = interleaved(names, options.runs)
                standins.clear()
                ecrtui_login(many, "--jobs", "40")()
                calls = standins.token_calls()
                slow = {
                    f"awscli get-login-password | {login_tool()} loop, 40 registries": awscli_loop(many, registry, aws)
                }
                times.update(interleaved(slow, options.slow_runs, warmup=False))
                section.tables.append(breakdown(ecrtui_login(many, "--jobs", "40"), 3 if not options.quick else 1))
            finally:
                registry.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return times, calls


def _goals(times: dict[str, Timing]) -> list[Goal]:
    one_s = median(times[ONE].wall)
    fast = median(times[ALL_IN_FLIGHT].wall)
    default = median(times[DEFAULT].wall)
    sequential = median(times[SEQUENTIAL].wall)
    return [
        Goal(
            "40 registries in at most 1.5x the wall time of 1 (every group in flight: --jobs 40)",
            fast <= 1.5 * one_s,
            f"{fast:.3f} s vs {one_s:.3f} s: {fast / one_s:.2f}x",
        ),
        Goal(
            "the same at the default job bound (64: every group in flight)",
            default <= 1.5 * one_s,
            f"{default:.3f} s vs {one_s:.3f} s: {default / one_s:.2f}x",
        ),
        Goal(
            "at least 8x faster than the sequential loop, every group in flight (--jobs 40)",
            sequential / fast >= 8,
            f"{sequential:.3f} s vs {fast:.3f} s: {sequential / fast:.1f}x",
        ),
        Goal(
            "the same at the default job bound",
            sequential / default >= 8,
            f"{sequential:.3f} s vs {default:.3f} s: {sequential / default:.2f}x",
        ),
    ]


def run(options: Options) -> Section:
    section = Section("parallel_login", "1. Parallel login: 40 registries, 8 profiles x 5 regions, 150 ms per AWS call")
    started = time.perf_counter()
    times, calls = _measure(options, section)
    one_s = median(times[ONE].wall)
    fast = median(times[ALL_IN_FLIGHT].wall)
    table = Table(
        f"Wall time, seconds: median (min-max) of {options.runs} runs "
        f"({options.slow_runs} for the awscli loop), 150 ms per AWS call",
        ("variant", "wall time (s)", "x ecrtui 1 registry", "ecrtui --jobs 40 is faster by", "CPU (s)"),
    )
    for name, timing in times.items():
        wall = median(timing.wall)
        table.add(name, spread(timing.wall), ratio(wall, one_s), ratio(wall, fast), f"{median(timing.cpu):.3f}")
    section.tables.insert(0, table)
    section.goals += _goals(times)
    section.notes.append(
        f"GetAuthorizationToken calls seen at the proxy for one ecrtui run of 40 registries: {calls} "
        f"(one per (profile, region) group). Baseline: {awscli_version()}, {login_path()}, against the "
        "loopback docker-registry (which checks the password); docker writes the config file, as ecrtui does."
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    from benchmarks.__main__ import main

    raise SystemExit(main(["--only", "parallel_login"]))
