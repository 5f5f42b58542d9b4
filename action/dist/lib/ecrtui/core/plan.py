"""From what the user asked (targets, flags, defaults) to the list of registries to log
into, each with its credentials, region, host and writers resolved. All validation that
needs no network happens here, so a bad input never reaches AWS."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ecrtui.core.addresses import (
    PUBLIC_HOST,
    PUBLIC_REGION,
    RegistrySpec,
    RegistryType,
    check_region,
    parse_registry_list,
    private_host,
)
from ecrtui.core.aws_profiles import AwsProfile, region_for
from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.models import Registry, Target
from ecrtui.core.profiles_file import Defaults, ProfilesFile
from ecrtui.core.sso_config import SsoRole


@dataclass(frozen=True)
class Selection:
    """What one command asked for: named targets, or an ad-hoc target from flags."""

    target_names: tuple[str, ...] = ()
    all_targets: bool = False
    profile: str | None = None
    region: str | None = None
    registries: str | None = None
    registry_type: RegistryType | None = None
    role_arn: str | None = None
    writers: tuple[str, ...] | None = None

    @property
    def names_targets(self) -> bool:
        return self.all_targets or bool(self.target_names)


def choose_targets(profiles: ProfilesFile, selection: Selection) -> tuple[Target, ...]:
    """`--target`/`--all` pick targets of the profiles file; otherwise the flags make one."""
    if selection.names_targets:
        if (
            selection.registries is not None
            or selection.profile
            or selection.region
            or selection.registry_type
            or selection.role_arn
        ):
            raise UsageError(
                "--registries, --profile, --region, --role-arn and --registry-type describe an ad-hoc target; "
                "they cannot be combined with --target or --all",
                remediation="change the target in the profiles file, or drop --target/--all",
            )
        if selection.all_targets:
            if not profiles.targets:
                raise UsageError(
                    f"--all: {profiles.path} lists no targets"
                    if profiles.path
                    else "--all: no profiles file was found",
                    remediation="add targets to the profiles file, or pass --registries",
                )
            return profiles.targets
        return tuple(profiles.target(name) for name in dict.fromkeys(selection.target_names))
    kind = selection.registry_type or RegistryType.PRIVATE
    specs: tuple[RegistrySpec, ...] = ()
    if selection.registries and kind is RegistryType.PRIVATE:
        specs = parse_registry_list(selection.registries)
    return (
        Target(
            name=selection.profile or "default",
            profile=selection.profile,
            region=selection.region,
            role_arn=selection.role_arn,
            type=kind,
            registries=specs,
            writers=selection.writers,
        ),
    )


def plan_registries(
    targets: tuple[Target, ...],
    defaults: Defaults,
    aws_profiles: tuple[AwsProfile, ...],
    *,
    writers: tuple[str, ...] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Registry, ...]:
    """Resolve every target's registries. `writers` (from flags) wins over the file."""
    env = os.environ if environ is None else environ
    known_profiles = {p.name for p in aws_profiles}
    planned: dict[tuple[object, ...], Registry] = {}
    for target in targets:
        where = f"{target.source}: " if target.source else ""
        if target.profile and target.profile not in known_profiles and SsoRole.from_profile_key(target.profile) is None:
            known = ", ".join(sorted(known_profiles)) or "none are configured"
            raise ConfigError(
                f"{where}target {target.name!r}: AWS profile {target.profile!r} does not exist",
                remediation=f"use one of the profiles of ~/.aws/config ({known})",
            )
        chosen_writers = writers or target.writers or defaults.writers
        target_region, origin = region_for(target.region, target.profile, defaults.region, aws_profiles, env)
        if target_region is not None:  # --region, AWS_REGION or a profile's region: never sent unchecked
            check_region(target_region, where=f"{where}target {target.name!r}: region ({origin})")
        for spec in target.registries or (RegistrySpec(type=target.type),):
            registry = _resolve(target, spec, target_region, chosen_writers, where)
            key = (
                registry.profile,
                registry.role_arn,
                registry.type,
                registry.region,
                registry.account_id,
                registry.host,
            )
            planned.setdefault(key, registry)
    return tuple(planned.values())


def _resolve(
    target: Target, spec: RegistrySpec, target_region: str | None, writers: tuple[str, ...], where: str
) -> Registry:
    region: str | None
    account_id: str | None
    host: str | None
    if spec.type is RegistryType.PUBLIC:
        region, account_id, host = PUBLIC_REGION, None, spec.host or PUBLIC_HOST
    else:
        region, account_id, host = spec.region or target_region, spec.account_id, spec.host
        if region is None:
            raise ConfigError(
                f"{where}Region is missing for target {target.name!r}",
                remediation="pass --region, set AWS_REGION, give the profile a region, or set defaults.region",
            )
        if host is None and account_id is not None:
            host = private_host(account_id, region)
    return Registry(
        target=target.name,
        profile=target.profile,
        role_arn=target.role_arn,
        type=spec.type,
        region=region,
        account_id=account_id,
        host=host,
        writers=writers,
    )
