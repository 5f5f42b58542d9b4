"""Dependency floors admit no release with a known vulnerability in what ecrtui uses, and
pip-audit checks the installed runtime dependencies against a vulnerability database
(issue 10, "Also"). Where no database can be reached the audit is skipped, saying so."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from support.commands import REPO

# The releases with an advisory known for what ecrtui uses of the package: [from, to).
ADVISORIES: dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {
    # CVE-2025-68146 (lock file symlink race, fixed 3.20.1), CVE-2026-22701 (SoftFileLock,
    # 3.20.3) and GHSA-2g95-wg33-c5x2 / GHSA-fq56-3cx3-fjxp (SoftFileLock stale-lock
    # break, 3.22.0 to 4.2.0): FileLock falls back to SoftFileLock where flock is missing.
    "filelock": [((0,), (3, 20, 3)), ((3, 22, 0), (4, 2, 1))],
    "pyyaml": [((0,), (5, 4))],  # CVE-2020-14343: full_load runs code (ecrtui uses safe_load anyway)
}
_NEVER = (10**6,)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def admitted() -> dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """Each runtime dependency's admitted ranges [floor, ceiling), one per requirement line
    (a line per Python version where the floors differ)."""
    text = (REPO / "pyproject.toml").read_text()
    block = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    found: dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    for name, floor, ceiling in re.findall(r'"([A-Za-z0-9_.-]+)>=([0-9.]+)(?:,<([0-9.]+))?[^"]*"', block):
        found.setdefault(name.lower(), []).append((_version(floor), _version(ceiling) if ceiling else _NEVER))
    return found


def test_no_floor_admits_a_release_with_a_known_vulnerability() -> None:
    declared = admitted()
    assert set(ADVISORIES) <= set(declared), declared
    for name, bad in ADVISORIES.items():
        for low, high in declared[name]:
            for start, end in bad:
                assert high <= start or low >= end, (
                    f"{name} {low}..{high} admits releases of the advisory {start}..{end}"
                )


def runtime_pins() -> list[str]:
    """ecrtui's runtime dependencies as installed, transitive ones included, pinned."""
    seen: dict[str, str] = {}
    todo = ["ecrtui"]
    while todo:
        dist = metadata.distribution(todo.pop())
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            name = re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]
            key = name.lower().replace("_", "-")
            if key in seen:
                continue
            try:
                seen[key] = metadata.version(name)
            except metadata.PackageNotFoundError:
                continue  # a marker for another platform
            todo.append(name)
    return [f"{name}=={version}" for name, version in sorted(seen.items())]


def audit(requirements: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    file = folder / "requirements.txt"
    file.write_text("\n".join(requirements) + "\n")
    command = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip", "--progress-spinner", "off"]
    return subprocess.run([*command, "-r", str(file)], capture_output=True, text=True, timeout=300, check=False)


def test_pip_audit_finds_nothing_in_the_installed_dependencies(tmp_path: Path) -> None:
    pytest.importorskip("pip_audit", reason="pip-audit is not installed (pip install -e '.[test]')")
    # A release with a known advisory proves the database answers before its silence counts.
    canary = audit(["filelock==3.20.0"], tmp_path)
    if "GHSA-" not in canary.stdout + canary.stderr and "CVE-" not in canary.stdout + canary.stderr:
        lines = (canary.stdout + canary.stderr).strip().splitlines() or ["no output"]
        said = next((line for line in lines if "could not be audited" in line or "rror" in line), lines[-1])
        pytest.skip(
            "no vulnerability database reachable: pip-audit's PyPI service knows no advisory for "
            f"filelock 3.20.0 here (this machine reaches only package indexes): {' '.join(said.split())}"
        )
    result = audit(runtime_pins(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
