"""The command palette (ctrl+p): every browser action by name, for users who forget a key.

The entries come from the action registry (``actions.py``), with the keys as remapped.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .actions import palette_actions


class BrowserCommands(Provider):
    """Offers the browser's actions in the command palette; they run on the browser screen."""

    def _entries(self) -> list[tuple[str, str, str]]:
        return palette_actions(getattr(self.app, "keymap", None))

    def _runner(self, action: str):
        browser = getattr(self.app, "browser", None)
        return partial(self.app.call_later, self.app.run_action, action, browser)

    async def discover(self) -> Hits:
        for name, action, help_text in self._entries():
            yield DiscoveryHit(name, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._runner(action), text=name, help=help_text)
