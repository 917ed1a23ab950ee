"""printable(): page strings are data, never terminal control."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cachetui.catalog import printable

DANGEROUS = "\x1b\x07\x9b\x9d\x90\x00\x7f\r\n\x08"
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("plain-text 1.2.3", "plain-text 1.2.3"),
        ("[bold]x[/bold]", "[bold]x[/bold]"),  # markup is the UI's job to escape; printable keeps it
        ("[@click=app.quit]", "[@click=app.quit]"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("x\x9b31m", "x\\x9b31m"),
        ("tab\there", "tab here"),
        ("line\nbreak\r", "line\\x0abreak\\x0d"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("sep\u2028x", "sep\\u2028x"),
        ("café ✓ 日本", "café ✓ 日本"),
    ],
)
def test_printable(raw, shown):
    assert printable(raw) == shown


def test_lone_surrogate_is_escaped():
    # json.loads('"\\udce9"') gives a lone surrogate: it must not reach a terminal raw (it cannot be encoded).
    shown = printable("caf\udce9")
    assert shown == "caf\\udce9"
    shown.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_printable_output_is_safe(text):
    shown = printable(text)
    assert not any(c in shown for c in DANGEROUS)
    assert not [ch for ch in shown if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in BIDI]
    shown.encode("utf-8")
    for ch in text:
        if ch.isprintable() and ch != "\\":
            assert ch in shown
