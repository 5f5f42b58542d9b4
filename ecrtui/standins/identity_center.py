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

import contextlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
TOKEN_LIFETIME_SECONDS = 8 * 3600
REGISTRATION_LIFETIME_SECONDS = 90 * 86400
DEVICE_CODE_LIFETIME_SECONDS = 600
ROLE_CREDENTIALS_LIFETIME_SECONDS = 3600
MAX_PAGE = 100  # ListAccounts and ListAccountRoles return at most 100 a page


@dataclass
class Account:
    account_id: str
    name: str
    roles: list[str]
    email: str = ""


@dataclass
class Device:
    client_id: str
    user_code: str
    expires_at: float
    status: str = "pending"  # pending | approved | denied
    polls: list[float] = field(default_factory=list)


def organisation(accounts: int, roles: Iterable[str] = ("ReadOnly", "Developer", "Admin")) -> list[Account]:
    """`accounts` accounts, the i-th with the first 1 + i % len(roles) of `roles`."""
    names = list(roles)
    return [
        Account(f"{100000000000 + i:012d}", f"account-{i:03d}", names[: 1 + i % len(names)], f"aws+{i}@example.com")
        for i in range(accounts)
    ]


class IdentityCenterState:
    """The organisation, the registrations, device codes and tokens handed out."""

    def __init__(
        self,
        accounts: list[Account] | None = None,
        *,
        page_size: int = 20,
        interval: int = 1,
        auto_approve: bool = False,
    ) -> None:
        self.lock = threading.Lock()
        self.auto_approve = auto_approve  # a user who approves every code at once (the demo's)
        self.accounts: dict[str, Account] = {a.account_id: a for a in (accounts or organisation(3))}
        self.page_size = page_size  # the page when the client asks for no size, as the service's default
        self.max_page = MAX_PAGE  # the most a page holds whatever the client asks
        self.interval = interval
        self.delay = 0.0
        self.slow_down_next = 0  # CreateToken polls still to answer with slow_down
        self.throttle_next = 0  # portal calls still to answer with TooManyRequestsException
        self.fail_oidc = False  # every sso-oidc call answers 500 (a start URL/region not answering)
        self.clients: dict[str, tuple[str, float]] = {}  # client id -> (secret, expires at)
        self.devices: dict[str, Device] = {}  # device code -> its state
        self.access_tokens: dict[str, float] = {}  # access token -> expires at
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> client id
        self.handed_out: list[str] = []  # every secret issued, for the secret-scanning suite
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0

    # --- the test "user" and operator ----------------------------------------------------

    def _secret(self, prefix: str) -> str:
        value = f"{prefix}{secrets.token_urlsafe(24)}"
        self.handed_out.append(value)
        return value

    def set_user_decision(self, user_code: str | None, status: str) -> int:
        """Approve or deny a user code (None: every pending one). How many changed."""
        with self.lock:
            changed = 0
            for device in self.devices.values():
                if device.status == "pending" and user_code in (None, device.user_code):
                    device.status = status
                    changed += 1
            return changed

    def expire_devices(self) -> None:
        with self.lock:
            for device in self.devices.values():
                device.expires_at = 0.0

    def revoke_clients(self) -> None:
        with self.lock:
            self.clients.clear()

    def revoke_tokens(self) -> None:
        with self.lock:
            self.access_tokens.clear()

    def expire_access_tokens(self) -> None:
        """Access tokens stop working (as after 8 hours); refresh tokens still do."""
        with self.lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0

    def remove_role(self, account_id: str, role: str | None = None) -> None:
        """Take `role` (None: the whole account) away from the user."""
        with self.lock:
            if role is None:
                self.accounts.pop(account_id, None)
            elif account_id in self.accounts:
                roles = self.accounts[account_id].roles
                self.accounts[account_id].roles = [r for r in roles if r != role]

    def pending_user_codes(self) -> list[str]:
        with self.lock:
            return [d.user_code for d in self.devices.values() if d.status == "pending"]

    def reset_stats(self) -> None:
        with self.lock:
            self.calls.clear()
            self.max_in_flight = 0

    # --- sso-oidc ---------------------------------------------------------------------------

    def register_client(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not isinstance(body.get("clientName"), str) or body.get("clientType") != "public":
            return _oidc_error("InvalidRequestException", "invalid_request", "clientName and clientType public")
        client_id = self._secret("client-")
        client_secret = self._secret("clientsecret-")
        now = time.time()
        self.clients[client_id] = (client_secret, now + REGISTRATION_LIFETIME_SECONDS)
        return 200, {
            "clientId": client_id,
            "clientSecret": client_secret,
            "clientIdIssuedAt": int(now),
            "clientSecretExpiresAt": int(now + REGISTRATION_LIFETIME_SECONDS),
        }

    def _client_ok(self, body: dict[str, Any]) -> bool:
        registered = self.clients.get(str(body.get("clientId")))
        return registered is not None and registered[0] == body.get("clientSecret") and registered[1] > time.time()

    def start_device_authorization(self, body: dict[str, Any], base_url: str) -> tuple[int, dict[str, Any]]:
        if not self._client_ok(body):
            return _oidc_error("InvalidClientException", "invalid_client", "the client registration is not valid")
        if not str(body.get("startUrl", "")).startswith("https://"):
            return _oidc_error("InvalidRequestException", "invalid_request", "startUrl")
        device_code = self._secret("devicecode-")
        user_code = f"{secrets.randbelow(10_000):04d}-{secrets.randbelow(10_000):04d}"
        self.devices[device_code] = Device(str(body["clientId"]), user_code, time.time() + DEVICE_CODE_LIFETIME_SECONDS)
        return 200, {
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": f"{base_url}/start/#/device",
            "verificationUriComplete": f"{base_url}/start/#/device?user_code={user_code}",
            "expiresIn": DEVICE_CODE_LIFETIME_SECONDS,
            "interval": self.interval,
        }

    def create_token(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not self._client_ok(body):
            return _oidc_error("InvalidClientException", "invalid_client", "the client registration is not valid")
        grant = body.get("grantType")
        if grant == REFRESH_GRANT:
            owner = self.refresh_tokens.pop(str(body.get("refreshToken")), None)
            if owner is None or owner != body.get("clientId"):
                return _oidc_error("InvalidGrantException", "invalid_grant", "the refresh token is not valid")
            return 200, self._issue_token(owner)
        if grant != DEVICE_GRANT:
            return _oidc_error("UnsupportedGrantTypeException", "unsupported_grant_type", str(grant))
        device = self.devices.get(str(body.get("deviceCode")))
        if device is None or device.client_id != body.get("clientId"):
            return _oidc_error("InvalidGrantException", "invalid_grant", "unknown device code")
        device.polls.append(time.monotonic())
        if device.expires_at <= time.time():
            return _oidc_error("ExpiredTokenException", "expired_token", "the device code has expired")
        if device.status == "denied":
            return _oidc_error("AccessDeniedException", "access_denied", "the user denied the request")
        if self.slow_down_next > 0:
            self.slow_down_next -= 1
            return _oidc_error("SlowDownException", "slow_down", "polling too fast")
        if device.status == "pending" and self.auto_approve and len(device.polls) > 1:
            device.status = "approved"  # after one "pending": the waiting screen is seen
        if device.status == "pending":
            return _oidc_error("AuthorizationPendingException", "authorization_pending", "waiting for the user")
        del self.devices[str(body["deviceCode"])]
        return 200, self._issue_token(device.client_id)

    def _issue_token(self, client_id: str) -> dict[str, Any]:
        access = self._secret("accesstoken-")
        refresh = self._secret("refreshtoken-")
        self.access_tokens[access] = time.time() + TOKEN_LIFETIME_SECONDS
        self.refresh_tokens[refresh] = client_id
        return {
            "accessToken": access,
            "tokenType": "Bearer",
            "expiresIn": TOKEN_LIFETIME_SECONDS,
            "refreshToken": refresh,
        }

    # --- the portal -------------------------------------------------------------------------

    def portal(self, path: str, query: dict[str, str], bearer: str | None) -> tuple[int, dict[str, Any]]:
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return _portal_error(429, "TooManyRequestsException", "Rate exceeded")
        expires = self.access_tokens.get(bearer or "")
        if expires is None or expires <= time.time():
            return _portal_error(401, "UnauthorizedException", "Session token not found or invalid")
        if path == "/assignment/accounts":
            listed = [
                {"accountId": a.account_id, "accountName": a.name, "emailAddress": a.email}
                for a in self.accounts.values()
            ]
            return 200, self._page(listed, query, "accountList")
        account = self.accounts.get(query.get("account_id", ""))
        if path == "/assignment/roles":
            roles = [] if account is None else [{"roleName": r, "accountId": account.account_id} for r in account.roles]
            return 200, self._page(roles, query, "roleList")
        if account is None or query.get("role_name") not in account.roles:
            return _portal_error(403, "ForbiddenException", "No access")
        return 200, {
            "roleCredentials": {
                "accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                "secretAccessKey": self._secret("rolesecret-"),
                "sessionToken": self._secret("rolesession-"),
                "expiration": int((time.time() + ROLE_CREDENTIALS_LIFETIME_SECONDS) * 1000),
            }
        }

    def _page(self, items: list[dict[str, Any]], query: dict[str, str], key: str) -> dict[str, Any]:
        try:
            start = int(query.get("next_token") or 0)
            size = max(1, min(int(query.get("max_result") or self.page_size), self.max_page))
        except ValueError:
            start, size = 0, self.page_size
        answer: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            answer["nextToken"] = str(start + size)
        return answer


def _oidc_error(kind: str, code: str, description: str) -> tuple[int, dict[str, Any]]:
    return 400, {"__type": kind, "error": code, "error_description": description}


def _portal_error(status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"__type": kind, "message": message}


_CONTROLS = {
    "/_standin/approve": lambda s, b: s.set_user_decision(b.get("user_code"), "approved"),
    "/_standin/deny": lambda s, b: s.set_user_decision(b.get("user_code"), "denied"),
    "/_standin/expire-devices": lambda s, b: s.expire_devices(),
    "/_standin/revoke-clients": lambda s, b: s.revoke_clients(),
    "/_standin/revoke-tokens": lambda s, b: s.revoke_tokens(),
    "/_standin/expire-tokens": lambda s, b: s.expire_access_tokens(),
    "/_standin/remove-role": lambda s, b: s.remove_role(str(b.get("account_id")), b.get("role")),
}


def make_handler(state: IdentityCenterState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK add 40 ms to every answer on a kept-alive connection.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read stdout
            return

        def _send(self, status: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if isinstance(payload, dict) and "__type" in payload:
                self.send_header("x-amzn-ErrorType", payload["__type"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                parsed = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                return {}
            return parsed if isinstance(parsed, dict) else {}

        def _base_url(self) -> str:
            return f"http://{self.headers.get('Host') or '127.0.0.1'}"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/_standin/calls":
                with state.lock:
                    self._send(200, list(state.calls))
                return
            if parts.path == "/_standin/stats":
                with state.lock:
                    self._send(200, {"max_in_flight": state.max_in_flight, "calls": len(state.calls)})
                return
            if parts.path == "/_standin/pending":
                self._send(200, state.pending_user_codes())
                return
            if parts.path not in ("/assignment/accounts", "/assignment/roles", "/federation/credentials"):
                self._send(404, {"__type": "NotFoundException", "message": parts.path})
                return
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            with state.lock:
                state.calls.append(parts.path)
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
                delay = state.delay
            try:
                if delay:
                    time.sleep(delay)  # the stand-in's simulated service latency
                with state.lock:
                    status, payload = state.portal(parts.path, query, self.headers.get("x-amz-sso_bearer_token"))
            finally:
                with state.lock:
                    state.in_flight -= 1
            self._send(status, payload)

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            if path in _CONTROLS:
                self._send(200, {"changed": _CONTROLS[path](state, body)})
                return
            if path == "/_standin/settings":
                with state.lock:
                    for key in (
                        "delay",
                        "slow_down_next",
                        "throttle_next",
                        "interval",
                        "fail_oidc",
                        "page_size",
                        "max_page",
                    ):
                        if key in body:
                            setattr(state, key, type(getattr(state, key))(body[key]))
                self._send(200, {})
                return
            operations = {
                "/client/register": "RegisterClient",
                "/device_authorization": "StartDeviceAuthorization",
                "/token": "CreateToken",
            }
            if path not in operations:
                self._send(404, {"__type": "NotFoundException", "message": path})
                return
            with state.lock:
                state.calls.append(operations[path])
                if state.fail_oidc:
                    status, payload = 500, {"__type": "InternalServerException", "error": "server_error"}
                elif path == "/client/register":
                    status, payload = state.register_client(body)
                elif path == "/device_authorization":
                    status, payload = state.start_device_authorization(body, self._base_url())
                else:
                    status, payload = state.create_token(body)
            self._send(status, payload)

    return Handler


class IdentityCenterStandin:
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
        self.server = ThreadingHTTPServer((host, port), make_handler(self.state))
        self.server.daemon_threads = True
        self.server.request_queue_size = 128  # many discovery calls connect at once
        self.thread = threading.Thread(target=self.server.serve_forever, name="identity-center-standin", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def environment(self) -> dict[str, str]:
        """What points botocore's sso-oidc and sso clients here."""
        return {"AWS_ENDPOINT_URL_SSO_OIDC": self.url, "AWS_ENDPOINT_URL_SSO": self.url}

    def start(self) -> IdentityCenterStandin:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> IdentityCenterStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """`python -m ecrtui.standins.identity_center PORT [ACCOUNTS]`: serve until interrupted."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    server = IdentityCenterStandin(organisation(count), port=port)
    print(server.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.server.serve_forever()


if __name__ == "__main__":
    main()
