"""An endpoint that answers with a web page (a proxy's or a web server's error page, a
wrong AWS_ENDPOINT_URL*) gets one line with the status and where to look, never the page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support.commands import run_cli
from support.environment import Env

PAGE = (
    "<html><head><title>{status} Error</title></head><body><center><h1>{status} Error</h1></center>"
    "<hr><center>nginx</center></body></html>\n"
)


class _PageServer(ThreadingHTTPServer):
    status = 502


class _Page(BaseHTTPRequestHandler):
    server: _PageServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = PAGE.format(status=self.server.status).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page_server() -> Iterator[_PageServer]:
    server = _PageServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [502, 403, 400])
@pytest.mark.parametrize("output", ["text", "json"])
def test_an_html_error_page_from_ecr_is_one_line(env: Env, page_server: _PageServer, status: int, output: str) -> None:
    page_server.status = status
    url = f"http://127.0.0.1:{page_server.server_address[1]}"
    variables = {**env.vars, "AWS_ENDPOINT_URL_ECR": url}
    result = run_cli(
        variables,
        "login",
        "--region",
        "us-east-1",
        "--registries",
        "111111111111",
        "--max-attempts",
        "1",
        "--output",
        output,
    )
    assert result.returncode == 1
    for stream in (result.stdout, result.stderr):
        assert "<" not in stream.replace("<none>", ""), stream
        assert "nginx" not in stream
    assert str(status) in result.stderr
    if status != 502:  # botocore itself names a 5xx (Bad Gateway); a 4xx page is ours to summarise
        assert f"answered HTTP {status} with a web page" in result.stderr
        assert "AWS_ENDPOINT_URL" in result.stderr


def test_an_html_page_where_sts_answers_is_one_line(env: Env, page_server: _PageServer) -> None:
    page_server.status = 403
    profiles = env.write_profiles(
        "version: 1\ntargets:\n  - name: p\n    region: us-east-1\n    role_arn: arn:aws:iam::123456789012:role/x\n"
    )
    url = f"http://127.0.0.1:{page_server.server_address[1]}"
    result = run_cli({**env.vars, "AWS_ENDPOINT_URL": url}, "login", "--config", str(profiles), "--all")
    assert result.returncode == 1
    assert "nginx" not in result.stdout + result.stderr and "<html" not in result.stdout + result.stderr
    assert "with a web page, not an AWS answer" in result.stderr
