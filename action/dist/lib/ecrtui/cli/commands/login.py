"""`ecrtui login` (also `ecrtui --headless`): log into the chosen registries, print the
results as text, JSON or GitHub workflow commands. Results go to stdout, progress and
problems to stderr."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import uuid

from ecrtui.cli import render
from ecrtui.cli.exit_codes import ExitCode
from ecrtui.cli.github_report import github_report
from ecrtui.cli.options import OutputFormat, add_http_proxy, attempts, positive_int, seconds, selection_options
from ecrtui.cli.records import login_document, write_document
from ecrtui.cli.request import Request, build_request, plan
from ecrtui.core.models import LoginEvent, LoginFinished
from ecrtui.core.proxy import redact
from ecrtui.core.usecases.login import NOT_CACHED, NOT_RECORDED, LoginOutcome, login
from ecrtui.core.usecases.summary import login_summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    selection_options(parser)
    group = parser.add_argument_group("how to log in")
    mask = group.add_mutually_exclusive_group()
    mask.add_argument(
        "--mask-password",
        dest="mask_password",
        action="store_true",
        default=None,
        help="GitHub mode: mask the passwords (default)",
    )
    mask.add_argument(
        "--no-mask-password",
        dest="mask_password",
        action="store_false",
        help="GitHub mode: do not mask (to pass them to another job)",
    )
    group.add_argument(
        "--skip-logout", action="store_true", default=None, help="GitHub mode: do not log out in the post-job step"
    )
    add_http_proxy(group)
    group.add_argument(
        "--max-attempts", metavar="N", type=attempts, help="attempts per AWS call, with backoff (default 3)"
    )
    group.add_argument(
        "--timeout", metavar="SECONDS", type=seconds, help="connect and read timeout per AWS call (default 10)"
    )
    group.add_argument("--jobs", metavar="N", type=positive_int, help="AWS calls in flight at once (default 64)")
    group.add_argument("--no-cache", action="store_true", help="do not put the tokens in the keyring cache")


class _Progress:
    """Progress lines on stderr while logins run (only on a terminal: logs stay clean)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.lock = threading.Lock()

    def __call__(self, event: LoginEvent) -> None:
        if not self.enabled or not isinstance(event, LoginFinished):
            return
        result = event.result
        with self.lock:
            sys.stderr.write(f"  {result.status.value:6}  {result.host or result.registry.label}\n")
            sys.stderr.flush()


def _report(request: Request, outcome: LoginOutcome, lease: str | None) -> None:
    results = outcome.results
    if request.github:
        github_report(
            results,
            request.environ,
            sys.stdout,
            mask=request.mask_password,
            skip_logout=request.skip_logout,
            lease=lease,
        )
        return
    if request.output is OutputFormat.JSON:
        write_document(login_document(results), sys.stdout)
    else:
        render.render_text(results, sys.stdout)
    render.render_failures(results, sys.stderr, github=False)
    if request.output is OutputFormat.TEXT and len(results) > 1:
        sys.stderr.write(f"ecrtui: {login_summary(results)}\n")


def run(args: argparse.Namespace) -> ExitCode:
    request = build_request(args, dict(os.environ))
    registries = plan(request)
    if request.settings.http_proxy:
        sys.stderr.write(f"ecrtui: AWS calls go through the proxy {redact(request.settings.http_proxy)}\n")
    # In CI, entries are written under a lease of this job, so that another job's logout on
    # a shared runner keeps them (with skip-logout the lease simply runs out).
    lease = uuid.uuid4().hex if request.github else None
    # A CI job's runner is thrown away, and on a shared runner a file-backed keyring would
    # leave the token on disk for the next job: no cache there; and no record, since its
    # logout reads the job's state.
    outcome = login(
        registries,
        request.settings,
        request.profiles.defaults,
        jobs=request.jobs,
        on_event=_Progress(request.output is OutputFormat.TEXT and sys.stderr.isatty()),
        on_cache_problem=lambda problem: render.warn(problem, NOT_CACHED),
        use_cache=not (args.no_cache or request.github),
        record=not request.github,
        lease=lease,
    )
    if outcome.record_problem is not None:
        sys.stderr.write(f"ecrtui: warning: {NOT_RECORDED}: {outcome.record_problem.message}\n")
    _report(request, outcome, lease)
    # Results are out; the command ends once every token is in the cache, so whoever runs
    # next (`ecrtui status`, the credential helper, the demo) finds them all.
    outcome.wait_for_cache()
    return ExitCode.OK if outcome.ok else ExitCode.FAILED
