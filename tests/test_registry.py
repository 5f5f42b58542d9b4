"""The registry model (ecrtui/core/addresses.py): ECR hostnames of every partition parsed
and formatted, ECR Public hosts, GitHub output suffixes, and the `--registries` list
parser with its hints, plus property tests that it never lets anything but a UsageError
out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrtui.core.addresses import (
    PUBLIC_DUALSTACK_HOST,
    PUBLIC_HOST,
    PUBLIC_REGION,
    RegistrySpec,
    RegistryType,
    output_suffix,
    parse_ecr_host,
    parse_registry,
    parse_registry_list,
    private_host,
)
from ecrtui.core.errors import UsageError
from ecrtui.core.helper_protocol import bare_host
from ecrtui.core.partitions import REGISTRY_DOMAINS, arn_partition

# 123456789012 in digits that `\\d` and str.isdigit() accept but AWS does not
FULLWIDTH_ID = "".join(chr(0xFF10 + int(d)) for d in "123456789012")
ARABIC_INDIC_ID = "".join(chr(0x0660 + int(d)) for d in "012345678901")

# --- parse_ecr_host ----------------------------------------------------------------------

# Every hostname form ECR answers to (private, FIPS, dual-stack, every partition):
# (host, account, region, fips, dualstack).
MUST_PARSE = [
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012", "us-east-1", False, False),
    ("123456789012.dkr-ecr.us-west-2.on.aws", "123456789012", "us-west-2", False, True),
    ("123456789012.dkr-ecr-fips.us-west-2.on.aws", "123456789012", "us-west-2", True, True),
    ("210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn", "210987654321", "cn-north-1", False, False),
    ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "123456789012", "us-gov-west-1", True, False),
    ("123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", "123456789012", "us-iso-east-1", False, False),
    ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", "123456789012", "eusc-de-east-1", False, False),
    # the other suffixes of the credential helper's pattern
    ("123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", "123456789012", "us-isob-east-1", False, False),
    ("123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", "123456789012", "eu-isoe-west-1", False, False),
    ("123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", "123456789012", "us-isof-south-1", False, False),
    ("123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", "123456789012", "cn-north-1", False, True),
    # DNS is case-insensitive: docker may hand the helper an upper-case host
    ("123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM", "123456789012", "eu-west-1", False, False),
]

MUST_REFUSE = [
    "123456789012.dkr.ecr.us-east-1.amazonaws.com.fake.example.com",
    "123456789012.dkr.ecr.cn-north-1.on.aws.com.cn",
    "public.ecr.aws.fake.example.com",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com\n",  # `$` would have let this through
    "fake.example.com.123456789012.dkr.ecr.us-east-1.amazonaws.com",
    "12345678901.dkr.ecr.us-east-1.amazonaws.com",  # 11 digits
    "1234567890123.dkr.ecr.us-east-1.amazonaws.com",  # 13 digits
    "123456789012.dkr.ecr.us-east-1.amazonaws.org",
    "123456789012.dkr.ecr..amazonaws.com",
    "123456789012.ecr.us-east-1.amazonaws.com",
    f"{FULLWIDTH_ID}.dkr.ecr.us-east-1.amazonaws.com",  # full-width digits
    "123456789012.dkr.ecr.us-east-1.amazonaws.com:443",
    "",
]


@pytest.mark.parametrize(("host", "account", "region", "fips", "dualstack"), MUST_PARSE)
def test_private_hosts_of_every_partition_parse(
    host: str, account: str, region: str, fips: bool, dualstack: bool
) -> None:
    parsed = parse_ecr_host(host)
    assert parsed is not None
    assert parsed.type is RegistryType.PRIVATE
    assert (parsed.account_id, parsed.region, parsed.fips, parsed.dualstack) == (account, region, fips, dualstack)


@pytest.mark.parametrize("host", MUST_REFUSE)
def test_look_alike_hosts_are_refused(host: str) -> None:
    assert parse_ecr_host(host) is None


@pytest.mark.parametrize(("host", "dualstack"), [(PUBLIC_HOST, False), (PUBLIC_DUALSTACK_HOST, True)])
def test_public_hosts_are_always_us_east_1(host: str, dualstack: bool) -> None:
    parsed = parse_ecr_host(host)
    assert parsed is not None
    assert parsed.type is RegistryType.PUBLIC
    assert parsed.account_id is None
    assert parsed.region == PUBLIC_REGION == "us-east-1"
    assert parsed.dualstack is dualstack


# --- private_host ----------------------------------------------------------------------------

# (region, fips, dualstack) -> the canonical host of account 123456789012.
FORMATTED = [
    ("us-east-1", False, False, "123456789012.dkr.ecr.us-east-1.amazonaws.com"),
    ("us-east-1", True, False, "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com"),
    ("us-west-2", False, True, "123456789012.dkr-ecr.us-west-2.on.aws"),
    ("us-west-2", True, True, "123456789012.dkr-ecr-fips.us-west-2.on.aws"),
    ("cn-north-1", False, False, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"),
    ("cn-northwest-1", False, True, "123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn"),
    ("us-gov-west-1", False, False, "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com"),
    ("us-gov-west-1", True, False, "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"),
    ("us-iso-east-1", False, False, "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov"),
    ("us-isob-east-1", False, False, "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov"),
    ("eu-isoe-west-1", False, False, "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk"),
    ("us-isof-south-1", False, False, "123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov"),
    ("eusc-de-east-1", False, False, "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu"),
]


@pytest.mark.parametrize(("region", "fips", "dualstack", "expected"), FORMATTED)
def test_private_host_of_every_partition_round_trips(region: str, fips: bool, dualstack: bool, expected: str) -> None:
    host = private_host("123456789012", region, fips=fips, dualstack=dualstack)
    assert host == expected
    parsed = parse_ecr_host(host)
    assert parsed is not None
    assert (parsed.account_id, parsed.region, parsed.fips, parsed.dualstack) == (
        "123456789012",
        region,
        fips,
        dualstack,
    )


# --- bare_host and output_suffix -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com"),
        ("https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/", "123456789012.dkr.ecr.us-east-1.amazonaws.com"),
        ("HTTP://Registry.Example.com:5000/", "registry.example.com:5000"),
        (" public.ecr.aws ", "public.ecr.aws"),
    ],
)
def test_bare_host_is_the_key_docker_uses(url: str, host: str) -> None:
    assert bare_host(url) == host


@pytest.mark.parametrize(
    ("host", "suffix"),
    [
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012_dkr_ecr_us_east_1_amazonaws_com"),
        ("public.ecr.aws", "public_ecr_aws"),
        ("123456789012.dkr-ecr.us-west-2.on.aws", "123456789012_dkr_ecr_us_west_2_on_aws"),
        ("127.0.0.1:5000", "127_0_0_1_5000"),
        ("a..--b", "a_b"),  # a run of characters becomes one underscore
        ("keep_under_scores", "keep_under_scores"),
    ],
)
def test_output_suffix_matches_the_upstream_action(host: str, suffix: str) -> None:
    assert output_suffix(host) == suffix


# --- parse_registry / parse_registry_list ------------------------------------------------------


def _ids(specs: tuple[RegistrySpec, ...]) -> list[str | None]:
    return [spec.account_id for spec in specs]


@pytest.mark.parametrize(
    "text",
    [
        "123456789012,998877665544",
        "123456789012 998877665544",
        "123456789012, 998877665544",
        " 123456789012 ,\n998877665544\t",
        "123456789012,998877665544,123456789012",  # duplicates collapse, first order kept
        "123456789012 123456789012 998877665544",
    ],
)
def test_lists_split_on_commas_and_white_space(text: str) -> None:
    assert _ids(parse_registry_list(text)) == ["123456789012", "998877665544"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_list_is_the_default_registry(text: str) -> None:
    assert parse_registry_list(text) == ()


def test_hostnames_carry_their_region_and_host() -> None:
    specs = parse_registry_list(
        "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/ 998877665544.dkr-ecr-fips.us-west-2.on.aws,public.ecr.aws"
    )
    assert specs == (
        RegistrySpec(
            account_id="123456789012", region="eu-west-1", host="123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        ),
        RegistrySpec(account_id="998877665544", region="us-west-2", host="998877665544.dkr-ecr-fips.us-west-2.on.aws"),
        RegistrySpec(type=RegistryType.PUBLIC, host="public.ecr.aws"),
    )


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("123456789012,,998877665544", "empty entry (entry 2)", "remove the extra comma"),
        ("123456789012,", "empty entry (entry 2)", "remove the extra comma"),
        (",123456789012", "empty entry (entry 1)", "remove the extra comma"),
        ("123456789012, ,998877665544", "empty entry (entry 2)", "remove the extra comma"),
        ("12345678901", "has 11 digits, not 12", '"012345678901"'),
        ("123456789012,12345678901", "has 11 digits, not 12", '"012345678901"'),
        ("1234 5678 9012", "white space inside an account ID", "123456789012"),
        ("1234567890", "has 10 digits", "exactly 12 digits"),
        ("1234567890123", "has 13 digits", "exactly 12 digits"),
        ("123456789012\x00", "control characters", "commas or spaces only"),
        ("123456789012\x1b[2J", "control characters", "commas or spaces only"),
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app",
            "includes a repository path",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        ),
        ("12345678901.dkr.ecr.us-east-1.amazonaws.com", "looks like an ECR hostname but is not one", "12-digit"),
        ("registry.example.com", "neither a 12-digit account ID nor an ECR hostname", "123456789012"),
        (FULLWIDTH_ID, "neither a 12-digit account ID", "123456789012"),  # full-width digits
        (ARABIC_INDIC_ID, "neither a 12-digit account ID", "123456789012"),  # Arabic-Indic digits
    ],
)
def test_malformed_lists_say_what_to_write(text: str, message: str, hint: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_registry_list(text)
    assert message in caught.value.message
    assert hint in caught.value.remediation
    # the value is quoted with control characters escaped, so it cannot forge lines
    assert "\x00" not in caught.value.one_line() and "\x1b" not in caught.value.one_line()


def test_parse_registry_names_where_the_value_came_from() -> None:
    with pytest.raises(UsageError, match=r"^registry of target 'dev' 'abc' is neither"):
        parse_registry("abc", where="registry of target 'dev'")


# --- properties ----------------------------------------------------------------------------

accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)
regions = st.from_regex(r"(us|eu|ap|sa|ca|me|af|il|mx|cn|eusc|us-gov|us-iso|us-isob)-[a-z]{4,9}-[1-9]", fullmatch=True)


@given(account=accounts, region=regions, fips=st.booleans(), dualstack=st.booleans())
def test_any_account_and_region_round_trips_through_the_hostname(
    account: str, region: str, fips: bool, dualstack: bool
) -> None:
    parsed = parse_ecr_host(private_host(account, region, fips=fips, dualstack=dualstack))
    assert parsed is not None
    assert (parsed.account_id, parsed.region, parsed.fips, parsed.dualstack) == (account, region, fips, dualstack)


@settings(max_examples=400)
@given(st.text())
def test_any_text_parses_or_raises_a_usage_error(text: str) -> None:
    try:
        specs = parse_registry_list(text)
    except UsageError as error:
        assert error.message and error.remediation
        return
    for spec in specs:  # whatever got through is well-formed
        assert spec.type is RegistryType.PUBLIC or (spec.account_id or "").isascii()
        assert spec.account_id is None or len(spec.account_id) == 12


separators = st.from_regex(r"[ \t\n]*,?[ \t\n]*", fullmatch=True).filter(bool)


@given(ids=st.lists(accounts, min_size=1, max_size=25), data=st.data())
def test_ids_joined_by_any_mix_of_commas_and_spaces_parse_back(ids: list[str], data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(["", " ", "\n"])) + ids[0]
    for account in ids[1:]:
        text += data.draw(separators) + account
    text += data.draw(st.sampled_from(["", " ", "\t\n"]))
    specs = parse_registry_list(text)
    assert _ids(specs) == list(dict.fromkeys(ids))
    assert all(spec.type is RegistryType.PRIVATE and spec.region is None and spec.host is None for spec in specs)


@pytest.mark.parametrize(
    ("region", "arn"),
    [
        ("eu-west-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("eusc-de-east-1", "aws-eusc"),
    ],
)
def test_one_partition_table_names_arns_and_hostnames(region: str, arn: str) -> None:
    """The ARN partition and the hostname's DNS suffix come from one table: a region's
    canonical host ends in a known registry domain and parses back to that region."""
    assert arn_partition(region) == arn
    for dualstack in (False, True):
        host = private_host("123456789012", region, dualstack=dualstack)
        parsed = parse_ecr_host(host)
        assert parsed is not None and parsed.region == region and parsed.dualstack is dualstack
    assert private_host("123456789012", region).endswith(REGISTRY_DOMAINS)
