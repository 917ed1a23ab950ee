"""The help screen: every key (from the action registry, as remapped) and the query language."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from cachetui.catalog import query_help_lines

from ..actions import help_sections
from .dialog import DialogScreen


def help_rows(keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(kind, left, right) rows: a section "title", a "key" and its meaning, or a query "example"."""
    rows: list[tuple[str, str, str]] = []
    for title, keys in help_sections(keymap):
        rows.append(("title", title, ""))
        rows.extend(("key", key, description) for key, description in keys)
    rows.append(("title", "Query language (terms combine with AND)", ""))
    rows.extend(("example", forms, description) for forms, description in query_help_lines())
    return rows


def help_text(keymap: Mapping[str, str] | None = None) -> str:
    """The help as plain text (what the screen shows, for tests and the README)."""
    return "\n".join(f"{left}  {right}".rstrip() for _, left, right in help_rows(keymap))


class HelpScreen(DialogScreen[None]):
    """Keys and query syntax; esc or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        & .help-title { margin-top: 1; }
        & .help-row { height: auto; }
        & .help-key { width: 19; padding-left: 1; }
        & .help-description { width: 1fr; height: auto; }
        & .help-example { padding-left: 1; }
        & .help-example-description { padding-left: 5; }
    }
    """

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog") as box:
            box.border_title = "cachetui help"
            box.border_subtitle = "esc closes"
            for kind, left, right in help_rows(self.keymap):
                if kind == "title":
                    yield Static(Text(left, style="bold underline"), classes="help-title", markup=False)
                elif kind == "example":
                    yield Static(Text(left, style="bold"), classes="help-example", markup=False)
                    yield Static(Text(right), classes="help-example-description", markup=False)
                else:
                    with Horizontal(classes="help-row"):
                        yield Static(Text(left, style="bold"), classes="help-key", markup=False)
                        yield Static(Text(right), classes="help-description", markup=False)
