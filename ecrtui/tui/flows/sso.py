"""Signing in again when an SSO session expired (`s`): in ecrtui's own IAM Identity
Center modal when it can, else through `aws sso login` on the terminal, then the
profile's failed rows logged in again."""

from __future__ import annotations

from textual import work
from textual.app import SuspendNotSupported

from ecrtui.core.sso_config import SsoConfig
from ecrtui.tui.app_view import AppView
from ecrtui.tui.messages import SsoLoginFinished
from ecrtui.tui.rows import RowStatus
from ecrtui.tui.screens.identity_center import built_in_sign_in, open_sign_in, rows_signed_in


class SsoFlow(AppView):
    @work(thread=True, exclusive=True, exit_on_error=False, group="sso")
    def run_sso_login_captured(self, profile: str) -> None:
        code, output = self.services.run_sso_login(profile, capture=True)
        self.post_message(SsoLoginFinished(profile, code, output))

    def action_sso_login(self) -> None:
        profile = self._sso_profile()
        if profile is None:
            self.notify("No expired SSO session: the s key is for rows that say SSO expired", severity="warning")
            return
        config = built_in_sign_in(profile, self.services)
        if config is not None:  # ecrtui signs in itself, in a modal: no AWS CLI needed
            open_sign_in(self, config, self.services.environ, self.signed_in)
            return
        try:
            with self.suspend():
                print(f"ecrtui: aws sso login --profile {profile}", flush=True)
                code, output = self.services.run_sso_login(profile, capture=False)
        except SuspendNotSupported:
            # No terminal to hand over (textual-web, headless tests): run it captured.
            self.run_sso_login_captured(profile)
            return
        self.post_message(SsoLoginFinished(profile, code, output))

    def signed_in(self, config: SsoConfig) -> None:
        """After an IAM Identity Center sign-in: log its failed rows in again."""
        self.notify(f"Signed in to IAM Identity Center {config.label}", title="SSO login")
        retry = rows_signed_in(self.board.rows.values(), config)
        if retry:
            self._start_login(retry)

    def on_sso_login_finished(self, message: SsoLoginFinished) -> None:
        if message.returncode != 0:
            detail = message.output or f"aws sso login exited with status {message.returncode}"
            self.notify(detail, title=f"SSO login for {message.profile} failed", severity="error", timeout=10)
            return
        retry = [
            row
            for row in self.board.rows.values()
            if (row.registry.profile or "default") == message.profile
            and not row.busy
            and row.status in (RowStatus.SSO_EXPIRED, RowStatus.FAILED)
        ]
        self.notify(f"SSO session of {message.profile} refreshed; logging in again", title="SSO login")
        self._start_login(retry)
