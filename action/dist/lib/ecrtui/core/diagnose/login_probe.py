"""Trying a stored login the way docker would, without docker: the registry's `/v2/`
with Basic auth, or its token endpoint where it answers with a Bearer challenge. The
password goes to the registry itself only, and in the clear only on loopback."""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.probe import ProbeRequest, ProbeResult
from ecrtui.core.proxy import proxy_for, redact


def is_loopback(host: str) -> bool:
    """Whether `host` (with an optional port) is this machine: decided by every address the
    name resolves to, never by how the name starts (`localhost.evil.test`)."""
    import ipaddress
    import socket

    try:
        name = urlsplit(f"//{host}").hostname or ""
        addresses = {info[4][0] for info in socket.getaddrinfo(name, None)} if name else set()
        return bool(addresses) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)
    except (OSError, UnicodeError, ValueError):
        return False


def _same_authority(url: str, host: str) -> bool:
    """Whether `url` is on the registry `host` itself (same name, same port)."""
    parts, registry = urlsplit(url), urlsplit(f"//{host}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.hostname == registry.hostname and port in ({registry.port} if registry.port else {443, 80})
    except ValueError:
        return False


def probe_login(ctx: DoctorContext, host: str, username: str, password: str) -> ProbeResult:
    """Try the credentials as docker would: `/v2/` with Basic auth (ECR private, a plain
    registry); where the registry answers with a Bearer challenge (ECR Public, Docker
    Hub), its token endpoint with Basic auth. Loopback registries may be plain HTTP, as
    docker allows for 127.0.0.0/8."""
    basic = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")

    def get(url: str) -> ProbeResult:
        proxy = proxy_for(url, None, ctx.environ)
        return ctx.probe(ProbeRequest(url=url, headers={"Authorization": basic}, proxy=proxy, timeout=ctx.timeout))

    result = get(f"https://{host}/v2/")
    # Resolved only where it decides something: a name lookup is itself traffic.
    if not result.answered and result.error_kind in ("tls", "connect") and is_loopback(host):
        result = get(f"http://{host}/v2/")
    challenge = {k.lower(): v for k, v in result.headers.items()}.get("www-authenticate", "")
    if result.status == 401 and challenge.lower().startswith("bearer "):
        return _token_endpoint(host, username, challenge, result, get)
    return result


def _token_endpoint(
    host: str, username: str, challenge: str, first: ProbeResult, get: Callable[[str], ProbeResult]
) -> ProbeResult:
    """Follow a Bearer challenge to the registry's token endpoint, if it is the registry's own."""
    fields = dict(part.strip().split("=", 1) for part in challenge[7:].split(",") if "=" in part)
    realm = fields.get("realm", "").strip('"')
    if not realm.startswith(("https://", "http://")):
        return first
    # The password goes to the registry itself only, and in the clear only on loopback.
    trusted = _same_authority(realm, host) and (realm.startswith("https://") or is_loopback(host))
    if not trusted:
        return ProbeResult(
            realm,
            None,
            first.elapsed,
            error_kind="untrusted",
            error=f"not tried: the registry sends logins to {redact(realm.split('?')[0])!r}, not to "
            f"https://{host} itself, and ecrtui sends no password elsewhere",
        )
    service = fields.get("service", "").strip('"')
    return get(f"{realm}?{urlencode({'service': service, 'account': username})}")
