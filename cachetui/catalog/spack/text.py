"""Make page strings safe to print: they are data, never terminal control, never invisible.

Page strings may carry ESC sequences (clear screen, OSC 52 clipboard writes,
title changes), bidi overrides that reorder what follows, and zero-width
characters that make ``hdf5\\u200b`` print exactly like ``hdf5``. Everything
that reaches a terminal as plain text goes through ``printable``, which shows
every character Python does not call printable (controls, format characters
such as U+200B/U+200E/U+200F/U+061C and ZWJ, separators other than the space,
surrogates, private-use and unassigned code points) as a visible escape.
"""

from __future__ import annotations


def _escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


class _Escapes(dict[int, str]):
    """str.translate table, filled on first use of each code point (C-speed lookups after that)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = char if char.isprintable() or char == " " else (" " if char == "\t" else _escape(code))
        self[code] = value
        return value


_TABLE = _Escapes()


def printable(text: str) -> str:
    """Return ``text`` with control and invisible characters replaced by visible escapes."""
    if text.isprintable():
        return text
    return text.translate(_TABLE)


def is_plain(text: str) -> bool:
    """True if ``text`` has only printable characters (spaces allowed): safe to paste as is."""
    return text.isprintable() or text.replace(" ", "").isprintable()


SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int], width: int | None = None) -> str:
    """``▁▂▅█▇ `` for a list of counts: a space for zero, eight levels up to the largest.

    With ``width``, consecutive values are merged (their maximum) to fit.
    """
    if width is not None and width > 0 and len(values) > width:
        step = len(values) / width
        values = [max(values[int(i * step) : max(int((i + 1) * step), int(i * step) + 1)]) for i in range(width)]
    top = max(values, default=0)
    if top <= 0:
        return " " * len(values)
    levels = len(SPARK_LEVELS)
    return "".join(" " if v <= 0 else SPARK_LEVELS[min(levels - 1, (v * levels - 1) // top)] for v in values)
