"""A small ECR Public (and scripted ECR) GetAuthorizationToken server.

moto answers ECR Public with HTTP 500, so tests and the demo point
AWS_ENDPOINT_URL_ECR_PUBLIC here. It speaks awsJson1.1:
`X-Amz-Target: SpencerFrontendService.GetAuthorizationToken` (ECR Public) and
`AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken` (ECR, for the bad-response
cases moto cannot produce). `POST /_standin/mode` with `{"mode": ...}` switches the answer:
ok, no-data, invalid, empty, denied, throttle, error. Every call is counted at
`GET /_standin/calls`, so a test can prove a path made no AWS call.
"""

from __future__ import annotations

import base64
import threading
import time
from typing import Any

from ecrtui.demo.standins.server import JsonHandler, StandinServer

PUBLIC_TARGET = "SpencerFrontendService.GetAuthorizationToken"
PRIVATE_TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
TOKEN_LIFETIME_SECONDS = 12 * 3600


class StandinState:
    def __init__(self, password: str = "public-auth-token") -> None:
        self.mode = "ok"
        self.password = password
        self.calls: list[str] = []
        self.lock = threading.Lock()


def _answer(state: StandinState, target: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    mode = state.mode
    if mode == "denied":
        action = "ecr-public:GetAuthorizationToken" if target == PUBLIC_TARGET else "ecr:GetAuthorizationToken"
        return 400, {
            "__type": "AccessDeniedException",
            "message": f"User: arn:aws:iam::123456789012:user/test is not authorized to perform: {action}",
        }
    if mode == "throttle":
        return 400, {"__type": "ThrottlingException", "message": "Rate exceeded"}
    if mode == "error":
        return 500, {"__type": "ServerException", "message": "internal error"}
    if mode == "no-data":
        return 200, {}
    if mode == "invalid":
        return 200, {"authorizationData": "not-a-list-or-object"}
    expires = time.time() + TOKEN_LIFETIME_SECONDS
    token = base64.b64encode(f"AWS:{state.password}".encode()).decode()
    if target == PUBLIC_TARGET:
        data: Any = {} if mode == "empty" else {"authorizationToken": token, "expiresAt": expires}
        return 200, {"authorizationData": data}
    if mode == "empty":
        return 200, {"authorizationData": []}
    ids = body.get("registryIds") or ["123456789012"]
    return 200, {
        "authorizationData": [
            {
                "authorizationToken": base64.b64encode(f"AWS:{registry_id}-auth-token".encode()).decode(),
                "expiresAt": expires,
                "proxyEndpoint": f"https://{registry_id}.dkr.ecr.us-east-1.amazonaws.com",
            }
            for registry_id in ids
        ]
    }


def make_handler(state: StandinState) -> type[JsonHandler]:
    class Handler(JsonHandler):
        content_type = "application/x-amz-json-1.1"

        def do_GET(self) -> None:
            if self.path == "/_standin/calls":
                with state.lock:
                    self.send_json(200, list(state.calls))
                return
            self.send_json(404, {"message": "not found"})

        def do_POST(self) -> None:
            body = self.json_body()
            if self.path == "/_standin/mode":
                with state.lock:
                    state.mode = str(body.get("mode", "ok"))
                    if "password" in body:
                        state.password = str(body["password"])
                self.send_json(200, {"mode": state.mode})
                return
            target = self.headers.get("X-Amz-Target", "")
            if target not in (PUBLIC_TARGET, PRIVATE_TARGET):
                self.send_json(400, {"__type": "UnknownOperationException", "message": target})
                return
            with state.lock:
                state.calls.append(target)
            status, payload = _answer(state, target, body)
            self.send_json(status, payload)

    return Handler


class EcrPublicStandin(StandinServer):
    """The server in a background thread: `with EcrPublicStandin() as server: server.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, password: str = "public-auth-token") -> None:
        self.state = StandinState(password)
        super().__init__(make_handler(self.state), "ecr-public-standin", host, port)


def main() -> None:
    """`python -m ecrtui.demo.standins.ecr_public PORT`: serve until interrupted."""
    import sys

    EcrPublicStandin(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0).serve_until_interrupted()


if __name__ == "__main__":
    main()
