"""Benchmark 3, cold start: one registry end to end, from process start to credentials
written, every AWS call 150 ms away.

- `ecrtui --headless --target cold` (the installed console script), writing the docker
  config for the loopback docker-registry;
- `aws ecr get-login-password | docker login --password-stdin` (awscli from PyPI), which
  logs into that same registry.

Both end with credentials that open the registry (checked after the timed runs). The
breakdown rows time the parts alone, and `python -X importtime` says which imports of
the headless path cost most.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from benchmarks._baseline import awscli, login_command, login_path, login_tool
from benchmarks._common import Goal, Options, Section, Table, interleaved, median, ratio, run_child, spread
from benchmarks._standins import ACCOUNT, PASSWORD, Layout, Registry, StandIns, Workspace, scratch

LATENCY = 0.15
ECRTUI = Path(sys.executable).with_name("ecrtui")


def _workspace(root: Path, standins: StandIns, registry: Registry) -> Workspace:
    """One target whose only registry is the loopback docker-registry (moto's caller
    account, so the token moto hands out is the registry's password)."""
    workspace = Workspace(root, standins, Layout(1, 1))
    workspace.profiles.write_text(
        "version: 1\n"
        "defaults: {region: us-east-1, cache: none}\n"
        "targets:\n"
        "  - name: cold\n"
        "    profile: bench000\n"
        f'    registries: [{{id: "{ACCOUNT}", host: "{registry.host}"}}]\n'
    )
    return workspace


def _child(argv: list[str], workspace: Workspace, reset: bool = True, file_store: bool = False) -> Callable[[], None]:
    def run() -> None:
        if reset:
            workspace.reset_docker(file_store=file_store)
        done = run_child(argv, workspace.env)
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} exited {done.returncode}: {done.stderr[-500:]}")

    return run


def _opens_registry(workspace: Workspace, registry: Registry) -> bool:
    """Do the credentials written open the registry? (GET /v2/ with them: 200.)"""
    auths = json.loads((workspace.docker_config / "config.json").read_text())["auths"]
    auth = auths[registry.host]["auth"]
    if base64.b64decode(auth).decode() != f"AWS:{PASSWORD}":
        return False
    request = urllib.request.Request(f"http://{registry.host}/v2/", headers={"Authorization": f"Basic {auth}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return bool(answer.status == 200)


def import_profile(workspace: Workspace) -> Table:
    """The costliest imports of `ecrtui --headless` (cumulative, -X importtime)."""
    workspace.reset_docker()
    done = run_child([sys.executable, "-X", "importtime", str(ECRTUI), "--headless", "--target", "cold"], workspace.env)
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((int(match[2]), len(match[3]) // 2, match[4]))
    total = sum(cumulative for cumulative, depth, _ in rows if depth == 0)
    table = Table(
        f"Imports of `ecrtui --headless` (python -X importtime, one run; {total / 1000:.0f} ms in all, "
        "inflated by the tracing itself)",
        ("module (top level, or a notable one below)", "cumulative ms"),
    )
    notable = ("botocore.session", "botocore.client", "ecrtui.", "yaml", "filelock", "keyring", "textual", "boto3")
    shown = [
        (cumulative, name)
        for cumulative, depth, name in rows
        if (depth == 0 or name.startswith(notable)) and cumulative >= 3000
    ]
    for cumulative, name in sorted(shown, reverse=True)[:14]:
        table.add(name, f"{cumulative / 1000:.1f}")
    heavy = sorted(name for _, _, name in rows if name.split(".")[0] in ("textual", "boto3", "keyring"))
    table.add("textual / boto3 / keyring imported?", ", ".join(heavy[:3]) or "none of them")
    return table


def _variants(aws: str, workspace: Workspace, registry: Registry) -> dict[str, Callable[[], None]]:
    """ecrtui, the baseline pipeline, its two parts, and two floors, by name (ecrtui first,
    the baseline second: the goal compares those two)."""
    profile = "--profile bench000 --region us-east-1"
    baseline = f"set -euo pipefail; {aws} ecr get-login-password {profile} | {login_command(registry.host)}"
    return {
        "ecrtui --headless --target cold": _child([str(ECRTUI), "--headless", "--target", "cold"], workspace),
        f"aws ecr get-login-password | {login_tool()} --password-stdin": _child(
            ["bash", "-c", baseline], workspace, file_store=True
        ),
        "  part: aws ecr get-login-password alone": _child(
            [aws, "ecr", "get-login-password", *profile.split()], workspace
        ),
        f"  part: {login_tool()} alone (password on stdin)": _child(
            ["bash", "-c", f"echo {PASSWORD} | {login_command(registry.host)}"], workspace, file_store=True
        ),
        "  floor: python -c pass (the venv's interpreter)": _child(
            [sys.executable, "-c", "pass"], workspace, reset=False
        ),
        "  floor: python -c 'import botocore.session'": _child(
            [sys.executable, "-c", "import botocore.session"], workspace, reset=False
        ),
    }


def run(options: Options) -> Section:
    section = Section("cold_start", "3. Cold start: one registry, process start to credentials written")
    started = time.perf_counter()
    root = scratch("cold")
    aws = str(awscli())
    try:
        with StandIns(LATENCY) as standins:
            registry = Registry(root / "registry")
            try:
                workspace = _workspace(root / "ws", standins, registry)
                variants = _variants(aws, workspace, registry)
                times = interleaved(variants, options.runs)
                _child([str(ECRTUI), "--headless", "--target", "cold"], workspace)()
                ecrtui_opens = _opens_registry(workspace, registry)
                variants[f"aws ecr get-login-password | {login_tool()} --password-stdin"]()
                baseline_opens = _opens_registry(workspace, registry)
                section.tables.append(import_profile(workspace))
            finally:
                registry.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    names = list(times)
    ecrtui_s, baseline_s = median(times[names[0]].wall), median(times[names[1]].wall)
    table = Table(
        f"Wall time, seconds: median (min-max) of {options.runs} runs, interleaved; 150 ms per AWS call",
        ("command", "wall time (s)", "x ecrtui", "CPU (s), the process and its children"),
    )
    for name, timing in times.items():
        table.add(name, spread(timing.wall), ratio(median(timing.wall), ecrtui_s), f"{median(timing.cpu):.3f}")
    section.tables.insert(0, table)
    section.goals.append(
        Goal(
            "ecrtui --headless faster than aws ecr get-login-password | docker login",
            ecrtui_s < baseline_s,
            f"{ecrtui_s:.3f} s vs {baseline_s:.3f} s: {baseline_s / ecrtui_s:.1f}x faster",
        )
    )
    section.notes.append(
        f"Credentials written open the docker-registry (GET /v2/ with them answers 200): "
        f"ecrtui {'yes' if ecrtui_opens else 'NO'}, baseline {'yes' if baseline_opens else 'NO'}. "
        f"`{login_tool()}` also checks them against the registry before it writes them; ecrtui writes "
        "what GetAuthorizationToken returned without a registry round trip. Baseline login: " + login_path() + "."
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    from benchmarks.__main__ import main

    raise SystemExit(main(["--only", "cold_start"]))
