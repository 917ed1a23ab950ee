"""A list to pick one string from, drawn a line at a time: its size is known before it is drawn.

Textual's ``OptionList`` measures its options after it is mounted and asks for a new layout when it
has, and each layout redraws the whole screen; opening the tag picker redrew it four times. This list's
virtual size is its number of items, so opening it is one layout and one frame. The highlighted line is
drawn reversed and starts with ``>`` (readable without colour); items are literal text.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..actions import PICK_LIST, bindings_for
from ..safe import plain


class PickList(ScrollView, can_focus=True):
    """Items shown through a filter; ``highlighted`` is an index into what is shown."""

    DEFAULT_CSS = """
    PickList {
        height: 1fr;
        background: $surface;
        & > .pick-list--highlight { background: $block-cursor-blurred-background; }
        &:focus > .pick-list--highlight {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
    }
    """
    COMPONENT_CLASSES = {"pick-list--highlight"}
    BINDINGS = bindings_for(PICK_LIST)

    highlighted: reactive[int | None] = reactive(None, repaint=False, always_update=True)

    class Picked(Message):
        """Enter (or a click) on an item: ``index`` is its place in ``items``."""

        def __init__(self, pick_list: PickList, index: int) -> None:
            super().__init__()
            self.pick_list = pick_list
            self.index = index

        @property
        def control(self) -> PickList:
            return self.pick_list

    def __init__(self, items: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = [plain(item) for item in items]
        self.shown: list[int] = list(range(len(self.items)))  # indexes into items, in order
        self._width = max((len(item) for item in self.items), default=0) + 2
        self.virtual_size = Size(self._width, len(self.shown))

    @property
    def option_count(self) -> int:
        return len(self.shown)

    def shown_items(self) -> list[str]:
        return [self.items[i] for i in self.shown]

    def set_filter(self, text: str) -> None:
        """Show the items containing ``text`` (any case); the first is highlighted."""
        wanted = text.lower()
        self.shown = [i for i, item in enumerate(self.items) if wanted in item.lower()]
        self.virtual_size = Size(self._width, len(self.shown))
        self.scroll_to(y=0, animate=False, immediate=True)
        self.highlighted = 0 if self.shown else None
        self.refresh()

    def highlight_item(self, index: int) -> None:
        """Highlight ``items[index]`` if it is shown."""
        if index in self.shown:
            self.highlighted = self.shown.index(index)

    def validate_highlighted(self, value: int | None) -> int | None:
        if value is None or not self.shown:
            return None
        return max(0, min(value, len(self.shown) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        if new is not None:
            top, height = round(self.scroll_y), max(1, self.scrollable_content_region.height)
            if new < top:
                self.scroll_to(y=new, animate=False, immediate=True)
            elif new >= top + height:
                self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        base = self.rich_style
        if index >= len(self.shown):
            return Strip.blank(width, base)
        chosen = index == self.highlighted
        style = base + self.get_component_rich_style("pick-list--highlight") if chosen else base
        text = ("> " if chosen else "  ") + self.items[self.shown[index]]
        text = text[: max(0, width)]
        return Strip([Segment(text.ljust(width), style)], width)

    def on_resize(self) -> None:
        self.watch_highlighted(self.highlighted, self.highlighted)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if index < len(self.shown):
            self.highlighted = index
            self.action_pick()

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        self.highlighted = 0 if self.highlighted is None else self.highlighted + 1

    def action_cursor_up(self) -> None:
        self.highlighted = 0 if self.highlighted is None else self.highlighted - 1

    def action_page_down(self) -> None:
        self.highlighted = (self.highlighted or 0) + self._page()

    def action_page_up(self) -> None:
        self.highlighted = (self.highlighted or 0) - self._page()

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self.shown) - 1

    def action_pick(self) -> None:
        if self.highlighted is not None and self.shown:
            self.post_message(self.Picked(self, self.shown[self.highlighted]))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()
