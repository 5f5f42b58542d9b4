"""Configuration checks: which targets to examine, and whether each can be resolved at
all (registry IDs and hosts, region and where it comes from, ECR Public's region, the AWS
profile, repository names) before anything talks to AWS.

Unlike `login`, which stops at the first bad input with exit 2, the doctor reports every
configuration mistake as a failed check, so one run lists them all.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ecrtui.core.addresses import (
    PUBLIC_REGION,
    RegistrySpec,
    RegistryType,
    check_region,
    parse_registry,
    parse_registry_list,
)
from ecrtui.core.aws_profiles import AwsProfile, region_for
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.models import Category, Check, CheckMaker
from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.models import Registry, Target
from ecrtui.core.plan import Selection, choose_targets, plan_registries
from ecrtui.core.profiles_file import Defaults, ProfilesFile
from ecrtui.core.sso_config import SsoRole

# ECR's own rule for repository names (CreateRepository's pattern), 2 to 256 characters.
_REPOSITORY = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")


@dataclass(frozen=True)
class DoctorPlan:
    """The targets to examine, and the problems found while choosing them (a profiles file
    that cannot be read, a registry that is not one), reported as checks."""

    targets: tuple[Target, ...]
    defaults: Defaults = dataclasses.field(default_factory=Defaults)
    problems: tuple[Check, ...] = ()
    writers: tuple[str, ...] | None = None  # --writer: whose credentials files to examine


def plan_doctor(
    profiles: ProfilesFile,
    selection: Selection,
    repositories: tuple[str, ...] = (),
    *,
    profiles_error: ConfigError | None = None,
) -> DoctorPlan:
    """Choose targets as `login` would, but leniently: a broken profiles file or a bad
    `--registries` entry becomes a failed check instead of ending the run.

    `--repository` names are added to every chosen target. With nothing selected, every
    target of the profiles file is examined (or the default credential chain's registry).
    A target name that does not exist is still bad usage: UsageError.
    """
    problems = _profiles_file_checks(profiles, profiles_error)
    adhoc = not selection.names_targets and not (
        selection.registries or selection.profile or selection.region or selection.registry_type
    )
    if adhoc and profiles.targets:
        selection = dataclasses.replace(selection, all_targets=True)
    if selection.names_targets and profiles_error is not None:
        return DoctorPlan((), profiles.defaults, tuple(problems), selection.writers)  # the file is the finding
    bad_registries: list[tuple[str, UsageError]] = []
    if not selection.names_targets and selection.registries and selection.registry_type is not RegistryType.PUBLIC:
        specs, bad_registries = _lenient_registries(selection.registries)
        # choose_targets parses the list again: hand it only what parsed
        selection = dataclasses.replace(
            selection, registries=" ".join(s.host or s.account_id or "" for s in specs) or None
        )
    targets = choose_targets(profiles, selection)
    if repositories:
        targets = tuple(
            dataclasses.replace(t, repositories=tuple(dict.fromkeys((*t.repositories, *repositories)))) for t in targets
        )
    make = CheckMaker(targets[0].name if targets else None, Category.CONFIGURATION)
    for text, error in bad_registries:
        problems.append(
            make.fail(CheckId.CONFIG_REGISTRY, "Registry", error.message, remediation=error.remediation, subject=text)
        )
    return DoctorPlan(targets, profiles.defaults, tuple(problems), selection.writers)


def _profiles_file_checks(profiles: ProfilesFile, error: ConfigError | None) -> list[Check]:
    """The profiles file as a finding: why it cannot be read, or what it holds."""
    make = CheckMaker(None, Category.CONFIGURATION)
    if error is not None:
        return [make.fail(CheckId.CONFIG_PROFILES_FILE, "Profiles file", error.message, remediation=error.remediation)]
    if profiles.path:
        said = f"{profiles.path}: {len(profiles.targets)} target(s), valid"
        return [make.ok(CheckId.CONFIG_PROFILES_FILE, "Profiles file", said)]
    return []


def _lenient_registries(text: str) -> tuple[tuple[RegistrySpec, ...], list[tuple[str, UsageError]]]:
    """Every entry that parses, and every one that does not with its reason (where `login`
    stops at the first)."""
    try:
        return parse_registry_list(text), []
    except UsageError as whole:
        specs: dict[RegistrySpec, None] = {}
        problems: list[tuple[str, UsageError]] = []
        for item in re.split(r"[,\s]+", text):
            if not item:
                continue
            try:
                specs.setdefault(parse_registry(item, where="registries entry"))
            except UsageError as error:
                problems.append((item, error))
        # A mistake of the list itself (an empty entry, spaces inside an ID) says more.
        if whole.message not in {e.message for _, e in problems}:
            problems.insert(0, (text, whole))
        return tuple(specs), problems


@dataclass(frozen=True)
class ConfigOutcome:
    """What the configuration checks resolved, for the checks that follow."""

    checks: tuple[Check, ...]
    region: str | None
    registries: tuple[Registry, ...]  # empty when the target cannot be resolved
    repositories: tuple[str, ...]  # the valid names only
    profile_ok: bool


def check_configuration(
    target: Target,
    defaults: Defaults,
    aws_profiles: tuple[AwsProfile, ...] | ConfigError,
    environ: Mapping[str, str],
    writers: tuple[str, ...] | None = None,
) -> ConfigOutcome:
    make = CheckMaker(target.name, Category.CONFIGURATION)
    checks: list[Check] = []
    profile_check, profile_ok = _profile(make, target, aws_profiles, environ)
    checks.append(profile_check)
    known = aws_profiles if isinstance(aws_profiles, tuple) else ()
    region, origin = region_for(target.region, target.profile, defaults.region, known, environ)
    origin = _origin_text(origin, target)
    region_ok = True
    if region is not None:
        try:
            check_region(region)
        except UsageError as error:
            region_ok = False
            checks.append(
                make.fail(
                    CheckId.CONFIG_REGION,
                    "Region",
                    f"region {region!r} ({origin}) is not an AWS region name",
                    remediation=error.remediation,
                )
            )
            region = None
    if target.type is RegistryType.PUBLIC:
        checks.append(_public_region(make, region, origin))
    elif region_ok:
        checks.append(_private_region(make, target, region, origin))
        region_ok = not checks[-1].failed
    checks.append(_registries(make, target))
    repositories, repository_checks = _repositories(make, target.repositories)
    checks.extend(repository_checks)
    registries: tuple[Registry, ...] = ()
    if profile_ok and (region_ok or target.type is RegistryType.PUBLIC):
        try:
            registries = plan_registries((target,), defaults, known, writers=writers, environ=environ)
        except ConfigError as error:  # a rule of the planner none of the checks above knows of
            checks.append(make.fail(CheckId.CONFIG_PLAN, "Registries", error.message, remediation=error.remediation))
    return ConfigOutcome(tuple(checks), region, registries, repositories, profile_ok)


def _origin_text(origin: str, target: Target) -> str:
    if origin == "set explicitly":
        return f"from region: of the target at {target.source}" if target.source else "from --region"
    return f"from {origin}"


def _profile(
    make: CheckMaker, target: Target, aws_profiles: tuple[AwsProfile, ...] | ConfigError, environ: Mapping[str, str]
) -> tuple[Check, bool]:
    """Whether the AWS profile the target uses exists (and its source_profile); True when
    its credentials can be looked for."""
    if isinstance(aws_profiles, ConfigError):
        return make.fail(
            CheckId.CONFIG_PROFILE, _PROFILE, aws_profiles.message, remediation=aws_profiles.remediation
        ), False
    name, origin = target.profile, "the target"
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        if name is None and environ.get(variable):
            name, origin = environ[variable], f"${variable}"
    if name is None:
        said = (
            "no profile named: the default credential chain (environment, [default], SSO, container, instance metadata)"
        )
        return make.ok(CheckId.CONFIG_PROFILE, _PROFILE, said), True
    role = SsoRole.from_profile_key(name)
    if role is not None:  # a target naming IAM Identity Center itself: no profile involved
        where = f"role {role.role} in account {role.account_id} through sso-session {role.session}"
        return make.ok(CheckId.CONFIG_PROFILE, _PROFILE, f"none needed: {where}"), True
    return _named_profile(make, name, origin, {p.name: p for p in aws_profiles})


_PROFILE = "AWS profile"


def _named_profile(make: CheckMaker, name: str, origin: str, by_name: dict[str, AwsProfile]) -> tuple[Check, bool]:
    found = by_name.get(name)
    if found is None:
        close = difflib.get_close_matches(name, list(by_name), n=1)
        listed = ", ".join(sorted(by_name)) or "none are configured"
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (
            make.fail(
                CheckId.CONFIG_PROFILE,
                _PROFILE,
                f"AWS profile {name!r} (named by {origin}) does not exist in the AWS config or credentials file",
                remediation=f"{hint}profiles: {listed} (`aws configure list-profiles`)",
                subject=name,
            ),
            False,
        )
    if found.source_profile and found.source_profile not in by_name:
        return (
            make.fail(
                CheckId.CONFIG_PROFILE,
                _PROFILE,
                f"profile {name!r} takes its credentials from source_profile {found.source_profile!r}, "
                "which does not exist",
                remediation=f"add [profile {found.source_profile}] or fix source_profile in {found.source}",
                subject=name,
            ),
            False,
        )
    details = ", ".join([found.kind, *([f"region {found.region}"] if found.region else [])])
    return make.ok(
        CheckId.CONFIG_PROFILE, _PROFILE, f"profile {name} ({details}) in {found.source}", subject=name
    ), True


def _private_region(make: CheckMaker, target: Target, region: str | None, origin: str) -> Check:
    if region is not None:
        return make.ok(CheckId.CONFIG_REGION, "Region", f"{region}, {origin}")
    if target.registries and all(spec.region for spec in target.registries):
        return make.ok(CheckId.CONFIG_REGION, "Region", "no target region, but every registry names its own")
    where = f"profile {target.profile}" if target.profile else "the default profile"
    return make.fail(
        CheckId.CONFIG_REGION,
        "Region",
        "Region is missing: not set by --region or the target's region:, not in $AWS_REGION or "
        f"$AWS_DEFAULT_REGION, not in {where}, not in defaults.region of the profiles file",
        remediation="pass --region, set AWS_REGION, add region = ... to the profile, or set defaults.region",
    )


def _public_region(make: CheckMaker, region: str | None, origin: str) -> Check:
    title = "ECR Public region"
    if region is None or region == PUBLIC_REGION:
        return make.ok(CheckId.CONFIG_PUBLIC_REGION, title, f"ECR Public logins go to {PUBLIC_REGION}")
    return make.warn(
        CheckId.CONFIG_PUBLIC_REGION,
        title,
        f"the region is {region} ({origin}), but ECR Public's GetAuthorizationToken exists only in "
        f"{PUBLIC_REGION}. ecrtui sends public logins there anyway; the AWS CLI and the amazon-ecr-login "
        f"Action fail with `GetAuthorizationToken command is only supported in us-east-1` or "
        f"`Inaccessible host: 'api.ecr-public.{region}.amazonaws.com'`",
        remediation=(
            "nothing to change for ecrtui; for the AWS CLI pass --region us-east-1 (in GitHub Actions, "
            "aws-region: us-east-1 in configure-aws-credentials)"
        ),
    )


def _registries(make: CheckMaker, target: Target) -> Check:
    if target.type is RegistryType.PUBLIC:
        return make.ok(CheckId.CONFIG_REGISTRY, "Registry", "ECR Public (public.ecr.aws)")
    if not target.registries:
        return make.ok(CheckId.CONFIG_REGISTRY, "Registry", "the caller's own registry (no registries listed)")
    names = [spec.host or spec.account_id or "?" for spec in target.registries]
    return make.ok(CheckId.CONFIG_REGISTRY, "Registry", f"{len(names)} valid: {', '.join(names)}")


def _repositories(make: CheckMaker, names: tuple[str, ...]) -> tuple[tuple[str, ...], list[Check]]:
    valid: list[str] = []
    checks: list[Check] = []
    for name in names:
        problem = repository_name_problem(name)
        if problem is None:
            valid.append(name)
        else:
            checks.append(
                make.fail(
                    CheckId.CONFIG_REPOSITORY, "Repository name", problem[0], remediation=problem[1], subject=name
                )
            )
    if valid:
        checks.append(make.ok(CheckId.CONFIG_REPOSITORY, "Repository name", f"to examine: {', '.join(valid)}"))
    return tuple(valid), checks


def repository_name_problem(name: str) -> tuple[str, str] | None:
    """(what is wrong, what to write) for a name ECR would refuse; None when it is valid."""
    # An image URI matches ECR's pattern too (dots are allowed), but is never what was meant.
    if ".dkr." in name or ".dkr-ecr" in name or name.startswith(("public.ecr.aws/", "https://")):
        path = name.split("://", 1)[-1].split("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
        return f"{name!r} is an image URI, not a repository name", f"write the repository path alone: {path}"
    if 2 <= len(name) <= 256 and _REPOSITORY.fullmatch(name):
        return None
    if ":" in name or "@" in name:
        return f"{name!r} includes a tag or digest", f"write the repository alone: {re.split('[:@]', name)[0].lower()}"
    if name != name.lower():
        return f"{name!r} has capital letters", f"ECR repository names are lower-case: {name.lower()}"
    return (
        f"{name!r} is not a valid ECR repository name",
        "use lower-case letters, digits and . _ - separated by /, e.g. team/app",
    )
