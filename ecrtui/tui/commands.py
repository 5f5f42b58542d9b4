"""The command palette provider: every app action, found by fuzzy search on its name
or its description, so nothing needs its key to be remembered."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ecrtui.tui.bindings import MAIN_ONLY, PALETTE_ACTIONS


class EcrtuiCommands(Provider):
    """Offers each app binding's action as a command, found by its description; over a
    dialog, only those that make sense there (not the main screen's row actions)."""

    def _offered(self) -> list[Binding]:
        from ecrtui.tui.screens.main_screen import MainScreen

        if isinstance(self.screen, MainScreen):
            return PALETTE_ACTIONS
        return [b for b in PALETTE_ACTIONS if b.action.split("(")[0] not in MAIN_ONLY]

    async def discover(self) -> Hits:
        for binding in self._offered():
            yield DiscoveryHit(binding.tooltip, partial(self.app.run_action, binding.action), help=binding.description)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for binding in self._offered():
            text = binding.tooltip
            score = max(matcher.match(text), matcher.match(binding.description))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self.app.run_action, binding.action),
                    text=text,
                    help=binding.description,
                )
