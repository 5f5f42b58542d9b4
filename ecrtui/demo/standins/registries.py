"""The demo's registries: what docker's `/v2/` of an ECR host, and ECR Public's token
endpoint, say to a stored credential. One loopback server stands in for every host; the
host is the first part of the path (`/<host>/v2/`), which `LocalRegistries.route` sets.

Private hosts take Basic auth as ECR does (user AWS, any token moto handed out);
public.ecr.aws answers `/v2/` with a Bearer challenge whose realm is its token endpoint,
as the real one does.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ecrtui.core.partitions import REGISTRY_DOMAINS
from ecrtui.demo.standins.server import JsonHandler, StandinServer

PUBLIC_HOST = "public.ecr.aws"


def is_registry_host(host: str) -> bool:
    """An ECR registry host: the demo's logins write these, no demo may reach them."""
    return host == PUBLIC_HOST or (".dkr.ecr." in host and host.endswith(REGISTRY_DOMAINS))


def _basic_user(header: str) -> str | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user if password else None


class _Handler(JsonHandler):
    protocol_version = "HTTP/1.0"  # as BaseHTTPRequestHandler's: one request a connection

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.send_json(status, payload, {"Docker-Distribution-API-Version": "registry/2.0", **(headers or {})})

    def do_GET(self) -> None:
        host, _, rest = self.path.lstrip("/").partition("/")
        user = _basic_user(self.headers.get("Authorization", ""))
        base = f"http://{host}"
        if host == PUBLIC_HOST and rest.startswith("token"):
            if user is None:
                self._send(401, {"errors": [{"code": "UNAUTHORIZED"}]})
            else:
                self._send(200, {"token": "demo-public-pull-token"})
        elif host == PUBLIC_HOST and rest.startswith("v2"):
            challenge = f'Bearer realm="https://{PUBLIC_HOST}/token/",service="{PUBLIC_HOST}",scope="aws"'
            self._send(401, {"errors": [{"code": "UNAUTHORIZED"}]}, {"WWW-Authenticate": challenge})
        elif is_registry_host(host) and rest.startswith("v2"):
            if user == "AWS":
                self._send(200, {})
            else:
                self._send(401, {"errors": [{"code": "DENIED"}]}, {"WWW-Authenticate": f'Basic realm="{base}"'})
        else:
            self._send(404, {"errors": [{"code": "NOT_FOUND"}]})


class LocalRegistries(StandinServer):
    """The server in a background thread; `route(url)` is where a registry URL goes."""

    def __init__(self) -> None:
        super().__init__(_Handler, "demo-registries")

    def route(self, url: str) -> str:
        """`url` itself, or, for an ECR registry host, this server's stand-in for it."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not is_registry_host(host):
            return url
        local = urlsplit(self.url)
        return urlunsplit(("http", local.netloc, f"/{host}{parts.path or '/'}", parts.query, ""))
