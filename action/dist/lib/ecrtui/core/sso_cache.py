"""The SSO token cache botocore, the AWS CLI v2 and the SDKs share
(`~/.aws/sso/cache/<sha1>.json`, the same fields, mode 0600, replaced atomically), and the
client registration cached next to it under the key the AWS CLI uses. Every value read
from these files is checked before use."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrtui.core.clock import iso_z, parse_iso
from ecrtui.core.locations import sso_cache_dir
from ecrtui.core.sanitize import remember_secret
from ecrtui.core.sso_config import SsoConfig
from ecrtui.core.writers.jsonfile import write_text_atomically


def format_time(moment: dt.datetime) -> str:
    """A moment as the SSO cache files hold it: UTC, whole seconds, `Z` (as the AWS CLI)."""
    return iso_z(moment.replace(microsecond=0)) or ""  # iso_z is None only for None


def read_json(path: Path) -> dict[str, Any] | None:
    """A cache file's object, or None if it is missing or not one (never trusted further)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(1024 * 1024)
        value = json.loads(raw)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_json(path: Path, value: Mapping[str, Any]) -> None:
    """Write atomically, mode 0600, in a 0700 directory: a reader sees the old file or the new."""
    write_text_atomically(path, json.dumps(value), mode=0o600)


def token_path(config: SsoConfig, environ: Mapping[str, str] | None = None) -> Path:
    return sso_cache_dir(environ) / f"{config.cache_key}.json"


def registration_key(config: SsoConfig) -> str:
    """The AWS CLI's key for a cached client registration."""
    args = {
        "tool": "botocore",
        "startUrl": config.start_url,
        "region": config.region,
        "scopes": list(config.scopes) or None,
        "session_name": config.session_name,
    }
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedToken:
    """The cache file's fields, checked. Secrets stay out of repr."""

    access_token: str
    expires_at: dt.datetime
    refresh_token: str | None
    client_id: str | None
    client_secret: str | None
    registration_expires_at: dt.datetime | None

    def __repr__(self) -> str:
        return f"CachedToken(expires_at={self.expires_at.isoformat()})"

    def valid(self, now: dt.datetime, margin: dt.timedelta = dt.timedelta(0)) -> bool:
        return self.expires_at - margin > now

    def registration_valid(self, now: dt.datetime) -> bool:
        return bool(self.client_id and self.client_secret and self.registration_expires_at) and (
            self.registration_expires_at is not None and self.registration_expires_at > now
        )


def printable_text(value: object) -> str | None:
    """`value` if it is non-empty printable text (a value read from a file or an answer), else None."""
    return value if isinstance(value, str) and value and value.isprintable() else None


def load_token(config: SsoConfig, environ: Mapping[str, str] | None = None) -> CachedToken | None:
    """The cached token of `config`, if the file holds a usable one for this start URL."""
    data = read_json(token_path(config, environ))
    if data is None:
        return None
    access = printable_text(data.get("accessToken"))
    expires = parse_iso(data.get("expiresAt"))
    if access is None or expires is None:
        return None
    if printable_text(data.get("startUrl")) not in (None, config.start_url):
        return None  # signed in to another portal under the same session name: not ours
    token = CachedToken(
        access_token=access,
        expires_at=expires,
        refresh_token=printable_text(data.get("refreshToken")),
        client_id=printable_text(data.get("clientId")),
        client_secret=printable_text(data.get("clientSecret")),
        registration_expires_at=parse_iso(data.get("registrationExpiresAt")),
    )
    for secret in (token.access_token, token.refresh_token, token.client_secret):
        remember_secret(secret)  # redacted from every message from now on
    return token


@dataclass(frozen=True)
class Registration:
    client_id: str
    client_secret: str
    expires_at: dt.datetime

    def __repr__(self) -> str:
        return f"Registration(expires_at={self.expires_at.isoformat()})"


def registration_path(config: SsoConfig, environ: Mapping[str, str] | None) -> Path:
    return sso_cache_dir(environ) / f"{registration_key(config)}.json"


def load_registration(config: SsoConfig, now: dt.datetime, environ: Mapping[str, str] | None) -> Registration | None:
    """A cached client registration still valid for an hour; from the registration cache
    the AWS CLI keeps, else from the token file's copy."""
    margin = dt.timedelta(hours=1)
    data = read_json(registration_path(config, environ))
    if data is not None:
        client_id, secret = printable_text(data.get("clientId")), printable_text(data.get("clientSecret"))
        expires = parse_iso(data.get("expiresAt"))
        if client_id and secret and expires and expires - margin > now:
            remember_secret(secret)
            return Registration(client_id, secret, expires)
    token = load_token(config, environ)
    if token is not None and token.registration_valid(now + margin):
        assert token.client_id and token.client_secret and token.registration_expires_at
        return Registration(token.client_id, token.client_secret, token.registration_expires_at)
    return None


def forget_registration(config: SsoConfig, environ: Mapping[str, str] | None) -> None:
    with contextlib.suppress(OSError):
        registration_path(config, environ).unlink()
