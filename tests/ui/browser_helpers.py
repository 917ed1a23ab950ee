"""Helpers for the browser's pilot tests: the screen as text, and waiting for results."""

from __future__ import annotations

import html
import re

from textual import events

from cachetui.ui.app import CacheTuiApp
from cachetui.ui.screens import TagPairScreen

SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([0-9.]+)" y="[0-9.]+" textLength="[0-9.]+" '
    r'clip-path="url\(#terminal-[0-9]+-line-([0-9]+)\)">([^<]*)</text>'
)
CELL_WIDTH = 12.2  # what Rich's SVG export gives a cell


def screen_text(app) -> str:
    """The screen as plain text, the way a user sees it (including dialogs and notifications).

    Read from the app's own screenshot (``App.export_screenshot``, an SVG of
    text runs placed by cell), so it is exactly what the terminal shows.
    """
    width, height = app.size
    lines = [[" "] * width for _ in range(height)]
    for x, line, text in SVG_TEXT.findall(app.export_screenshot()):
        row = lines[int(line)]
        column = round(float(x) / CELL_WIDTH)
        for offset, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            if column + offset < width:
                row[column + offset] = char
    return "\n".join("".join(row).rstrip() for row in lines) + "\n"


def top_labels(app) -> list[str]:
    """The package tree's top-level labels (tags or packages, with their counts)."""
    return [str(node.label) for node in app.browser.package_tree.root.children]


def dialog_text(app) -> str:
    """A dialog's text with borders removed and wrapped lines joined, to search for long strings."""
    lines = [line.strip().strip("│").strip() for line in screen_text(app).splitlines()]
    return " ".join(line for line in lines if line)


async def settle(pilot, timeout: float = 5.0) -> None:
    """Wait until the app has no query/detail work pending and has processed its messages."""
    app = pilot.app
    waited = 0.0
    await pilot.pause()
    while waited < timeout:
        await pilot.pause(0.01)
        waited += 0.01
        if not app.busy:
            await pilot.pause()
            if not app.busy:
                return
    raise AssertionError("the app stayed busy")


async def type_query(pilot, text: str, *, keys: bool = False) -> None:
    """Put ``text`` in the search bar and wait for the results.

    With ``keys`` it is typed key by key (each keystroke runs a query);
    otherwise it is set at once, which goes through the same Input.Changed path.
    """
    app = pilot.app
    app.browser.search.input.focus()
    if keys:
        app.browser.search.set_text("")
        await pilot.pause()
        for char in text:
            await pilot.press(char if char != " " else "space")
    else:
        app.browser.search.set_text(text)
    await settle(pilot)


async def query_in_table(pilot, text: str) -> None:
    """Put ``text`` in the search bar, wait for the results, and move to the spec table (as tab would)."""
    await type_query(pilot, text)
    pilot.app.browser.table.focus()
    await settle(pilot)


class RecordingApp(CacheTuiApp):
    """The browser, noting each notification's text (``notes``) as it shows it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []

    def notify(self, message, *args, **kwargs) -> None:
        self.notes.append(str(message))
        super().notify(message, *args, **kwargs)


async def open_tag_picker(pilot) -> TagPairScreen:
    """From the first screen, the keys a user presses to compare two tags (tab, D): the picker."""
    await settle(pilot)
    await pilot.press("tab", "D")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, TagPairScreen)
    return screen


async def pick_tag(pilot, tag: str) -> None:
    """Highlight ``tag`` in the tag list and choose it, with the keys a user presses."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, TagPairScreen)
    await pilot.press("home")
    for _ in range(screen.tags.index(tag)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


def typed(text: str) -> list[tuple[str, str | None]]:
    """(key, character) of each character of ``text``, for ``burst``."""
    return [(c if c.isalnum() else {"-": "minus", "/": "slash"}.get(c, c), c) for c in text]


async def burst(pilot, keys: list[tuple[str, str | None]]) -> None:
    """Post every key at once, as the terminal driver does when one read returns many keys
    (keys typed during an SSH lag), then let the app work through them."""
    for key, character in keys:
        pilot.app.post_message(events.Key(key, character))
    for _ in range(20):
        await pilot.pause()


async def whole_dialog_text(pilot) -> str:
    """``dialog_text`` of a scrolling dialog read from top to bottom, a screen at a time (overlapping, so no
    line is cut between two reads)."""
    box = pilot.app.screen.query_one(".dialog")
    texts = []
    step = max(1, box.scrollable_content_region.height - 4)
    y = 0
    while True:
        box.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
        texts.append(" ".join(dialog_text(pilot.app).split()))
        if y >= box.max_scroll_y:
            break
        y += step
    box.scroll_to(y=0, animate=False, immediate=True)
    return " ".join(texts)
