"""The project's GitHub Actions workflows cannot run here, so they are linted: against
the workflow schema (check-jsonschema's copy of SchemaStore's) and by zizmor, offline (a
static checker for workflows: injection through expressions, credentials left to later
steps, unpinned actions, excessive permissions). Both come with the test extra. The tests
also hold the workflows to what the project promises of them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.commands import REPO

WORKFLOWS = REPO / ".github" / "workflows"
BIN = Path(sys.executable).parent


def load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(document, dict)
    return document


def linter(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], capture_output=True, text=True, timeout=120, check=False)


def schema_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return linter("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, paths))


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return linter("zizmor", "--offline", "--no-progress", *map(str, paths))


def test_the_workflows_match_the_workflow_schema() -> None:
    checked = schema_check(WORKFLOWS / "ci.yml", WORKFLOWS / "release.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    checked = zizmor(WORKFLOWS)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_linters_do_catch_a_broken_workflow(tmp_path: Path) -> None:
    """So that a green lint means something: a misspelt key and a step that pastes an
    attacker-controlled value (a pull request's title) into a shell both fail."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: pull_request_target\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stesp: []\n")
    assert schema_check(bad).returncode != 0
    bad.write_text(
        "on: pull_request_target\n"
        "permissions: {}\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    assert zizmor(bad.parent).returncode != 0


def test_ci_covers_every_supported_python_and_the_other_systems() -> None:
    jobs = load("ci.yml")["jobs"]
    assert jobs["linux"]["strategy"]["matrix"]["python"] == ["3.10", "3.11", "3.12", "3.13"]
    assert any("make test" in step.get("run", "") for step in jobs["linux"]["steps"])
    requires = re.search(r'requires-python = ">=(\d+\.\d+)"', (REPO / "pyproject.toml").read_text())
    assert requires and requires.group(1) == "3.10"
    assert {"macos", "windows"} <= {os.split("-")[0] for os in jobs["unit"]["strategy"]["matrix"]["os"]}
    assert any('-m "not e2e"' in step.get("run", "") for step in jobs["unit"]["steps"])
    assert any("tests/test_packaging.py" in step.get("run", "") for step in jobs["packaging"]["steps"])


def test_release_publishes_on_a_version_tag_with_trusted_publishing_only() -> None:
    release = load("release.yml")
    assert release[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as True
    assert release["permissions"] == {}
    jobs = release["jobs"]
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["publish"]["needs"] == "build"
    assert [job for job, spec in jobs.items() if "id-token" in spec.get("permissions", {})] == ["publish"]
    steps = jobs["publish"]["steps"]
    assert steps[-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in steps[-1], "no password or token: the registry trusts the workflow's identity"
    build_runs = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "python -m build" in build_runs
    assert "twine check --strict" in build_runs
    assert "ecrtui/__init__.py" in build_runs, "the tag is checked against the one version source"


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_every_action_is_pinned_to_a_commit(name: str) -> None:
    uses = re.findall(r"uses: ([^\s#]+)", (WORKFLOWS / name).read_text())
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action


def test_the_changelog_heads_with_the_version_to_be_tagged() -> None:
    """CHANGELOG.md's newest entry is the version of ecrtui/__init__.py (the tag v<it>)."""
    from ecrtui import __version__

    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (REPO / "CHANGELOG.md").read_text(), flags=re.MULTILINE)
    assert versions and versions[0] == __version__
    assert __version__.startswith("0."), "the v0.x scheme of CHANGELOG.md"
