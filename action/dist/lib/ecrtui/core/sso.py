"""IAM Identity Center sign-in: the OAuth device authorization flow through botocore's
`sso-oidc` client, writing the shared SSO token cache (ecrtui/core/sso_cache.py); and the
use of the cached token: renewed silently with its refresh token when it has expired, and
turned into a role's credentials by botocore's own SSO credential fetcher. Nothing here
prints: progress goes to callbacks.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ecrtui.core.aws_errors import code_and_message
from ecrtui.core.clock import UTC, utc_now
from ecrtui.core.errors import AwsError
from ecrtui.core.sanitize import remember_secret
from ecrtui.core.sso_cache import (
    CachedToken,
    Registration,
    forget_registration,
    format_time,
    load_registration,
    load_token,
    printable_text,
    read_json,
    registration_path,
    token_path,
    write_json,
)
from ecrtui.core.sso_config import SsoConfig, SsoRole, resolve_config

if TYPE_CHECKING:
    from ecrtui.core.aws import ClientFactory

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
SLOW_DOWN_SECONDS = 5
DEFAULT_INTERVAL = 5
MAX_INTERVAL = 60
MIN_POLL_SECONDS = 0.1  # an interval of 0 from a hostile answer must not spin
REFRESH_WINDOW = dt.timedelta(minutes=15)  # botocore renews a token this long before it expires


# --- the flow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceAuthorization:
    """What the user must see: the page to open and the code to confirm there."""

    verification_uri: str
    user_code: str
    verification_uri_complete: str
    expires_at: dt.datetime
    interval: float


# How a sign-in got its token: still valid in the cache, renewed with its refresh token, or
# through the device flow.
SignInHow = Literal["cached", "refreshed", "device"]


@dataclass(frozen=True)
class SignInResult:
    how: SignInHow
    expires_at: dt.datetime
    path: Path


def _error_code(error: BaseException) -> str:
    return code_and_message(error)[0]


class SignIn:
    """One `ecrtui sso login`: reuse, refresh, or run the device flow and cache the token."""

    def __init__(
        self,
        config: SsoConfig,
        factory: ClientFactory,
        *,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = utc_now,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.config = config
        self.factory = factory
        self.environ = dict(os.environ if environ is None else environ)
        self.sleep = sleep
        self.now = now
        self.cancelled = cancelled
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self.factory.anonymous_client("sso-oidc", self.config.region)
        return self._client

    def _fail(self, error: BaseException, action: str) -> AwsError:
        from ecrtui.core.aws_errors import to_aws_error

        return to_aws_error(error, action=action, profile=self.config.profile, settings=self.factory.settings)

    def cached(self) -> CachedToken | None:
        return load_token(self.config, self.environ)

    def refresh(self) -> SignInResult | None:
        """Renew the cached token with its refresh token; None when that cannot work."""
        token = self.cached()
        now = self.now()
        if token is None or not token.refresh_token or not token.registration_valid(now):
            return None
        try:
            answer = self.client.create_token(
                grantType=REFRESH_GRANT,
                clientId=token.client_id,
                clientSecret=token.client_secret,
                refreshToken=token.refresh_token,
            )
        except Exception as error:  # an expired or revoked refresh token: sign in again
            if _error_code(error) in ("InvalidGrantException", "InvalidClientException", "UnauthorizedClientException"):
                return None
            if _error_code(error) in ("ExpiredTokenException", "AccessDeniedException"):
                return None
            raise self._fail(error, "sso-oidc:CreateToken") from None
        assert token.client_id and token.client_secret and token.registration_expires_at
        registration = Registration(token.client_id, token.client_secret, token.registration_expires_at)
        return self._store(answer, registration, "refreshed", previous_refresh=token.refresh_token)

    def register(self) -> Registration:
        now = self.now()
        cached = load_registration(self.config, now, self.environ)
        if cached is not None:
            return cached
        name = f"ecrtui-{self.config.session_name or 'legacy'}"[:64]
        kwargs: dict[str, Any] = {"clientName": name, "clientType": "public"}
        if self.config.scopes:
            kwargs["scopes"] = list(self.config.scopes)
        try:
            answer = self.client.register_client(**kwargs)
        except Exception as error:
            raise self._fail(error, "sso-oidc:RegisterClient") from None
        client_id, secret = printable_text(answer.get("clientId")), printable_text(answer.get("clientSecret"))
        expires = answer.get("clientSecretExpiresAt")
        if not client_id or not secret or not isinstance(expires, int):
            raise AwsError("IAM Identity Center answered RegisterClient without a client", code="BadResponse")
        remember_secret(secret)
        registration = Registration(client_id, secret, dt.datetime.fromtimestamp(expires, UTC))
        record: dict[str, Any] = {
            "clientId": client_id,
            "clientSecret": secret,
            "expiresAt": format_time(registration.expires_at),
        }
        if self.config.scopes:
            record["scopes"] = list(self.config.scopes)
        write_json(registration_path(self.config, self.environ), record)
        return registration

    def start(self) -> tuple[Registration, DeviceAuthorization, str]:
        """Register (or reuse the registration) and ask for a device code."""
        registration = self.register()
        try:
            answer = self._start(registration)
        except AwsError as error:
            if error.code != "InvalidClientException":
                raise
            forget_registration(self.config, self.environ)  # revoked: register once more
            self._revoked_token_registration()
            registration = self.register()
            answer = self._start(registration)
        device_code = printable_text(answer.get("deviceCode"))
        user_code = printable_text(answer.get("userCode"))
        uri = _web_address(answer.get("verificationUri"))
        if not device_code or not user_code or not uri:
            raise AwsError("IAM Identity Center answered StartDeviceAuthorization without a code", code="BadResponse")
        interval = answer.get("interval")
        if not isinstance(interval, int) or not 0 <= interval <= MAX_INTERVAL:
            interval = DEFAULT_INTERVAL
        expires_in = answer.get("expiresIn")
        if not isinstance(expires_in, int) or not 0 < expires_in <= 3600:
            expires_in = 600
        authorization = DeviceAuthorization(
            verification_uri=uri,
            user_code=user_code,
            verification_uri_complete=_web_address(answer.get("verificationUriComplete")) or uri,
            expires_at=self.now() + dt.timedelta(seconds=expires_in),
            interval=float(interval),
        )
        return registration, authorization, device_code

    def _start(self, registration: Registration) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = self.client.start_device_authorization(
                clientId=registration.client_id, clientSecret=registration.client_secret, startUrl=self.config.start_url
            )
        except Exception as error:
            code = _error_code(error)
            if code == "InvalidClientException":
                raise AwsError("the client registration was revoked", code=code) from None
            raise self._fail(error, "sso-oidc:StartDeviceAuthorization") from None
        return answer

    def _revoked_token_registration(self) -> None:
        """The token file's copy of a revoked registration must not be reused either."""
        path = token_path(self.config, self.environ)
        data = read_json(path)
        if data is not None and "clientId" in data:
            for key in ("clientId", "clientSecret", "registrationExpiresAt", "refreshToken"):
                data.pop(key, None)
            write_json(path, data)

    def wait(self, registration: Registration, authorization: DeviceAuthorization, device_code: str) -> SignInResult:
        """Poll CreateToken at the interval asked (5 s more after each slow_down) until the
        user approves, denies, or the code expires."""
        interval = max(authorization.interval, MIN_POLL_SECONDS)
        while True:
            if self.cancelled():
                raise AwsError("sign-in cancelled", code="Cancelled")
            if self.now() >= authorization.expires_at:
                raise self._expired()
            try:
                answer = self.client.create_token(
                    grantType=DEVICE_GRANT,
                    clientId=registration.client_id,
                    clientSecret=registration.client_secret,
                    deviceCode=device_code,
                )
            except Exception as error:
                code = _error_code(error)
                if code == "AuthorizationPendingException":
                    self.sleep(interval)
                    continue
                if code == "SlowDownException":
                    interval += SLOW_DOWN_SECONDS
                    self.sleep(interval)
                    continue
                if code == "AccessDeniedException":
                    raise AwsError(
                        f"the sign-in to {self.config.start_url} was denied in the browser",
                        remediation=f"run `{self.config.login_command}` again and choose Allow",
                        code=code,
                        title="Sign-in denied",
                    ) from None
                if code == "ExpiredTokenException":
                    raise self._expired() from None
                if code in ("InvalidClientException", "UnauthorizedClientException"):
                    forget_registration(self.config, self.environ)
                    raise AwsError(
                        "the client registration of ecrtui was revoked while waiting",
                        remediation=f"run `{self.config.login_command}` again: it registers anew",
                        code=code,
                    ) from None
                raise self._fail(error, "sso-oidc:CreateToken") from None
            return self._store(answer, registration, "device")

    def _expired(self) -> AwsError:
        return AwsError(
            "the sign-in code expired before it was approved",
            remediation=f"run `{self.config.login_command}` again and approve the code within its lifetime",
            code="ExpiredTokenException",
            title="Sign-in expired",
        )

    def _store(
        self, answer: Mapping[str, Any], registration: Registration, how: SignInHow, previous_refresh: str | None = None
    ) -> SignInResult:
        access = printable_text(answer.get("accessToken"))
        expires_in = answer.get("expiresIn")
        if not access or not isinstance(expires_in, int) or expires_in <= 0:
            raise AwsError("IAM Identity Center answered CreateToken without a token", code="BadResponse")
        now = self.now()
        expires_at = now + dt.timedelta(seconds=expires_in)
        record: dict[str, Any] = {
            "startUrl": self.config.start_url,
            "region": self.config.region,
            "accessToken": access,
            "expiresAt": format_time(expires_at),
            "clientId": registration.client_id,
            "clientSecret": registration.client_secret,
            "registrationExpiresAt": format_time(registration.expires_at),
        }
        refresh = printable_text(answer.get("refreshToken")) or previous_refresh
        for secret in (access, refresh, registration.client_secret):
            remember_secret(secret)  # redacted from every message from now on
        if refresh:
            record["refreshToken"] = refresh
        path = token_path(self.config, self.environ)
        write_json(path, record)
        return SignInResult(how, expires_at, path)


# --- using the token ------------------------------------------------------------------------


def current_token(config: SsoConfig, factory: ClientFactory, environ: Mapping[str, str] | None = None) -> str:
    """A valid access token: the cached one, renewed silently when it is about to expire."""
    flow = SignIn(config, factory, environ=environ)
    token = flow.cached()
    now = flow.now()
    if token is not None and token.valid(now, REFRESH_WINDOW):
        return token.access_token
    refreshed = flow.refresh() if token is not None else None
    if refreshed is not None:
        renewed = flow.cached()
        if renewed is not None:
            return renewed.access_token
    if token is not None and token.valid(now):
        return token.access_token
    raise not_signed_in(config)


def not_signed_in(config: SsoConfig) -> AwsError:
    from ecrtui.core.aws_errors import SSO_EXPIRED

    return AwsError(
        f"not signed in to IAM Identity Center {config.label}, or the sign-in has expired",
        remediation=f"run: {config.login_command}",
        code=SSO_EXPIRED,
        title="SSO session expired",
    )


def role_credentials(role: SsoRole, factory: ClientFactory, environ: Mapping[str, str] | None = None) -> Any:
    """Credentials of `role` from GetRoleCredentials, through botocore's own SSO fetcher."""
    from botocore.credentials import ReadOnlyCredentials, SSOCredentialFetcher
    from botocore.exceptions import UnauthorizedSSOTokenError

    config = resolve_config(sso_session=role.session, environ=environ)

    def load(start_url: str, session_name: str | None = None) -> dict[str, Any]:
        # Once per process and session: parallel logins must not each spend the refresh token.
        token = factory._once(("sso-token", config.cache_key), lambda: current_token(config, factory, environ))
        return {"accessToken": token, "expiresAt": format_time(utc_now() + dt.timedelta(minutes=5))}

    fetcher = SSOCredentialFetcher(
        start_url=config.start_url,
        sso_region=config.region,
        role_name=role.role,
        account_id=role.account_id,
        client_creator=lambda service, config=None: factory.anonymous_client(service, config.region_name),
        token_loader=load,
        cache={},
    )
    try:
        issued = fetcher.fetch_credentials()
    except UnauthorizedSSOTokenError:
        raise not_signed_in(config) from None
    except AwsError:
        raise
    except Exception as error:
        if _error_code(error) in ("ForbiddenException", "ResourceNotFoundException"):
            raise AwsError(
                f"role {role.role} is no longer yours in account {role.account_id} (IAM Identity Center {role.session})",
                remediation=f"run `ecrtui discover --sso-session {role.session} --write FILE --prune`, or ask for the role",
                code="SsoRoleGone",
                title="Role not assigned",
            ) from None
        from ecrtui.core.aws_errors import to_aws_error

        raise to_aws_error(error, action="sso:GetRoleCredentials", profile=None, settings=factory.settings) from None
    remember_secret(issued["access_key"], keep=4)  # as _checked_credentials does for other sources
    remember_secret(issued["secret_key"])
    remember_secret(issued["token"])
    return ReadOnlyCredentials(issued["access_key"], issued["secret_key"], issued["token"])


_WEB_ADDRESS = re.compile(r"(https://|http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?/)[!-~]*")


def _web_address(value: object) -> str | None:
    """An https (or loopback http) address from the answer, else None: it is opened in a
    browser, so no file:// or other scheme from an endpoint ever reaches one."""
    text = printable_text(value)
    return text if text and _WEB_ADDRESS.fullmatch(text) else None
