"""The options several commands share, and the checks of their values: every command
module builds its parser from these, so an option reads the same everywhere."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from enum import Enum

from ecrtui.core.addresses import RegistryType
from ecrtui.core.errors import UsageError
from ecrtui.core.writers import make_writers

MAX_ATTEMPTS = 20  # the profiles file's limit too: more only hammers a throttling service


class OutputFormat(str, Enum):
    """How a command prints its result."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"  # workflow commands and the outputs file, as the upstream Action


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def attempts(text: str) -> int:
    value = positive_int(text)
    if value > MAX_ATTEMPTS:
        raise argparse.ArgumentTypeError(f"{text!r} must be at most {MAX_ATTEMPTS}")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 and at most 3600 seconds")
    return value


def writer_names(values: Sequence[str]) -> tuple[str, ...] | None:
    """`--writer docker --writer podman,helm` as checked names, or None when none is given."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        return None
    make_writers(names)  # validates the names
    return tuple(n.lower() for n in names)


def registry_type(text: str | None) -> RegistryType | None:
    if text is None or not text.strip():
        return None
    try:
        return RegistryType(text.strip().lower())
    except ValueError:
        raise UsageError("Invalid input for 'registry-type', possible options are [private, public]") from None


def add_writer(parser: argparse._ActionsContainer, help_text: str) -> None:
    parser.add_argument("--writer", metavar="NAME", action="append", default=[], help=help_text)


def add_output(
    parser: argparse._ActionsContainer,
    formats: Sequence[OutputFormat] = tuple(OutputFormat),
    help_text: str = "result format (default text)",
) -> None:
    parser.add_argument("--output", choices=[f.value for f in formats], help=help_text)


def add_http_proxy(parser: argparse._ActionsContainer) -> None:
    parser.add_argument(
        "--http-proxy", metavar="URL", help="proxy for the AWS calls (wins over HTTPS_PROXY/HTTP_PROXY)"
    )


def selection_options(parser: argparse.ArgumentParser) -> None:
    """What to act on: targets of the profiles file, or an ad-hoc target from flags."""
    group = parser.add_argument_group("what to log into")
    group.add_argument(
        "--config", metavar="PATH", help="profiles file (default: $ECRTUI_CONFIG, then ~/.config/ecrtui/profiles.yaml)"
    )
    group.add_argument(
        "--target", metavar="NAME", action="append", default=[], help="a target of the profiles file (repeatable)"
    )
    group.add_argument("--all", action="store_true", help="every target of the profiles file")
    group.add_argument(
        "--profile", metavar="NAME", help="AWS profile of an ad-hoc target (default: the default credential chain)"
    )
    group.add_argument("--region", metavar="NAME", help="AWS region of an ad-hoc target")
    group.add_argument(
        "--role-arn", metavar="ARN", help="IAM role of an ad-hoc target, assumed with the profile's credentials"
    )
    group.add_argument(
        "--registries", metavar="LIST", help="12-digit IDs and/or registry hostnames, separated by commas or spaces"
    )
    group.add_argument("--registry-type", metavar="private|public", help="registry type of an ad-hoc target (any case)")
    add_writer(group, "docker, podman, helm or none (repeatable or comma list; default docker)")
    add_output(group, help_text="result format (default text; github inside GitHub Actions)")


def sso_source_options(parser: argparse.ArgumentParser) -> None:
    """--sso-session or --profile, exactly one (shared with `ecrtui discover`)."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--sso-session", metavar="NAME", help="an [sso-session NAME] of ~/.aws/config")
    source.add_argument("--profile", metavar="PROFILE", help="a profile of ~/.aws/config with SSO settings")
    add_http_proxy(parser)
    parser.add_argument("--timeout", metavar="SECONDS", type=seconds, help="per AWS call (default 10)")
