"""IAM Identity Center sign-in: the OAuth device authorization flow through botocore's
`sso-oidc` client, and the SSO token cache botocore, the AWS CLI v2 and the SDKs share
(`~/.aws/sso/cache/<sha1>.json`, the same fields, mode 0600, replaced atomically).

The client registration is cached next to it under the key the AWS CLI uses, and reused
until it expires; an expired access token is renewed with its refresh token before the
user is asked to sign in again. Nothing here prints: progress goes to callbacks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrtui.core.config import _read_ini, aws_config_paths
from ecrtui.core.errors import AwsError, ConfigError
from ecrtui.core.registry import check_region

if TYPE_CHECKING:
    from ecrtui.core.aws import ClientFactory

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
SSO_SCOPES = ["sso:account:access"]  # what `aws sso login` registers for an sso-session
SLOW_DOWN_SECONDS = 5
DEFAULT_INTERVAL = 5
MAX_INTERVAL = 60
MIN_POLL_SECONDS = 0.1  # an interval of 0 from a hostile answer must not spin
REFRESH_WINDOW = dt.timedelta(minutes=15)  # botocore renews a token this long before it expires
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
SSO_PROFILE_PREFIX = "sso:"


# --- configuration ------------------------------------------------------------------------


@dataclass(frozen=True)
class SsoConfig:
    """Where to sign in: an `[sso-session NAME]`, or a legacy profile's start URL."""

    start_url: str
    region: str
    session_name: str | None = None  # None: a legacy profile, keyed by its start URL
    profile: str | None = None
    scopes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.session_name or self.start_url

    @property
    def cache_key(self) -> str:
        return hashlib.sha1((self.session_name or self.start_url).encode("utf-8")).hexdigest()

    @property
    def login_command(self) -> str:
        if self.session_name:
            return f"ecrtui sso login --sso-session {self.session_name}"
        return f"ecrtui sso login --profile {self.profile}"


@dataclass(frozen=True)
class SsoRole:
    """A role in an account reached through an sso-session: a target's credentials.

    It travels through the plan and the login engine as a profile name of its own form,
    `sso:SESSION:ACCOUNT:ROLE`, which never names a profile of ~/.aws/config."""

    session: str
    account_id: str
    role: str

    @property
    def profile_key(self) -> str:
        return f"{SSO_PROFILE_PREFIX}{self.session}:{self.account_id}:{self.role}"

    @classmethod
    def from_profile_key(cls, key: str | None) -> SsoRole | None:
        if not key or not key.startswith(SSO_PROFILE_PREFIX):
            return None
        parts = key[len(SSO_PROFILE_PREFIX) :].rsplit(":", 2)
        if len(parts) != 3 or not all(parts):
            return None
        return cls(*parts)


def check_role_name(role: str, where: str) -> str:
    if not _ROLE_NAME.match(role):
        raise ConfigError(
            f"{where} {role!r} is not a role name", remediation="write the permission set's name, e.g. ReadOnly"
        )
    return role


def check_sso_account(account: str, where: str) -> str:
    if not _ACCOUNT_ID.match(account):
        raise ConfigError(f"{where} {account!r} is not a 12-digit account ID", remediation='quote it: "012345678901"')
    return account


def _check_start_url(url: str, where: str) -> str:
    if not re.match(r"^https://[^\s/]+(/\S*)?$", url) or not url.isprintable():
        raise ConfigError(
            f"{where}: sso_start_url {url!r} is not an https:// URL",
            remediation="write the AWS access portal URL, e.g. https://my-org.awsapps.com/start",
        )
    return url


def resolve_config(
    *, sso_session: str | None = None, profile: str | None = None, environ: Mapping[str, str] | None = None
) -> SsoConfig:
    """The sign-in settings of an sso-session or a profile in ~/.aws/config."""
    config_path, _ = aws_config_paths(environ)
    parser = _read_ini(config_path)
    sections = parser.sections() if parser is not None else []
    if sso_session is not None:
        section = f"sso-session {sso_session}"
        if parser is None or section not in sections:
            known = [s[len("sso-session ") :] for s in sections if s.startswith("sso-session ")]
            raise ConfigError(
                f"no [sso-session {sso_session}] in {config_path}",
                remediation=f"use one of: {', '.join(known)}"
                if known
                else f"add [sso-session {sso_session}] with sso_start_url and sso_region to {config_path}",
            )
        return _session_config(parser, sso_session, config_path, profile=None)
    assert profile is not None
    section = "default" if profile == "default" else f"profile {profile}"
    if parser is None or section not in sections:
        raise ConfigError(
            f"AWS profile {profile!r} not found in {config_path}",
            remediation="list them with `aws configure list-profiles`, or pass --sso-session",
        )
    values = dict(parser.items(section))
    if values.get("sso_session"):
        session = values["sso_session"]
        if f"sso-session {session}" not in sections:
            raise ConfigError(
                f"profile {profile} names [sso-session {session}], which is not in {config_path}",
                remediation=f"add [sso-session {session}] with sso_start_url and sso_region",
            )
        return _session_config(parser, session, config_path, profile=profile)
    if not values.get("sso_start_url"):
        raise ConfigError(
            f"profile {profile} has no IAM Identity Center settings (sso_session or sso_start_url)",
            remediation=f"add sso_session = NAME to [profile {profile}], or pass --sso-session",
        )
    where = f"{config_path} [profile {profile}]"
    return SsoConfig(
        start_url=_check_start_url(values["sso_start_url"].strip(), where),
        region=_region(values.get("sso_region"), where),
        profile=profile,
    )


def _session_config(parser: Any, session: str, config_path: Path, profile: str | None) -> SsoConfig:
    values = dict(parser.items(f"sso-session {session}"))
    where = f"{config_path} [sso-session {session}]"
    if not values.get("sso_start_url"):
        raise ConfigError(f"{where} has no sso_start_url", remediation="add sso_start_url = https://…/start")
    scopes = tuple(s.strip() for s in values.get("sso_registration_scopes", "").split(",") if s.strip())
    return SsoConfig(
        start_url=_check_start_url(values["sso_start_url"].strip(), where),
        region=_region(values.get("sso_region"), where),
        session_name=session,
        profile=profile,
        scopes=scopes or tuple(SSO_SCOPES),
    )


def _region(region: str | None, where: str) -> str:
    if not region or not region.strip():
        raise ConfigError(
            f"{where} has no sso_region", remediation="add sso_region = the region of IAM Identity Center"
        )
    try:
        return check_region(region.strip(), where=f"{where} sso_region")
    except ConfigError:
        raise
    except Exception as error:  # check_region raises UsageError: here it is the config file's fault
        raise ConfigError(str(error), remediation="fix sso_region") from None


def has_display(environ: Mapping[str, str]) -> bool:
    """Whether a browser can open here: a desktop session, not a bare SSH login."""
    if sys.platform in ("darwin", "win32"):
        return not environ.get("SSH_CONNECTION")
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def sso_sessions(environ: Mapping[str, str] | None = None) -> list[str]:
    """The names of the [sso-session NAME] sections of ~/.aws/config."""
    parser = _read_ini(aws_config_paths(environ)[0])
    if parser is None:
        return []
    return [s[len("sso-session ") :].strip() for s in parser.sections() if s.startswith("sso-session ")]


# --- the token cache ------------------------------------------------------------------------


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    home = env.get("HOME") or str(Path.home())
    return Path(home) / ".aws" / "sso" / "cache"


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime(_TIME_FORMAT)


def parse_time(value: object) -> dt.datetime | None:
    """A cache timestamp, in any form botocore's readers accept; None if it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00").replace("UTC", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def read_json(path: Path) -> dict[str, Any] | None:
    """A cache file's object, or None if it is missing or not one (never trusted further)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(1024 * 1024)
        value = json.loads(raw)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_json(path: Path, value: Mapping[str, Any]) -> None:
    """Write atomically, mode 0600, in a 0700 directory: a reader sees the old file or the new."""
    write_text_atomically(path, json.dumps(value), mode=0o600)


def write_text_atomically(path: Path, text: str, mode: int | None = None) -> None:
    """Replace `path` by `text` through a temporary file in its folder (fsync, rename);
    mode: given, else the file's own, else 0600."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if mode is None:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".ecrtui-", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def token_path(config: SsoConfig, environ: Mapping[str, str] | None = None) -> Path:
    return cache_dir(environ) / f"{config.cache_key}.json"


def registration_key(config: SsoConfig) -> str:
    """The AWS CLI's key for a cached client registration."""
    args = {
        "tool": "botocore",
        "startUrl": config.start_url,
        "region": config.region,
        "scopes": list(config.scopes) or None,
        "session_name": config.session_name,
    }
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedToken:
    """The cache file's fields, checked. Secrets stay out of repr."""

    access_token: str
    expires_at: dt.datetime
    refresh_token: str | None
    client_id: str | None
    client_secret: str | None
    registration_expires_at: dt.datetime | None

    def __repr__(self) -> str:
        return f"CachedToken(expires_at={self.expires_at.isoformat()})"

    def valid(self, now: dt.datetime, margin: dt.timedelta = dt.timedelta(0)) -> bool:
        return self.expires_at - margin > now

    def registration_valid(self, now: dt.datetime) -> bool:
        return bool(self.client_id and self.client_secret and self.registration_expires_at) and (
            self.registration_expires_at is not None and self.registration_expires_at > now
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value and value.isprintable() else None


def load_token(config: SsoConfig, environ: Mapping[str, str] | None = None) -> CachedToken | None:
    """The cached token of `config`, if the file holds a usable one for this start URL."""
    data = read_json(token_path(config, environ))
    if data is None:
        return None
    access = _text(data.get("accessToken"))
    expires = parse_time(data.get("expiresAt"))
    if access is None or expires is None:
        return None
    if _text(data.get("startUrl")) not in (None, config.start_url):
        return None  # signed in to another portal under the same session name: not ours
    return CachedToken(
        access_token=access,
        expires_at=expires,
        refresh_token=_text(data.get("refreshToken")),
        client_id=_text(data.get("clientId")),
        client_secret=_text(data.get("clientSecret")),
        registration_expires_at=parse_time(data.get("registrationExpiresAt")),
    )


@dataclass(frozen=True)
class Registration:
    client_id: str
    client_secret: str
    expires_at: dt.datetime

    def __repr__(self) -> str:
        return f"Registration(expires_at={self.expires_at.isoformat()})"


def _registration_path(config: SsoConfig, environ: Mapping[str, str] | None) -> Path:
    return cache_dir(environ) / f"{registration_key(config)}.json"


def load_registration(config: SsoConfig, now: dt.datetime, environ: Mapping[str, str] | None) -> Registration | None:
    """A cached client registration still valid for an hour; from the registration cache
    the AWS CLI keeps, else from the token file's copy."""
    margin = dt.timedelta(hours=1)
    data = read_json(_registration_path(config, environ))
    if data is not None:
        client_id, secret = _text(data.get("clientId")), _text(data.get("clientSecret"))
        expires = parse_time(data.get("expiresAt"))
        if client_id and secret and expires and expires - margin > now:
            return Registration(client_id, secret, expires)
    token = load_token(config, environ)
    if token is not None and token.registration_valid(now + margin):
        assert token.client_id and token.client_secret and token.registration_expires_at
        return Registration(token.client_id, token.client_secret, token.registration_expires_at)
    return None


def forget_registration(config: SsoConfig, environ: Mapping[str, str] | None) -> None:
    with contextlib.suppress(OSError):
        _registration_path(config, environ).unlink()


# --- the flow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceAuthorization:
    """What the user must see: the page to open and the code to confirm there."""

    verification_uri: str
    user_code: str
    verification_uri_complete: str
    expires_at: dt.datetime
    interval: float


@dataclass(frozen=True)
class SignInResult:
    how: str  # cached | refreshed | device
    expires_at: dt.datetime
    path: Path


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _error_code(error: BaseException) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


class SignIn:
    """One `ecrtui sso login`: reuse, refresh, or run the device flow and cache the token."""

    def __init__(
        self,
        config: SsoConfig,
        factory: ClientFactory,
        *,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = _utcnow,
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
        from ecrtui.core.aws import translate

        return translate(error, action=action, profile=self.config.profile, settings=self.factory.settings)

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
        client_id, secret = _text(answer.get("clientId")), _text(answer.get("clientSecret"))
        expires = answer.get("clientSecretExpiresAt")
        if not client_id or not secret or not isinstance(expires, int):
            raise AwsError("IAM Identity Center answered RegisterClient without a client", code="BadResponse")
        registration = Registration(client_id, secret, dt.datetime.fromtimestamp(expires, dt.timezone.utc))
        record: dict[str, Any] = {
            "clientId": client_id,
            "clientSecret": secret,
            "expiresAt": format_time(registration.expires_at),
        }
        if self.config.scopes:
            record["scopes"] = list(self.config.scopes)
        write_json(_registration_path(self.config, self.environ), record)
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
        device_code = _text(answer.get("deviceCode"))
        user_code = _text(answer.get("userCode"))
        uri = _text(answer.get("verificationUri"))
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
            verification_uri_complete=_text(answer.get("verificationUriComplete")) or uri,
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
        self, answer: Mapping[str, Any], registration: Registration, how: str, previous_refresh: str | None = None
    ) -> SignInResult:
        access = _text(answer.get("accessToken"))
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
        refresh = _text(answer.get("refreshToken")) or previous_refresh
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
    from ecrtui.core.aws import SSO_EXPIRED

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
        return {"accessToken": token, "expiresAt": format_time(_utcnow() + dt.timedelta(minutes=5))}

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
        from ecrtui.core.aws import translate

        raise translate(error, action="sso:GetRoleCredentials", profile=None, settings=factory.settings) from None
    return ReadOnlyCredentials(issued["access_key"], issued["secret_key"], issued["token"])
