"""AWS sessions and clients: one shared botocore loader, retries, timeouts, proxies and
assumed roles, done once here (what their errors become: `core.aws_errors`).

botocore is imported lazily so that commands that never call AWS (and the credential
helper's cached path) do not pay for it.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrtui import __version__
from ecrtui.core.errors import AwsError
from ecrtui.core.memo import Memo
from ecrtui.core.proxy import proxy_for
from ecrtui.core.sanitize import remember_environment, remember_secret, remember_url
from ecrtui.core.shared_clients import PLACEHOLDER, SharedClient, prepare, settings_key

if TYPE_CHECKING:
    import botocore.session

ROLE_SESSION_NAME = "ecrtui"


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
        self._files: Any = None  # the AWS config and credentials files, parsed once for every session

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
            from ecrtui.core.aws_config_files import ParsedFiles, SharedFilesSession, share_with_credential_chain
            from ecrtui.core.sso_config import SsoRole

            if SsoRole.from_profile_key(profile) is not None:  # a target's sso role, no profile
                profile = None

            if self._handlers is None:
                from botocore.hooks import HierarchicalEmitter

                emitter = HierarchicalEmitter()
                self._files = ParsedFiles()
                session = SharedFilesSession(profile=profile, event_hooks=emitter, parsed_files=self._files)
                self._handlers = copy.copy(emitter)
                self._loader = session.get_component("data_loader")
            else:
                # Registering botocore's built-in handlers costs ~4 ms a session (a profile);
                # a copy of the first session's costs a tenth of that.
                session = SharedFilesSession(
                    profile=profile,
                    event_hooks=copy.copy(self._handlers),
                    include_builtin_handlers=False,
                    parsed_files=self._files,
                )
                session.register_component("data_loader", self._loader)
            share_with_credential_chain(session, self._files)
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

    def shared_client(
        self,
        service: str,
        region: str,
        profile: str | None = None,
        role_arn: str | None = None,
        *,
        connections: int = 0,
    ) -> SharedClient:
        """A client for calls signed with the credentials of (profile, role), built once
        per (service, region, profile settings) and shared by every profile that differs
        only in its credentials; a pool of at least `connections` for the callers'
        threads. Operations only (no paginators)."""
        credentials = self.credentials(profile, role_arn)
        key = ("shared", service, region, settings_key(self.session(profile).get_scoped_config()), connections)
        client = self._once(key, lambda: prepare(self._make_client(service, region, profile, PLACEHOLDER, connections)))
        return SharedClient(client, credentials)

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

    def _make_client(
        self, service: str, region: str, profile: str | None, credentials: Any, connections: int = 0
    ) -> Any:
        from botocore.config import Config

        settings = self.settings
        pool = max(settings.max_pool_connections, connections)

        def build(proxies: dict[str, str]) -> Any:
            config = Config(
                retries={"total_max_attempts": settings.max_attempts, "mode": "standard"},
                connect_timeout=settings.timeout,
                read_timeout=settings.timeout,
                proxies=proxies,
                max_pool_connections=pool,
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
