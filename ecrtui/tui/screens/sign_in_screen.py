"""The IAM Identity Center sign-in modal: renews the sign-in silently when it can, else
shows the page to open and the code to confirm (copyable with u and c), opens the
browser when there is a display, and waits for the approval. Dismissed with True once
signed in; escape cancels (the poll stops at its next turn)."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.sso import REFRESH_WINDOW, DeviceAuthorization, SignIn
from ecrtui.core.sso_config import SsoConfig, has_display
from ecrtui.tui.screens.dialog import Dialog


def one_line(error: BaseException) -> str:
    """The error's first line, without its class name: fit for a dialog."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else "an unexpected error"


class SignInScreen(Dialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="close-sign-in", tooltip="Stop waiting and close"),
        Binding("c", "copy_code", "Copy code", id="copy-sso-code", tooltip="Copy the code to the clipboard"),
        Binding("u", "copy_url", "Copy URL", id="copy-sso-url", tooltip="Copy the page's address to the clipboard"),
    ]

    DEFAULT_CSS = """
    SignInScreen > #dialog { width: 90; }
    SignInScreen #sign-in-code { text-style: bold; margin: 1 0; }
    SignInScreen #sign-in-hint { margin-top: 1; }
    """

    def __init__(self, config: SsoConfig, environ: Mapping[str, str], *, open_browser: bool = True) -> None:
        super().__init__()
        self.config = config
        self.environ = dict(environ)
        self.open_browser = open_browser and has_display(self.environ)
        self.authorization: DeviceAuthorization | None = None
        self._stop = threading.Event()

    def body(self) -> ComposeResult:
        yield Static(f"Sign in to IAM Identity Center {self.config.label}", id="sign-in-title", classes="dialog-title")
        yield Static(f"Contacting {self.config.start_url} ({self.config.region})…", id="sign-in-status")
        yield Static("", id="sign-in-url")
        yield Static("", id="sign-in-code")
        yield Static("escape: cancel", id="sign-in-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.run_worker(self._sign_in, thread=True, exit_on_error=False, group="identity-center-sign-in")

    def _sign_in(self) -> None:
        """On a worker thread: every result comes back through call_from_thread."""
        factory = ClientFactory(AwsSettings(environ=self.environ))
        flow = SignIn(
            self.config,
            factory,
            environ=self.environ,
            sleep=self._pause,
            cancelled=self._stop.is_set,
        )
        try:
            token = flow.cached()
            if token is not None and token.valid(flow.now(), REFRESH_WINDOW):
                self.app.call_from_thread(self.dismiss, True)
                return
            if token is not None and flow.refresh() is not None:
                self.app.call_from_thread(self.dismiss, True)
                return
            registration, authorization, device_code = flow.start()
            self.app.call_from_thread(self._show_code, authorization, self._open_page(authorization))
            flow.wait(registration, authorization, device_code)
        except EcrtuiError as error:
            if not self._stop.is_set():
                self.app.call_from_thread(self._show_error, error)
            return
        except Exception as error:  # anything else must not leave the dialog on "Contacting…"
            if not self._stop.is_set():
                self.app.call_from_thread(self._show_failure, error)
            return
        if not self._stop.is_set():
            self.app.call_from_thread(self.dismiss, True)

    def _pause(self, seconds: float) -> None:
        self._stop.wait(seconds)  # escape ends the wait at once

    def _open_page(self, authorization: DeviceAuthorization) -> bool:
        """On the worker thread: webbrowser.open can block until a console browser exits."""
        if not self.open_browser:
            return False
        try:
            return bool(webbrowser.open(authorization.verification_uri_complete))
        except Exception:  # a broken BROWSER setting must not stop the sign-in
            return False

    def _show_code(self, authorization: DeviceAuthorization, opened: bool = False) -> None:
        self.authorization = authorization
        expires = authorization.expires_at.strftime("%H:%M UTC")
        self.query_one("#sign-in-status", Static).update(
            f"Open this page and confirm the code (it expires at {expires}):"
        )
        self.query_one("#sign-in-url", Static).update(authorization.verification_uri_complete)
        self.query_one("#sign-in-code", Static).update(f"Code: {authorization.user_code}")
        browser = "opened in your browser · " if opened else ""
        self.query_one("#sign-in-hint", Static).update(
            f"{browser}waiting for approval… · u: copy the address · c: copy the code · escape: cancel"
        )

    def _show_error(self, error: EcrtuiError) -> None:
        self.query_one("#sign-in-status", Static).update(f"{error.title}: {error.message}")
        self.query_one("#sign-in-hint", Static).update(f"{error.remediation} · escape: close".lstrip(" ·"))

    def _show_failure(self, error: Exception) -> None:
        self.query_one("#sign-in-status", Static).update(f"Sign-in failed: {one_line(error)}")
        self.query_one("#sign-in-hint", Static).update("escape: close")

    def action_copy_code(self) -> None:
        if self.authorization is not None:
            self.app.copy_to_clipboard(self.authorization.user_code)
            self.notify("Code copied")

    def action_copy_url(self) -> None:
        if self.authorization is not None:
            self.app.copy_to_clipboard(self.authorization.verification_uri_complete)
            self.notify("Address copied")

    def action_cancel(self) -> None:
        self._stop.set()
        self.dismiss(False)
