"""What every benchmark shares: timing with medians, the tables they print, the goals they
check, and the machine description that goes at the top of RESULTS.md."""

from __future__ import annotations

import contextlib
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Options:
    """How hard to try: `runs` timed runs per figure (after one warm-up where it applies)."""

    runs: int = 7
    slow_runs: int = 3  # for the figures that take tens of seconds per run (the awscli loop)
    quick: bool = False


@dataclass
class Table:
    """Rows of figures under a header; `render` lines them up as a Markdown table."""

    title: str
    header: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def render(self) -> str:
        cells = [list(self.header), *[list(r) for r in self.rows]]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.header))]
        lines = [f"**{self.title}**", ""]
        for index, row in enumerate(cells):
            lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
            if index == 0:
                lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines)


@dataclass(frozen=True)
class Goal:
    """A target a benchmark checks, with the figure that decides it."""

    text: str
    met: bool
    detail: str

    def render(self) -> str:
        return f"- {'MET' if self.met else 'MISSED'}: {self.text} ({self.detail})"


@dataclass
class Section:
    """One benchmark's output: its tables, the goals it checks, notes."""

    name: str
    title: str
    tables: list[Table] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    load: float | None = None  # the 1-minute load average when it finished

    def render(self) -> str:
        parts = [f"### {self.title}", ""]
        for table in self.tables:
            parts += [table.render(), ""]
        if self.goals:
            parts += [goal.render() for goal in self.goals] + [""]
        parts += [f"{note}\n" for note in self.notes]
        load = "" if self.load is None else f"; load average {self.load:.1f} on {os.cpu_count()} CPUs when done"
        parts.append(f"_({self.seconds:.0f} s to measure{load})_\n")
        return "\n".join(parts)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """`median (min-max)` in seconds, for a table cell."""
    return f"{median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:.1f}x" if fast > 0 else "-"


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def cpu_now() -> float:
    """CPU seconds used so far by this process and the children it has waited for: the
    CPU of an in-process run and of a child's run alike, and much steadier than wall time
    on a machine shared with other work."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Timing:
    """Wall and CPU seconds of each run of one variant."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def interleaved(variants: Mapping[str, Callable[[], Any]], runs: int, warmup: bool = True) -> dict[str, Timing]:
    """Time each variant `runs` times, round-robin (A B C A B C ...), so that load from
    other processes on this shared machine hits every variant alike and ratios hold."""
    if warmup:
        for action in variants.values():
            action()
    times = {name: Timing() for name in variants}
    for _ in range(runs):
        for name, action in variants.items():
            cpu = cpu_now()
            times[name].wall.append(timed(action))
            times[name].cpu.append(cpu_now() - cpu)
    return times


@contextlib.contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """Run in-process code under `env` (ecrtui reads os.environ), then restore."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    cpu_seconds: float  # user + system, the child's and its waited-for children's
    returncode: int
    stdout: str
    stderr: str


def run_child(argv: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> ChildRun:
    """Run a process to its end: its wall time and its CPU time (os.wait4's rusage of that
    very process). Output goes to temp files, so no pipe can fill up and block it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(argv), env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            seconds,
            usage.ru_utime + usage.ru_stime,
            process.returncode,
            out.read().decode(),
            err.read().decode(),
        )


def _version(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "absent"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"


def machine(extra: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """What the figures were measured on."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    packages = []
    for name in ("ecrtui", "botocore", "boto3", "moto", "textual"):
        try:
            packages.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            packages.append(f"{name} absent")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [
        ("nproc", str(os.cpu_count())),
        ("CPU", cpu),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", sys.version.split()[0]),
        ("packages", ", ".join(packages)),
        ("docker CLI", _version(["docker", "--version"])),
        ("skopeo", _version(["skopeo", "--version"])),
        ("docker-registry", _version(["docker-registry", "--version"])),
        ("load average at start", load),
    ]
    rows += list((extra or {}).items())
    return rows
