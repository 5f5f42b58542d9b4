"""`ecrtui sso login (--sso-session NAME | --profile PROFILE) [--no-browser]`: sign in to
IAM Identity Center with no AWS CLI. The code and the page to confirm it on go to stderr
(and to a browser when there is a display); the token goes to the SSO cache botocore and
the AWS CLI read. Exit 0 once signed in, 2 for configuration, 1 for a failed sign-in."""

from __future__ import annotations

import argparse
import os
import sys
import webbrowser

from ecrtui.cli.exit_codes import ExitCode
from ecrtui.cli.options import sso_source_options
from ecrtui.cli.request import config_from_args, factory_from_args
from ecrtui.core.clock import shown
from ecrtui.core.sso import REFRESH_WINDOW, DeviceAuthorization, SignIn
from ecrtui.core.sso_config import SsoConfig, has_display


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="sso_action", metavar="ACTION", required=True)
    login = actions.add_parser("login", help="sign in with the device authorization flow; cache the token")
    sso_source_options(login)
    login.add_argument("--no-browser", action="store_true", help="only print the page and the code (over SSH)")
    login.add_argument("--force", action="store_true", help="sign in again even if the cached token is still valid")


def run(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    config = config_from_args(args, environ)
    flow = SignIn(config, factory_from_args(args, environ), environ=environ)
    err = sys.stderr
    if not args.force:
        token = flow.cached()
        if token is not None and token.valid(flow.now(), REFRESH_WINDOW):
            err.write(f"ecrtui: already signed in to {config.label} until {shown(token.expires_at)}\n")
            return ExitCode.OK
        if token is not None:
            refreshed = flow.refresh()
            if refreshed is not None:
                err.write(f"ecrtui: renewed the sign-in to {config.label} until {shown(refreshed.expires_at)}\n")
                return ExitCode.OK
    registration, authorization, device_code = flow.start()
    _prompt(config, authorization, open_browser=not args.no_browser and has_display(environ))
    result = flow.wait(registration, authorization, device_code)
    err.write(f"ecrtui: signed in to {config.label} until {shown(result.expires_at)}\n")
    return ExitCode.OK


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
    err.write(f"  waiting for approval (the code expires at {shown(authorization.expires_at)})...\n")
    err.flush()
