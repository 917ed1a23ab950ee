"""Pick two tags to compare: first the older side (A), then the newer (B)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..safe import literal, plain
from .dialog import DialogScreen


class TagPairScreen(DialogScreen[tuple[str, str] | None]):
    """Two picks from the list of tags; esc cancels (or goes back from B to A)."""

    DEFAULT_CSS = """
    TagPairScreen {
        & #tags-box { max-width: 60; }
        & #tags-prompt { margin-bottom: 1; }
    }
    """

    def __init__(self, tags: list[str], first: str | None = None, second: str | None = None) -> None:
        super().__init__()
        self.tags = tags
        self.defaults = (first, second)
        self.tag_a: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box", classes="dialog") as box:
            box.border_title = "compare two tags"
            box.border_subtitle = "enter picks · esc back"
            yield Static("", id="tags-prompt", markup=False)
            yield OptionList(*(Option(literal(tag), id=str(i)) for i, tag in enumerate(self.tags)), id="tags-list")

    def on_mount(self) -> None:
        self._ask(0)

    def _ask(self, side: int) -> None:
        prompt = (
            "A: the tag to compare from (older), e.g. the release you use"
            if side == 0
            else f"B: the tag to compare {plain(self.tag_a)} with (newer)"
        )
        self.query_one("#tags-prompt", Static).update(prompt)
        options = self.query_one(OptionList)
        default = self.defaults[side]
        options.highlighted = self.tags.index(default) if default in self.tags else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        tag = self.tags[int(event.option.id or 0)]
        if self.tag_a is None:
            self.tag_a = tag
            self._ask(1)
        elif tag == self.tag_a:
            self.notify("B must be another tag than A", severity="warning", markup=False, timeout=4)
        else:
            self.dismiss((self.tag_a, tag))

    def action_scroll_down(self) -> None:
        """j: the next tag (the list scrolls with its highlight)."""
        self.query_one(OptionList).action_cursor_down()

    def action_scroll_up(self) -> None:
        """k: the previous tag."""
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        """esc: back from B to A, or cancel."""
        if self.tag_a is not None:
            self.tag_a = None
            self._ask(0)
        else:
            self.dismiss(None)
