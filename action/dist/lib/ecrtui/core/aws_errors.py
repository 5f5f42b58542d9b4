"""Turning what botocore and the network raise into an `AwsError` a person can act on:
a one-line message, a remediation, a stable `code`, never raw text with a proxy password
or a web page in it.

`to_aws_error` is the one converter; the helpers before it (`code_and_message`,
`is_access_denied`, `denied_action`) are what the doctor's probes read from an error too.
botocore is imported only when an error is converted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ecrtui.core.errors import AwsError
from ecrtui.core.iam_policy import identity_policy
from ecrtui.core.proxy import redact

if TYPE_CHECKING:
    from ecrtui.core.aws import AwsSettings

SSO_EXPIRED = "SsoSessionExpired"
ACCESS_DENIED = "AccessDenied"

_NOT_AUTHORIZED = re.compile(r"not authorized to perform:?\s*(?P<action>[\w-]+:\w+)")
_EXPIRED = ("ExpiredToken", "ExpiredTokenException", "RequestExpired")
_REJECTED = (
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
)
_THROTTLED = ("ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded")


def code_and_message(error: BaseException) -> tuple[str, str]:
    """The error code and message AWS answered with (a botocore ClientError carries them in
    `response["Error"]`); for anything else no code, and the exception's own text."""
    response = getattr(error, "response", None)
    details = response.get("Error", {}) if isinstance(response, dict) else {}
    if not isinstance(details, dict):
        details = {}
    return str(details.get("Code", "")), str(details.get("Message", "")) or str(error)


def is_access_denied(code: str, message: str) -> bool:
    """Real ECR says AccessDeniedException; moto and some proxies send a bare 403 with an
    XML body that mentions AccessDenied: both mean a missing permission."""
    return (
        code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation")
        or (code == "403" and ("AccessDenied" in message or "not authorized" in message))
        or "not authorized to perform" in message
    )


def denied_action(message: str) -> str | None:
    """The IAM action an AccessDenied message names (`not authorized to perform: ecr:X`)."""
    match = _NOT_AUTHORIZED.search(message)
    return match["action"] if match else None


@dataclass(frozen=True)
class _Attempt:
    """What was being done when the error came: it words the message and the hint."""

    action: str
    profile: str
    settings: AwsSettings


def to_aws_error(error: BaseException, *, action: str, profile: str | None, settings: AwsSettings) -> AwsError:
    """Turn any botocore/boto exception into an AwsError with a remediation; never raw text
    with a proxy password in it."""
    if isinstance(error, AwsError):
        return error
    import botocore.exceptions as bx

    attempt = _Attempt(action, profile or settings.environ.get("AWS_PROFILE") or "default", settings)
    if isinstance(error, bx.ClientError):
        return _from_client_error(error, attempt)
    converted = _by_class(error, attempt)
    if converted is not None:
        return converted
    if isinstance(error, bx.BotoCoreError):
        return AwsError(f"{action} failed: {redact(str(error))}", code=type(error).__name__)
    if type(error).__name__ == "ResponseParserError":  # botocore.parsers: its text ends with the raw body
        return _page_error(action, "")
    return AwsError(f"{action} failed: {type(error).__name__}: {redact(str(error))}", code=type(error).__name__)


# --- AWS answered with an error -----------------------------------------------------------------


def _from_client_error(error: Any, attempt: _Attempt) -> AwsError:
    code, message = code_and_message(error)
    message = redact(message)
    known = _access_denied(code, message, attempt) or _known_code(code, message, attempt)
    if known is not None:
        return known
    metadata = error.response.get("ResponseMetadata", {})
    status = metadata.get("HTTPStatusCode")
    if _is_page(message):
        return _page_error(attempt.action, f"HTTP {status or code} ")
    tries = int(metadata.get("RetryAttempts") or 0) + 1
    return AwsError(
        f"{attempt.action} failed: {code or status}: {message}".rstrip(": ")
        + (f" (after {tries} attempts)" if tries > 1 else ""),
        remediation="retry; if it persists, run `ecrtui doctor`" if (status or 0) >= 500 else "",
        code=code,
    )


def _access_denied(code: str, message: str, attempt: _Attempt) -> AwsError | None:
    if not is_access_denied(code, message):
        return None
    missing = denied_action(message) or attempt.action
    grant = [missing]
    if missing.startswith("ecr-public:"):
        grant.append("sts:GetServiceBearerToken")  # ECR Public logins need both
    return AwsError(
        f"access denied: the caller may not call {missing}",
        remediation=f"attach a policy that allows it: {json.dumps(identity_policy(grant))}",
        code=ACCESS_DENIED,
        title="Permission missing",
    )


def _known_code(code: str, message: str, attempt: _Attempt) -> AwsError | None:
    """The error codes that have a better message than AWS's own."""
    if code in _EXPIRED:
        return AwsError("the AWS credentials have expired", remediation=_refresh_hint(attempt), code=code)
    if code in _REJECTED:
        return AwsError(
            f"AWS rejected the credentials ({code})",
            remediation="check the access key and secret of the profile, or the system clock",
            code=code,
        )
    if "only supported in us-east-1" in message:
        return AwsError(
            message,
            remediation="ECR Public logins go to us-east-1; ecrtui does that itself, so check AWS_ENDPOINT_URL_ECR_PUBLIC",
            code=code,
        )
    if code == "InvalidParameterException" and "registryIds" in message:
        return AwsError(
            message, remediation="each registry must be a 12-digit account ID; quote IDs that start with 0", code=code
        )
    if code in _THROTTLED:
        return AwsError(
            f"AWS throttled the request after {attempt.settings.max_attempts} attempts",
            remediation="retry later, lower --jobs, or raise --max-attempts",
            code=code,
        )
    return None


def _is_page(text: str) -> bool:
    """An HTML or XML page (a proxy's or a web server's error page) where AWS's message goes."""
    return text.lstrip().startswith("<")


def _page_error(action: str, status: str) -> AwsError:
    """One line for an endpoint that answered with a web page: never the page itself."""
    return AwsError(
        f"{action} failed: the endpoint answered {status}with a web page, not an AWS answer",
        remediation="something other than AWS answered: check AWS_ENDPOINT_URL*, the proxy settings, "
        "or run `ecrtui doctor`",
        code="NotAws",
    )


# --- nothing came back, or no credentials: by botocore's exception class -----------------------


@dataclass(frozen=True)
class _Wording:
    """What an exception class becomes; `{names}` are filled in by `_facts`."""

    message: str
    remediation: str
    code: str
    title: str | None = None


_SSO_EXPIRED = _Wording(
    "the SSO session of profile {profile} has expired or is missing",
    "run: ecrtui sso login --profile {profile} (or aws sso login --profile {profile})",
    SSO_EXPIRED,
    "SSO session expired",
)
_NO_CREDENTIALS = "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or name a profile"

# botocore.exceptions class names and their wording, in order: the first that matches wins.
_BY_CLASS: tuple[tuple[tuple[str, ...], _Wording], ...] = (
    (
        ("ProxyConnectionError",),
        _Wording(
            "cannot connect to the proxy {proxy}",
            "check --http-proxy / HTTPS_PROXY, or add the endpoint to NO_PROXY",
            "ProxyConnectionError",
        ),
    ),
    (
        ("ConnectTimeoutError", "ReadTimeoutError"),
        _Wording(
            "{action} timed out after {timeout} s ({attempts} attempts): {text}",
            "check the network, or raise --timeout / --max-attempts",
            "Timeout",
        ),
    ),
    (
        ("ConnectionClosedError",),  # botocore retried it every time
        _Wording(
            "{action} failed: the connection to {closed_endpoint} was closed before AWS answered ({attempts} attempts)",
            "a proxy or firewall may be cutting connections: retry, or run `ecrtui doctor`",
            "ConnectionClosed",
        ),
    ),
    (
        ("SSLError",),
        _Wording(
            "TLS error talking to AWS: {text}", "a proxy that intercepts TLS needs its CA in AWS_CA_BUNDLE", "SSLError"
        ),
    ),
    (
        ("ProfileNotFound",),
        _Wording(
            "AWS profile {named_profile!r} not found",
            "list profiles with `aws configure list-profiles`, or fix the profile name",
            "ProfileNotFound",
        ),
    ),
    (("UnauthorizedSSOTokenError", "SSOTokenLoadError", "TokenRetrievalError"), _SSO_EXPIRED),
    (("NoCredentialsError",), _Wording("no AWS credentials found", _NO_CREDENTIALS, "NoCredentials", "No credentials")),
    (("PartialCredentialsError",), _Wording("{text}", _NO_CREDENTIALS, "NoCredentials", "No credentials")),
    (
        ("CredentialRetrievalError",),
        _Wording("cannot get credentials for profile {profile}: {text}", "{refresh}", "CredentialRetrievalError"),
    ),
    (
        ("InvalidConfigError",),  # e.g. a profile naming a missing sso-session
        _Wording(
            "profile {profile} cannot be used: {text}",
            "fix [profile {profile}] in {config_file} (`aws configure sso --profile {profile}` writes a complete "
            "SSO profile)",
            "InvalidConfig",
        ),
    ),
    (("NoRegionError",), _Wording("Region is missing", "pass --region or set AWS_REGION", "NoRegion")),
)


def _by_class(error: BaseException, attempt: _Attempt) -> AwsError | None:
    import botocore.exceptions as bx

    if isinstance(error, bx.EndpointConnectionError):  # no other class derives from it
        return _unreachable(error)
    wording = next(
        (w for names, w in _BY_CLASS if isinstance(error, tuple(getattr(bx, n) for n in names if hasattr(bx, n)))),
        None,
    )
    if wording is None and "sso" in type(error).__name__.lower():  # any other SSO failure
        wording = _SSO_EXPIRED
    if wording is None:
        return None
    facts = _facts(error, attempt)
    return AwsError(
        wording.message.format(**facts),
        remediation=wording.remediation.format(**facts),
        code=wording.code,
        title=wording.title,
    )


def _facts(error: BaseException, attempt: _Attempt) -> dict[str, object]:
    """Every value a wording may name, each cleaned of secrets."""
    details: dict[str, Any] = getattr(error, "kwargs", None) or {}
    settings = attempt.settings
    return {
        "action": attempt.action,
        "profile": attempt.profile,
        "named_profile": details.get("profile", attempt.profile),
        "text": redact(str(error)),
        "proxy": redact(str(details.get("proxy_url", ""))),
        "closed_endpoint": details.get("endpoint_url", "AWS"),
        "timeout": f"{settings.timeout:g}",
        "attempts": settings.max_attempts,
        "config_file": settings.environ.get("AWS_CONFIG_FILE") or "~/.aws/config",
        "refresh": _refresh_hint(attempt),
    }


def _unreachable(error: Any) -> AwsError:
    endpoint = str(error.kwargs.get("endpoint_url", "the AWS endpoint"))
    if "Failed to resolve" in str(error.kwargs.get("error", "")):  # urllib3's NameResolutionError
        name = urlsplit(endpoint).hostname or endpoint
        return AwsError(
            f"cannot reach {endpoint}: the name {name} does not resolve (DNS)",
            remediation="check the name in AWS_ENDPOINT_URL* and the DNS settings",
            code="NameResolution",
        )
    return AwsError(
        f"cannot reach {endpoint}",
        remediation="check the network, DNS, the proxy settings and AWS_ENDPOINT_URL*",
        code="EndpointConnectionError",
    )


def _refresh_hint(attempt: _Attempt) -> str:
    if "AWS_ACCESS_KEY_ID" in attempt.settings.environ:
        return "refresh the credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN"
    profile = attempt.profile
    return f"refresh the credentials of profile {profile} (for SSO: ecrtui sso login --profile {profile})"
