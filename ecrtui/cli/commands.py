"""The headless commands: each turns parsed arguments into core calls and renders what
comes back. Results go to stdout, progress and problems to stderr."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from ecrtui.cli import render, token_cache
from ecrtui.cli.exit_codes import ExitCode
from ecrtui.core import written
from ecrtui.core.addresses import RegistryType, check_role_arn
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.aws_profiles import discover_aws_profiles
from ecrtui.core.engine import LoginEngine, logout
from ecrtui.core.errors import EcrtuiError, UsageError
from ecrtui.core.github import (
    STATE_LEASE,
    STATE_REGISTRIES,
    STATE_WRITERS,
    ActionInputs,
    append_file_commands,
    command,
    is_github_actions,
    password_output,
    state_hosts,
    username_output,
)
from ecrtui.core.models import LoginEvent, LoginFinished, LoginResult, Registry
from ecrtui.core.plan import Selection, choose_targets, plan_registries
from ecrtui.core.profiles_file import ProfilesFile, load_profiles
from ecrtui.core.proxy import check_proxy_url, redact
from ecrtui.core.writers import make_writers
from ecrtui.core.writers.authfile import AuthFileWriter


@dataclass(frozen=True)
class Request:
    """A command's arguments merged with GitHub inputs and the profiles file's defaults."""

    profiles: ProfilesFile
    selection: Selection
    output: str
    github: bool
    mask_password: bool
    skip_logout: bool
    settings: AwsSettings
    jobs: int


def _split_writers(values: list[str]) -> tuple[str, ...] | None:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        return None
    make_writers(names)  # validates the names
    return tuple(n.lower() for n in names)


def _registry_type(text: str | None) -> RegistryType | None:
    if text is None or not text.strip():
        return None
    try:
        return RegistryType(text.strip().lower())
    except ValueError:
        raise UsageError("Invalid input for 'registry-type', possible options are [private, public]") from None


def build_request(args: argparse.Namespace, environ: Mapping[str, str]) -> Request:
    output = args.output or ("github" if is_github_actions(environ) else "text")
    github = output == "github"
    inputs = ActionInputs.from_environ(environ) if github else None
    registries = args.registries
    registry_type = _registry_type(args.registry_type)
    region, profile = args.region, args.profile
    role_arn = getattr(args, "role_arn", None)
    role_where = "--role-arn"
    writer_args = list(args.writer)
    mask = getattr(args, "mask_password", None)
    skip = getattr(args, "skip_logout", None)
    proxy = getattr(args, "http_proxy", None)
    if inputs is not None:  # inputs fill only what no flag gave
        registries = registries if registries is not None else inputs.registries
        registry_type = registry_type or inputs.registry_type
        region = region or inputs.region
        profile = profile or inputs.profile
        role_where = "--role-arn" if role_arn else "input 'role-to-assume'"
        role_arn = role_arn or inputs.role_to_assume
        writer_args = writer_args or ([inputs.writers] if inputs.writers else [])
        mask = inputs.mask_password if mask is None else mask
        skip = inputs.skip_logout if skip is None else skip
        proxy = proxy or inputs.http_proxy
    if proxy is not None:
        proxy = check_proxy_url(proxy)
    profiles = load_profiles(args.config, environ)
    defaults = profiles.defaults
    selection = Selection(
        target_names=tuple(args.target),
        all_targets=args.all,
        profile=profile,
        region=region,
        registries=registries,
        registry_type=registry_type,
        role_arn=None if role_arn is None else check_role_arn(role_arn.strip(), where=role_where),
        writers=_split_writers(writer_args),
    )
    settings = AwsSettings(
        max_attempts=getattr(args, "max_attempts", None) or defaults.max_attempts,
        timeout=getattr(args, "timeout", None) or defaults.timeout,
        http_proxy=proxy,
        environ=dict(environ),
    )
    return Request(
        profiles=profiles,
        selection=selection,
        output=output,
        github=github,
        mask_password=True if mask is None else mask,
        skip_logout=bool(skip),
        settings=settings,
        jobs=getattr(args, "jobs", None) or defaults.jobs,
    )


def plan(request: Request) -> tuple[Registry, ...]:
    targets = choose_targets(request.profiles, request.selection)
    return plan_registries(
        targets,
        request.profiles.defaults,
        discover_aws_profiles(request.settings.environ),
        writers=request.selection.writers,
        environ=request.settings.environ,
    )


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


def run_login(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    request = build_request(args, environ)
    registries = plan(request)
    if request.settings.http_proxy:
        sys.stderr.write(f"ecrtui: AWS calls go through the proxy {redact(request.settings.http_proxy)}\n")
    progress = _Progress(request.output == "text" and sys.stderr.isatty())
    # In CI, entries are written under a lease of this job, so that another job's logout on
    # a shared runner keeps them (with skip-logout the lease simply runs out).
    lease = uuid.uuid4().hex if request.github else None
    on_token = token_cache.login_cache(args, request.profiles.defaults, environ, github=request.github)
    engine = LoginEngine(
        ClientFactory(request.settings), jobs=request.jobs, on_event=progress, on_token=on_token, lease=lease
    )
    results = engine.login(registries)
    if not request.github:  # a job's runner is thrown away; its logout reads the job's state
        _note_logins(results, environ)
    if request.github:
        _github_report(request, registries, results, environ, lease)
    elif request.output == "json":
        render.render_json(results, sys.stdout)
        render.render_failures(results, sys.stderr, github=False)
    else:
        render.render_text(results, sys.stdout)
        render.render_failures(results, sys.stderr, github=False)
        if len(results) > 1:
            sys.stderr.write(f"ecrtui: {render.summary(results)}\n")
    if on_token is not None:
        # Results are out; the command ends once every token is in the cache, so whoever
        # runs next (`ecrtui status`, the credential helper, the demo) finds them all.
        on_token.wait()
    return ExitCode.OK if all(r.ok for r in results) else ExitCode.FAILED


def _note_logins(results: list[LoginResult], environ: Mapping[str, str]) -> None:
    try:
        written.note_logins(results, environ)
    except EcrtuiError as error:
        sys.stderr.write(f"ecrtui: warning: logout and status will not know these hosts: {error.message}\n")


def _github_report(
    request: Request,
    registries: tuple[Registry, ...],
    results: list[LoginResult],
    environ: Mapping[str, str],
    lease: str | None = None,
) -> None:
    """Outputs, masks and state exactly as the upstream Action sets them."""
    out = sys.stdout
    outputs: list[tuple[str, str]] = []
    if len(results) == 1 and results[0].host:
        outputs.append(("registry", results[0].host))
    for result in results:
        if not result.ok or result.token is None:
            continue
        if request.mask_password:
            out.write(command("add-mask", result.token.password) + "\n")
        outputs.append((username_output(result.token.host), result.token.username))
        outputs.append((password_output(result.token.host), result.token.password))
    if not request.mask_password and any(r.ok for r in results):
        out.write(
            command(
                "warning",
                "Your docker password is not masked. See https://github.com/aws-actions/amazon-ecr-login#docker-credentials for more information.",
            )
            + "\n"
        )
    out.flush()
    if not append_file_commands(environ.get("GITHUB_OUTPUT"), "GITHUB_OUTPUT", outputs):
        out.write(
            command("warning", "GITHUB_OUTPUT is not set: the registry and docker_* outputs were not written") + "\n"
        )
    logged_in = [r.host for r in results if r.ok and r.host]
    if not request.skip_logout and logged_in:
        writers = sorted({w for r in results if r.ok for w in r.writers})
        state = [(STATE_REGISTRIES, ",".join(logged_in)), (STATE_WRITERS, ",".join(writers))]
        if lease is not None:
            state.append((STATE_LEASE, lease))
        append_file_commands(environ.get("GITHUB_STATE"), "GITHUB_STATE", state)
    for result in results:
        if result.ok:
            out.write(f"Logged in to {result.host} ({render.expiry_text(result.expires_at)})\n")
    render.render_failures(results, out, github=True)


def run_logout(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    request = build_request(args, environ)
    writers = request.selection.writers
    if request.github and request.skip_logout:
        sys.stdout.write("Skipping logout: skip-logout is true\n")
        return ExitCode.OK
    # Only flags make a logout explicit: the post step sees INPUT_REGISTRIES again, but must
    # erase just the hosts the main step saved (never one another job may have logged into).
    explicit = request.selection.names_targets or args.registries is not None
    if request.github and not explicit:
        hosts = state_hosts(environ)
        saved_writers = [w for w in environ.get(f"STATE_{STATE_WRITERS}", "").split(",") if w]
        writers = writers or tuple(saved_writers) or None
        if not hosts:
            sys.stdout.write("No registries to log out of\n")
            return ExitCode.OK
    else:
        registries, unknown = written.resolve(plan(request), environ)
        for registry in unknown:  # its host is known only from a login, and none is recorded
            sys.stdout.write(
                f"{registry.label} of target {registry.target}: no login recorded, so its host is unknown and "
                "nothing was erased (name it: --registries)\n"
            )
        hosts = list(dict.fromkeys(r.host for r in registries if r.host))
        writers = writers or tuple(dict.fromkeys(w for r in registries for w in r.writers))
    lease = (environ.get(f"STATE_{STATE_LEASE}") or None) if request.github and not explicit else None
    held = {host for w in make_writers(writers or ("docker",), environ) for host in hosts if _holds(w, host)}
    outcome = logout(hosts, writers or ("docker",), environ, lease)
    token_cache.forget(hosts, request.profiles.defaults, environ, github=request.github)
    failed = [host for host, problem in outcome.items() if problem]
    if not request.github:
        _forget(hosts, failed, environ)
    for host, problem in outcome.items():
        if problem:
            line = f"Could not logout of registry {host}: {problem}"
            sys.stdout.write((command("error", line) if request.github else line) + "\n")
        elif host in held or request.github:  # GitHub mode keeps the upstream Action's wording
            sys.stdout.write(f"Logged out of {host}\n")
        else:
            sys.stdout.write(f"{host}: not logged in (nothing to erase)\n")
    if failed:
        message = f"Failed to logout: {','.join(failed)}"
        sys.stdout.write((command("error", message) if request.github else message) + "\n")
        return ExitCode.FAILED
    return ExitCode.OK


def _forget(hosts: list[str], failed: list[str], environ: Mapping[str, str]) -> None:
    try:
        written.forget_hosts([h for h in hosts if h not in failed], environ)
    except EcrtuiError as error:
        sys.stderr.write(f"ecrtui: warning: the record of logins was not updated: {error.message}\n")


def run_status(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    request = build_request(args, environ)
    if not request.selection.names_targets and request.selection.registries is None and request.profiles.targets:
        request = Request(**{**request.__dict__, "selection": Selection(all_targets=True)})
    known, unknown = written.resolve(plan(request), environ)
    registries = (*known, *unknown)
    records = []
    for registry in registries:
        writers = make_writers(registry.writers, environ) if registry.host else ()
        held = [w.name for w in writers if w.holds(registry.host or "")]
        sources = [w.credentials_source(registry.host or "") for w in writers]
        records.append(
            {
                "target": registry.target,
                "profile": registry.profile,
                "registry": registry.host or registry.label,
                "type": registry.type.value,
                "account": registry.account_id,
                "region": registry.region,
                "written_to": held,
                "credentials_in": [source for source in sources if source],
            }
        )
    token_cache.annotate_status(records, registries, request.profiles.defaults, environ)
    if request.output == "json":
        import json

        json.dump({"version": render.JSON_VERSION, "registries": records}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        rows = [("REGISTRY", "TARGET", "PROFILE", "REGION", "CREDENTIALS IN", "TOKEN")]
        for r in records:
            rows.append(
                (
                    str(r["registry"]),
                    str(r["target"]),
                    str(r["profile"] or "-"),
                    str(r["region"]),
                    ", ".join(r["credentials_in"]) or "-",  # type: ignore[arg-type]
                    token_cache.expiry_cell(r),
                )
            )
        sys.stdout.write("\n".join(render.table(rows)) + "\n")
    return ExitCode.OK


def run(args: argparse.Namespace) -> ExitCode:
    handlers = {"login": run_login, "logout": run_logout, "status": run_status}
    if args.command in handlers:
        return handlers[args.command](args)
    import importlib

    from ecrtui.cli.args import COMMAND_MODULES

    module = importlib.import_module(COMMAND_MODULES[args.command][0])
    return ExitCode(module.run(args))


def _holds(writer: AuthFileWriter, host: str) -> bool:
    """Whether `writer`'s file holds `host`; a file it cannot read is for logout to report."""
    try:
        return writer.holds(host)
    except EcrtuiError:
        return False
