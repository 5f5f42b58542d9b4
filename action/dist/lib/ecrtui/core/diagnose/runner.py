"""`run_doctor`: every check of every target, targets in parallel, stages in order within
a target (configuration, credentials, network, permissions, local state), each stage
skipping with a reason when what it needs failed before it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ecrtui.core.addresses import PUBLIC_REGION, private_host
from ecrtui.core.aws import ClientFactory
from ecrtui.core.aws_profiles import AwsProfile, discover_aws_profiles
from ecrtui.core.clock import utc_now
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.client_checks import check_helper_log, check_local_runtimes
from ecrtui.core.diagnose.config_checks import DoctorPlan, check_configuration
from ecrtui.core.diagnose.context import Clock, DoctorContext
from ecrtui.core.diagnose.credential_checks import check_credentials
from ecrtui.core.diagnose.credentials_files import target_files
from ecrtui.core.diagnose.host_checks import check_hosts, login_hint
from ecrtui.core.diagnose.identity_checks import Identity
from ecrtui.core.diagnose.local_checks import check_machine
from ecrtui.core.diagnose.models import Category, Check, CheckMaker, Report
from ecrtui.core.diagnose.network_checks import check_network
from ecrtui.core.diagnose.permission_checks import check_permissions
from ecrtui.core.diagnose.probe import HttpProbe, http_probe
from ecrtui.core.errors import ConfigError
from ecrtui.core.models import Registry, Target
from ecrtui.core.proxy import redact

CheckSink = Callable[[Check], None]


def run_doctor(
    plan: DoctorPlan,
    factory: ClientFactory,
    *,
    environ: Mapping[str, str] | None = None,
    probe: HttpProbe = http_probe,
    clock: Clock = utc_now,
    keyring: Callable[[], Any] | None = None,
    credential_deadline: float | None = None,
    jobs: int = 8,
    on_check: CheckSink | None = None,
) -> Report:
    """Examine every target of `plan`; never raises for what it finds.

    `environ` defaults to the factory's; botocore itself reads the process environment, so
    the two should agree. `credential_deadline` (default: the per-call timeout) bounds
    credential resolution. `keyring` detects the keyring backend (default:
    the one the token cache would use). `on_check` sees each check as soon as it is made, from worker
    threads, for a live view; the returned Report has them in a stable order.
    """
    env = factory.settings.environ if environ is None else environ
    ctx = DoctorContext(
        factory=factory,
        environ=env,
        aws_profiles=_aws_profiles(env),
        defaults=plan.defaults,
        probe=probe,
        clock=clock,
        credential_deadline=factory.settings.timeout if credential_deadline is None else credential_deadline,
    )
    emit = on_check or (lambda check: None)
    for problem in plan.problems:
        emit(problem)

    def examine(target: Target) -> tuple[list[Check], list[str]]:
        return _diagnose_target(ctx, target, plan.writers, emit)

    outcomes: list[tuple[list[Check], list[str]]] = []
    if plan.targets:
        workers = max(1, min(jobs, len(plan.targets)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ecrtui-doctor") as pool:
            outcomes = list(pool.map(examine, plan.targets))
    examined = {host for _, hosts in outcomes for host in hosts}
    ordered = [p for p in plan.problems if p.target is None]
    ordered += _machine_checks(ctx, examined, plan.defaults.uses_keyring, keyring, emit)
    for target, (checks, _) in zip(plan.targets, outcomes, strict=True):
        ordered.extend(p for p in plan.problems if p.target == target.name)
        ordered.extend(checks)
    return Report(tuple(ordered))


def _aws_profiles(environ: Mapping[str, str]) -> tuple[AwsProfile, ...] | ConfigError:
    """The AWS config files' profiles, or why they cannot be read (a finding, not a crash)."""
    try:
        return discover_aws_profiles(environ)
    except ConfigError as error:
        return error


def _machine_checks(
    ctx: DoctorContext, examined: set[str], uses_keyring: bool, keyring: Callable[[], Any] | None, emit: CheckSink
) -> list[Check]:
    """This machine's checks, once the targets' say which hosts were examined."""
    checks = [
        *check_machine(ctx, examined, uses_keyring, keyring),
        *check_helper_log(ctx, examined),
        *check_local_runtimes(ctx, examined),
    ]
    for check in checks:
        emit(check)
    return checks


def _diagnose_target(
    ctx: DoctorContext, target: Target, writers: tuple[str, ...] | None, emit: CheckSink
) -> tuple[list[Check], list[str]]:
    """The checks of one target and the hosts its local checks examined. A bug in a check
    ends this target's checks with a failed record, never the whole run."""
    checks: list[Check] = []

    def add(new: list[Check] | tuple[Check, ...]) -> None:
        for check in new:
            emit(check)
            checks.append(check)

    try:
        hosts = _stages(ctx, target, writers, add)
    except Exception as error:
        # listed after the last check that was made, in its category
        category = checks[-1].category if checks else Category.CONFIGURATION
        add(
            [
                CheckMaker(target.name, category).fail(
                    CheckId.DOCTOR_ERROR,
                    "Doctor",
                    f"the checks of this target stopped: {type(error).__name__}: {redact(str(error))}",
                    remediation="this is a bug in ecrtui doctor: please report it with this line",
                )
            ]
        )
        return checks, []
    return checks, hosts


def _stages(
    ctx: DoctorContext,
    target: Target,
    writers: tuple[str, ...] | None,
    add: Callable[[list[Check] | tuple[Check, ...]], None],
) -> list[str]:
    config = check_configuration(target, ctx.defaults, ctx.aws_profiles, ctx.environ, writers)
    add(config.checks)
    resolvable = bool(config.registries)
    sts_region = config.region or (config.registries[0].region if config.registries else PUBLIC_REGION)
    identity: Identity | None = None
    if config.profile_ok:
        credentials = check_credentials(ctx, target, sts_region)
        add(credentials.checks)
        identity, usable, reason = credentials.identity, credentials.usable, credentials.reason
    else:
        usable, reason = False, "the AWS profile cannot be used"
        add([_skipped(target, Category.CREDENTIALS, reason)])
    if resolvable:
        network_target = target if config.profile_ok else dataclasses.replace(target, profile=None)
        add(check_network(ctx, network_target, config.registries, config.region))
    else:
        add([_skipped(target, Category.NETWORK, "the registries cannot be resolved (see the configuration checks)")])
    registries = _with_default_hosts(config.registries, identity)
    if resolvable and usable:
        add(check_permissions(ctx, target, registries, config.repositories, identity))
    else:
        add([_skipped(target, Category.PERMISSIONS, reason or "the registries cannot be resolved")])
    hosts = [r.host for r in registries if r.host]
    if hosts:
        files = target_files(ctx, registries[0].writers)
        hint = login_hint(target.name, from_file=target.source is not None)
        add(check_hosts(ctx, target.name, list(dict.fromkeys(hosts)), files, hint))
    else:
        add([_skipped(target, Category.LOCAL, "the registry hosts are unknown (they come from the caller's identity)")])
    return hosts


def _with_default_hosts(registries: tuple[Registry, ...], identity: Identity | None) -> tuple[Registry, ...]:
    """The caller's default registry gets its host once the account is known."""
    if identity is None:
        return registries
    return tuple(
        r if r.host else dataclasses.replace(r, host=private_host(identity.account, r.region)) for r in registries
    )


def _skipped(target: Target, category: Category, reason: str) -> Check:
    return CheckMaker(target.name, category).skip(_SKIPPED[category], f"{category.value.title()} checks", reason)


_SKIPPED = {
    Category.CREDENTIALS: CheckId.CREDENTIALS_SKIPPED,
    Category.NETWORK: CheckId.NETWORK_SKIPPED,
    Category.PERMISSIONS: CheckId.PERMISSIONS_SKIPPED,
    Category.LOCAL: CheckId.LOCAL_SKIPPED,
}
