"""Page strings are data: show them literally, never as markup or terminal control.

Titles, variants, compilers, OS names and paths come from files anyone can
write. Every such string reaches the screen through these helpers, which
replace control characters with visible escapes (``printable``) and wrap the
result in a ``rich.text.Text`` (never parsed as markup).
"""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text

from cachetui.catalog import printable


def literal(value: object, style: str = "") -> Text:
    """A page string as a Text that is shown exactly as written (control characters escaped)."""
    return Text(printable(str(value)), style=style)


def plain(value: object) -> str:
    """A page string safe to show as plain (non-markup) text, e.g. ``notify(..., markup=False)``."""
    return printable(str(value))


def markup_safe(value: object) -> str:
    """A page string safe to embed in Textual/Rich markup (for APIs that only take markup)."""
    return escape(printable(str(value)))


def join_literal(parts, separator: str = " ", style: str = "") -> Text:
    """Several page strings joined into one literal Text."""
    return Text(separator.join(printable(str(p)) for p in parts), style=style)
