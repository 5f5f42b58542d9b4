"""Which proxy an AWS call goes through, and keeping proxy passwords out of every message.

Rules (docs/proxies.md): `--http-proxy` wins over the environment; for https endpoints
HTTPS_PROXY/https_proxy apply, falling back to HTTP_PROXY/http_proxy as the upstream
Action did; NO_PROXY/no_proxy bypasses either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

from ecrtui.core.errors import UsageError
from ecrtui.core.sanitize import redact, remember_url

__all__ = ["check_proxy_url", "proxy_for", "redact"]


def check_proxy_url(url: str, *, where: str = "--http-proxy") -> str:
    remember_url(url)  # before anything formats it, a refusal included
    url = url.strip()
    parts = urlsplit(url if "://" in url else f"http://{url}")
    shown = redact(url if "://" in url else f"http://{url}")  # `user:pw@host` has no scheme to find
    if (
        any(ord(c) < 32 or c.isspace() for c in url)
        or parts.scheme not in ("http", "https")
        or not re.fullmatch(r"[a-z0-9._:%-]+", parts.hostname or "")
    ):
        raise UsageError(
            f"{where} {shown!r} is not a proxy URL",
            remediation="write http://host:port, with any credentials before the host and an @ after them",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise UsageError(f"{where} {shown!r} has an invalid port", remediation="write http://host:3128") from None
    return url if "://" in url else f"http://{url}"


def _env(environ: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def proxy_for(endpoint_url: str, explicit: str | None, environ: Mapping[str, str]) -> str | None:
    """The proxy URL to use for `endpoint_url`, or None for a direct connection."""
    parts = urlsplit(endpoint_url)
    host = parts.hostname or ""
    no_proxy = _env(environ, "NO_PROXY", "no_proxy")
    if no_proxy and _bypassed(host, parts.port, no_proxy):
        return None
    if explicit:
        return explicit
    if parts.scheme == "https":
        return _env(environ, "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
    return _env(environ, "HTTP_PROXY", "http_proxy")


def _bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    if no_proxy.strip() == "*":
        return True
    # urllib's matcher reads the variable from the process; hand it ours explicitly.
    # It compares host[:port] and domain suffixes, as curl and requests do.
    return bool(proxy_bypass_environment(host, {"no": no_proxy})) or bool(
        port and proxy_bypass_environment(f"{host}:{port}", {"no": no_proxy})
    )
