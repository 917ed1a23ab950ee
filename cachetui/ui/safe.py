"""Page strings are data: show them literally, never as markup, terminal control or overflow.

Titles, variants, compilers, OS names and paths come from files anyone can
write. Every such string reaches the screen through these helpers, which
replace control and invisible characters with visible escapes
(``printable``), also escape combining marks and emoji modifiers (terminals
and Rich disagree on their width, which would push text past a pane's
border), cut labels to what a screen can show (a 5 MB title would make every
keystroke redraw 5 MB), and wrap the result in a ``rich.text.Text`` (never
parsed as markup). The spec screen asks for the whole value (``clip=None``).
"""

from __future__ import annotations

import unicodedata

from rich.markup import escape
from rich.text import Text

from cachetui.catalog import printable

LABEL_CHARS = 400  # wider than any terminal line; the rest of a label is never drawn
ELLIPSIS = "…"


class _CellSafe(dict[int, str]):
    """str.translate table: combining marks and emoji modifiers as visible escapes."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        odd = unicodedata.category(char) in ("Mn", "Me", "Mc") or 0x1F3FB <= code <= 0x1F3FF
        value = f"\\u{code:04x}" if odd and code < 0x10000 else (f"\\U{code:08x}" if odd else char)
        self[code] = value
        return value


_CELL_SAFE = _CellSafe()


def screen_text(value: object, clip: int | None = LABEL_CHARS) -> str:
    """A page string as it may be drawn: escaped, and cut to ``clip`` characters with an ellipsis."""
    text = str(value)
    if clip is not None and len(text) > clip:
        text = text[:clip] + ELLIPSIS
    text = printable(text)
    if not text.isascii():
        text = text.translate(_CELL_SAFE)
    return text


def literal(value: object, style: str = "", clip: int | None = LABEL_CHARS) -> Text:
    """A page string as a Text that is shown exactly as written (escaped, cut to ``clip``)."""
    return Text(screen_text(value, clip), style=style)


def plain(value: object, clip: int | None = LABEL_CHARS) -> str:
    """A page string safe to show as plain (non-markup) text, e.g. ``notify(..., markup=False)``."""
    return screen_text(value, clip)


def markup_safe(value: object, clip: int | None = LABEL_CHARS) -> str:
    """A page string safe to embed in Textual/Rich markup (for APIs that only take markup)."""
    return escape(screen_text(value, clip))


def join_literal(parts, separator: str = " ", style: str = "", clip: int | None = LABEL_CHARS) -> Text:
    """Several page strings joined into one literal Text."""
    return Text(screen_text(separator.join(str(p) for p in parts), clip), style=style)
