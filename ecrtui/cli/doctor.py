"""`ecrtui doctor`: permission and environment diagnostics, rendered as text (grouped by
target, with each missing permission's IAM policy), JSON (`{"version": 1, ...}`, pinned by
tests/test_doctor_cli.py) or, in GitHub Actions, text plus `::error::`/`::warning::`
annotations. Exit 0 when no check failed, 1 when one did, 2 for bad usage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, TextIO

from ecrtui.cli.args import _seconds, _selection_options
from ecrtui.cli.commands import _registry_type, _split_writers
from ecrtui.cli.exit_codes import ExitCode
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.diagnose import Check, CheckStatus, Report, TargetReport, plan_doctor, run_doctor
from ecrtui.core.errors import ConfigError
from ecrtui.core.github import command, is_github_actions
from ecrtui.core.plan import Selection
from ecrtui.core.profiles_file import ProfilesFile, load_profiles
from ecrtui.core.proxy import check_proxy_url

JSON_VERSION = 1
# One attempt per call: the doctor reports what a call saw; retries would hide throttling
# and make an unreachable endpoint cost minutes.
DOCTOR_MAX_ATTEMPTS = 1

_SYMBOLS = {CheckStatus.OK: "✓", CheckStatus.WARN: "!", CheckStatus.FAIL: "✗", CheckStatus.SKIP: "-"}
_ASCII_SYMBOLS = {CheckStatus.OK: "+", CheckStatus.WARN: "!", CheckStatus.FAIL: "x", CheckStatus.SKIP: "-"}
_LABELS = {CheckStatus.OK: "ok", CheckStatus.WARN: "warn", CheckStatus.FAIL: "FAIL", CheckStatus.SKIP: "skip"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _selection_options(parser)
    group = parser.add_argument_group("what to examine")
    group.add_argument(
        "--repository",
        metavar="NAME",
        action="append",
        default=[],
        help="a repository to check pull and push permissions on (repeatable; added to each target's repositories)",
    )
    group.add_argument("--http-proxy", metavar="URL", help="proxy for the AWS calls (wins over HTTPS_PROXY/HTTP_PROXY)")
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        help="per AWS call and probe, and the bound on resolving credentials (default 10)",
    )


def run(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    output = args.output or ("github" if is_github_actions(environ) else "text")
    registry_type = _registry_type(args.registry_type)
    proxy = check_proxy_url(args.http_proxy) if args.http_proxy else None
    profiles_error: ConfigError | None = None
    try:
        profiles = load_profiles(args.config, environ)
    except ConfigError as error:  # a broken profiles file is a finding, not bad usage
        profiles, profiles_error = ProfilesFile(), error
    selection = Selection(
        target_names=tuple(args.target),
        all_targets=args.all,
        profile=args.profile,
        region=args.region,
        registries=args.registries,
        registry_type=registry_type,
        writers=_split_writers(args.writer),
    )
    plan = plan_doctor(profiles, selection, tuple(args.repository), profiles_error=profiles_error)
    settings = AwsSettings(
        max_attempts=DOCTOR_MAX_ATTEMPTS,
        timeout=args.timeout or profiles.defaults.timeout,
        http_proxy=proxy,
        environ=environ,
    )
    report = run_doctor(plan, ClientFactory(settings))
    if output == "json":
        json.dump(report_document(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render_text(report, sys.stdout)
        if output == "github":
            render_annotations(report, sys.stdout)
    return ExitCode.FAILED if report.failed else ExitCode.OK


# --- JSON -----------------------------------------------------------------------------------------


def check_record(check: Check) -> dict[str, Any]:
    """One check in the JSON contract."""
    return {
        "id": check.id,
        "category": check.category.value,
        "title": check.title,
        "subject": check.subject,
        "status": check.status.value,
        "finding": check.finding,
        "remediation": check.remediation or None,
        "policy": dict(check.policy) if check.policy is not None else None,
    }


def report_document(report: Report) -> dict[str, Any]:
    """The whole JSON document: machine checks under `"name": null`, then each target."""
    return {
        "version": JSON_VERSION,
        "status": report.status.value,
        "counts": report.counts(),
        "targets": [
            {
                "name": group.name,
                "status": group.status.value,
                "missing_policy": group.missing_policy(),
                "checks": [check_record(check) for check in group.checks],
            }
            for group in report.by_target()
        ],
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
