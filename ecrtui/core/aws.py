"""AWS sessions and clients: one shared botocore loader, retries, timeouts, proxies,
assumed roles, and the translation of botocore's errors into `AwsError`, done once here.

botocore is imported lazily so that commands that never call AWS (and the credential
helper's cached path) do not pay for it.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ecrtui import __version__
from ecrtui.core.errors import AwsError
from ecrtui.core.memo import Memo
from ecrtui.core.proxy import proxy_for, redact
from ecrtui.core.sanitize import remember_environment, remember_secret, remember_url

if TYPE_CHECKING:
    import botocore.session

ROLE_SESSION_NAME = "ecrtui"
SSO_EXPIRED = "SsoSessionExpired"
ACCESS_DENIED = "AccessDenied"


@dataclass(frozen=True)
class AwsSettings:
    """How every AWS call is made: attempts, per-call timeout and proxy."""

    max_attempts: int = 3
    timeout: float = 10.0
    http_proxy: str | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    max_pool_connections: int = 10  # botocore's default; discovery raises it to its bound


class ClientFactory:
    """Makes botocore clients for (service, region, profile, role), thread-safely.

    All sessions share one data loader, so service models are parsed once per process;
    credentials are resolved once per (profile, role) even when many threads ask at once.
    """

    def __init__(self, settings: AwsSettings | None = None) -> None:
        self.settings = settings or AwsSettings()
        remember_environment(self.settings.environ)  # redacted from every message from now on
        remember_url(self.settings.http_proxy)
        self._lock = threading.Lock()
        self._sessions: dict[str | None, botocore.session.Session] = {}
        self._memo = Memo()
        self._loader: Any = None
        self._handlers: Any = None  # botocore's built-in event handlers, as registered once

    def _once(self, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        """Compute `key` once; concurrent callers wait for the first and share its result
        (or its exception), so N threads never make N identical AWS calls."""
        return self._memo.get(key, compute)

    def session(self, profile: str | None) -> botocore.session.Session:
        with self._lock:
            return self._session_locked(profile)

    def _session_locked(self, profile: str | None) -> botocore.session.Session:
        key = profile
        session = self._sessions.get(key)
        if session is None:
            import botocore.session

            from ecrtui.core.sso_config import SsoRole

            if SsoRole.from_profile_key(profile) is not None:  # a target's sso role, no profile
                profile = None

            if self._handlers is None:
                from botocore.hooks import HierarchicalEmitter

                emitter = HierarchicalEmitter()
                session = botocore.session.Session(profile=profile, event_hooks=emitter)
                self._handlers = copy.copy(emitter)
                self._loader = session.get_component("data_loader")
            else:
                # Registering botocore's built-in handlers costs ~4 ms a session (a profile);
                # a copy of the first session's costs a tenth of that.
                session = botocore.session.Session(
                    profile=profile, event_hooks=copy.copy(self._handlers), include_builtin_handlers=False
                )
                session.register_component("data_loader", self._loader)
            session.user_agent_extra = f"ecrtui/{__version__}"
            self._sessions[key] = session
        return session

    def credentials(self, profile: str | None, role_arn: str | None) -> Any:
        """The (frozen) credentials of a profile, or of a role assumed from it."""
        return self._once(("credentials", profile, role_arn), lambda: self._resolve_credentials(profile, role_arn))

    def _resolve_credentials(self, profile: str | None, role_arn: str | None) -> Any:
        from ecrtui.core.sso import role_credentials
        from ecrtui.core.sso_config import SsoRole

        sso_role = SsoRole.from_profile_key(profile)
        if role_arn is None and sso_role is not None:  # a target naming Identity Center directly
            return role_credentials(sso_role, self, self.settings.environ)
        if role_arn is None:
            credentials = self.session(profile).get_credentials()
            if credentials is None:
                import botocore.exceptions

                raise botocore.exceptions.NoCredentialsError()
            return _checked_credentials(credentials.get_frozen_credentials(), self.settings.environ, profile)
        base = self.credentials(profile, None)
        region = self.session(profile).get_config_variable("region") or "us-east-1"
        sts = self._make_client("sts", region, profile, base)
        response = sts.assume_role(RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME)
        from botocore.credentials import ReadOnlyCredentials

        issued = response["Credentials"]
        return _checked_credentials(
            ReadOnlyCredentials(issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"]), {}, None
        )

    def client(self, service: str, region: str, profile: str | None = None, role_arn: str | None = None) -> Any:
        return self._once(
            ("client", service, region, profile, role_arn),
            lambda: self._make_client(service, region, profile, self.credentials(profile, role_arn)),
        )

    def anonymous_client(self, service: str, region: str) -> Any:
        """An unsigned client (IAM Identity Center's sso-oidc and sso portal calls carry
        their own tokens), with this factory's retries, timeouts, proxy and connection pool."""
        return self._once(("anonymous", service, region), lambda: self._make_client(service, region, None, None))

    def endpoint_url(self, service: str, region: str, profile: str | None = None) -> str:
        """Where calls to `service` in `region` go (AWS_ENDPOINT_URL*, FIPS, dual-stack
        applied), known without credentials: `ecrtui doctor` probes it."""
        from botocore import UNSIGNED
        from botocore.config import Config

        with self._lock:
            session = self._session_locked(profile)
            client = session.create_client(service, region_name=region, config=Config(signature_version=UNSIGNED))
        return str(client.meta.endpoint_url)

    def _make_client(self, service: str, region: str, profile: str | None, credentials: Any) -> Any:
        from botocore.config import Config

        settings = self.settings

        def build(proxies: dict[str, str]) -> Any:
            config = Config(
                retries={"total_max_attempts": settings.max_attempts, "mode": "standard"},
                connect_timeout=settings.timeout,
                read_timeout=settings.timeout,
                proxies=proxies,
                max_pool_connections=settings.max_pool_connections,
            )
            keys: dict[str, Any] = {}
            if credentials is None:
                from botocore import UNSIGNED

                config = config.merge(Config(signature_version=UNSIGNED))
            else:
                keys = {
                    "aws_access_key_id": credentials.access_key,
                    "aws_secret_access_key": credentials.secret_key,
                    "aws_session_token": credentials.token,
                }
            # create_client is not thread-safe on a shared session; it is CPU-bound anyway.
            with self._lock:
                return self._session_locked(profile).create_client(service, region_name=region, config=config, **keys)

        environ = settings.environ
        if not (environ.get("NO_PROXY", "").strip() or environ.get("no_proxy", "").strip()):
            # Without NO_PROXY the proxy depends on the endpoint's scheme alone: hand botocore
            # one per scheme and build once, not once to learn the endpoint and again.
            proxies = {s: p for s in ("http", "https") if (p := proxy_for(f"{s}://aws", settings.http_proxy, environ))}
            return build(proxies)
        client = build({})
        proxy = proxy_for(client.meta.endpoint_url, settings.http_proxy, environ)
        if proxy is not None:
            client = build({"http": proxy, "https": proxy})
        return client


# --- credentials as read: hostile until checked -----------------------------------------

_CREDENTIAL_PARTS = (
    ("access_key", "AWS_ACCESS_KEY_ID", "aws_access_key_id", 4),
    ("secret_key", "AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", 0),
    ("token", "AWS_SESSION_TOKEN", "aws_session_token", 0),
)


def _checked_credentials(credentials: Any, environ: Mapping[str, str], profile: str | None) -> Any:
    """Credentials with trailing whitespace stripped (a value pasted from a console or read
    from a file ends in a line break), a warning naming the variable, never the value; any
    other control character is refused. Every value is redacted from messages from now on."""
    from botocore.credentials import ReadOnlyCredentials

    values: dict[str, str | None] = {}
    for attribute, variable, key, keep in _CREDENTIAL_PARTS:
        value = getattr(credentials, attribute)
        if value is None:
            values[attribute] = None
            continue
        remember_secret(value, keep=keep)
        source = variable if environ.get(variable) == value else f"{key} of profile {profile or 'default'}"
        stripped = value.strip()
        if any(ord(c) < 32 or ord(c) == 127 or c.isspace() for c in stripped):
            raise AwsError(
                f"{source} holds a control character or a space inside it",
                remediation=f"set {source} to the credential alone, on one line",
                code="InvalidCredentials",
                title="Invalid credentials",
            )
        if stripped != value:
            logging.getLogger("ecrtui").warning(
                "ecrtui: warning: %s ends with a line break or spaces; they were ignored", source
            )
        values[attribute] = stripped
    return ReadOnlyCredentials(values["access_key"], values["secret_key"], values["token"])


# --- error translation ------------------------------------------------------------------

_NOT_AUTHORIZED = re.compile(r"not authorized to perform:?\s*(?P<action>[\w-]+:\w+)")


def policy_statement(actions: list[str], resource: str = "*") -> dict[str, Any]:
    """The minimal IAM policy document that grants `actions` (as the Action's README shows)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": sorted(actions), "Resource": resource}],
    }


def is_access_denied(code: str, message: str) -> bool:
    """Real ECR says AccessDeniedException; moto and some proxies send a bare 403 with an
    XML body that mentions AccessDenied: both mean a missing permission."""
    return (
        code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation")
        or (code == "403" and ("AccessDenied" in message or "not authorized" in message))
        or "not authorized to perform" in message
    )


def denied_action(message: str) -> str | None:
    match = _NOT_AUTHORIZED.search(message)
    return match["action"] if match else None


def translate(error: BaseException, *, action: str, profile: str | None, settings: AwsSettings) -> AwsError:
    """Turn any botocore/boto exception into an AwsError with a remediation; never raw text
    with a proxy password in it."""
    import botocore.exceptions as bx

    profile_name = profile or settings.environ.get("AWS_PROFILE") or "default"
    if isinstance(error, AwsError):
        return error
    if isinstance(error, bx.ClientError):
        details = error.response.get("Error", {})
        code = str(details.get("Code", ""))
        message = redact(str(details.get("Message", "")) or str(error))
        if is_access_denied(code, message):
            missing = denied_action(message) or action
            grant = [missing]
            if missing.startswith("ecr-public:"):
                grant.append("sts:GetServiceBearerToken")  # ECR Public logins need both
            import json

            return AwsError(
                f"access denied: the caller may not call {missing}",
                remediation=f"attach a policy that allows it: {json.dumps(policy_statement(grant))}",
                code=ACCESS_DENIED,
                title="Permission missing",
            )
        if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
            return AwsError(
                "the AWS credentials have expired",
                remediation=_refresh_hint(profile_name, settings),
                code=code,
            )
        if code in (
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "InvalidSignatureException",
            "SignatureDoesNotMatch",
        ):
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
                message,
                remediation="each registry must be a 12-digit account ID; quote IDs that start with 0",
                code=code,
            )
        if code in ("ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"):
            return AwsError(
                f"AWS throttled the request after {settings.max_attempts} attempts",
                remediation="retry later, lower --jobs, or raise --max-attempts",
                code=code,
            )
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if _is_page(message):
            return _page_error(action, f"HTTP {status or code} ")
        tries = int(error.response.get("ResponseMetadata", {}).get("RetryAttempts") or 0) + 1
        return AwsError(
            f"{action} failed: {code or status}: {message}".rstrip(": ")
            + (f" (after {tries} attempts)" if tries > 1 else ""),
            remediation="retry; if it persists, run `ecrtui doctor`" if (status or 0) >= 500 else "",
            code=code,
        )
    if isinstance(error, bx.ProxyConnectionError):
        proxy = redact(str(error.kwargs.get("proxy_url", "")))
        return AwsError(
            f"cannot connect to the proxy {proxy}",
            remediation="check --http-proxy / HTTPS_PROXY, or add the endpoint to NO_PROXY",
            code="ProxyConnectionError",
        )
    if isinstance(error, (bx.ConnectTimeoutError, bx.ReadTimeoutError)):
        return AwsError(
            f"{action} timed out after {settings.timeout:g} s ({settings.max_attempts} attempts): {redact(str(error))}",
            remediation="check the network, or raise --timeout / --max-attempts",
            code="Timeout",
        )
    if isinstance(error, bx.ConnectionClosedError):  # botocore retried it every time
        return AwsError(
            f"{action} failed: the connection to {error.kwargs.get('endpoint_url', 'AWS')} was closed before AWS "
            f"answered ({settings.max_attempts} attempts)",
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
    if isinstance(error, bx.ProfileNotFound):
        return AwsError(
            f"AWS profile {error.kwargs.get('profile', profile_name)!r} not found",
            remediation="list profiles with `aws configure list-profiles`, or fix the profile name",
            code="ProfileNotFound",
        )
    sso_errors = tuple(
        getattr(bx, name)
        for name in ("UnauthorizedSSOTokenError", "SSOTokenLoadError", "TokenRetrievalError")
        if hasattr(bx, name)
    )
    if isinstance(error, sso_errors) or "sso" in type(error).__name__.lower():
        return AwsError(
            f"the SSO session of profile {profile_name} has expired or is missing",
            remediation=f"run: ecrtui sso login --profile {profile_name} (or aws sso login --profile {profile_name})",
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
            f"cannot get credentials for profile {profile_name}: {redact(str(error))}",
            remediation=_refresh_hint(profile_name, settings),
            code="CredentialRetrievalError",
        )
    if isinstance(error, bx.InvalidConfigError):  # e.g. a profile naming a missing sso-session
        config_file = settings.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        return AwsError(
            f"profile {profile_name} cannot be used: {redact(str(error))}",
            remediation=f"fix [profile {profile_name}] in {config_file} (`aws configure sso --profile {profile_name}` writes a complete SSO profile)",
            code="InvalidConfig",
        )
    if isinstance(error, bx.NoRegionError):
        return AwsError("Region is missing", remediation="pass --region or set AWS_REGION", code="NoRegion")
    if isinstance(error, bx.BotoCoreError):
        return AwsError(f"{action} failed: {redact(str(error))}", code=type(error).__name__)
    if type(error).__name__ == "ResponseParserError":  # botocore.parsers: its text ends with the raw body
        return _page_error(action, "")
    return AwsError(f"{action} failed: {type(error).__name__}: {redact(str(error))}", code=type(error).__name__)


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


def _refresh_hint(profile: str, settings: AwsSettings) -> str:
    if "AWS_ACCESS_KEY_ID" in settings.environ:
        return "refresh the credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN"
    return f"refresh the credentials of profile {profile} (for SSO: ecrtui sso login --profile {profile})"
