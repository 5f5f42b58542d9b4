"""What every stand-in shares: a JSON-speaking request handler, and the lifecycle of a
loopback HTTP server run by a daemon thread (`start`/`stop`, or `with`)."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

Server = TypeVar("Server", bound="StandinServer")


class JsonHandler(BaseHTTPRequestHandler):
    """Answers in JSON; quiet, since tests read stdout and the demo's screen is the app's."""

    protocol_version = "HTTP/1.1"
    content_type = "application/json"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def json_body(self) -> dict[str, Any]:
        """The request's JSON object; {} when there is none or it is not an object."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            parsed = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            return {}
        return parsed if isinstance(parsed, dict) else {}


class StandinServer:
    """A stand-in's server in a background thread: `with Standin() as server: server.url`."""

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], name: str, host: str = "127.0.0.1", port: int = 0, backlog: int = 5
    ) -> None:
        self.server = ThreadingHTTPServer((host, port), handler, bind_and_activate=False)
        self.server.daemon_threads = True
        self.server.request_queue_size = backlog  # read by listen(), so set before it
        try:
            self.server.server_bind()
            self.server.server_activate()
        except OSError:
            self.server.server_close()
            raise
        self.thread = threading.Thread(target=self.server.serve_forever, name=name, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self: Server) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self: Server) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_until_interrupted(self) -> None:
        """For `python -m`: print the URL, then serve in this thread until ctrl+c."""
        print(self.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            self.server.serve_forever()
