"""The IAM Identity Center (SSO) session a profile takes its credentials from: is its token
cached, and until when is it valid (with the exact `aws sso login` to run when it is not)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrtui.core.aws_profiles import AwsProfile
from ecrtui.core.clock import parse_iso, shown
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.models import Check, CheckMaker
from ecrtui.core.locations import sso_cache_dir

TITLE = "SSO session"


def _sso_profile(profiles: tuple[AwsProfile, ...], name: str | None) -> AwsProfile | None:
    """The SSO profile `name` takes its credentials from: itself or a source_profile."""
    by_name = {p.name: p for p in profiles}
    seen: set[str] = set()
    current = by_name.get(name or "default")
    while current is not None and current.name not in seen:
        if current.kind == "sso":
            return current
        seen.add(current.name)
        current = by_name.get(current.source_profile or "")
    return None


@dataclass(frozen=True)
class _Session:
    """One SSO profile's session as the findings name it."""

    profile: str
    login: str  # the command that signs in again
    said: str  # "SSO session 'x'" or "SSO start URL https://..."
    cache: Path  # where the AWS CLI caches its token

    def sign_in_again(self, make: CheckMaker, finding: str) -> Check:
        return make.fail(
            CheckId.CREDENTIALS_SSO, TITLE, finding, remediation=f"run: {self.login}", subject=self.profile
        )


def check_sso_session(ctx: DoctorContext, make: CheckMaker, profile_name: str | None) -> Check | None:
    sso = _sso_profile(ctx.known_profiles, profile_name)
    key_source = (sso.sso_session or sso.sso_start_url) if sso is not None else None
    if sso is None or not key_source:
        return None  # no SSO, or an incomplete SSO profile: botocore's error says what is missing
    session = _Session(
        sso.name,
        f"aws sso login --profile {profile_name or sso.name}",
        f"SSO session {sso.sso_session!r}" if sso.sso_session else f"SSO start URL {sso.sso_start_url}",
        sso_cache_dir(ctx.environ) / f"{hashlib.sha1(key_source.encode()).hexdigest()}.json",
    )
    try:
        cached: Any = json.loads(session.cache.read_text(encoding="utf-8"))
        expires = parse_iso(cached["expiresAt"])  # the AWS CLI writes ...Z; older versions ...UTC
    except FileNotFoundError:
        return session.sign_in_again(
            make, f"no cached token for the {session.said} ({session.cache}): never logged in, or logged out"
        )
    except (OSError, ValueError, KeyError, TypeError):
        expires = None
    if expires is None:
        return session.sign_in_again(make, f"the token cache {session.cache} of the {session.said} cannot be read")
    return _expiry_check(ctx, make, session, expires, refreshable=bool(cached.get("refreshToken")))


def _expiry_check(
    ctx: DoctorContext, make: CheckMaker, session: _Session, expires: dt.datetime, *, refreshable: bool
) -> Check:
    now = ctx.clock()
    stamp = shown(expires)
    if expires > now:
        left = int((expires - now).total_seconds())
        return make.ok(
            CheckId.CREDENTIALS_SSO,
            TITLE,
            f"{session.said} valid until {stamp} (in {left // 3600}h{left % 3600 // 60:02d}m)",
            subject=session.profile,
        )
    if refreshable:
        return make.warn(
            CheckId.CREDENTIALS_SSO,
            TITLE,
            f"the {session.said} token expired at {stamp}; botocore will try its refresh token",
            remediation=f"if the credential check below fails, run: {session.login}",
            subject=session.profile,
        )
    return session.sign_in_again(make, f"the {session.said} expired at {stamp}")
