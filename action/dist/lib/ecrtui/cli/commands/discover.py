"""`ecrtui discover (--sso-session NAME | --profile PROFILE) [--region R ...] [--role NAME ...]
[--output text|json] [--write PATH] [--prune]`: every account and role of the signed-in
user in IAM Identity Center; with --write, one target per (account, role) in the profiles
file (docs/identity-center.md). JSON: `{"version": 1, "sso_session": ..., "accounts": [...]}`.
Exit 0, 1 when Identity Center could not be listed, 2 for configuration."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ecrtui.cli.exit_codes import ExitCode
from ecrtui.cli.options import OutputFormat, add_output, positive_int, sso_source_options
from ecrtui.cli.request import config_from_args, factory_from_args
from ecrtui.core.addresses import check_region
from ecrtui.core.discover import DEFAULT_JOBS, DiscoveredAccount, EcrCheck, check_ecr, choose, discover
from ecrtui.core.errors import UsageError
from ecrtui.core.locations import aws_config_paths
from ecrtui.core.sso_config import SsoConfig, check_role_name
from ecrtui.core.sso_profiles import write_aws_profiles
from ecrtui.core.sso_targets import DiscoveredBlock, WriteResult, plan_targets, write_targets

JSON_VERSION = 1
DISCOVERY_MAX_ATTEMPTS = 5  # at least: throttling is likely with hundreds of accounts, back off longer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sso_source_options(parser)
    parser.add_argument(
        "--region", metavar="R", action="append", default=[], help="a region of each account's registry (repeatable)"
    )
    parser.add_argument("--role", metavar="NAME", action="append", default=[], help="only this role (repeatable)")
    add_output(parser, (OutputFormat.TEXT, OutputFormat.JSON))
    parser.add_argument("--write", metavar="PATH", help="add one target per (account, role) to this profiles file")
    parser.add_argument("--prune", action="store_true", help="with --write: remove generated targets that are gone")
    parser.add_argument(
        "--aws-config",
        action="store_true",
        help="with --write: also write matching [profile ...] sections (marked, prunable) into the AWS config file",
    )
    parser.add_argument(
        "--check-ecr",
        action="store_true",
        help="also try one ECR GetAuthorizationToken per account, role and --region: where ECR works",
    )
    parser.add_argument(
        "--jobs", metavar="N", type=positive_int, help=f"calls in flight at once (default {DEFAULT_JOBS})"
    )


def _check(args: argparse.Namespace) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The regions and roles asked for; flags that need others are refused early."""
    regions = tuple(dict.fromkeys(check_region(r, where="--region") for r in args.region))
    roles = tuple(dict.fromkeys(check_role_name(r, "--role") for r in args.role))
    if (args.write or args.check_ecr) and not regions:
        raise UsageError(
            "--write and --check-ecr need the registries' regions", remediation="add --region us-east-1 (repeatable)"
        )
    if (args.prune or args.aws_config) and not args.write:
        raise UsageError("--prune and --aws-config only work with --write", remediation="add --write PATH")
    return regions, roles


def _check_session(args: argparse.Namespace, config: SsoConfig) -> None:
    if (args.write or args.check_ecr) and config.session_name is None:
        raise UsageError(
            "--write and --check-ecr need an sso-session: targets name it (legacy profiles have none)",
            remediation="add an [sso-session NAME] to ~/.aws/config and pass --sso-session NAME",
        )


def _print_json(config: SsoConfig, chosen: Sequence[DiscoveredAccount], checks: Sequence[EcrCheck] | None) -> None:
    document: dict[str, object] = {
        "version": JSON_VERSION,
        "sso_session": config.session_name,
        "accounts": [a.record() for a in chosen],
    }
    if checks is not None:
        document["ecr"] = [c.record() for c in checks]
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _print_text(config: SsoConfig, chosen: Sequence[DiscoveredAccount], checks: Sequence[EcrCheck] | None) -> None:
    for account in chosen:
        sys.stdout.write(f"{account.account_id}  {account.account_name}  {', '.join(account.roles)}\n")
    for check in checks or ():
        where = f"{check.account_id}  {check.role}  {check.region}"
        sys.stdout.write(f"ECR {'ok' if check.ok else 'no'}  {where}" + (f"  {check.error}\n" if check.error else "\n"))
    pairs = sum(len(a.roles) for a in chosen)
    sys.stderr.write(f"ecrtui: {len(chosen)} accounts, {pairs} roles in IAM Identity Center {config.label}\n")


def _write(
    args: argparse.Namespace,
    session: str,
    found: Sequence[DiscoveredAccount],
    chosen: Sequence[DiscoveredAccount],
    regions: tuple[str, ...],
    environ: dict[str, str],
) -> None:
    """One target per (account, role) in the profiles file (and the AWS config): both
    files are checked before either is written."""
    every_pair = frozenset((a.account_id, r) for a in found for r in a.roles)
    block = DiscoveredBlock(session, tuple(plan_targets(session, chosen, regions)), every_pair, args.prune)
    path, config_path = Path(args.write).expanduser(), aws_config_paths(environ)[0]
    for dry_run in (True, False):
        result = write_targets(path, block, dry_run=dry_run)
        if args.aws_config:
            profiles = write_aws_profiles(config_path, block, dry_run=dry_run)
    _written(result, f"targets of sso-session {session}")
    if args.aws_config:
        _written(profiles, f"[profile] sections of sso-session {session}")


def run(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    regions, roles = _check(args)
    config = config_from_args(args, environ)
    _check_session(args, config)
    jobs = args.jobs or DEFAULT_JOBS
    factory = factory_from_args(args, environ, pool=jobs, min_attempts=DISCOVERY_MAX_ATTEMPTS)
    found = discover(config, factory, jobs=jobs, environ=environ)
    chosen = choose(found, roles)
    session = config.session_name or config.profile or "default"
    checks = check_ecr(session, chosen, regions, factory, jobs=jobs) if args.check_ecr else None
    show = _print_json if args.output == OutputFormat.JSON.value else _print_text
    show(config, chosen, checks)
    if args.write:
        _write(args, session, found, chosen, regions, environ)
    return ExitCode.OK


def _written(result: WriteResult, what: str) -> None:
    if result.changed:
        sys.stderr.write(
            f"ecrtui: wrote {result.kept} {what} to {result.path} "
            f"({len(result.added)} new, {len(result.removed)} removed)\n"
        )
    else:
        sys.stderr.write(f"ecrtui: {result.path} already has these {result.kept} {what}: unchanged\n")
