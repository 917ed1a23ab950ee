"""The problems view: pages that could not be read (``path: reason``) and load notices."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from cachetui.catalog import Problem

from ..safe import literal
from .dialog import DialogScreen

MAX_SHOWN = 2000  # more than anyone reads; the count says how many there are


def problems_text(problems: list[Problem], notices: list[str]) -> Text:
    """Paths and reasons come from the filesystem and from pages: shown literally."""
    text = Text()
    if not problems and not notices:
        text.append("Every page was read without problems.", style="italic")
        return text
    for notice in notices:
        text.append_text(literal(notice, style="italic"))
        text.append("\n")
    if notices:
        text.append("\n")
    for problem in problems[:MAX_SHOWN]:
        text.append_text(literal(problem.path, style="bold"))
        text.append(": ")
        text.append_text(literal(problem.reason))
        text.append("\n")
    if len(problems) > MAX_SHOWN:
        text.append(f"… and {len(problems) - MAX_SHOWN:,} more\n", style="italic")
    return text


class ProblemsScreen(DialogScreen[None]):
    """Every page the loader could not read fully, and why."""

    def __init__(self, problems: list[Problem], notices: list[str]) -> None:
        super().__init__()
        self.problems = problems
        self.notices = notices

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="problems-box", classes="dialog") as box:
            count = len(self.problems)
            box.border_title = f"{count:,} page problem{'' if count == 1 else 's'}"
            box.border_subtitle = "esc closes"
            yield Static(problems_text(self.problems, self.notices), id="problems-text", markup=False)
