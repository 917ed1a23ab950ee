"""Helpers for the browser's pilot tests: the screen as text, and waiting for results."""

from __future__ import annotations

import io

from rich.console import Console


def screen_text(app) -> str:
    """The screen as plain text, the way a user sees it (including dialogs and notifications)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        legacy_windows=False,
        color_system=None,
        force_terminal=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    return console.export_text(styles=False)


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

    With ``keys`` it is typed key by key (each keystroke runs through the
    debounced query path); otherwise it is set at once, which is faster and
    goes through the same Input.Changed path.
    """
    app = pilot.app
    app.search.input.focus()
    if keys:
        app.search.set_text("")
        await pilot.pause()
        for char in text:
            await pilot.press(char if char != " " else "space")
    else:
        app.search.set_text(text)
    await settle(pilot)
