"""AWS partitions, told apart by the prefix of a region name: the partition's name in an
ARN (`arn:aws-cn:...`) and the DNS suffix of its ECR hostnames. One table, so a new
partition is added in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Partition:
    name: str  # as written in an ARN
    region_prefix: str  # "" for the commercial partition: every other region
    dns_suffix: str  # of `ACCOUNT.dkr.ecr.REGION.<suffix>`
    dualstack_suffix: str = "on.aws"  # of `ACCOUNT.dkr-ecr.REGION.<suffix>`


COMMERCIAL = Partition("aws", "", "amazonaws.com")

# name, region prefix, DNS suffix[, dual-stack suffix]; longest prefix first (`us-isob-`
# before `us-iso-`), the commercial partition last since its prefix matches every region.
_TABLE: tuple[tuple[str, ...], ...] = (
    ("aws-cn", "cn-", "amazonaws.com.cn", "on.amazonwebservices.com.cn"),
    ("aws-us-gov", "us-gov-", "amazonaws.com"),
    ("aws-iso-b", "us-isob-", "sc2s.sgov.gov"),
    ("aws-iso-f", "us-isof-", "csp.hci.ic.gov"),
    ("aws-iso-e", "eu-isoe-", "cloud.adc-e.uk"),
    ("aws-iso", "us-iso-", "c2s.ic.gov"),
    ("aws-eusc", "eusc-", "amazonaws.eu"),
)
PARTITIONS = (*(Partition(*row) for row in _TABLE), COMMERCIAL)

# Every DNS suffix an ECR registry hostname ends with, dotted: `.amazonaws.com`, ...
REGISTRY_DOMAINS = tuple(dict.fromkeys(f".{p.dns_suffix}" for p in PARTITIONS))


def partition_of(region: str) -> Partition:
    return next(p for p in PARTITIONS if region.startswith(p.region_prefix))


def arn_partition(region: str) -> str:
    """`aws`, `aws-cn`, `aws-us-gov`, ...: the partition a region's ARNs name."""
    return partition_of(region).name
