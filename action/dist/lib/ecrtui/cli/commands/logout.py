"""`ecrtui logout`: erase what login wrote, from the files, the token cache and the record
of written hosts. In GitHub Actions' post step: the hosts this job's main step saved."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from ecrtui.cli import render
from ecrtui.cli.exit_codes import ExitCode
from ecrtui.cli.options import selection_options
from ecrtui.cli.request import Request, build_request, plan
from ecrtui.core import written
from ecrtui.core.github import STATE_LEASE, command, state_hosts, state_writers
from ecrtui.core.usecases.logout import NOT_RERECORDED, TOKENS_NOT_ERASED, LogoutOutcome, logout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    selection_options(parser)


@dataclass(frozen=True)
class _Hosts:
    """What to erase: the hosts, the writers that hold them, the job's lease."""

    hosts: list[str]
    writers: tuple[str, ...] | None
    lease: str | None = None


def _saved_by_the_job(request: Request) -> _Hosts:
    """The post step's hosts: those the main step saved, never one another job logged into."""
    environ = request.environ
    writers = request.selection.writers or state_writers(environ) or None
    return _Hosts(state_hosts(environ), writers, environ.get(f"STATE_{STATE_LEASE}") or None)


def _planned(request: Request) -> _Hosts:
    registries, unknown = written.resolve(plan(request), request.environ)
    for registry in unknown:  # its host is known only from a login, and none is recorded
        sys.stdout.write(
            f"{registry.label} of target {registry.target}: no login recorded, so its host is unknown and "
            "nothing was erased (name it: --registries)\n"
        )
    hosts = list(dict.fromkeys(r.host for r in registries if r.host))
    writers = request.selection.writers or tuple(dict.fromkeys(w for r in registries for w in r.writers))
    return _Hosts(hosts, writers)


def _say(line: str, github: bool) -> None:
    sys.stdout.write((command("error", line) if github else line) + "\n")


def _report(outcome: LogoutOutcome, github: bool) -> ExitCode:
    for host, problem in outcome.problems.items():
        if problem:
            _say(f"Could not logout of registry {host}: {problem}", github)
        elif host in outcome.held or github:  # GitHub mode keeps the upstream Action's wording
            sys.stdout.write(f"Logged out of {host}\n")
        else:
            sys.stdout.write(f"{host}: not logged in (nothing to erase)\n")
    if outcome.failed:
        _say(f"Failed to logout: {','.join(outcome.failed)}", github)
        return ExitCode.FAILED
    return ExitCode.OK


def _warn(outcome: LogoutOutcome) -> None:
    if outcome.cache_problem is not None:
        render.warn(outcome.cache_problem, TOKENS_NOT_ERASED)
    if outcome.record_problem is not None:
        sys.stderr.write(f"ecrtui: warning: {NOT_RERECORDED}: {outcome.record_problem.message}\n")


def _explicit(request: Request, args: argparse.Namespace) -> bool:
    """Only flags make a logout explicit: the post step sees INPUT_REGISTRIES again, but
    must erase just the hosts the main step saved."""
    return request.selection.names_targets or args.registries is not None


def run(args: argparse.Namespace) -> ExitCode:
    request = build_request(args, dict(os.environ))
    if request.github and request.skip_logout:
        sys.stdout.write("Skipping logout: skip-logout is true\n")
        return ExitCode.OK
    from_state = request.github and not _explicit(request, args)
    target = _saved_by_the_job(request) if from_state else _planned(request)
    if from_state and not target.hosts:
        sys.stdout.write("No registries to log out of\n")
        return ExitCode.OK
    outcome = _erase(request, target.hosts, target.writers, target.lease)
    _warn(outcome)
    return _report(outcome, request.github)


def _erase(request: Request, hosts: Sequence[str], writers: Sequence[str] | None, lease: str | None) -> LogoutOutcome:
    return logout(hosts, writers, request.profiles.defaults, request.environ, lease=lease, record=not request.github)
