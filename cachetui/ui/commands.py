"""The command palette (ctrl+p): every browser action by name, for users who forget a key."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (name in the palette, app action, help)
BROWSER_COMMANDS: list[tuple[str, str, str]] = [
    ("Focus search", "focus_search", "Move to the search bar (/)"),
    ("Clear search", "clear_search", "Empty the search bar and show everything"),
    ("Toggle grouping", "toggle_grouping", "Tags -> packages or packages -> tags (g)"),
    ("Copy full hash", "copy_hash", "Copy the selected spec's full hash (y)"),
    ("Copy /hash7", "copy_short_hash", "Copy /<first 7 characters of the hash> (Y)"),
    ("Copy spack install command", "copy_install", "spack install --use-buildcache only /<hash> (i)"),
    ("Copy spack mirror add command", "copy_mirror", "The tag's spack mirror add ... line (m)"),
    ("Compare two tags", "compare_tags", "Only the specs added or removed between two tags, or stop (D)"),
    ("Toggle runs here", "toggle_here", "Only specs that run on this machine, or all again (H)"),
    ("Open spec", "open_spec", "Show every field of the selected spec (space)"),
    ("Sort specs by next column", "sort_next", "Change the spec table's order (s)"),
    ("Reverse spec order", "sort_reverse", "Reverse the spec table's order (r)"),
    ("Show problems", "show_problems", "Pages that could not be read (p)"),
    ("Help", "help", "Keys and query language (?)"),
]


class BrowserCommands(Provider):
    """Offers the browser's actions in the command palette."""

    def _runner(self, action: str):
        return partial(self.app.call_later, self.app.run_action, action)

    async def discover(self) -> Hits:
        for name, action, help_text in BROWSER_COMMANDS:
            yield DiscoveryHit(name, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in BROWSER_COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._runner(action), text=name, help=help_text)
