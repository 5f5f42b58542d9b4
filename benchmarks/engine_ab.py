"""Before and after for the login engine: `ecrtui login --all` in fresh processes, the
code of an earlier commit and the working tree's, interleaved, against the same
stand-ins (moto behind the latency proxy). Not part of `make bench`; for a change's notes.

    python -m benchmarks.engine_ab 270a950                  # 500 registries, 50 x 10, 100 ms
    python -m benchmarks.engine_ab 270a950 --targets 8 --regions 5 --latency 0.15 --runs 5
    python -m benchmarks.engine_ab 270a950 --one-vs-many    # benchmark 1's ratio, in process
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks._common import interleaved, median, run_child
from benchmarks._standins import REPO, Layout, StandIns, Workspace, scratch

# `python -c CHILD TREE OUT ARGS`: ecrtui imported from TREE (ahead of the editable
# install), its peak RSS (VmHWM, KiB) written to OUT at exit.
CHILD = (
    "import atexit, re, runpy, sys\n"
    "tree, out = sys.argv.pop(1), sys.argv.pop(1)\n"
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]\n"
    "sys.path.insert(0, tree)\n"
    "def peak():\n"
    "    open(out, 'w').write(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])\n"
    "atexit.register(peak)\n"
    "sys.argv[0] = 'ecrtui'\n"
    "import ecrtui\n"
    "assert ecrtui.__file__.startswith(tree), ecrtui.__file__\n"
    "runpy.run_module('ecrtui', run_name='__main__')\n"
)
Sample = tuple[float, float, float, int]  # wall s, CPU s, peak RSS MiB, calls at the proxy
# `python -c ONE_VS_MANY TREE RUNS`: benchmark 1's in-process runs (1 registry, then 40 over
# 8 profiles x 5 regions with --jobs 40, interleaved) with ecrtui imported from TREE.
ONE_VS_MANY = (
    "import sys\n"
    "tree, runs = sys.argv[1], int(sys.argv[2])\n"
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]\n"
    "sys.path.insert(0, tree)\n"
    "import ecrtui\n"
    "assert ecrtui.__file__.startswith(tree), ecrtui.__file__\n"
    "from benchmarks.engine_ab import one_vs_many\n"
    "one_vs_many(runs)\n"
)


def _tree_of(commit: str, root: Path) -> Path:
    """ecrtui's package as it was at `commit`, in a folder of its own."""
    tree = root / "before"
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit, "ecrtui"], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def _once(tree: Path, workspace: Workspace, standins: StandIns, extra: Sequence[str]) -> Sample:
    workspace.reset_docker()
    standins.clear()
    peak = workspace.root / "peak-rss"
    argv = [sys.executable, "-c", CHILD, str(tree), str(peak), "login", "--all", *extra]
    done = run_child(argv, workspace.env)
    written = len(workspace.docker_hosts())
    if done.returncode != 0 or written != workspace.layout.registries:
        raise RuntimeError(f"{tree}: exited {done.returncode}, {written} written: {done.stderr[-800:]}")
    return done.seconds, done.cpu_seconds, int(peak.read_text()) / 1024, standins.token_calls()


def one_vs_many(runs: int) -> None:
    """In this process: medians of 1 registry and of 40 (`--jobs 40`), printed."""
    from benchmarks.parallel_login import LATENCY, LAYOUT, ecrtui_login

    root = scratch("engine-ab-one")
    try:
        with StandIns(LATENCY) as standins:
            one = Workspace(root / "one", standins, Layout(1, 1))
            many = Workspace(root / "many", standins, LAYOUT)
            times = interleaved({"1": ecrtui_login(one), "40": ecrtui_login(many, "--jobs", "40")}, runs)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    one_s, many_s = median(times["1"].wall), median(times["40"].wall)
    print(
        f"1 registry {one_s:.3f} s (CPU {median(times['1'].cpu):.3f}), 40 registries {many_s:.3f} s "
        f"(CPU {median(times['40'].cpu):.3f}): {many_s / one_s:.2f}x"
    )


def _one_vs_many_ab(commit: str, runs: int) -> None:
    root = scratch("engine-ab-trees")
    try:
        trees = {"before": _tree_of(commit, root), "after": REPO}
        for name, tree in trees.items():
            done = subprocess.run(
                [sys.executable, "-c", ONE_VS_MANY, str(tree), str(runs)],
                cwd=REPO,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            if done.returncode != 0:
                raise RuntimeError(f"{name}: {done.stderr[-800:]}")
            print(f"  {name}: {done.stdout.strip()}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"(in process, medians of {runs} interleaved runs each, load {os.getloadavg()[0]:.1f} at the end)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine_ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("commit", help="the 'before' commit")
    parser.add_argument("--targets", type=int, default=50, help="AWS profiles (default 50)")
    parser.add_argument("--regions", type=int, default=10, help="regions per profile (default 10)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per AWS call (default 0.1)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each, after one warm-up (default 3)")
    parser.add_argument("--one-vs-many", action="store_true", help="benchmark 1's 40-vs-1 ratio, in process")
    parser.add_argument("extra", nargs="*", help="more `ecrtui login` arguments (after --)")
    args = parser.parse_args(argv)
    if args.one_vs_many:
        _one_vs_many_ab(args.commit, args.runs)
        return 0
    root = scratch("engine-ab")
    samples: dict[str, list[Sample]] = {"before": [], "after": []}
    try:
        trees = {"before": _tree_of(args.commit, root), "after": REPO}
        with StandIns(args.latency) as standins:
            workspace = Workspace(root / "home", standins, Layout(args.targets, args.regions))
            for index in range(args.runs + 1):
                for name, tree in trees.items():
                    sample = _once(tree, workspace, standins, args.extra)
                    if index:
                        samples[name].append(sample)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    groups = args.targets * args.regions
    print(
        f"{groups} registries ({args.targets} profiles x {args.regions} regions), {args.latency * 1000:.0f} ms "
        f"per call, medians of {args.runs}, load {os.getloadavg()[0]:.1f} at the end"
    )
    for name, rows in samples.items():
        cpu = median([r[1] for r in rows])
        print(
            f"  {name}: wall {median([r[0] for r in rows]):.3f} s, CPU {cpu:.3f} s = {cpu / groups * 1000:.2f} ms "
            f"per group, peak RSS {median([r[2] for r in rows]):.0f} MiB, calls {sorted({r[3] for r in rows})}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
