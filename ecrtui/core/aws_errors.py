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
_SSO_TOKEN_ERRORS = ("UnauthorizedSSOTokenError", "SSOTokenLoadError", "TokenRetrievalError")


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
    converted = (
        _from_connection_error(error, attempt)
        or _from_missing_credentials(error, attempt)
        or _from_profile_error(error, attempt)
    )
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


# --- nothing came back: proxy, timeout, TLS, DNS -----------------------------------------------


def _from_connection_error(error: BaseException, attempt: _Attempt) -> AwsError | None:
    import botocore.exceptions as bx

    settings = attempt.settings
    if isinstance(error, bx.ProxyConnectionError):
        return AwsError(
            f"cannot connect to the proxy {redact(str(error.kwargs.get('proxy_url', '')))}",
            remediation="check --http-proxy / HTTPS_PROXY, or add the endpoint to NO_PROXY",
            code="ProxyConnectionError",
        )
    if isinstance(error, (bx.ConnectTimeoutError, bx.ReadTimeoutError)):
        return AwsError(
            f"{attempt.action} timed out after {settings.timeout:g} s ({settings.max_attempts} attempts): "
            f"{redact(str(error))}",
            remediation="check the network, or raise --timeout / --max-attempts",
            code="Timeout",
        )
    if isinstance(error, bx.ConnectionClosedError):  # botocore retried it every time
        return AwsError(
            f"{attempt.action} failed: the connection to {error.kwargs.get('endpoint_url', 'AWS')} was closed "
            f"before AWS answered ({settings.max_attempts} attempts)",
            remediation="a proxy or firewall may be cutting connections: retry, or run `ecrtui doctor`",
            code="ConnectionClosed",
        )
    if isinstance(error, bx.SSLError):
        return AwsError(
            f"TLS error talking to AWS: {redact(str(error))}",
            remediation="a proxy that intercepts TLS needs its CA in AWS_CA_BUNDLE",
            code="SSLError",
        )
    if isinstance(error, bx.EndpointConnectionError):
        return _unreachable(error)
    return None


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


# --- no credentials, or a profile that cannot be used ------------------------------------------


def _from_missing_credentials(error: BaseException, attempt: _Attempt) -> AwsError | None:
    import botocore.exceptions as bx

    profile = attempt.profile
    sso_errors = tuple(getattr(bx, name) for name in _SSO_TOKEN_ERRORS if hasattr(bx, name))
    if isinstance(error, sso_errors) or "sso" in type(error).__name__.lower():
        return AwsError(
            f"the SSO session of profile {profile} has expired or is missing",
            remediation=f"run: ecrtui sso login --profile {profile} (or aws sso login --profile {profile})",
            code=SSO_EXPIRED,
            title="SSO session expired",
        )
    if isinstance(error, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return AwsError(
            "no AWS credentials found" if isinstance(error, bx.NoCredentialsError) else redact(str(error)),
            remediation="set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or name a profile",
            code="NoCredentials",
            title="No credentials",
        )
    if isinstance(error, bx.CredentialRetrievalError):
        return AwsError(
            f"cannot get credentials for profile {profile}: {redact(str(error))}",
            remediation=_refresh_hint(attempt),
            code="CredentialRetrievalError",
        )
    return None


def _from_profile_error(error: BaseException, attempt: _Attempt) -> AwsError | None:
    import botocore.exceptions as bx

    profile = attempt.profile
    if isinstance(error, bx.ProfileNotFound):
        return AwsError(
            f"AWS profile {error.kwargs.get('profile', profile)!r} not found",
            remediation="list profiles with `aws configure list-profiles`, or fix the profile name",
            code="ProfileNotFound",
        )
    if isinstance(error, bx.InvalidConfigError):  # e.g. a profile naming a missing sso-session
        config_file = attempt.settings.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        return AwsError(
            f"profile {profile} cannot be used: {redact(str(error))}",
            remediation=f"fix [profile {profile}] in {config_file} (`aws configure sso --profile {profile}` "
            "writes a complete SSO profile)",
            code="InvalidConfig",
        )
    if isinstance(error, bx.NoRegionError):
        return AwsError("Region is missing", remediation="pass --region or set AWS_REGION", code="NoRegion")
    return None


def _refresh_hint(attempt: _Attempt) -> str:
    if "AWS_ACCESS_KEY_ID" in attempt.settings.environ:
        return "refresh the credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN"
    profile = attempt.profile
    return f"refresh the credentials of profile {profile} (for SSO: ecrtui sso login --profile {profile})"
