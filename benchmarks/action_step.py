"""Benchmark 6, the GitHub Action's step: the upstream Action (aws-actions/amazon-ecr-login,
its bundled dist/index.js) against ecrtui's action (action/main.js and its bundle), side
by side on one simulated runner: node running each entry point from the job's workspace,
the same INPUT_* variables (two registries), moto behind the latency proxy, a `docker` on
PATH that records its arguments (the upstream shells out to it).

ecrtui runs with the machine's plain Python (no ecrtui, no virtual environment) and
PIP_NO_INDEX=1:
- fresh: a copy of the action's committed files, as a runner's checkout gives them (the
  bundle's hash-checked bytecode for 3.10 to 3.13 included), in a new folder every run;
- fresh, sources only: the same copy without that bytecode (the alternative not taken:
  every fresh runner would compile the bundle on its first import);
- warm: the action's folder after a run (a second step of the same job).

The upstream Action is not part of this repository: its release (2.1.7: LICENSE,
action.yml and dist/) is read from $ECRTUI_UPSTREAM_ACTION, else
~/.cache/ecrtui/amazon-ecr-login; without it this benchmark says so and measures nothing.
After the timed runs one job of each is compared: the same outputs, masks and
`registries` state, and the same post-step logout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._common import Goal, Options, Section, Table, median, ratio, run_child, spread
from benchmarks._standins import REPO, StandIns, scratch

LATENCY = 0.05
UPSTREAM = Path(os.environ.get("ECRTUI_UPSTREAM_ACTION", Path.home() / ".cache" / "ecrtui" / "amazon-ecr-login"))
INPUTS = {
    "INPUT_REGISTRIES": "123456789012,111111111111",
    "INPUT_REGISTRY-TYPE": "private",
    "INPUT_MASK-PASSWORD": "true",
    "INPUT_SKIP-LOGOUT": "false",
}
FAKE_DOCKER = '#!/bin/sh\necho "$@" >> "$DOCKER_ARGV_LOG"\necho "Login Succeeded"\n'


def plain_python() -> str:
    """The interpreter under this virtual environment: no ecrtui importable there."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def committed_action(into: Path, *, bytecode: bool = True) -> Path:
    """A copy of action.yml and action/ as git has them (no bytecode written by a run)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "action.yml", "action"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if not bytecode and name.endswith(".pyc"):
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, target)
    return into / "action" / "main.js"


def parse_file_commands(path: Path) -> dict[str, str]:
    """name<<DELIM ... DELIM pairs, as the runner reads $GITHUB_OUTPUT/$GITHUB_STATE."""
    pairs: dict[str, str] = {}
    lines = path.read_text().split("\n") if path.exists() else []
    index = 0
    while index < len(lines):
        match = re.fullmatch(r"([^=<]+)<<(.+)", lines[index])
        index += 1
        if match:
            end = lines.index(match[2], index)
            pairs[match[1]] = "\n".join(lines[index:end])
            index = end + 1
    return pairs


class Runner:
    """One simulated runner: a workspace, a HOME, the fake docker, the step files."""

    def __init__(self, root: Path, standins: StandIns) -> None:
        self.root = root
        self.workspace = root / "workspace"
        self.workspace.mkdir(parents=True)
        home = root / "home"
        (home / ".docker").mkdir(parents=True)
        bin_folder = root / "bin"
        bin_folder.mkdir()
        (bin_folder / "docker").write_text(FAKE_DOCKER)
        (bin_folder / "docker").chmod(0o755)
        self.docker_log = root / "docker-argv.log"
        self.env = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR")}
        self.env.update(
            PATH=f"{bin_folder}:{os.environ.get('PATH', '')}",
            HOME=str(home),
            DOCKER_CONFIG=str(home / ".docker"),
            DOCKER_ARGV_LOG=str(self.docker_log),
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION="us-east-1",
            AWS_ENDPOINT_URL=standins.url,
            AWS_EC2_METADATA_DISABLED="true",
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(self.workspace),
            RUNNER_TEMP=str(root),
            ECRTUI_PYTHON=plain_python(),
            PIP_NO_INDEX="1",
            **INPUTS,
        )
        self.steps = 0

    def step(self, script: Path, state: dict[str, str] | None = None) -> tuple[float, float, dict[str, object]]:
        """Run `node script` as a step; (wall s, cpu s, what it left behind)."""
        self.steps += 1
        output, saved = self.root / f"output-{self.steps}", self.root / f"state-{self.steps}"
        output.touch()
        saved.touch()
        env = dict(self.env, GITHUB_OUTPUT=str(output), GITHUB_STATE=str(saved))
        env.update({f"STATE_{k}": v for k, v in (state or {}).items()})
        done = run_child([shutil.which("node") or "node", str(script)], env, cwd=self.workspace)
        if done.returncode != 0:
            raise RuntimeError(f"{script} exited {done.returncode}: {done.stdout[-800:]} {done.stderr[-800:]}")
        masks = sorted(line for line in done.stdout.splitlines() if line.startswith("::add-mask::"))
        return (
            done.seconds,
            done.cpu_seconds,
            {"outputs": parse_file_commands(output), "masks": masks, "state": parse_file_commands(saved)},
        )


def parity(root: Path, standins: StandIns, ours: Path) -> list[str]:
    """Differences between one job of each (empty: the same outputs, masks, state, logins
    and logouts)."""
    found: dict[str, dict[str, object]] = {}
    for name, main, post in (
        ("upstream", UPSTREAM / "dist" / "index.js", UPSTREAM / "dist" / "cleanup" / "index.js"),
        ("ecrtui", ours, ours.with_name("post.js")),
    ):
        runner = Runner(root / f"parity-{name}", standins)
        _, _, left = runner.step(main)
        state = dict(left["state"])  # type: ignore[call-overload]
        runner.step(post, state)
        found[name] = {**left, "registries": state.get("registries")}
    upstream, ecrtui = found["upstream"], found["ecrtui"]
    differences = []
    for key in ("outputs", "masks", "registries"):
        if upstream[key] != ecrtui[key]:
            differences.append(f"{key}: upstream {upstream[key]!r}, ecrtui {ecrtui[key]!r}")
    return differences


def _table(times: dict[str, list[tuple[float, float]]], runs: int) -> Table:
    """Each step's wall and CPU time beside the upstream Action's."""
    python = subprocess.run([plain_python(), "--version"], capture_output=True, text=True).stdout.strip()
    table = Table(
        f"One step logging into two registries, every AWS call {LATENCY * 1000:.0f} ms away; "
        f"median (min-max) of {runs} interleaved runs; ecrtui with {python}",
        ("step", "wall s", "cpu s", "wall vs upstream", "cpu vs upstream"),
    )
    labels = {
        "upstream": "upstream Action 2.1.7 (node dist/index.js)",
        "fresh": "ecrtui action, fresh runner (committed bundle, its bytecode included)",
        "fresh-src": "ecrtui action, fresh runner, bundle without bytecode (not shipped)",
        "warm": "ecrtui action, warm (second step of a job)",
    }
    base_wall = median([w for w, _ in times["upstream"]])
    base_cpu = median([c for _, c in times["upstream"]])
    for name, label in labels.items():
        walls, cpus = [w for w, _ in times[name]], [c for _, c in times[name]]
        table.add(label, spread(walls), spread(cpus), ratio(median(walls), base_wall), ratio(median(cpus), base_cpu))
    return table


def run(options: Options) -> Section:
    section = Section("action_step", "6. The GitHub Action's step, side by side with the upstream Action")
    started = time.perf_counter()
    if not (UPSTREAM / "dist" / "index.js").is_file() or not shutil.which("node"):
        section.notes.append(
            f"Not measured: the upstream Action's dist/index.js is not in {UPSTREAM} (set ECRTUI_UPSTREAM_ACTION to "
            "a checkout of aws-actions/amazon-ecr-login v2.1.7), or node is missing."
        )
        return section
    root = scratch("action")
    runs = options.runs
    try:
        with StandIns(LATENCY) as standins:
            runner = Runner(root / "runner", standins)
            warm = committed_action(root / "warm")
            upstream = UPSTREAM / "dist" / "index.js"
            runner.step(upstream)  # warm-ups: node's and the OS's caches
            runner.step(warm)
            times: dict[str, list[tuple[float, float]]] = {k: [] for k in ("upstream", "fresh", "fresh-src", "warm")}
            for index in range(runs):
                fresh = committed_action(root / f"fresh-{index}")
                fresh_src = committed_action(root / f"fresh-src-{index}", bytecode=False)
                for name, script in (
                    ("upstream", upstream),
                    ("fresh", fresh),
                    ("fresh-src", fresh_src),
                    ("warm", warm),
                ):
                    wall, cpu, _ = runner.step(script)
                    times[name].append((wall, cpu))
            differences = parity(root, standins, committed_action(root / "parity-action"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    section.tables.append(_table(times, runs))
    base_wall = median([w for w, _ in times["upstream"]])
    fresh_ratio = median([w for w, _ in times["fresh"]]) / base_wall
    warm_ratio = median([w for w, _ in times["warm"]]) / base_wall
    section.goals.append(
        Goal("fresh runner within 2.5x of the upstream Action's wall time", fresh_ratio <= 2.5, f"{fresh_ratio:.2f}x")
    )
    section.goals.append(
        Goal("warm within 1.5x of the upstream Action's wall time", warm_ratio <= 1.5, f"{warm_ratio:.2f}x")
    )
    section.goals.append(
        Goal(
            "same outputs, masks and registries state as the upstream Action",
            not differences,
            "identical" if not differences else "; ".join(differences),
        )
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    print(run(Options()).render())
