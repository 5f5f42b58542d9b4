"""What IAM Identity Center answers, and what names a profiles file gives it, are checked
like any outside value: no address but https (or loopback http) reaches a browser, and an
account or role name with a trailing newline or non-ASCII digits is refused."""

from __future__ import annotations

import pytest

from ecrtui.core.errors import ConfigError
from ecrtui.core.sso import _web_address
from ecrtui.core.sso_config import check_role_name, check_sso_account


@pytest.mark.parametrize(
    "address",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://evil.example/device",
        "http://127.0.0.1.evil.example/",
        "https://device.example/\nx",
        "https://a b",
        "",
        None,
        42,
    ],
)
def test_no_answer_but_a_web_address_is_opened(address: object) -> None:
    assert _web_address(address) is None


def test_the_services_and_the_stand_ins_addresses_are_kept() -> None:
    for address in ("https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH", "http://127.0.0.1:8080/start/"):
        assert _web_address(address) == address


@pytest.mark.parametrize("account", ["123456789012\n", "١٢٣٤٥٦٧٨٩٠١٢", "12345678901", "1234567890123"])
def test_an_account_id_is_twelve_ascii_digits_and_nothing_else(account: str) -> None:
    with pytest.raises(ConfigError):
        check_sso_account(account, "account")


@pytest.mark.parametrize("role", ["Admin\n", "Ädmin", "a" * 65, "Admin role"])
def test_a_role_name_is_refused_with_anything_iam_would_refuse(role: str) -> None:
    with pytest.raises(ConfigError):
        check_role_name(role, "role")
