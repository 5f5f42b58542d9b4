"""A small local HTTP server playing Amazon ECR (JSON 1.1) that answers what a test tells
it to: hostile `proxyEndpoint`s, tokens for accounts nobody asked for, hostile error
messages. Reached through AWS_ENDPOINT_URL_ECR, as a misconfigured or hostile endpoint is."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"


def token(password: str) -> str:
    return base64.b64encode(f"AWS:{password}".encode()).decode()


@dataclass
class HostileEcr:
    url: str = ""
    # account -> proxyEndpoint answered for it; None: answer for each asked account
    endpoints: dict[str, str] = field(default_factory=dict)
    error: tuple[int, str, str] | None = None  # (status, __type, message)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        if self.error is not None:
            status, kind, message = self.error
            return status, {"__type": kind, "message": message}
        data = [
            {
                "authorizationToken": token(f"hostile-ecr-password-{account}"),
                "expiresAt": 4102444800,
                "proxyEndpoint": endpoint,
            }
            for account, endpoint in self.endpoints.items()
        ]
        return 200, {"authorizationData": data}


@contextmanager
def hostile_ecr() -> Iterator[HostileEcr]:
    state = HostileEcr()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.headers.get("x-amz-target") != TARGET:
                status, answer = 400, {"__type": "UnknownOperationException", "message": "not ECR"}
            else:
                status, answer = state.answer(body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
