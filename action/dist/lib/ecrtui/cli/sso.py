"""`ecrtui sso login (--sso-session NAME | --profile PROFILE) [--no-browser]`: sign in to
IAM Identity Center with no AWS CLI. The code and the page to confirm it on go to stderr
(and to a browser when there is a display); the token goes to the SSO cache botocore and
the AWS CLI read. Exit 0 once signed in, 2 for configuration, 1 for a failed sign-in."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import webbrowser
from collections.abc import Mapping

from ecrtui.cli.args import _seconds
from ecrtui.cli.exit_codes import ExitCode
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.proxy import check_proxy_url
from ecrtui.core.sso import REFRESH_WINDOW, DeviceAuthorization, SignIn
from ecrtui.core.sso_config import SsoConfig, has_display, resolve_config


def sso_source_options(parser: argparse.ArgumentParser) -> None:
    """--sso-session or --profile, exactly one (shared with `ecrtui discover`)."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--sso-session", metavar="NAME", help="an [sso-session NAME] of ~/.aws/config")
    source.add_argument("--profile", metavar="PROFILE", help="a profile of ~/.aws/config with SSO settings")
    parser.add_argument(
        "--http-proxy", metavar="URL", help="proxy for the AWS calls (wins over HTTPS_PROXY/HTTP_PROXY)"
    )
    parser.add_argument("--timeout", metavar="SECONDS", type=_seconds, help="per AWS call (default 10)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="sso_action", metavar="ACTION", required=True)
    login = actions.add_parser("login", help="sign in with the device authorization flow; cache the token")
    sso_source_options(login)
    login.add_argument("--no-browser", action="store_true", help="only print the page and the code (over SSH)")
    login.add_argument("--force", action="store_true", help="sign in again even if the cached token is still valid")


def config_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> SsoConfig:
    return resolve_config(sso_session=args.sso_session, profile=args.profile, environ=environ)


def factory_from_args(
    args: argparse.Namespace, environ: Mapping[str, str], pool: int = 10, max_attempts: int = 3
) -> ClientFactory:
    proxy = check_proxy_url(args.http_proxy) if args.http_proxy else None
    settings = AwsSettings(
        max_attempts=max_attempts,
        timeout=args.timeout or 10.0,
        http_proxy=proxy,
        environ=environ,
        max_pool_connections=pool,
    )
    return ClientFactory(settings)


def run(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    config = config_from_args(args, environ)
    flow = SignIn(config, factory_from_args(args, environ), environ=environ)
    err = sys.stderr
    if not args.force:
        token = flow.cached()
        if token is not None and token.valid(flow.now(), REFRESH_WINDOW):
            err.write(f"ecrtui: already signed in to {config.label} until {_when(token.expires_at)}\n")
            return ExitCode.OK
        if token is not None:
            refreshed = flow.refresh()
            if refreshed is not None:
                err.write(f"ecrtui: renewed the sign-in to {config.label} until {_when(refreshed.expires_at)}\n")
                return ExitCode.OK
    registration, authorization, device_code = flow.start()
    _prompt(config, authorization, open_browser=not args.no_browser and has_display(environ))
    result = flow.wait(registration, authorization, device_code)
    err.write(f"ecrtui: signed in to {config.label} until {_when(result.expires_at)}\n")
    return ExitCode.OK


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _prompt(config: SsoConfig, authorization: DeviceAuthorization, *, open_browser: bool) -> None:
    err = sys.stderr
    err.write(
        f"ecrtui: sign in to IAM Identity Center {config.label} ({config.start_url}, {config.region})\n"
        f"  open:   {authorization.verification_uri}\n"
        f"  code:   {authorization.user_code}\n"
        f"  or go straight to {authorization.verification_uri_complete}\n"
    )
    if open_browser:
        try:
            opened = webbrowser.open(authorization.verification_uri_complete)
        except Exception:  # a broken BROWSER setting must not stop the sign-in
            opened = False
        if opened:
            err.write("  (opened in your browser)\n")
    err.write(f"  waiting for approval (the code expires at {_when(authorization.expires_at)})...\n")
    err.flush()
