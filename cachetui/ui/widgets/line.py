"""One-line widgets whose updates repaint themselves only, never the screen's layout.

Textual's ``Static.update`` asks for a new layout of the whole screen (its
size may follow its text); on every key that costs more than the key's own
work at 160x45. These lines have a fixed height of one and take the width
they are given, so a new text is a repaint of one row.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget


def cut(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells with an ellipsis (a copy; page strings stay literal)."""
    if text.cell_len <= width:
        return text
    if width <= 0:
        return Text("")
    text = text.copy()
    text.truncate(width, overflow="ellipsis")  # as columns.fit cuts a cell
    return text


class Line(Widget):
    """A row of text, cut with an ellipsis at the edge."""

    DEFAULT_CSS = "Line { height: 1; width: 1fr; }"

    def __init__(self, text: Text | str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text(text) if isinstance(text, str) else text

    @property
    def text(self) -> Text:
        return self._text

    def update(self, text: Text | str) -> None:
        self._text = Text(text) if isinstance(text, str) else text
        self.refresh()

    def render(self) -> Text:
        return cut(self._text, self.content_region.width or self.size.width)


class StatusLine(Widget):
    """A hint at the left and a counter at the right of one row; the hint gives way to the counter."""

    COMPONENT_CLASSES = {
        "status-line--hint",
        "status-line--note",
        "status-line--error",
        "status-line--counter",
        "status-line--stale",
    }
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
        padding: 0 1;
        & > .status-line--hint { color: $text-muted; }
        & > .status-line--note { color: $text-warning; }
        & > .status-line--error { color: $text-error; text-style: bold; }
        & > .status-line--counter { text-style: bold; }
        & > .status-line--stale { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hint = Text("")
        self.hint_kind = "hint"  # "hint", "note" or "error"
        self.counter = Text("")
        self.stale = False

    def show_hint(self, hint: Text, kind: str = "hint") -> None:
        self.hint, self.hint_kind = hint, kind
        self.refresh()

    def show_counter(self, counter: Text, stale: bool = False) -> None:
        self.counter, self.stale = counter, stale
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"status-line--{name}", partial=True)

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        counter = self.counter.copy()
        counter.stylize(self._style("stale" if self.stale else "counter"))
        room = width - counter.cell_len - (1 if counter.cell_len else 0)
        hint = cut(self.hint, max(0, room))
        hint.stylize(self._style(self.hint_kind))
        line = Text()
        line.append_text(hint)
        line.append(" " * max(0, width - hint.cell_len - counter.cell_len))
        line.append_text(cut(counter, width))
        return line


class Lines(Widget):
    """Rows of text, each cut with an ellipsis; a new text lays the screen out again only when
    its number of rows changes (CSS ``max-height`` still caps what shows)."""

    DEFAULT_CSS = "Lines { height: auto; width: 1fr; }"

    def __init__(self, lines: list[Text] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Text] = lines or []

    @property
    def lines(self) -> list[Text]:
        return self._lines

    def update(self, lines: list[Text]) -> None:
        same_height = len(lines) == len(self._lines)
        if same_height and [(t.plain, t.spans, t.style) for t in lines] == [
            (t.plain, t.spans, t.style) for t in self._lines
        ]:
            return  # nothing to draw: a re-sort keeps the summary
        self._lines = lines
        self.refresh(layout=not same_height)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        return Text("\n").join(cut(line, width) for line in self._lines)
