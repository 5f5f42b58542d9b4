"""Benchmark 2, scale: up to 500 registries over 50 targets (AWS profiles) and 10 regions,
every AWS call 100 ms away, through the real command (`python -m ecrtui login --all`, a
fresh process per run).

For 20, 50, 100, 200 and 500 registries (targets x 10 regions, so as many (credentials,
region) groups as registries): wall time, the process's peak RSS, the GetAuthorizationToken
calls counted at the proxy (must be one per group) and the most calls seen in flight at
once (must stay within --jobs). At the default job bound (64) and at --jobs 16, with the
floor the bound sets: ceil(groups / jobs) x 100 ms. Then 500 registries with AWS
throttling injected (2 ThrottlingExceptions per region): every login must still succeed,
through retries with backoff.
"""

from __future__ import annotations

import math
import shutil
import sys
import time

from benchmarks._common import Goal, Options, Section, Table, median, run_child
from benchmarks._standins import Layout, StandIns, Workspace, scratch
from ecrtui.core.profiles_file import Defaults

LATENCY = 0.1
SIZES = (20, 50, 100, 200, 500)
BASE = 50  # growth is "x the wall time for 50 registries"
REGIONS = 10
# `python -m ecrtui ARGS` that writes its peak RSS (VmHWM, KiB) to a file at exit. Not the
# rusage of wait4: a child started by vfork/exec inherits the parent's high-water mark there,
# and this benchmark's own process is larger than a small ecrtui run.
PEAK_RSS = (
    "import atexit, re, runpy, sys\n"
    "out = sys.argv.pop(1)\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    open(out, 'w').write(re.search(r'VmHWM:\\s+(\\d+)', status)[1])\n"
    "atexit.register(peak)\n"
    "sys.argv[0] = 'ecrtui'\n"
    "runpy.run_module('ecrtui', run_name='__main__')\n"
)

Sample = tuple[float, float, int, int, float]  # wall s, peak RSS MiB, calls, peak in flight, CPU s
# The goals for 500 registries over 50 profiles and 10 regions at the default bound.
GOAL_CPU_PER_GROUP_MS = 3.0
GOAL_WALL_S = 2.0
GOAL_RSS_MIB = 150
THROTTLES_PER_REGION = 2  # at most 2 for one call: its 3rd attempt (the default) gets through


def _login(workspace: Workspace, jobs: int | None, standins: StandIns, throttles: int = 0) -> Sample:
    """One run: (wall s, peak RSS MiB, calls at the proxy, peak calls in flight, CPU s)."""
    workspace.reset_docker()
    standins.clear()
    if throttles:
        standins.throttle(throttles)
    peak = workspace.root / "peak-rss"
    argv = [sys.executable, "-c", PEAK_RSS, str(peak), "login", "--all"] + (["--jobs", str(jobs)] if jobs else [])
    done = run_child(argv, workspace.env)
    written = len(workspace.docker_hosts())
    if done.returncode != 0 or written != workspace.layout.registries:
        raise RuntimeError(f"ecrtui login exited {done.returncode}, {written} written: {done.stderr[-800:]}")
    rss = int(peak.read_text()) / 1024
    return done.seconds, rss, standins.token_calls(), standins.peak_in_flight(), done.cpu_seconds


def _measure(runs: int) -> tuple[dict[tuple[int | None, int], list[Sample]], Sample]:
    """Every size at both bounds, round-robin (so that load from elsewhere hits every size
    alike), then 500 registries with throttling."""
    root = scratch("scale")
    results: dict[tuple[int | None, int], list[Sample]] = {}
    try:
        with StandIns(LATENCY) as standins:
            spaces = {size: Workspace(root / str(size), standins, Layout(size // REGIONS, REGIONS)) for size in SIZES}
            _login(spaces[BASE], None, standins)  # warm the disk caches
            for _ in range(runs):
                for jobs in (None, 16):
                    for size in SIZES:
                        results.setdefault((jobs, size), []).append(_login(spaces[size], jobs, standins))
            throttled = _login(spaces[500], None, standins, THROTTLES_PER_REGION)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return results, throttled


def _table(results: dict[tuple[int | None, int], list[Sample]], runs: int) -> Table:
    table = Table(
        f"ecrtui login --all, fresh process: medians of {runs} runs",
        (
            "registries (= groups)",
            "--jobs",
            "wall (s)",
            "floor from the bound (s)",
            "x 50 registries",
            "CPU (s)",
            "CPU per group (ms)",
            "peak RSS (MiB)",
            "GetAuthorizationToken calls",
            "peak in flight",
        ),
    )
    for (jobs, size), samples in results.items():
        bound = jobs or Defaults().jobs
        wall = median([s[0] for s in samples])
        cpu = median([s[4] for s in samples])
        base = median([s[0] for s in results[(jobs, BASE)]])
        table.add(
            size,
            f"{bound}{'' if jobs else ' (default)'}",
            f"{wall:.2f}",
            f"{math.ceil(size / bound) * LATENCY:.1f}",
            f"{wall / base:.1f}x",
            f"{cpu:.2f}",
            f"{cpu / size * 1000:.1f}",
            f"{median([s[1] for s in samples]):.0f}",
            "/".join(str(c) for c in sorted({s[2] for s in samples})),
            max(s[3] for s in samples),
        )
    return table


def _goals(results: dict[tuple[int | None, int], list[Sample]], throttled: Sample) -> list[Goal]:
    bounded = all(
        {s[2] for s in samples} == {size} and max(s[3] for s in samples) <= (jobs or Defaults().jobs)
        for (jobs, size), samples in results.items()
    )
    largest = results[(None, SIZES[-1])]
    wall, cpu = median([s[0] for s in largest]), median([s[4] for s in largest])
    rss = median([s[1] for s in largest])
    base_cpu = median([s[4] for s in results[(None, BASE)]])
    per_group = cpu / SIZES[-1] * 1000
    marginal = (cpu - base_cpu) / (SIZES[-1] - BASE) * 1000
    expected_calls = 500 + REGIONS * THROTTLES_PER_REGION
    return [
        Goal(
            f"CPU per (credentials, region) group at most {GOAL_CPU_PER_GROUP_MS:.0f} ms "
            "(500 registries, the whole process's CPU / 500)",
            per_group <= GOAL_CPU_PER_GROUP_MS,
            f"{per_group:.1f} ms; each group past 50 adds {marginal:.1f} ms",
        ),
        Goal(
            f"500 registries over 50 profiles and 10 regions under {GOAL_WALL_S:.0f} s at 100 ms per call",
            wall < GOAL_WALL_S,
            f"{wall:.2f} s wall, {cpu:.2f} s CPU",
        ),
        Goal(f"peak memory under {GOAL_RSS_MIB} MiB at 500 registries", rss < GOAL_RSS_MIB, f"{rss:.0f} MiB"),
        Goal(
            "one GetAuthorizationToken call per (credentials, region) group, never more in flight than --jobs",
            bounded,
            "calls = registries at every size; peak in flight within the bound",
        ),
        Goal(
            "throttled calls retried with backoff, every registry logged in",
            throttled[2] == expected_calls,
            f"{throttled[2]} calls for 500 registries and {REGIONS * THROTTLES_PER_REGION} throttles",
        ),
    ]


def run(options: Options) -> Section:
    section = Section("scale", "2. Scale: 50 to 500 registries over 10 regions, 100 ms per AWS call")
    started = time.perf_counter()
    runs = 1 if options.quick else 3
    results, throttled = _measure(runs)
    section.tables.append(_table(results, runs))
    section.tables.append(
        Table(
            f"500 registries with {THROTTLES_PER_REGION} ThrottlingExceptions injected per region "
            f"({REGIONS * THROTTLES_PER_REGION} in all), default --jobs",
            ("wall (s)", "all 500 logged in", "calls at the proxy", "expected (500 + one retry per throttle)"),
            [[f"{throttled[0]:.2f}", "yes", str(throttled[2]), str(500 + REGIONS * THROTTLES_PER_REGION)]],
        )
    )
    section.goals += _goals(results, throttled)
    growth = {
        jobs or Defaults().jobs: median([s[0] for s in results[(jobs, SIZES[-1])]])
        / median([s[0] for s in results[(jobs, BASE)]])
        for jobs in (None, 16)
    }
    section.notes.append(
        "Growth from 50 to 500 registries: "
        + ", ".join(f"{ratio:.1f}x at --jobs {bound}" for bound, ratio in sorted(growth.items()))
        + " (10x the registries). Past the job bound each extra group costs its share of the bound's "
        "waves and its CPU (its request, signing and parsing, and its share of its profile's session "
        "and credentials; the botocore client is shared by every profile of a region), under the GIL."
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    from benchmarks.__main__ import main

    raise SystemExit(main(["--only", "scale"]))
