"""Scroll bars decided when the content changes, not at the next layout.

Textual decides whether a widget shows its scroll bars while it lays the screen
out, and showing one asks for another layout: content that outgrows a widget
costs two full frames, the second a few dozen milliseconds later. Deciding them
as soon as the virtual size is set puts the bars in the first.
``Widget._refresh_scrollbars`` is Textual's own (private) step for it, present
from the oldest Textual supported; the browser's tests run against the one the
test extra pins (``pyproject.toml``).
"""

from __future__ import annotations

from textual.widget import Widget


def settle_scrollbars(widget: Widget) -> None:
    """Show or hide ``widget``'s scroll bars for its virtual size now, if it has been laid out."""
    if widget.container_size:
        widget._refresh_scrollbars()
