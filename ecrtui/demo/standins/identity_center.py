"""A small IAM Identity Center (sso-oidc and the sso portal) server: moto has neither.

Tests and the demo point AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO here. It
answers the six operations botocore's `sso-oidc` and `sso` clients send (restJson1):
RegisterClient `POST /client/register`, StartDeviceAuthorization `POST
/device_authorization`, CreateToken `POST /token` (device code and refresh grants),
ListAccounts `GET /assignment/accounts`, ListAccountRoles `GET /assignment/roles` and
GetRoleCredentials `GET /federation/credentials` (bearer token in `x-amz-sso_bearer_token`).

The "user" at the browser is played by control calls under `/_standin/` (or the same
methods on `IdentityCenterState`): approve or deny a user code, expire device codes,
revoke client registrations or access tokens, remove an account's role, add a delay per
call, throttle the next N portal calls. Every call is logged (`GET /_standin/calls`) and
the most portal calls ever in flight at once is kept (`GET /_standin/stats`).
"""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ecrtui.demo.standins.identity_center_state import CONTROLS, Account, IdentityCenterState, organisation
from ecrtui.demo.standins.server import JsonHandler, StandinServer

PORTAL_PATHS = ("/assignment/accounts", "/assignment/roles", "/federation/credentials")
OIDC_OPERATIONS = {
    "/client/register": "RegisterClient",
    "/device_authorization": "StartDeviceAuthorization",
    "/token": "CreateToken",
}
# What `POST /_standin/settings` may change, each to a value of its current type.
SETTINGS = ("delay", "slow_down_next", "throttle_next", "interval", "fail_oidc", "page_size", "max_page")
Answer = tuple[int, Any]


def control_answer(state: IdentityCenterState, path: str) -> Answer | None:
    """The answer of a `GET /_standin/...` read, None for any other path."""
    with state.lock:
        if path == "/_standin/calls":
            return 200, list(state.calls)
        if path == "/_standin/stats":
            return 200, {"max_in_flight": state.max_in_flight, "calls": len(state.calls)}
    if path == "/_standin/pending":
        return 200, state.pending_user_codes()
    return None


def portal_answer(state: IdentityCenterState, path: str, query: str, bearer: str | None) -> Answer:
    """A portal call, counted in flight while it runs (after the simulated latency)."""
    with state.lock:
        state.calls.append(path)
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        delay = state.delay
    try:
        if delay:
            time.sleep(delay)  # the stand-in's simulated service latency
        with state.lock:
            return state.portal(path, {k: v[0] for k, v in parse_qs(query).items()}, bearer)
    finally:
        with state.lock:
            state.in_flight -= 1


def change_settings(state: IdentityCenterState, body: dict[str, Any]) -> Answer:
    with state.lock:
        for key in SETTINGS:
            if key in body:
                setattr(state, key, type(getattr(state, key))(body[key]))
    return 200, {}


def oidc_answer(state: IdentityCenterState, path: str, body: dict[str, Any], base_url: str) -> Answer:
    with state.lock:
        state.calls.append(OIDC_OPERATIONS[path])
        if state.fail_oidc:
            return 500, {"__type": "InternalServerException", "error": "server_error"}
        if path == "/client/register":
            return state.register_client(body)
        if path == "/device_authorization":
            return state.start_device_authorization(body, base_url)
        return state.create_token(body)


def make_handler(state: IdentityCenterState) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK add 40 ms to every answer on a kept-alive connection.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _send(self, answer: Answer) -> None:
            status, payload = answer
            error = payload.get("__type") if isinstance(payload, dict) else None
            self.send_json(status, payload, {"x-amzn-ErrorType": error} if error else None)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            answer = control_answer(state, parts.path)
            if answer is None and parts.path in PORTAL_PATHS:
                answer = portal_answer(state, parts.path, parts.query, self.headers.get("x-amz-sso_bearer_token"))
            self._send(answer or (404, {"__type": "NotFoundException", "message": parts.path}))

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self.json_body()
            if path in CONTROLS:
                self._send((200, {"changed": CONTROLS[path](state, body)}))
            elif path == "/_standin/settings":
                self._send(change_settings(state, body))
            elif path in OIDC_OPERATIONS:
                base_url = f"http://{self.headers.get('Host') or '127.0.0.1'}"
                self._send(oidc_answer(state, path, body, base_url))
            else:
                self._send((404, {"__type": "NotFoundException", "message": path}))

    return Handler


class IdentityCenterStandin(StandinServer):
    """The server in a background thread: `with IdentityCenterStandin() as server: server.url`."""

    def __init__(
        self,
        accounts: list[Account] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        page_size: int = 20,
        interval: int = 1,
        auto_approve: bool = False,
    ) -> None:
        self.state = IdentityCenterState(accounts, page_size=page_size, interval=interval, auto_approve=auto_approve)
        # Many discovery calls connect at once: a deep listen queue, not refused connects.
        super().__init__(make_handler(self.state), "identity-center-standin", host, port, backlog=128)

    def environment(self) -> dict[str, str]:
        """What points botocore's sso-oidc and sso clients here."""
        return {"AWS_ENDPOINT_URL_SSO_OIDC": self.url, "AWS_ENDPOINT_URL_SSO": self.url}


def main() -> None:
    """`python -m ecrtui.demo.standins.identity_center PORT [ACCOUNTS]`: serve until interrupted."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    IdentityCenterStandin(organisation(count), port=port).serve_until_interrupted()


if __name__ == "__main__":
    main()
