"""Benchmark 4, the TUI: with 500 registries (50 targets x 10 regions) in the profiles file,

- first paint: from the launch of a fresh process to the first time the registry table
  draws a line with all 500 rows loaded (imports, inventory, layout and paint included);
- the longest event-loop stall while 100 logins run (the user's path: `/` filter to 10
  targets, `a` select them all, `l` log in), each AWS call 150 ms away, measured by a
  timer task on the app's own event loop that wakes every 5 ms. The same timer with the
  app idle is the control: how late this (shared, loaded) machine wakes the loop anyway.

The app runs headless (`App.run_test`) in a child process per run:
`python -m benchmarks.tui --child` prints its figures as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
from collections.abc import Awaitable
from typing import Any

from benchmarks._common import Goal, Options, Section, Table, median, run_child, spread
from benchmarks._standins import Layout, StandIns, Workspace, scratch

LATENCY = 0.15
LAYOUT = Layout(targets=50, regions=10)
FILTER = "bench00"  # targets bench000..bench009: 100 registries
TICK = 0.005
IDLE_SECONDS = 2.0
SIZE = (160, 50)


async def _measure(launched: float) -> dict[str, Any]:
    from ecrtui.tui.app import EcrtuiApp
    from ecrtui.tui.services import Services
    from ecrtui.tui.widgets.registry_table import RegistryTable

    imported = time.time()
    painted: list[float] = []
    render_line = RegistryTable.render_line

    def probe(self: RegistryTable, y: int) -> Any:
        if not painted and self.row_count >= LAYOUT.registries:
            painted.append(time.time())
        return render_line(self, y)

    RegistryTable.render_line = probe  # type: ignore[method-assign]
    app = EcrtuiApp(Services(os.environ))
    async with app.run_test(size=SIZE) as pilot:
        while not painted and time.time() - launched < 30:
            await asyncio.sleep(0.002)
        first_paint = painted[0] if painted else float("nan")
        await app.workers.wait_for_complete()
        await pilot.pause()

        await pilot.press("slash", *FILTER, "enter", "a")
        await pilot.pause()
        chosen = len(app.board.selected)
        # The control: the same timer with the app idle, for as long as the logins take
        # below, says how late this loaded machine wakes a thread that does nothing else.
        idle = await _lateness(asyncio.sleep(IDLE_SECONDS))
        started, cpu = time.perf_counter(), time.process_time()
        gaps = await _lateness(_log_in(app, pilot))
        login_wall = time.perf_counter() - started
        # The app process's own CPU while the logins run: what competes with the event
        # loop for the GIL (work done by any other process does not). Load-independent.
        login_cpu = time.process_time() - cpu
        statuses = [app.board.rows[key].status.value for key in app.board.selected]
    return {
        "imports": imported - launched,
        "first_paint": first_paint - launched,
        "selected": chosen,
        "login_wall": login_wall,
        "login_cpu": login_cpu,
        "stall_max": gaps[-1],
        "stall_p99": gaps[int(len(gaps) * 0.99)],
        "over_50ms": sum(1 for gap in gaps if gap > 0.05),
        "idle_max": idle[-1],
        "idle_p99": idle[int(len(idle) * 0.99)],
        "statuses": sorted(set(statuses)),
    }


async def _log_in(app: Any, pilot: Any) -> None:
    await pilot.press("l")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _lateness(work: Awaitable[None]) -> list[float]:
    """How late a timer on this event loop wakes (every TICK) while `work` runs, sorted."""
    gaps: list[float] = []
    stop = asyncio.Event()

    async def timer() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            gaps.append(now - last - TICK)
            last = now

    ticker = asyncio.create_task(timer())
    await work
    stop.set()
    await ticker
    return sorted(gaps)


def child() -> None:
    launched = float(os.environ["ECRTUI_BENCH_LAUNCHED"])
    print(json.dumps(asyncio.run(_measure(launched))))


def run(options: Options) -> Section:
    section = Section("tui", "4. The TUI: first paint with 500 registries, event-loop stalls during 100 logins")
    started = time.perf_counter()
    root = scratch("tui")
    runs = 2 if options.quick else 5
    samples: list[dict[str, Any]] = []
    try:
        with StandIns(LATENCY) as standins:
            workspace = Workspace(root, standins, LAYOUT)
            for _ in range(runs):
                workspace.reset_docker()
                env = {**workspace.env, "ECRTUI_BENCH_LAUNCHED": repr(time.time())}
                done = run_child([sys.executable, "-m", "benchmarks.tui", "--child"], env)
                if done.returncode != 0:
                    raise RuntimeError(f"the TUI benchmark child failed: {done.stderr[-1500:]}")
                samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    def column(name: str) -> list[float]:
        return [float(sample[name]) for sample in samples]

    table = Table(
        f"Headless app (App.run_test, {SIZE[0]}x{SIZE[1]}), fresh process per run: "
        f"median (min-max) of {runs} runs, seconds",
        ("figure", "value"),
    )
    table.add("launch to imports done (textual, app)", spread(column("imports")))
    table.add(f"launch to first paint of the table, {LAYOUT.registries} rows", spread(column("first_paint")))
    table.add(f"logins run ({samples[0]['selected']} selected, 150 ms per call)", spread(column("login_wall")))
    table.add("the app process's CPU time during them", spread(column("login_cpu")))
    table.add("longest event-loop stall during them", spread(column("stall_max")))
    table.add("99th percentile of the timer's lateness", spread(column("stall_p99")))
    table.add("stalls over 50 ms, per run", " / ".join(str(int(s["over_50ms"])) for s in samples))
    table.add(f"control: longest stall, app idle for {IDLE_SECONDS:g} s", spread(column("idle_max")))
    table.add("control: 99th percentile, app idle", spread(column("idle_p99")))
    table.add("row statuses after the logins", ", ".join(sorted({x for s in samples for x in s["statuses"]})))
    section.tables.append(table)
    paint, stall = median(column("first_paint")), median(column("stall_max"))
    section.goals += [
        Goal("first paint under 1 s", paint < 1.0, f"median {paint:.3f} s"),
        Goal(
            "no event-loop stall over 50 ms while 100 logins run",
            max(column("stall_max")) <= 0.05,
            f"longest {max(column('stall_max')) * 1000:.0f} ms, median of the runs' longest {stall * 1000:.0f} ms",
        ),
    ]
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        from benchmarks.__main__ import main

        raise SystemExit(main(["--only", "tui"]))
