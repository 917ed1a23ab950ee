"""What the browser's dialogs share: a modal box over the browser, keys from the action registry.

Help, problems, the tag picker and the spec screen are each a ``.dialog``
container on a ``ModalScreen``; esc closes, j/k (and the arrows) scroll, ``?``
opens the help and ``q`` quits, as declared once in ``actions.py``.
"""

from __future__ import annotations

from typing import TypeVar

from textual.containers import ScrollableContainer
from textual.css.query import NoMatches
from textual.screen import ModalScreen

from ..actions import DIALOG, bindings_for

Result = TypeVar("Result")


class DialogScreen(ModalScreen[Result]):
    """A modal dialog; subclasses compose one ``.dialog`` box (scrollable if it can grow)."""

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
        /* Opaque: a translucent modal has Textual draw the whole browser beneath it again, through a
           tint, on every frame of the dialog (the tag picker took 0.2 s more to open at 160x45). */
        background: $background;
        & .dialog {
            width: 100%;
            height: 100%;
            max-width: 140;
            max-height: 50;
            border: round $accent;
            border-title-style: bold;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    BINDINGS = bindings_for(DIALOG)

    def action_close(self) -> None:
        self.dismiss(None)

    def _box(self) -> ScrollableContainer | None:
        """The dialog's box if it scrolls (a dialog of a fixed size, such as the tag picker, has none)."""
        try:
            box = self.query_one(".dialog")
        except NoMatches:
            return None
        return box if isinstance(box, ScrollableContainer) else None

    def action_scroll_down(self) -> None:
        box = self._box()
        if box is not None:
            box.scroll_down(animate=False, immediate=True)  # a burst of j over SSH scrolls by all of them

    def action_scroll_up(self) -> None:
        box = self._box()
        if box is not None:
            box.scroll_up(animate=False, immediate=True)
