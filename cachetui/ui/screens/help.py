"""The help screen: every key and the query language, generated from ``keys.py``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import KEY_HELP, QUERY_HELP


def help_rows() -> list[tuple[str, str, str]]:
    """(kind, left, right) rows: a section "title", a "key" and its meaning, or a query "example"."""
    rows: list[tuple[str, str, str]] = []
    for title, keys in KEY_HELP:
        rows.append(("title", title, ""))
        rows.extend(("key", key, description) for key, description in keys)
    rows.append(("title", "Query language (terms combine with AND)", ""))
    rows.extend(("example", example, description) for example, description in QUERY_HELP)
    return rows


def help_text() -> str:
    """The help as plain text (what the screen shows, for tests and the README)."""
    return "\n".join(f"{left}  {right}".rstrip() for _, left, right in help_rows())


class HelpScreen(ModalScreen[None]):
    """Keys and query syntax; esc or ? closes it."""

    BINDINGS = [
        Binding("escape,question_mark,f1", "close", "Close"),
        Binding("j,down", "scroll_down", "Down", show=False),
        Binding("k,up", "scroll_up", "Up", show=False),
        Binding("q", "app.leave", "Quit", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog") as box:
            box.border_title = "cachetui help"
            box.border_subtitle = "esc closes"
            for kind, left, right in help_rows():
                if kind == "title":
                    yield Static(Text(left, style="bold underline"), classes="help-title", markup=False)
                elif kind == "example":
                    yield Static(Text(left, style="bold"), classes="help-example", markup=False)
                    yield Static(Text(right), classes="help-example-description", markup=False)
                else:
                    with Horizontal(classes="help-row"):
                        yield Static(Text(left, style="bold"), classes="help-key", markup=False)
                        yield Static(Text(right), classes="help-description", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-box", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-box", VerticalScroll).scroll_up()
