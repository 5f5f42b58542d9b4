"""GetAuthorizationToken for ECR private and ECR Public, and decoding of its answer.

The bad-response messages are the upstream Action's, so scripts that grep for them keep
working.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from ecrtui.core.addresses import PUBLIC_HOST, PUBLIC_REGION, check_host_alias, parse_ecr_host
from ecrtui.core.clock import UTC, as_utc
from ecrtui.core.errors import AwsError, UsageError
from ecrtui.core.models import Token

MAX_IDS_PER_CALL = 10


def decode_authorization(encoded: object, product: str) -> tuple[str, str]:
    """`base64("AWS:<password>")` -> ("AWS", password)."""
    try:
        decoded = base64.b64decode(str(encoded), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise AwsError(f"{product} authorization token is invalid", code="InvalidToken") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username or not password:
        raise AwsError(f"{product} authorization token is invalid", code="InvalidToken")
    return username, password


_SCHEMES = ("https://", "http://")


def answered_host(endpoint: object, product: str) -> str:
    """The host of a `proxyEndpoint` from an answer, held to the rules of a host a person
    types: an answer is data, and a line break or a comma in it would forge output lines or
    add hosts to the job's state."""
    text = endpoint if isinstance(endpoint, str) else ""
    rest = next((text[len(s) :] for s in _SCHEMES if text.lower().startswith(s)), text)
    rest = rest[:-1] if rest.endswith("/") else rest
    try:
        if not rest or rest != rest.strip():
            raise UsageError("blank or padded")
        return check_host_alias(rest)
    except UsageError:
        raise AwsError(
            f"{product} answered with an invalid registry address {endpoint!r}; it was refused",
            remediation="check AWS_ENDPOINT_URL_ECR: the endpoint does not answer as Amazon ECR does",
            code="InvalidAnswer",
        ) from None


def password_expiry(password: str) -> dt.datetime | None:
    """When an ECR password expires: it is base64 of a JSON document with `expiration`
    (Unix seconds). None for anything else (a plain password, a stand-in's token)."""
    try:
        document = json.loads(base64.b64decode(password + "=" * (-len(password) % 4), validate=True))
        return dt.datetime.fromtimestamp(int(document["expiration"]), UTC)
    except (ValueError, TypeError, KeyError, OverflowError, OSError):  # binascii and Unicode errors are ValueErrors
        return None


def _expiry(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return as_utc(value)
    return None


def _ask(client: Any, product: str, **params: Any) -> dict[str, Any]:
    """The GetAuthorizationToken call. botocore raises plain Python errors when an answer
    does not have the documented shape (a broken proxy, a wrong endpoint): that is an
    invalid token, not a crash to report as such."""
    try:
        response: dict[str, Any] = client.get_authorization_token(**params)
    except (AttributeError, TypeError) as error:
        raise AwsError(f"{product} authorization token is invalid", code="InvalidToken") from error
    return response


def private_tokens(client: Any, account_ids: Sequence[str], region: str) -> list[Token]:
    """One GetAuthorizationToken call for up to 10 IDs (none: the caller's registry)."""
    if len(account_ids) > MAX_IDS_PER_CALL:
        raise ValueError("at most 10 registry IDs per call")
    product = "Amazon ECR"
    response = _ask(client, product, **({"registryIds": list(account_ids)} if account_ids else {}))
    if not {k: v for k, v in response.items() if k != "ResponseMetadata"}:
        raise AwsError(f"{product} authorization token returned no data", code="NoData")
    data = response.get("authorizationData")
    if not isinstance(data, list):
        raise AwsError(f"{product} authorization token is invalid", code="InvalidToken")
    if not data:
        raise AwsError(f"{product} authorization token does not contain any authorization data", code="NoData")
    tokens = []
    for entry in data:
        if not isinstance(entry, dict):
            raise AwsError(f"{product} authorization token is invalid", code="InvalidToken")
        username, password = decode_authorization(entry.get("authorizationToken"), product)
        host = answered_host(entry.get("proxyEndpoint"), product)
        parsed = parse_ecr_host(host)
        tokens.append(
            Token(
                host=host,
                username=username,
                password=password,
                expires_at=_expiry(entry.get("expiresAt")),
                account_id=parsed.account_id if parsed else None,
                region=parsed.region if parsed else region,
            )
        )
    return tokens


def public_token(client: Any) -> Token:
    product = "Amazon ECR Public"
    response = _ask(client, product)
    if not {k: v for k, v in response.items() if k != "ResponseMetadata"}:
        raise AwsError(f"{product} authorization token returned no data", code="NoData")
    data = response.get("authorizationData")
    if not isinstance(data, dict):
        raise AwsError(f"{product} authorization token is invalid", code="InvalidToken")
    if not data.get("authorizationToken"):
        raise AwsError(f"{product} authorization token does not contain any authorization data", code="NoData")
    username, password = decode_authorization(data["authorizationToken"], product)
    return Token(
        host=PUBLIC_HOST,
        username=username,
        password=password,
        expires_at=_expiry(data.get("expiresAt")),
        account_id=None,
        region=PUBLIC_REGION,
    )
