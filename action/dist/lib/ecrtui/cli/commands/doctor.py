"""`ecrtui doctor`: permission and environment diagnostics, rendered as text (grouped by
target, with each missing permission's IAM policy), JSON (`{"version": 1, ...}`, pinned by
tests/test_doctor_cli.py) or, in GitHub Actions, text plus `::error::`/`::warning::`
annotations. Exit 0 when no check failed, 1 when one did, 2 for bad usage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from ecrtui.cli.exit_codes import ExitCode
from ecrtui.cli.options import OutputFormat, add_http_proxy, seconds, selection_options
from ecrtui.cli.records import JSON_VERSION, write_document
from ecrtui.cli.request import output_format, selection_from_args
from ecrtui.core.diagnose import Check, CheckStatus, Report, TargetReport
from ecrtui.core.errors import ConfigError
from ecrtui.core.github import command
from ecrtui.core.profiles_file import ProfilesFile, load_profiles
from ecrtui.core.usecases.doctor import diagnose

_SYMBOLS = {CheckStatus.OK: "✓", CheckStatus.WARN: "!", CheckStatus.FAIL: "✗", CheckStatus.SKIP: "-"}
_ASCII_SYMBOLS = {CheckStatus.OK: "+", CheckStatus.WARN: "!", CheckStatus.FAIL: "x", CheckStatus.SKIP: "-"}
_LABELS = {CheckStatus.OK: "ok", CheckStatus.WARN: "warn", CheckStatus.FAIL: "FAIL", CheckStatus.SKIP: "skip"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    selection_options(parser)
    group = parser.add_argument_group("what to examine")
    group.add_argument(
        "--repository",
        metavar="NAME",
        action="append",
        default=[],
        help="a repository to check pull and push permissions on (repeatable; added to each target's repositories)",
    )
    add_http_proxy(group)
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=seconds,
        help="per AWS call and probe, and the bound on resolving credentials (default 10)",
    )


def _profiles(args: argparse.Namespace, environ: dict[str, str]) -> tuple[ProfilesFile, ConfigError | None]:
    """The profiles file; a broken one is a finding, not bad usage."""
    try:
        return load_profiles(args.config, environ), None
    except ConfigError as error:
        return ProfilesFile(), error


def run(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    output = output_format(args, environ)
    selection, proxy = selection_from_args(args, environ)
    profiles, profiles_error = _profiles(args, environ)
    report = diagnose(
        profiles,
        selection,
        environ,
        repositories=tuple(args.repository),
        profiles_error=profiles_error,
        timeout=args.timeout,
        http_proxy=proxy,
    )
    if output is OutputFormat.JSON:
        write_document(doctor_document(report), sys.stdout)
    else:
        render_text(report, sys.stdout)
        if output is OutputFormat.GITHUB:
            render_annotations(report, sys.stdout)
    return ExitCode(report.exit_status)


# --- JSON --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckRecord:
    """One check of `ecrtui doctor`; `id` is a stable contract."""

    id: str
    category: str
    title: str
    subject: str | None
    status: str
    finding: str
    remediation: str | None
    policy: dict[str, Any] | None

    @classmethod
    def of(cls, check: Check) -> CheckRecord:
        return cls(
            id=check.id,
            category=check.category.value,
            title=check.title,
            subject=check.subject,
            status=check.status.value,
            finding=check.finding,
            remediation=check.remediation or None,
            policy=dict(check.policy) if check.policy is not None else None,
        )

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class DoctorTargetRecord:
    """The checks of one target (`name` None: this machine's)."""

    name: str | None
    status: str
    missing_policy: dict[str, Any] | None
    checks: list[CheckRecord]

    @classmethod
    def of(cls, group: TargetReport) -> DoctorTargetRecord:
        checks = [CheckRecord.of(check) for check in group.checks]
        return cls(group.name, group.status.value, group.missing_policy(), checks)

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "checks": [check.to_json() for check in self.checks]}


def doctor_document(report: Report) -> dict[str, Any]:
    """Machine checks under `"name": null`, then each target."""
    return {
        "version": JSON_VERSION,
        "status": report.status.value,
        "counts": report.counts(),
        "targets": [DoctorTargetRecord.of(group).to_json() for group in report.by_target()],
    }


# --- text -----------------------------------------------------------------------------------------


def _symbols(out: TextIO) -> dict[CheckStatus, str]:
    encoding = getattr(out, "encoding", None) or "ascii"
    try:
        "".join(_SYMBOLS.values()).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return _ASCII_SYMBOLS
    return _SYMBOLS


def _indented_json(document: Any, indent: str) -> list[str]:
    return [indent + line for line in json.dumps(document, indent=2).splitlines()]


def render_text(report: Report, out: TextIO) -> None:
    symbols = _symbols(out)
    lines: list[str] = []
    for group in report.by_target():
        lines.append("This machine" if group.name is None else f"Target {group.name}")
        lines.extend(_group_lines(group, symbols))
        lines.append("")
    counts = report.counts()
    lines.append(
        f"ecrtui doctor: {counts['ok']} ok, {counts['warn']} warning{'' if counts['warn'] == 1 else 's'}, {counts['fail']} failed, "
        f"{counts['skip']} skipped"
    )
    out.write("\n".join(lines) + "\n")


def _group_lines(group: TargetReport, symbols: dict[CheckStatus, str]) -> list[str]:
    lines: list[str] = []
    category = None
    for check in group.checks:
        if check.category is not category:
            category = check.category
            lines.append(f"  {category.value.title()}")
        subject = f" [{check.subject}]" if check.subject else ""
        status = f"{symbols[check.status]} {_LABELS[check.status]:4}"
        lines.append(f"    {status}  {check.title}{subject}: {check.finding}")
        if check.remediation:
            lines.append(f"             fix: {check.remediation}" + (":" if check.policy else ""))
        if check.policy is not None:
            lines.extend(_indented_json(check.policy, " " * 15))
    combined = group.missing_policy()
    failed_policies = sum(1 for c in group.checks if c.policy is not None and c.failed)
    if combined is not None and failed_policies > 1:
        lines.append(f"  Every missing permission of {group.name} in one policy:")
        lines.extend(_indented_json(combined, "    "))
    return lines


def render_annotations(report: Report, out: TextIO) -> None:
    """GitHub: one annotation per failed or warned check, so the run's summary shows them."""
    for check in report.checks:
        if check.status not in (CheckStatus.FAIL, CheckStatus.WARN):
            continue
        where = f"{check.target}: " if check.target else ""
        hint = f" ({check.remediation})" if check.remediation else ""
        name = "error" if check.failed else "warning"
        out.write(command(name, f"{where}{check.title}: {check.finding}{hint}") + "\n")
