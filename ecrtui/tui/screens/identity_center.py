"""IAM Identity Center in the app: the palette's "Sign in" and "Discover" commands (one of
each per [sso-session] of ~/.aws/config), which SSO sign-in the `s` key runs for a row,
and which rows a finished sign-in logs in again."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ecrtui.core.errors import EcrtuiError
from ecrtui.core.locations import default_profiles_path
from ecrtui.core.sso_config import SsoConfig, SsoRole, resolve_config, sso_sessions
from ecrtui.tui.rows import RegistryRow, RowStatus
from ecrtui.tui.screens.discovery_screen import DiscoveryScreen
from ecrtui.tui.screens.sign_in_screen import SignInScreen

if TYPE_CHECKING:
    from ecrtui.tui.services import Services


def built_in_sign_in(profile: str, services: Services) -> SsoConfig | None:
    """The sign-in ecrtui runs itself for a row's profile: always for a target naming an
    sso-session, and for an SSO profile when no AWS CLI is there to hand the terminal to."""
    try:
        role = SsoRole.from_profile_key(profile)
        if role is not None:
            return resolve_config(sso_session=role.session, environ=services.environ)
        if shutil.which(services.aws_cli[0], path=services.environ.get("PATH")) is None:
            return resolve_config(profile=profile, environ=services.environ)
    except EcrtuiError:
        return None
    return None


def rows_signed_in(rows: Iterable[RegistryRow], config: SsoConfig) -> list[RegistryRow]:
    """The failed rows a sign-in to `config` can fix: its profile's, and every target of its session."""
    found = []
    for row in rows:
        profile = row.registry.profile or "default"
        role = SsoRole.from_profile_key(profile)
        ours = profile == config.profile or (role is not None and role.session == config.session_name)
        if ours and not row.busy and row.status in (RowStatus.SSO_EXPIRED, RowStatus.FAILED):
            found.append(row)
    return found


def open_sign_in(app: Any, config: SsoConfig, environ: dict[str, str], done: Callable[[SsoConfig], None]) -> None:
    app.push_screen(SignInScreen(config, environ), lambda ok: done(config) if ok else None)


class IdentityCenterCommands(Provider):
    """Sign in to, and discover, each sso-session of ~/.aws/config."""

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        app: Any = self.app
        environ = app.services.environ
        commands: list[tuple[str, str, Callable[[], None]]] = []
        for session in sso_sessions(environ):
            commands.append(
                (
                    f"Sign in to IAM Identity Center ({session})",
                    "device sign-in; then log the session's failed rows in again",
                    partial(self._sign_in, session),
                )
            )
            commands.append(
                (
                    f"Discover accounts and roles ({session})",
                    "choose Identity Center accounts and roles and save them as targets",
                    partial(self._discover, session),
                )
            )
        return commands

    def _config(self, session: str) -> SsoConfig | None:
        app: Any = self.app
        try:
            return resolve_config(sso_session=session, environ=app.services.environ)
        except EcrtuiError as error:
            app.notify(f"{error.message}\n{error.remediation}".strip(), title="IAM Identity Center", severity="error")
            return None

    def _sign_in(self, session: str) -> None:
        app: Any = self.app
        config = self._config(session)
        if config is not None:
            open_sign_in(app, config, app.services.environ, app.signed_in)

    def _discover(self, session: str) -> None:
        app: Any = self.app
        config = self._config(session)
        if config is None:
            return
        inventory = app.inventory
        path = Path(
            inventory.profiles_path
            if inventory and inventory.profiles_path
            else default_profiles_path(app.services.environ)
        )
        regions = tuple(dict.fromkeys(r.registry.region for r in app.board.rows.values()))
        app.push_screen(
            DiscoveryScreen(config, app.services.environ, path, regions[:3]),
            lambda saved: app.action_refresh() if saved else None,
        )

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = max(matcher.match(title), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)
