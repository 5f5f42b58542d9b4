"""The command palette provider: every app action, found by fuzzy search on its name
or its description, so nothing needs its key to be remembered."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ecrtui.tui.bindings import PALETTE_ACTIONS


class EcrtuiCommands(Provider):
    """Offers each app binding's action as a command, found by its description."""

    async def discover(self) -> Hits:
        for binding in PALETTE_ACTIONS:
            yield DiscoveryHit(binding.tooltip, partial(self.app.run_action, binding.action), help=binding.description)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for binding in PALETTE_ACTIONS:
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
