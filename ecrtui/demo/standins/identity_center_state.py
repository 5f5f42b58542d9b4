"""The state of the IAM Identity Center stand-in (identity_center.py): the organisation,
the client registrations, device codes and tokens handed out, the answers of sso-oidc
and the portal, and the controls a test (the "user" at the browser, or an operator)
drives it by."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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
            return self._refresh_grant(body)
        if grant != DEVICE_GRANT:
            return _oidc_error("UnsupportedGrantTypeException", "unsupported_grant_type", str(grant))
        return self._device_grant(body)

    def _refresh_grant(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        owner = self.refresh_tokens.pop(str(body.get("refreshToken")), None)
        if owner is None or owner != body.get("clientId"):
            return _oidc_error("InvalidGrantException", "invalid_grant", "the refresh token is not valid")
        return 200, self._issue_token(owner)

    def _device_grant(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A poll with a device code: pending until the "user" decides, then a token."""
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


# What the control calls under /_standin/ do to the state (the "user" and the operator).
CONTROLS = {
    "/_standin/approve": lambda s, b: s.set_user_decision(b.get("user_code"), "approved"),
    "/_standin/deny": lambda s, b: s.set_user_decision(b.get("user_code"), "denied"),
    "/_standin/expire-devices": lambda s, b: s.expire_devices(),
    "/_standin/revoke-clients": lambda s, b: s.revoke_clients(),
    "/_standin/revoke-tokens": lambda s, b: s.revoke_tokens(),
    "/_standin/expire-tokens": lambda s, b: s.expire_access_tokens(),
    "/_standin/remove-role": lambda s, b: s.remove_role(str(b.get("account_id")), b.get("role")),
}
