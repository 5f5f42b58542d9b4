"""Before and after for the login engine: `ecrtui login --all` in fresh processes, the
code of an earlier commit and the working tree's, interleaved, against the same
stand-ins (moto behind the latency proxy). Not part of `make bench`; for a change's notes.

    python -m benchmarks.engine_ab 270a950                  # 500 registries, 50 x 10, 100 ms
    python -m benchmarks.engine_ab 270a950 --targets 8 --regions 5 --latency 0.15 --runs 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks._common import median, run_child
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine_ab", description=__doc__.split("\n\n")[0])
    parser.add_argument("commit", help="the 'before' commit")
    parser.add_argument("--targets", type=int, default=50, help="AWS profiles (default 50)")
    parser.add_argument("--regions", type=int, default=10, help="regions per profile (default 10)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per AWS call (default 0.1)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each, after one warm-up (default 3)")
    parser.add_argument("extra", nargs="*", help="more `ecrtui login` arguments (after --)")
    args = parser.parse_args(argv)
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
