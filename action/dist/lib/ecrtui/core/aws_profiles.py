"""The profiles of the AWS shared config and credentials files, as the app lists them,
and the region a target resolves to in the SDK's order."""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ecrtui.core.errors import ConfigError
from ecrtui.core.locations import aws_config_paths

# How a profile gets its credentials, from its keys (the first that applies, in this order).
ProfileKind = Literal["sso", "web-identity", "assume-role", "credential-process", "static", "config"]


@dataclass(frozen=True)
class AwsProfile:
    """A profile of the AWS shared config/credentials files, as the TUI lists it."""

    name: str
    kind: ProfileKind
    region: str | None
    source: str
    role_arn: str | None = None
    source_profile: str | None = None
    sso_session: str | None = None
    sso_start_url: str | None = None


def read_ini(path: Path) -> configparser.RawConfigParser | None:
    """An AWS config file parsed as the AWS CLI reads it; None if it does not exist."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None, default_section="\x00")
    if path.exists() and not path.is_dir() and not path.is_file():  # a FIFO would block forever
        raise ConfigError(f"AWS config file {path} is not a regular file")
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(f"AWS config file {path} is a directory") from None
    except (configparser.Error, UnicodeDecodeError) as error:
        errors = getattr(error, "errors", None)  # ParsingError has no lineno: (line, text) pairs
        line = getattr(error, "lineno", None) or (errors[0][0] if errors else 1)
        raise ConfigError(
            f"{path}:{line}: the AWS config file cannot be parsed",
            remediation="fix it the way `aws configure list` would expect: [profile NAME] sections of key = value lines",
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read AWS config file {path}: {error.strerror}") from None
    return parser


def discover_aws_profiles(environ: Mapping[str, str] | None = None) -> tuple[AwsProfile, ...]:
    """Every profile of the shared config and credentials files, config order first."""
    config_path, credentials_path = aws_config_paths(environ)
    profiles: dict[str, AwsProfile] = {}
    config = read_ini(config_path)
    if config is not None:
        for name, section in _profile_sections(config):
            values = dict(config.items(section))
            profiles[name] = AwsProfile(
                name=name,
                kind=_profile_kind(values),
                region=values.get("region"),
                source=str(config_path),
                role_arn=values.get("role_arn"),
                source_profile=values.get("source_profile"),
                sso_session=values.get("sso_session"),
                sso_start_url=values.get("sso_start_url") or _sso_session_url(config, values.get("sso_session")),
            )
    credentials = read_ini(credentials_path)
    for name in credentials.sections() if credentials is not None else []:
        if name not in profiles:
            profiles[name] = AwsProfile(name=name, kind="static", region=None, source=str(credentials_path))
        elif profiles[name].kind == "config":
            existing = profiles[name]
            profiles[name] = AwsProfile(name=name, kind="static", region=existing.region, source=existing.source)
    return tuple(profiles.values())


def _profile_sections(config: configparser.RawConfigParser) -> list[tuple[str, str]]:
    """(profile name, section) of every profile section: sso-session and services sections
    are not profiles."""
    found = []
    for section in config.sections():
        if section == "default":
            found.append(("default", section))
        elif section.startswith("profile "):
            found.append((section[len("profile ") :].strip(), section))
    return found


def _sso_session_url(config: configparser.RawConfigParser, session: str | None) -> str | None:
    section = f"sso-session {session}"
    if session and config.has_section(section):
        return config.get(section, "sso_start_url", fallback=None)
    return None


def _profile_kind(values: Mapping[str, str]) -> ProfileKind:
    if "sso_session" in values or "sso_start_url" in values:
        return "sso"
    if "role_arn" in values and "web_identity_token_file" in values:
        return "web-identity"
    if "role_arn" in values:
        return "assume-role"
    if "credential_process" in values:
        return "credential-process"
    if "aws_access_key_id" in values:
        return "static"
    return "config"


def region_for(
    explicit: str | None,
    profile: str | None,
    defaults_region: str | None,
    aws_profiles: tuple[AwsProfile, ...],
    environ: Mapping[str, str] | None = None,
) -> tuple[str | None, str]:
    """The region a target resolves to and where it came from, in the SDK's order:
    explicit setting, AWS_REGION/AWS_DEFAULT_REGION, the profile, then defaults.region."""
    env = os.environ if environ is None else environ
    if explicit:
        return explicit, "set explicitly"
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if env.get(variable, "").strip():
            return env[variable].strip(), f"${variable}"
    profile_name = profile or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"
    for aws_profile in aws_profiles:
        if aws_profile.name == profile_name and aws_profile.region:
            return aws_profile.region, f"profile {profile_name} in {aws_profile.source}"
    if defaults_region:
        return defaults_region, "defaults.region of the profiles file"
    return None, "nowhere"
