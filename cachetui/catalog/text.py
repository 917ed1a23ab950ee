"""Make page strings safe to print: they are data, never terminal control.

Page strings may carry ESC sequences (clear screen, OSC 52 clipboard writes,
title changes). Everything that reaches a terminal as plain text goes through
``printable`` so such bytes show up as visible escapes instead of acting.
"""

from __future__ import annotations

import re

# C0 controls (but not tab), DEL, C1 controls, the Unicode line/paragraph
# separators and bidi overrides that can reorder or hide what follows, and lone
# surrogates (JSON "\udce9" escapes decode to them; a terminal cannot encode them).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """Return ``text`` with control characters replaced by visible escapes."""
    if text.isprintable():
        return text
    return _CONTROL.sub(_escape, text).replace("\t", " ")
