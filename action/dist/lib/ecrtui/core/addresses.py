"""Registry addresses: 12-digit account IDs and ECR hostnames of every partition.

Parses what people type (IDs, hostnames, comma or space separated lists) into
`RegistrySpec`s and formats canonical hostnames back. Every mistake is caught here, with a
hint, so a typo never costs an AWS round trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ecrtui.core.errors import UsageError
from ecrtui.core.helper_protocol import bare_host
from ecrtui.core.partitions import partition_of


class RegistryType(str, Enum):
    PRIVATE = "private"
    PUBLIC = "public"


PUBLIC_HOST = "public.ecr.aws"
PUBLIC_DUALSTACK_HOST = "ecr-public.aws.com"
PUBLIC_HOSTS = (PUBLIC_HOST, PUBLIC_DUALSTACK_HOST)
# ECR Public's GetAuthorizationToken exists only in us-east-1.
PUBLIC_REGION = "us-east-1"

# Every ECR hostname Amazon's own docker credential helper accepts: account, -fips, region, DNS suffix of every
# partition (commercial, China, EUSC, dual-stack, GovCloud/ISO). Used with fullmatch so a
# trailing newline or suffix never sneaks through.
_PRIVATE_HOST = re.compile(
    r"(?P<account>[0-9]{12})\.dkr(?P<sep>[.\-])ecr(?P<fips>-fips)?\."
    r"(?P<region>[a-zA-Z0-9][a-zA-Z0-9-_]*)\."
    r"(?P<suffix>amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)"
    r"|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)"
)
_ACCOUNT_ID = re.compile(r"[0-9]{12}")  # not \d: it matches any Unicode digit
_REGION = re.compile(r"[a-z]{2,5}(?:-[a-z]+)+-[0-9]{1,2}")
# An IAM role of any partition: arn:<partition>:iam::<account>:role/<optional path/>NAME.
_ROLE_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role/(?:[!-~]{0,510}/)?[\w+=,.@-]{1,64}", re.ASCII)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_ALIAS = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])(?::[0-9]{{1,5}})?")


@dataclass(frozen=True)
class RegistrySpec:
    """One registry as the user named it, before credentials and region are resolved.

    `account_id` None means "the caller's own registry"; `region` None means "the
    target's region"; `host` is where credentials are stored (a hostname the user wrote,
    a custom alias, or None to use the canonical one).
    """

    type: RegistryType = RegistryType.PRIVATE
    account_id: str | None = None
    region: str | None = None
    host: str | None = None


@dataclass(frozen=True)
class ParsedHost:
    """What an ECR hostname says about itself."""

    type: RegistryType
    account_id: str | None
    region: str
    fips: bool = False
    dualstack: bool = False


def _has_control_chars(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def _shown(text: str) -> str:
    """A value quoted for a message, control characters escaped so they cannot forge lines."""
    return repr(text)


def check_account_id(value: str, *, where: str = "registry") -> str:
    """Return a valid 12-digit account ID or raise a UsageError that says how to fix it."""
    if _ACCOUNT_ID.fullmatch(value):
        return value
    if value.isascii() and value.isdigit() and len(value) == 11:
        raise UsageError(
            f"{where} {_shown(value)} has 11 digits, not 12",
            remediation=(
                f"an account ID that starts with 0 loses it when YAML or GitHub reads it as a "
                f'number: write it quoted, "0{value}"'
            ),
        )
    if value.isascii() and value.isdigit():
        raise UsageError(
            f"{where} {_shown(value)} has {len(value)} digits",
            remediation="an AWS account ID has exactly 12 digits, e.g. 123456789012",
        )
    raise UsageError(
        f"{where} {_shown(value)} is neither a 12-digit account ID nor an ECR hostname",
        remediation="write 123456789012 or 123456789012.dkr.ecr.us-east-1.amazonaws.com",
    )


def check_region(value: str, *, where: str = "region") -> str:
    if _REGION.fullmatch(value):
        return value
    raise UsageError(
        f"{where} {_shown(value)} is not an AWS region name",
        remediation="write a region such as us-east-1 or eu-west-1",
    )


def is_role_arn(value: str) -> bool:
    return _ROLE_ARN.fullmatch(value) is not None


def check_role_arn(value: str, *, where: str = "role ARN") -> str:
    if is_role_arn(value):
        return value
    raise UsageError(
        f"{where} {_shown(value)} is not an IAM role ARN",
        remediation="write arn:aws:iam::123456789012:role/NAME",
    )


def check_host_alias(value: str, *, where: str = "host") -> str:
    """A custom `host:` (a registry mirror, a proxy, a local registry) in canonical form."""
    host = value.strip().lower()
    port = re.search(r":([0-9]{1,5})\Z", host)
    if _has_control_chars(value) or not _HOST_ALIAS.fullmatch(host) or (port and not 0 < int(port[1]) < 65536):
        raise UsageError(
            f"{where} {_shown(value)} is not a hostname",
            remediation="write a hostname with an optional port, e.g. registry.example.com:5000",
        )
    return host


def parse_ecr_host(host: str) -> ParsedHost | None:
    """Parse an ECR hostname (private of any partition, or public); None if it is not one."""
    host = host.lower()
    if host in PUBLIC_HOSTS:
        return ParsedHost(RegistryType.PUBLIC, None, PUBLIC_REGION, dualstack=host == PUBLIC_DUALSTACK_HOST)
    match = _PRIVATE_HOST.fullmatch(host)
    if match is None:
        return None
    return ParsedHost(
        RegistryType.PRIVATE,
        match["account"],
        match["region"],
        fips=match["fips"] is not None,
        dualstack=match["sep"] == "-",
    )


def private_host(account_id: str, region: str, *, fips: bool = False, dualstack: bool = False) -> str:
    """The canonical registry hostname of an account in a region."""
    fips_part = "-fips" if fips else ""
    if dualstack:
        return f"{account_id}.dkr-ecr{fips_part}.{region}.{partition_of(region).dualstack_suffix}"
    return f"{account_id}.dkr.ecr{fips_part}.{region}.{partition_of(region).dns_suffix}"


def output_suffix(host: str) -> str:
    """The GitHub output name suffix of the upstream Action: non-word runs become `_`."""
    return re.sub(r"[^a-zA-Z0-9_]+", "_", host)


def parse_registry(text: str, *, where: str = "registry") -> RegistrySpec:
    """One entry: a 12-digit ID or an ECR hostname (scheme and trailing slash tolerated)."""
    if _has_control_chars(text):
        raise UsageError(
            f"{where} {_shown(text)} contains control characters",
            remediation="write the ID or hostname on its own, without tabs or line breaks inside",
        )
    item = text.strip()
    if item.isdigit():
        return RegistrySpec(account_id=check_account_id(item, where=where))
    host = bare_host(item)
    rest = item.split("://", 1)[-1].rstrip("/")
    if "/" in rest:
        raise UsageError(
            f"{where} {_shown(text)} includes a repository path",
            remediation=f"write the registry host alone: {host}",
        )
    parsed = parse_ecr_host(host)
    if parsed is None:
        if host.split(".", 1)[0].isdigit() and ".dkr" in host:
            raise UsageError(
                f"{where} {_shown(text)} looks like an ECR hostname but is not one",
                remediation=(
                    "write ACCOUNT.dkr.ecr.REGION.amazonaws.com with a 12-digit account, "
                    "e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com"
                ),
            )
        check_account_id(item, where=where)  # raises with the right hint
    assert parsed is not None
    if parsed.type is RegistryType.PUBLIC:
        return RegistrySpec(type=RegistryType.PUBLIC, host=host)
    return RegistrySpec(account_id=parsed.account_id, region=parsed.region, host=host)


def parse_registry_list(text: str, *, where: str = "registries") -> tuple[RegistrySpec, ...]:
    """Split IDs/hostnames separated by commas and/or white space; duplicates collapse.

    Blank entries between commas are an error, and digit groups that only make an ID
    together (`1234 5678 9012`) are named as such, so nothing malformed reaches AWS.
    """
    if _has_control_chars(text.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
        raise UsageError(
            f"{where} {_shown(text)} contains control characters",
            remediation="separate IDs and hostnames with commas or spaces only",
        )
    pieces = text.split(",")
    items: list[str] = []
    for position, piece in enumerate(pieces, start=1):
        words = piece.split()
        if not words:
            if len(pieces) == 1:
                return ()
            raise UsageError(
                f"{where} {_shown(text)} has an empty entry (entry {position})",
                remediation="remove the extra comma: write 123456789012,998877665544",
            )
        if len(words) > 1 and all(w.isdigit() for w in words) and len("".join(words)) == 12:
            raise UsageError(
                f"{where} {_shown(text)} has white space inside an account ID",
                remediation=f"write it without spaces: {''.join(words)}",
            )
        items.extend(words)
    specs: dict[RegistrySpec, None] = {}
    for item in items:
        specs.setdefault(parse_registry(item, where=f"{where} entry"))
    return tuple(specs)
