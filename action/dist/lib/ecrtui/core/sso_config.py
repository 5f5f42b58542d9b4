"""Where to sign in to IAM Identity Center: an `[sso-session NAME]` of ~/.aws/config, or a
legacy profile's own start URL and region, checked before anything is sent; and a role of
an sso-session as a target's credentials (`SsoRole`)."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrtui.core.addresses import check_region
from ecrtui.core.aws_profiles import read_ini
from ecrtui.core.errors import ConfigError
from ecrtui.core.locations import aws_config_paths

SSO_SCOPES = ["sso:account:access"]  # what `aws sso login` registers for an sso-session
# fullmatch, ASCII: `$` and \d would also let in a trailing newline and other scripts' digits.
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
ACCOUNT_ID = re.compile(r"[0-9]{12}")
SSO_PROFILE_PREFIX = "sso:"


@dataclass(frozen=True)
class SsoConfig:
    """Where to sign in: an `[sso-session NAME]`, or a legacy profile's start URL."""

    start_url: str
    region: str
    session_name: str | None = None  # None: a legacy profile, keyed by its start URL
    profile: str | None = None
    scopes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.session_name or self.start_url

    @property
    def cache_key(self) -> str:
        return hashlib.sha1((self.session_name or self.start_url).encode("utf-8")).hexdigest()

    @property
    def login_command(self) -> str:
        if self.session_name:
            return f"ecrtui sso login --sso-session {self.session_name}"
        return f"ecrtui sso login --profile {self.profile}"


@dataclass(frozen=True)
class SsoRole:
    """A role in an account reached through an sso-session: a target's credentials.

    It travels through the plan and the login engine as a profile name of its own form,
    `sso:SESSION:ACCOUNT:ROLE`, which never names a profile of ~/.aws/config."""

    session: str
    account_id: str
    role: str

    @property
    def profile_key(self) -> str:
        return f"{SSO_PROFILE_PREFIX}{self.session}:{self.account_id}:{self.role}"

    @classmethod
    def from_profile_key(cls, key: str | None) -> SsoRole | None:
        if not key or not key.startswith(SSO_PROFILE_PREFIX):
            return None
        parts = key[len(SSO_PROFILE_PREFIX) :].rsplit(":", 2)
        if len(parts) != 3 or not all(parts):
            return None
        return cls(*parts)


def check_role_name(role: str, where: str) -> str:
    if not ROLE_NAME.fullmatch(role):
        raise ConfigError(
            f"{where} {role!r} is not a role name", remediation="write the permission set's name, e.g. ReadOnly"
        )
    return role


def check_sso_account(account: str, where: str) -> str:
    if not ACCOUNT_ID.fullmatch(account):
        raise ConfigError(f"{where} {account!r} is not a 12-digit account ID", remediation='quote it: "012345678901"')
    return account


def _check_start_url(url: str, where: str) -> str:
    if not re.match(r"^https://[^\s/]+(/\S*)?$", url) or not url.isprintable():
        raise ConfigError(
            f"{where}: sso_start_url {url!r} is not an https:// URL",
            remediation="write the AWS access portal URL, e.g. https://my-org.awsapps.com/start",
        )
    return url


def resolve_config(
    *, sso_session: str | None = None, profile: str | None = None, environ: Mapping[str, str] | None = None
) -> SsoConfig:
    """The sign-in settings of an sso-session or a profile in ~/.aws/config."""
    config_path, _ = aws_config_paths(environ)
    parser = read_ini(config_path)
    sections = parser.sections() if parser is not None else []
    if sso_session is not None:
        section = f"sso-session {sso_session}"
        if parser is None or section not in sections:
            known = [s[len("sso-session ") :] for s in sections if s.startswith("sso-session ")]
            raise ConfigError(
                f"no [sso-session {sso_session}] in {config_path}",
                remediation=f"use one of: {', '.join(known)}"
                if known
                else f"add [sso-session {sso_session}] with sso_start_url and sso_region to {config_path}",
            )
        return _session_config(parser, sso_session, config_path, profile=None)
    assert profile is not None
    section = "default" if profile == "default" else f"profile {profile}"
    if parser is None or section not in sections:
        raise ConfigError(
            f"AWS profile {profile!r} not found in {config_path}",
            remediation="list them with `aws configure list-profiles`, or pass --sso-session",
        )
    values = dict(parser.items(section))
    if values.get("sso_session"):
        session = values["sso_session"]
        if f"sso-session {session}" not in sections:
            raise ConfigError(
                f"profile {profile} names [sso-session {session}], which is not in {config_path}",
                remediation=f"add [sso-session {session}] with sso_start_url and sso_region",
            )
        return _session_config(parser, session, config_path, profile=profile)
    if not values.get("sso_start_url"):
        raise ConfigError(
            f"profile {profile} has no IAM Identity Center settings (sso_session or sso_start_url)",
            remediation=f"add sso_session = NAME to [profile {profile}], or pass --sso-session",
        )
    where = f"{config_path} [profile {profile}]"
    return SsoConfig(
        start_url=_check_start_url(values["sso_start_url"].strip(), where),
        region=_region(values.get("sso_region"), where),
        profile=profile,
    )


def _session_config(parser: Any, session: str, config_path: Path, profile: str | None) -> SsoConfig:
    values = dict(parser.items(f"sso-session {session}"))
    where = f"{config_path} [sso-session {session}]"
    if not values.get("sso_start_url"):
        raise ConfigError(f"{where} has no sso_start_url", remediation="add sso_start_url = https://…/start")
    scopes = tuple(s.strip() for s in values.get("sso_registration_scopes", "").split(",") if s.strip())
    return SsoConfig(
        start_url=_check_start_url(values["sso_start_url"].strip(), where),
        region=_region(values.get("sso_region"), where),
        session_name=session,
        profile=profile,
        scopes=scopes or tuple(SSO_SCOPES),
    )


def _region(region: str | None, where: str) -> str:
    if not region or not region.strip():
        raise ConfigError(
            f"{where} has no sso_region", remediation="add sso_region = the region of IAM Identity Center"
        )
    try:
        return check_region(region.strip(), where=f"{where} sso_region")
    except ConfigError:
        raise
    except Exception as error:  # check_region raises UsageError: here it is the config file's fault
        raise ConfigError(str(error), remediation="fix sso_region") from None


def has_display(environ: Mapping[str, str]) -> bool:
    """Whether a browser can open here: a desktop session, not a bare SSH login."""
    if sys.platform in ("darwin", "win32"):
        return not environ.get("SSH_CONNECTION")
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def sso_sessions(environ: Mapping[str, str] | None = None) -> list[str]:
    """The names of the [sso-session NAME] sections of ~/.aws/config."""
    parser = read_ini(aws_config_paths(environ)[0])
    if parser is None:
        return []
    return [s[len("sso-session ") :].strip() for s in parser.sections() if s.startswith("sso-session ")]
