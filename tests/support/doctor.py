"""Helpers for the `ecrtui doctor` tests: running the doctor in-process against a real
moto server (botocore reads the process environment, so the test's variables are set
with monkeypatch), running the real command, and picking checks out of a report."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.diagnose import Check, CheckStatus, DoctorPlan, Report, run_doctor
from ecrtui.core.models import Target
from ecrtui.core.profiles_file import Defaults
from support.commands import run_cli, starts_command
from support.environment import Env

_CLEARED = ("AWS_", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "DOCKER_CONFIG")


def isolated_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **variables: str) -> dict[str, str]:
    """The process environment of an in-process run: no AWS or proxy variable of the
    developer's, an empty HOME, and `variables`."""
    for name in list(os.environ):
        if name.startswith(_CLEARED):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    defaults = {
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "DOCKER_CONFIG": str(home / ".docker"),
    }
    for name, value in {**defaults, **variables}.items():
        monkeypatch.setenv(name, value)
    return dict(os.environ)


def doctor_in_process(targets: Iterable[Target], environ: dict[str, str], **options: Any) -> Report:
    """run_doctor as the CLI would (one attempt per call), the keyring check off."""
    settings = AwsSettings(max_attempts=1, timeout=options.pop("timeout", 5.0), environ=environ)
    plan = DoctorPlan(tuple(targets), Defaults(cache="none"))
    return run_doctor(plan, ClientFactory(settings), **options)


def checks(report: Report, id: str, *, target: str | bool | None = True) -> list[Check]:
    """The checks with `id` (of any target unless one is named)."""
    return [c for c in report.checks if c.id == id and (target is True or c.target == target)]


def one(report: Report, id: str, **kwargs: Any) -> Check:
    found = checks(report, id, **kwargs)
    assert len(found) == 1, (
        f"expected one {id} check, found {[(c.status, c.finding) for c in found]} in {[(c.id, c.status.value, c.finding) for c in report.checks]}"
    )
    return found[0]


def failed(report: Report) -> list[Check]:
    return [c for c in report.checks if c.status is CheckStatus.FAIL]


@starts_command
def doctor_cli(env: Env, *args: str, timeout: float = 60) -> tuple[int, dict[str, Any], str]:
    """`ecrtui doctor ... --output json`: exit code, document, stderr."""
    result = run_cli(env, "doctor", *args, "--output", "json", timeout=timeout)
    assert result.stdout.strip(), f"no JSON on stdout; stderr: {result.stderr}"
    return result.returncode, json.loads(result.stdout), result.stderr


def json_checks(document: dict[str, Any], id: str | None = None) -> list[dict[str, Any]]:
    """Every check record of a JSON document (with its target's name added), or those with `id`."""
    found = []
    for group in document["targets"]:
        for record in group["checks"]:
            if id is None or record["id"] == id:
                found.append({**record, "target": group["name"]})
    return found
