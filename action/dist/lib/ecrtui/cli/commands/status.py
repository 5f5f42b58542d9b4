"""`ecrtui status`: per registry, where its credentials are and until when its cached token
holds, from the files, the record of written hosts and the keyring: no AWS call. The same
answer the app's rows start from."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from ecrtui.cli import render
from ecrtui.cli.exit_codes import ExitCode
from ecrtui.cli.options import OutputFormat, selection_options
from ecrtui.cli.records import StatusRecord, status_document, write_document
from ecrtui.cli.request import build_request, every_target_unless_named, plan
from ecrtui.core.clock import parse_iso
from ecrtui.core.usecases.status import registry_status

HEADER = ("REGISTRY", "TARGET", "PROFILE", "REGION", "CREDENTIALS IN", "TOKEN")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    selection_options(parser)


def expiry_cell(record: StatusRecord, now: dt.datetime | None = None) -> str:
    """The TOKEN column: unknown, not cached, no expiry, or the expiry."""
    if record.cached is None:
        return "-"
    if not record.cached:
        return "not cached"
    if record.expires_at is None:
        return "cached, no expiry"
    return render.expiry_text(parse_iso(record.expires_at), now)


def _row(record: StatusRecord) -> tuple[str, ...]:
    return (
        record.registry,
        str(record.target),
        record.profile or "-",
        str(record.region),
        ", ".join(record.credentials_in or ()) or "-",
        expiry_cell(record),
    )


def run(args: argparse.Namespace) -> ExitCode:
    request = every_target_unless_named(build_request(args, dict(os.environ)))
    report = registry_status(plan(request), request.profiles.defaults, request.environ, unplanned=True)
    if report.cache_problem is not None:
        render.warn(report.cache_problem, "token expiry unknown")
    records = [StatusRecord.of(s) for s in report.statuses] + [StatusRecord.unplanned(e) for e in report.unplanned]
    if request.output is OutputFormat.JSON:
        write_document(status_document(records), sys.stdout)
    else:
        sys.stdout.write("\n".join(render.table([HEADER, *(_row(r) for r in records)])) + "\n")
    return ExitCode.OK
