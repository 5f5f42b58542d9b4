"""A command's arguments merged with GitHub inputs and the profiles file's defaults, and
the registries they plan: the one reading of the selection options every command shares."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from ecrtui.cli.options import OutputFormat, registry_type, writer_names
from ecrtui.core.addresses import RegistryType, check_role_arn
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.aws_profiles import discover_aws_profiles
from ecrtui.core.github import ActionInputs, is_github_actions
from ecrtui.core.models import Registry
from ecrtui.core.plan import Selection, choose_targets, plan_registries
from ecrtui.core.profiles_file import Defaults, ProfilesFile, load_profiles
from ecrtui.core.proxy import check_proxy_url
from ecrtui.core.sso_config import SsoConfig, resolve_config


@dataclass(frozen=True)
class Request:
    """What a command acts on and how."""

    profiles: ProfilesFile
    selection: Selection
    output: OutputFormat
    mask_password: bool
    skip_logout: bool
    settings: AwsSettings
    jobs: int

    @property
    def github(self) -> bool:
        return self.output is OutputFormat.GITHUB

    @property
    def environ(self) -> Mapping[str, str]:
        return self.settings.environ


@dataclass(frozen=True)
class _Given:
    """The options as given, before the profiles file's defaults."""

    registries: str | None
    registry_type: RegistryType | None
    region: str | None
    profile: str | None
    role_arn: str | None
    role_where: str
    writers: list[str]
    mask: bool | None
    skip: bool | None
    proxy: str | None


def _flags(args: argparse.Namespace) -> _Given:
    return _Given(
        registries=args.registries,
        registry_type=registry_type(args.registry_type),
        region=args.region,
        profile=args.profile,
        role_arn=getattr(args, "role_arn", None),
        role_where="--role-arn",
        writers=list(args.writer),
        mask=getattr(args, "mask_password", None),
        skip=getattr(args, "skip_logout", None),
        proxy=getattr(args, "http_proxy", None),
    )


def _with_inputs(given: _Given, inputs: ActionInputs) -> _Given:
    """The Action's inputs fill only what no flag gave."""
    return _Given(
        registries=given.registries if given.registries is not None else inputs.registries,
        registry_type=given.registry_type or inputs.registry_type,
        region=given.region or inputs.region,
        profile=given.profile or inputs.profile,
        role_arn=given.role_arn or inputs.role_to_assume,
        role_where="--role-arn" if given.role_arn else "input 'role-to-assume'",
        writers=given.writers or ([inputs.writers] if inputs.writers else []),
        mask=inputs.mask_password if given.mask is None else given.mask,
        skip=inputs.skip_logout if given.skip is None else given.skip,
        proxy=given.proxy or inputs.http_proxy,
    )


def output_format(args: argparse.Namespace, environ: Mapping[str, str]) -> OutputFormat:
    """--output, else github inside GitHub Actions, else text."""
    if args.output:
        return OutputFormat(args.output)
    return OutputFormat.GITHUB if is_github_actions(environ) else OutputFormat.TEXT


def _selection(args: argparse.Namespace, given: _Given) -> Selection:
    role_arn = given.role_arn
    return Selection(
        target_names=tuple(args.target),
        all_targets=args.all,
        profile=given.profile,
        region=given.region,
        registries=given.registries,
        registry_type=given.registry_type,
        role_arn=None if role_arn is None else check_role_arn(role_arn.strip(), where=given.role_where),
        writers=writer_names(given.writers),
    )


def aws_settings(
    args: argparse.Namespace,
    defaults: Defaults,
    environ: Mapping[str, str],
    proxy: str | None,
    *,
    pool: int = 10,
    min_attempts: int = 1,
) -> AwsSettings:
    """How the AWS calls are made: `--timeout` and `--max-attempts` (where a command has
    them) over the profiles file's defaults. Every command's settings are made here."""
    return AwsSettings(
        max_attempts=max(min_attempts, getattr(args, "max_attempts", None) or defaults.max_attempts),
        timeout=getattr(args, "timeout", None) or defaults.timeout,
        http_proxy=proxy,
        environ=dict(environ),
        max_pool_connections=pool,
    )


def _given(args: argparse.Namespace, environ: Mapping[str, str], output: OutputFormat) -> _Given:
    given = _flags(args)
    return _with_inputs(given, ActionInputs.from_environ(environ)) if output is OutputFormat.GITHUB else given


def _proxy(given: _Given) -> str | None:
    return None if given.proxy is None else check_proxy_url(given.proxy)


def selection_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[Selection, str | None]:
    """The selection and the checked proxy URL that the flags (and in GitHub mode the
    Action's inputs) ask for, read as `build_request` reads them: for `doctor`, which
    reads the profiles file itself (leniently)."""
    given = _given(args, environ, output_format(args, environ))
    return _selection(args, given), _proxy(given)


def build_request(args: argparse.Namespace, environ: Mapping[str, str]) -> Request:
    output = output_format(args, environ)
    given = _given(args, environ, output)
    proxy = _proxy(given)
    profiles = load_profiles(args.config, environ)
    defaults = profiles.defaults
    settings = aws_settings(args, defaults, environ, proxy)
    return Request(
        profiles=profiles,
        selection=_selection(args, given),
        output=output,
        mask_password=True if given.mask is None else given.mask,
        skip_logout=bool(given.skip),
        settings=settings,
        jobs=getattr(args, "jobs", None) or defaults.jobs,
    )


def every_target_unless_named(request: Request) -> Request:
    """Nothing named (no target, no --registries) means every target of the profiles file."""
    selection = request.selection
    if selection.names_targets or selection.registries is not None or not request.profiles.targets:
        return request
    return dataclasses.replace(request, selection=Selection(all_targets=True, writers=selection.writers))


def plan(request: Request) -> tuple[Registry, ...]:
    targets = choose_targets(request.profiles, request.selection)
    return plan_registries(
        targets,
        request.profiles.defaults,
        discover_aws_profiles(request.environ),
        writers=request.selection.writers,
        environ=request.environ,
    )


def config_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> SsoConfig:
    return resolve_config(sso_session=args.sso_session, profile=args.profile, environ=environ)


def factory_from_args(
    args: argparse.Namespace, environ: Mapping[str, str], pool: int = 10, min_attempts: int = 1
) -> ClientFactory:
    """The clients of `sso` and `discover`: their flags over the profiles file's defaults
    (ECRTUI_CONFIG, else the default file), as every other command."""
    proxy = check_proxy_url(args.http_proxy) if args.http_proxy else None
    defaults = load_profiles(None, environ).defaults
    return ClientFactory(aws_settings(args, defaults, environ, proxy, pool=pool, min_attempts=min_attempts))
