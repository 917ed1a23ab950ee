"""Drawing with ASCII only, for terminals whose locale is not UTF-8 (tmux or screen started with
``LANG=C`` on a login node shows every other character as ``_``).

Invariants: every character the browser sends to the terminal is ASCII in this mode, and each one
takes the cells it took before (one for one, ``??`` for a wide one), so Textual's layout is unchanged:
the translation is applied to the driver's output, after Textual has laid the screen out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

_ONE_FOR_ONE = {
    "✓": "*", "✔": "*", "✗": "x", "×": "x", "•": "*", "●": "*", "○": "o", "◆": "*",
    "▶": ">", "▸": ">", "►": ">", "◀": "<", "▼": "v", "▾": "v", "▲": "^", "▴": "^",
    "→": ">", "←": "<", "↑": "^", "↓": "v", "⏎": "<",
    "…": ".", "›": ">", "‹": "<", "«": "<", "»": ">", "·": ".", "−": "-", "–": "-", "—": "-",
    "‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " ",
    "▏": "|", "▕": "|", "▎": "|", "▍": "|", "▌": "|", "▋": "|", "▊": "|", "▉": "|", "▐": "|",
    "▔": "-", "▁": "_", "▂": ".", "▃": ":", "▄": "-", "▅": "=", "▆": "+", "▇": "#", "█": "#",
    "░": ":", "▒": "%", "▓": "#",
}  # fmt: skip


def _box(char: str) -> str:
    """A box-drawing character as ``-``, ``|`` or ``+``, by what its name says it draws."""
    name = unicodedata.name(char, "")
    if "HORIZONTAL" in name and "VERTICAL" not in name:
        return "-"
    if "VERTICAL" in name and "HORIZONTAL" not in name:
        return "|"
    return "+"


class _AsciiTable(dict[int, str]):
    """str.translate table: every non-ASCII character as ASCII of the same width."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if code < 0x80:
            value = char
        elif char in _ONE_FOR_ONE:
            value = _ONE_FOR_ONE[char]
        elif 0x2500 <= code <= 0x257F:
            value = _box(char)
        elif (base := unicodedata.normalize("NFKD", char)[:1]).isascii() and base.isprintable() and base:
            value = base  # é as e
        elif unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            value = ""  # takes no cell
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            value = "??"
        else:
            value = "?"
        self[code] = value
        return value


TABLE = _AsciiTable()


def as_ascii(text: str) -> str:
    return text if text.isascii() else text.translate(TABLE)


def locale_is_utf8(environ: Mapping[str, str]) -> bool:
    """What the terminal (or tmux, or screen) was told to use, as they decide: ``LC_ALL``, else
    ``LC_CTYPE``, else ``LANG`` names UTF-8. Python sets ``LC_CTYPE=C.UTF-8`` for itself when the
    locale is C; then ``LANG`` says what the terminal was told."""
    lc_all, ctype, lang = (environ.get(name, "") for name in ("LC_ALL", "LC_CTYPE", "LANG"))
    if lc_all:
        chosen = lc_all
    elif ctype and not (ctype == "C.UTF-8" and lang):
        chosen = ctype
    else:
        chosen = lang
    return "utf-8" in chosen.lower() or "utf8" in chosen.lower()
