"""A fault-injecting HTTP reverse proxy, for tests and benchmarks.

It sits in front of an upstream HTTP server (moto, the ECR Public stand-in) and, request
by request, forwards (optionally after a delay) or injects a fault: an HTTP error, an AWS
throttling error, a connection reset, a stall. Every request is recorded, so a test can
assert how many attempts a client made and what each one got.

Point boto3 at it the standard way (`AWS_ENDPOINT_URL=proxy.url`)::

    with FaultProxy(moto_url) as proxy:
        rule = proxy.inject(Fault.error(500), region="us-west-2")   # every such call fails
        proxy.inject(Fault.throttle(), Fault.throttle(), region="eu-west-1")  # two, then forward
        ... run ecrtui with AWS_ENDPOINT_URL=proxy.url ...
        assert rule.hits == 3                        # = --max-attempts

    with FaultProxy(moto_url, latency=0.5) as proxy:  # benchmarks: 500 ms per call
        ...

Rules are tried in the order they were added; the first whose filters match a request
takes it. A rule plays its faults one per matching request, then `then` for every later
one (by default: forward). Requests no rule matches are forwarded after `latency`.

Filters read what a SigV4-signed AWS request says about itself: `region` and `service`
from the credential scope of the Authorization header, `target` from X-Amz-Target (the
awsJson operation, e.g. `AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken`).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)/aws4_request")
# Hop-by-hop headers a proxy must not copy (RFC 9110 7.6.1), plus the length we recompute.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}
)
# send_response() writes its own Server and Date.
_NOT_COPIED = _HOP_BY_HOP | {"server", "date"}
AWS_JSON = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class Fault:
    """What the proxy does with one request. Build them with the class methods."""

    kind: str  # forward | reply | reset | stall
    delay: float = 0.0
    status: int = 0
    body: bytes = b""
    content_type: str = AWS_JSON

    @classmethod
    def forward(cls, delay: float = 0.0) -> Fault:
        """Forward to the upstream, after `delay` seconds (injected latency)."""
        return cls("forward", delay=delay)

    @classmethod
    def latency(cls, seconds: float) -> Fault:
        """The same as `forward(seconds)`, named for benchmarks."""
        return cls.forward(seconds)

    @classmethod
    def reply(cls, status: int, payload: dict[str, Any] | bytes, content_type: str = AWS_JSON) -> Fault:
        """Answer `status` with `payload` (a dict is sent as JSON); the upstream never sees it."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return cls("reply", status=status, body=body, content_type=content_type)

    @classmethod
    def error(cls, status: int = 500, code: str = "InternalFailure", message: str = "injected failure") -> Fault:
        """An awsJson1.1 error answer (`{"__type": code, "message": ...}`) with `status`."""
        return cls.reply(status, {"__type": code, "message": message})

    @classmethod
    def throttle(cls) -> Fault:
        """AWS throttling as ECR sends it: HTTP 400, `__type` ThrottlingException."""
        return cls.error(400, "ThrottlingException", "Rate exceeded")

    @classmethod
    def reset(cls) -> Fault:
        """Abort the connection (TCP RST) without answering."""
        return cls("reset")

    @classmethod
    def stall(cls, seconds: float) -> Fault:
        """Accept the request, say nothing for `seconds`, then close the connection."""
        return cls("stall", delay=seconds)


FORWARD = Fault.forward()


@dataclass(frozen=True)
class Seen:
    """One request as the proxy saw it, and what it did with it."""

    method: str
    path: str
    region: str | None
    service: str | None
    target: str | None
    fault: str
    at: float  # time.monotonic() when the request arrived


@dataclass
class Rule:
    """Faults for the requests that match the filters; `hits` counts those requests."""

    faults: tuple[Fault, ...]
    then: Fault = FORWARD
    region: str | None = None
    service: str | None = None
    target: str | None = None
    hits: int = 0

    def matches(self, region: str | None, service: str | None, target: str | None) -> bool:
        return (
            (self.region is None or self.region == region)
            and (self.service is None or self.service == service)
            and (self.target is None or (target is not None and target.endswith(self.target)))
        )

    def next_fault(self) -> Fault:
        """The fault for the next matching request (called under the proxy's lock)."""
        fault = self.faults[self.hits] if self.hits < len(self.faults) else self.then
        self.hits += 1
        return fault


@dataclass
class _State:
    upstream: tuple[str, int]
    latency: float
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class FaultProxy:
    """The proxy on a free loopback port, served by a background thread.

    `upstream` is an http:// URL. `latency` delays every request no rule takes. Use it as
    a context manager, or call `start()` and `stop()`.
    """

    def __init__(self, upstream: str, *, latency: float = 0.0, host: str = "127.0.0.1", port: int = 0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, not {upstream!r}")
        self._state = _State(upstream=(parts.hostname, parts.port or 80), latency=latency)
        server = ThreadingHTTPServer((host, port), _make_handler(self._state), bind_and_activate=False)
        server.daemon_threads = True
        server.request_queue_size = 256  # many concurrent clients connect at once
        server.server_bind()
        server.server_activate()
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True)

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests stalled inside the proxy are released at once."""
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- faults ----------------------------------------------------------------------------

    @property
    def latency(self) -> float:
        return self._state.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._state.latency = seconds

    def inject(
        self,
        *faults: Fault,
        then: Fault = FORWARD,
        region: str | None = None,
        service: str | None = None,
        target: str | None = None,
        always: bool = False,
    ) -> Rule:
        """Add a rule: matching requests get `faults` in turn, then `then`.

        `always=True` repeats the single fault given forever (`inject(f, always=True)` is
        `inject(f, then=f)`). `target` matches the end of X-Amz-Target, so
        `target="GetAuthorizationToken"` covers ECR and ECR Public.
        """
        if always:
            if len(faults) != 1:
                raise ValueError("always=True takes exactly one fault")
            then = faults[0]
        rule = Rule(tuple(faults), then, region=region, service=service, target=target)
        with self._state.lock:
            self._state.rules.append(rule)
        return rule

    def clear(self) -> None:
        """Forget every rule and every recorded request."""
        with self._state.lock:
            self._state.rules.clear()
            self._state.seen.clear()

    # --- what happened ---------------------------------------------------------------------

    @property
    def seen(self) -> list[Seen]:
        """Every request so far, in arrival order (a copy)."""
        with self._state.lock:
            return list(self._state.seen)

    def count(self, *, region: str | None = None, service: str | None = None, target: str | None = None) -> int:
        """How many requests arrived that match the filters (all of them with none)."""
        probe = Rule((), region=region, service=service, target=target)
        return sum(1 for s in self.seen if probe.matches(s.region, s.service, s.target))

    def __iter__(self) -> Iterator[Seen]:
        return iter(self.seen)


class _Handler(BaseHTTPRequestHandler):
    """Answers each request as the first matching rule says; `state` is set per server."""

    protocol_version = "HTTP/1.1"
    state: _State

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read stderr
        return

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = self._fault_for_this_request()
        if fault.kind == "reset":
            self._reset()
        elif fault.kind == "stall":
            self.state.stopping.wait(fault.delay)
            self.close_connection = True
        elif fault.kind == "reply":
            self._send(fault.status, fault.body, fault.content_type)
        else:
            if fault.delay:
                self.state.stopping.wait(fault.delay)
            self._forward(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    def _fault_for_this_request(self) -> Fault:
        """The first matching rule's next fault (or a plain forward), with the request recorded."""
        scope = _CREDENTIAL_SCOPE.search(self.headers.get("Authorization", ""))
        region = scope["region"] if scope else None
        service = scope["service"] if scope else None
        target = self.headers.get("X-Amz-Target")
        state = self.state
        with state.lock:
            rule = next((r for r in state.rules if r.matches(region, service, target)), None)
            fault = rule.next_fault() if rule else Fault.forward(state.latency)
            state.seen.append(Seen(self.command, self.path, region, service, target, fault.kind, time.monotonic()))
        return fault

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _send(self, status: int, body: bytes, content_type: str, headers: list[tuple[str, str]] = []) -> None:  # noqa: B006 - never mutated
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-type" for name, _ in headers):
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self, body: bytes) -> None:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(*self.state.upstream, timeout=60)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _NOT_COPIED]
        except OSError as error:
            message = {"__type": "BadGateway", "message": f"fault proxy: upstream unreachable: {error}"}
            self._send(502, json.dumps(message).encode(), AWS_JSON)
            return
        finally:
            connection.close()
        self._send(response.status, payload, AWS_JSON, kept)


def _make_handler(state: _State) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"state": state})
