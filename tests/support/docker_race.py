"""What N concurrent `docker login --password-stdin` leave in one config.json.

The baseline for ecrtui's concurrency test (tests/test_concurrency.py): the docker CLI,
where it exists, logs into N registries at once (N tiny local registries that accept any
Basic credentials on /v2/), all sharing one DOCKER_CONFIG, and we count what survives.

    python tests/support/docker_race.py [N] [ROUNDS]

Prints one line per round: entries kept out of N, whether the file still parses, and
unrelated keys kept.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _V2(BaseHTTPRequestHandler):
    """The one endpoint `docker login` checks: /v2/ with Basic auth."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        if self.headers.get("Authorization", "").startswith("Basic "):
            self.send_response(200)
        else:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="race"')
        self.send_header("Content-Length", "0")
        self.end_headers()


def race(docker: str, count: int, folder: Path) -> dict[str, Any]:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _V2) for _ in range(count)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    hosts = [f"127.0.0.1:{s.server_address[1]}" for s in servers]
    config = folder / "config.json"
    unrelated = {"auths": {"registry.example.com": {"auth": "dXNlcjpwdw=="}}, "psFormat": "table {{.ID}}"}
    config.write_text(json.dumps(unrelated))
    env = {"DOCKER_CONFIG": str(folder), "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(folder)}
    processes = [
        subprocess.Popen(
            [docker, "login", "--username", "AWS", "--password-stdin", host],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        for host in hosts
    ]
    for process, host in zip(processes, hosts, strict=True):
        assert process.stdin is not None
        process.stdin.write(f"pw-{host}\n".encode())
        process.stdin.close()
    failures = sum(1 for p in processes if p.wait(timeout=120) != 0)
    for server in servers:
        server.shutdown()
        server.server_close()
    try:
        data = json.loads(config.read_text())
        valid = True
    except ValueError:
        data, valid = {}, False
    auths = data.get("auths", {}) if isinstance(data, dict) else {}
    kept = sum(1 for h in hosts if base64.b64decode(auths.get(h, {}).get("auth", "")).decode() == f"AWS:pw-{h}")
    return {
        "kept": kept,
        "of": count,
        "failed_logins": failures,
        "valid_json": valid,
        "unrelated_kept": valid and "registry.example.com" in auths and data.get("psFormat") == "table {{.ID}}",
        "mode": oct(config.stat().st_mode & 0o777),
    }


def main() -> int:
    docker = shutil.which("docker")
    if docker is None:
        print("docker CLI not found")
        return 1
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(race(docker, count, Path(folder))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
