"""One botocore client per (service, region, client settings), shared by every set of
credentials that needs it, each call signed with its own caller's credentials.

Building a botocore client costs about 4 ms of CPU (most of it copying the session's
~1,000 event handlers), under the GIL; the login engine needs one per (credentials,
region) group, so 500 groups paid about 2 s for clients alone. Profiles whose settings
differ only in how their credentials are obtained get the very same client, so a run
builds one client per region instead of one per group.

Each call carries its credentials in a context variable set around the call in the
calling thread; a handler on the shared client's `before-sign` event hands them to
botocore's signer as the request's credentials (its per-request credentials, meant for
exactly this). A call on a shared client with no credentials bound is refused, never
signed with the placeholder keys the client was built with.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

# Profile keys that only say how credentials are obtained, or which region to use (the
# region is always given to the client): two profiles that differ only in these can share
# a client. Any other key (endpoint_url, services, use_fips_endpoint, ca_bundle...) keeps
# the profiles' clients apart.
CREDENTIAL_KEYS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "aws_credential_expiration",
        "role_arn",
        "role_session_name",
        "source_profile",
        "credential_source",
        "credential_process",
        "external_id",
        "mfa_serial",
        "duration_seconds",
        "web_identity_token_file",
        "sso_session",
        "sso_account_id",
        "sso_role_name",
        "sso_start_url",
        "sso_region",
        "sso_registration_scopes",
        "region",
    }
)


class Keys(NamedTuple):
    access_key: str
    secret_key: str
    token: str | None = None


PLACEHOLDER = Keys("ecrtui-unbound", "ecrtui-unbound")  # what a shared client is built with; never signs

_BOUND: contextvars.ContextVar[Any] = contextvars.ContextVar("ecrtui_call_credentials", default=None)


class UnboundCall(RuntimeError):
    """A call on a shared client outside `SharedClient`: a bug, refused before signing."""


def settings_key(scoped_config: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """What of a profile's configuration can change its clients: everything but the keys
    that only say where its credentials come from."""
    return tuple(sorted((k, repr(v)) for k, v in scoped_config.items() if k not in CREDENTIAL_KEYS))


def sign_with_bound_credentials(request: Any, **_: Any) -> None:
    """`before-sign` handler of a shared client: the bound credentials become the
    request's own. A fresh signing dict, so that no other request ever sees them."""
    credentials = _BOUND.get()
    if credentials is None:
        raise UnboundCall("a call on a shared AWS client without credentials bound to it")
    request.context["signing"] = {**request.context.get("signing", {}), "request_credentials": credentials}


def prepare(client: Any) -> Any:
    """Make a freshly built client shareable: every call it signs needs bound credentials."""
    client.meta.events.register("before-sign", sign_with_bound_credentials)
    return client


class SharedClient:
    """A shared client seen through one caller's credentials: its operations (the
    client's snake_case API methods) run with those credentials bound. Paginators and
    waiters are not offered: they would call the client directly, unbound."""

    def __init__(self, client: Any, credentials: Any) -> None:
        from botocore.credentials import Credentials

        self._client = client
        self._credentials = Credentials(credentials.access_key, credentials.secret_key, credentials.token)
        self.meta = client.meta
        self.exceptions = client.exceptions

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in self._client.meta.method_to_api_mapping:
            raise AttributeError(f"a shared client offers its operations only, not {name!r}")
        operation: Callable[..., Any] = getattr(self._client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            token = _BOUND.set(self._credentials)
            try:
                return operation(*args, **kwargs)
            finally:
                _BOUND.reset(token)

        return call
