"""A plain HTTP GET for diagnostics: is an endpoint reachable, through which proxy, and
what does a registry's `/v2/` say to a stored credential.

It goes through botocore's own HTTP session, so proxies (with credentials), CA bundles
and timeouts behave exactly as they do for the AWS calls being diagnosed. The checks take
the probe as an argument (`HttpProbe`), so the TUI or a test can hand in another one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ecrtui.core.proxy import redact


@dataclass(frozen=True)
class ProbeRequest:
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    proxy: str | None = None
    verify: bool | str = True  # True: botocore's CA bundle; a path: that bundle
    timeout: float = 10.0


@dataclass(frozen=True)
class ProbeResult:
    """What came back: an HTTP status, or why nothing did.

    `error_kind` is one of tls, proxy, timeout, connect; `error` is a one-line reason with
    any proxy password redacted.
    """

    url: str
    status: int | None
    elapsed: float
    headers: Mapping[str, str] = field(default_factory=dict)
    error_kind: str | None = None
    error: str = ""

    @property
    def answered(self) -> bool:
        return self.status is not None

    def describe(self) -> str:
        if self.answered:
            return f"HTTP {self.status} in {self.elapsed * 1000:.0f} ms"
        return self.error


HttpProbe = Callable[[ProbeRequest], ProbeResult]

_SSL_REASON = re.compile(r"\[SSL[^\]]*\]\s*(?P<reason>[^(]+)")
_ERRNO = re.compile(r"\[Errno -?[0-9]+\][^'\")\]]*")


def http_probe(request: ProbeRequest) -> ProbeResult:
    """GET `request.url` once (no retries) and classify what happened."""
    import botocore.exceptions as bx
    from botocore.awsrequest import AWSRequest
    from botocore.httpsession import URLLib3Session

    proxies = {"http": request.proxy, "https": request.proxy} if request.proxy else None
    session = URLLib3Session(verify=request.verify, proxies=proxies, timeout=request.timeout)
    started = time.monotonic()

    def failed(kind: str, reason: str) -> ProbeResult:
        return ProbeResult(request.url, None, time.monotonic() - started, error_kind=kind, error=redact(reason))

    try:
        prepared = AWSRequest(method="GET", url=request.url, headers=dict(request.headers)).prepare()
        response = session.send(prepared)
        return ProbeResult(
            request.url, response.status_code, time.monotonic() - started, headers=dict(response.headers.items())
        )
    except bx.SSLError as error:
        match = _SSL_REASON.search(str(error))
        return failed("tls", f"TLS handshake failed: {(match['reason'] if match else str(error)).strip()}")
    except bx.ProxyConnectionError as error:
        return failed("proxy", f"cannot connect to the proxy {error.kwargs.get('proxy_url', '')}: {_cause(error)}")
    except bx.ConnectTimeoutError:
        return failed("timeout", f"no connection within {request.timeout:g} s")
    except bx.ReadTimeoutError:
        return failed("timeout", f"connected, but no answer within {request.timeout:g} s")
    except (bx.ConnectionError, bx.HTTPClientError) as error:  # refused, DNS, reset: the rest
        return failed("connect", f"cannot connect: {_cause(error)}")
    finally:
        session.close()


def _cause(error: Exception) -> str:
    """The OS-level reason inside botocore's and urllib3's wrapping (`[Errno 111]
    Connection refused`), with a failed name lookup called one."""
    inner = getattr(error, "kwargs", {}).get("error")
    text = str(inner if inner is not None else error)
    match = _ERRNO.search(text)
    reason = match.group(0).strip() if match else text.strip()
    if "Failed to resolve" in text or "getaddrinfo" in text:
        return f"DNS lookup failed ({reason})"
    return reason
