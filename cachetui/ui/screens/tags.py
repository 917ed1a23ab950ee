"""Pick two tags to compare: first the older side (A), then the newer (B)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from ..actions import TAGS, bindings_for
from ..safe import plain
from ..widgets import PickList
from .dialog import DialogScreen


class TagPairScreen(DialogScreen[tuple[str, str] | None]):
    """Two picks from the list of tags; esc cancels (or goes back from B to A)."""

    DEFAULT_CSS = """
    TagPairScreen {
        & #tags-box { max-width: 60; }
        /* Fixed heights: a box that sizes itself to its content is laid out again as the content
           arrives, and each layout redrew the whole screen (four times before the list showed). */
        & #tags-prompt { height: 2; margin-bottom: 1; }
        & #tags-filter { border: none; height: 1; padding: 0; margin-bottom: 1; }
        & #tags-list { height: 1fr; }
    }
    """
    BINDINGS = [*DialogScreen.BINDINGS, *bindings_for(TAGS)]

    def __init__(self, tags: list[str], first: str | None = None, second: str | None = None) -> None:
        super().__init__()
        self.tags = tags
        self.defaults = (first, second)
        self.tag_a: str | None = None
        self._prompt_side = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box", classes="dialog") as box:
            box.border_title = "compare two tags"
            box.border_subtitle = "enter picks · esc back"
            yield Static(self._prompt(0), id="tags-prompt", markup=False)
            yield Input(placeholder="/ filters the tags", id="tags-filter")
            yield PickList(self.tags, id="tags-list")

    def action_filter(self) -> None:
        """/: type to narrow the list (focus moves at once: the letters typed right after it are the filter's)."""
        self.set_focus(self.query_one("#tags-filter", Input))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(PickList).set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter picks the highlighted tag."""
        event.stop()
        options = self.query_one(PickList)
        if options.highlighted is not None:
            self.set_focus(options)
            options.action_pick()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.set_focus(self.query_one(PickList))

    def on_mount(self) -> None:
        self._ask(0)

    def _prompt(self, side: int) -> str:
        if side == 0:
            return "A: the tag to compare from (older), e.g. the release you use"
        return f"B: the tag to compare {plain(self.tag_a)} with (newer)"

    def _ask(self, side: int) -> None:
        if side != self._prompt_side:  # the first prompt is composed: no update, no second layout
            self._prompt_side = side
            self.query_one("#tags-prompt", Static).update(self._prompt(side))
        options = self.query_one(PickList)
        filter_ = self.query_one("#tags-filter", Input)
        if filter_.value:  # each side starts from the whole list
            with self.prevent(Input.Changed):
                filter_.value = ""
            options.set_filter("")
        default = self.defaults[side]
        options.highlight_item(self.tags.index(default) if default in self.tags else 0)
        self.set_focus(options)

    def on_pick_list_picked(self, event: PickList.Picked) -> None:
        event.stop()
        tag = self.tags[event.index]
        if self.tag_a is None:
            self.tag_a = tag
            self._ask(1)
        elif tag == self.tag_a:
            self.notify("B must be another tag than A", severity="warning", markup=False, timeout=4)
        else:
            self.dismiss((self.tag_a, tag))

    def action_scroll_down(self) -> None:
        """j: the next tag (the list scrolls with its highlight)."""
        self.query_one(PickList).action_cursor_down()

    def action_scroll_up(self) -> None:
        """k: the previous tag."""
        self.query_one(PickList).action_cursor_up()

    def action_close(self) -> None:
        """esc: back from B to A, or cancel."""
        if self.tag_a is not None:
            self.tag_a = None
            self._ask(0)
        else:
            self.dismiss(None)
