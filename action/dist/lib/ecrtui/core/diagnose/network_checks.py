"""Network checks: which proxy each AWS endpoint of a target is reached through (redacted,
and whether NO_PROXY bypasses it), whether each endpoint answers at all, and what a TLS,
proxy, DNS or timeout failure means. Needs no credentials: an endpoint that answers any
HTTP status is reachable."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from ecrtui.core.addresses import PUBLIC_REGION, RegistryType
from ecrtui.core.aws_errors import to_aws_error
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.models import Category, Check, CheckMaker
from ecrtui.core.diagnose.probe import ProbeRequest, ProbeResult
from ecrtui.core.models import Registry, Target
from ecrtui.core.proxy import proxy_for, redact

_DNS_FAILURES = ("Name or service not known", "nodename nor servname", "name resolution", "getaddrinfo failed")


def aws_endpoints(target: Target, registries: tuple[Registry, ...], region: str | None) -> list[tuple[str, str]]:
    """(service, region) of every AWS endpoint a login or the doctor calls for `target`."""
    if target.type is RegistryType.PUBLIC:
        return [("sts", region or PUBLIC_REGION), ("ecr-public", PUBLIC_REGION)]
    regions = list(dict.fromkeys(r.region for r in registries)) or ([region] if region else [])
    if not regions:
        return []
    return [("sts", region or regions[0]), *(("ecr", r) for r in regions)]


def check_network(
    ctx: DoctorContext, target: Target, registries: tuple[Registry, ...], region: str | None
) -> list[Check]:
    make = CheckMaker(target.name, Category.NETWORK)
    checks: list[Check] = []
    urls: list[tuple[str, str]] = []
    for service, service_region in aws_endpoints(target, registries, region):
        try:
            urls.append((service, ctx.factory.endpoint_url(service, service_region, target.profile)))
        except Exception as error:  # an endpoint setting botocore refuses (a bad AWS_ENDPOINT_URL)
            translated = to_aws_error(
                error, action=f"{service} endpoint", profile=target.profile, settings=ctx.factory.settings
            )
            checks.append(
                make.fail(
                    CheckId.NETWORK_ENDPOINT,
                    "Endpoint",
                    f"the {service} endpoint of {service_region} cannot be resolved: {translated.message}",
                    remediation=translated.remediation or "check AWS_ENDPOINT_URL* and the profile's endpoint_url",
                    subject=service,
                )
            )
    if not urls:
        return checks
    checks.append(_proxy_check(ctx, make, [url for _, url in urls]))
    bundle = ctx.environ.get("AWS_CA_BUNDLE", "").strip()
    if bundle and not Path(bundle).expanduser().is_file():
        checks.append(
            make.fail(
                CheckId.NETWORK_CA_BUNDLE,
                "CA bundle",
                f"AWS_CA_BUNDLE names {bundle}, which is not a file: every HTTPS call to AWS fails",
                remediation="point AWS_CA_BUNDLE at a PEM file, or unset it",
            )
        )
        bundle = ""
    services_at: dict[str, list[str]] = {}  # sts and ecr often share one endpoint: probe and list it once
    for service, url in urls:
        services_at.setdefault(url, []).append(service)
    for url, services in services_at.items():
        checks.append(_endpoint_check(ctx, make, services, url, bundle or True))
    return checks


def _proxy_source(url: str, explicit: str | None, environ: Mapping[str, str]) -> str:
    if explicit:
        return "--http-proxy"
    names: tuple[str, ...] = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
    if urlsplit(url).scheme != "https":
        names = names[2:]
    return next((f"${n}" for n in names if environ.get(n, "").strip()), "the environment")


def _proxy_check(ctx: DoctorContext, make: CheckMaker, urls: list[str]) -> Check:
    explicit = ctx.factory.settings.http_proxy
    environ = ctx.environ
    without_no_proxy = {k: v for k, v in environ.items() if k.lower() != "no_proxy"}
    no_proxy = environ.get("NO_PROXY") or environ.get("no_proxy") or ""
    lines: list[str] = []
    any_proxy = False
    for url in dict.fromkeys(urls):  # sts and ecr often share one endpoint (AWS_ENDPOINT_URL)
        host = urlsplit(url).netloc
        used = proxy_for(url, explicit, environ)
        wanted = proxy_for(url, explicit, without_no_proxy)
        any_proxy = any_proxy or wanted is not None
        if used is not None:
            lines.append(f"{host} through {redact(used)} (from {_proxy_source(url, explicit, environ)})")
        elif wanted is not None:
            lines.append(f"{host} directly: NO_PROXY={no_proxy!s} bypasses {redact(wanted)}")
        else:
            lines.append(f"{host} directly")
    if not any_proxy:
        return make.ok(
            CheckId.NETWORK_PROXY,
            "Proxy",
            "no proxy configured (--http-proxy, HTTPS_PROXY, HTTP_PROXY unset): " + "; ".join(lines),
        )
    return make.ok(CheckId.NETWORK_PROXY, "Proxy", "; ".join(lines))


def _endpoint_origin(service: str, environ: Mapping[str, str]) -> str:
    specific = f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}"
    for name in (specific, "AWS_ENDPOINT_URL"):
        if environ.get(name, "").strip():
            return f" (set by {name})"
    return ""


def _endpoint_check(ctx: DoctorContext, make: CheckMaker, services: list[str], url: str, verify: bool | str) -> Check:
    service = services[0]
    proxy = proxy_for(url, ctx.factory.settings.http_proxy, ctx.environ)
    request = ProbeRequest(url=url.rstrip("/") + "/", proxy=proxy, verify=verify, timeout=ctx.timeout)
    result: ProbeResult = ctx.memo.get(("probe", url, proxy, verify), lambda: ctx.probe(request))
    route = f"through the proxy {redact(proxy)}" if proxy else "directly"
    names = list(dict.fromkeys(services))  # ecr of several regions may share it too
    shared = f" (for {', '.join(names)})" if len(names) > 1 else ""
    where = f"{url}{_endpoint_origin(service, ctx.environ)}{shared}"
    title = "Endpoint"
    if _refused_by_proxy(result, proxy):
        return make.fail(
            CheckId.NETWORK_ENDPOINT,
            title,
            f"{where}: the proxy {redact(proxy or '')} refused the request (HTTP {result.status}): it asks for "
            "credentials, or other ones",
            remediation="put them in the proxy URL: http://user:password@host:port",
            subject=service,
        )
    if result.answered:
        return make.ok(
            CheckId.NETWORK_ENDPOINT, title, f"{where} reachable {route} ({result.describe()})", subject=service
        )
    reason = f"{where} is not reachable {route}: {result.error}"
    return make.fail(CheckId.NETWORK_ENDPOINT, title, reason, remediation=_remedy(result, proxy), subject=service)


def _refused_by_proxy(result: ProbeResult, proxy: str | None) -> bool:
    """407, or a 401 that no AWS endpoint sent: those always carry a request ID (some
    proxies, tinyproxy among them, answer a wrong proxy password with 401)."""
    if proxy is None:
        return False
    headers = {name.lower() for name in result.headers}
    return result.status == 407 or (
        result.status == 401 and not headers & {"x-amzn-requestid", "x-amz-request-id", "x-amz-id-2"}
    )


def _remedy(result: ProbeResult, proxy: str | None) -> str:
    if result.error_kind == "tls":
        return (
            "a proxy or firewall that inspects TLS shows its own certificate: give its CA bundle in AWS_CA_BUNDLE "
            "(or ca_bundle in the profile); a custom endpoint (AWS_ENDPOINT_URL*) needs a certificate for its name"
        )
    if result.error_kind == "proxy":
        return "check --http-proxy / HTTPS_PROXY / HTTP_PROXY, or add the endpoint's host to NO_PROXY"
    if result.error_kind == "timeout":
        return "a firewall may drop the traffic: check the route (and the proxy), or raise --timeout"
    if any(marker in result.error for marker in _DNS_FAILURES):
        return (
            "DNS cannot resolve the host: check the network or VPN; a VPC without internet access needs the "
            "interface endpoints com.amazonaws.REGION.ecr.api, ecr.dkr and sts"
        )
    if proxy is None:
        return "nothing answers there: check AWS_ENDPOINT_URL*, the firewall, or whether a proxy is required"
    return "check the proxy and AWS_ENDPOINT_URL*"
