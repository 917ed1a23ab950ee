"""The spec table: every spec of the result, drawn a screen at a time on Textual's Line API.

The table holds the result's ordered catalog rows (a numpy array) and builds
``Spec`` objects only for the lines it draws, so a result of three million
specs scrolls, pages and jumps as fast as one of ten: there is no cap. A
small LRU cache keeps rendered lines while the cursor moves. The header is a
fixed first line; the cursor's position goes to ``on_cursor`` (a plain call,
not a message) so the detail pane's ``row/total`` is drawn in the same frame
as the cursor: a message would arrive a frame later. A marked spec has ``*``
in the row's first cell (the marks belong to the screen: ``marks``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cachetui.catalog import Spec

from ..actions import TABLE, bindings_for
from ..columns import BY_ID, fit, fit_plain, fit_widths, natural_widths, sortable, title
from ..state import DetailData, SortOrder
from .scrollbars import settle_scrollbars

MARK = "*"  # a marked spec's first cell: readable without colour, and ASCII


@functools.lru_cache(maxsize=64)
def _parsed(style: str) -> Style:
    return Style.parse(style)


def _style(style: str | Style) -> Style:
    """A cell's style (a name such as "dim", or a Style) as a Style."""
    return style if isinstance(style, Style) else _parsed(style)


class SpecTable(ScrollView, can_focus=True):
    """Specs of the selected package (or tag); enter opens a spec, ``s``/``r`` change the order."""

    DEFAULT_CSS = """
    SpecTable {
        background: $surface;
        color: $foreground;
        & > .spec-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .spec-table--even-row { background: $surface-lighten-1 50%; }
        & > .spec-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .spec-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
    }
    """

    COMPONENT_CLASSES = {"spec-table--header", "spec-table--even-row", "spec-table--cursor"}

    BINDINGS = bindings_for(TABLE)

    cursor_row: reactive[int] = reactive(
        0, always_update=True, repaint=False
    )  # watch_cursor_row repaints the rows it changed
    """Index of the highlighted spec in the table order."""

    class _Message(Message):
        """What every message of the table carries: the table, as ``control``."""

        def __init__(self, table: SpecTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> SpecTable:
            return self.table

    class _SpecMessage(_Message):
        def __init__(self, table: SpecTable, spec: Spec) -> None:
            super().__init__(table)
            self.spec = spec

    class Chosen(_SpecMessage):
        """Enter on a spec row: open it (or, in pick mode, pick it)."""

    class DetailsRequested(_SpecMessage):
        """Space on a spec row: show all of its fields (also in pick mode)."""

    class MarksChanged(_Message):
        """A spec was marked or unmarked (``x``)."""

    class SortRequested(_Message):
        """Another order was asked for (``s``, ``r`` or a header click)."""

        def __init__(self, table: SpecTable, sort: SortOrder) -> None:
            super().__init__(table)
            self.sort = sort

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: DetailData | None = None
        self.columns_shown: tuple[str, ...] = ()
        self.spec_sort = SortOrder()
        self._widths: list[int] = []
        self._natural: list[int] = []  # widths before fitting to the table
        self._style: Style | None = None
        self._lines: LRUCache[tuple[int, bool, bool, bool], Strip] = LRUCache(256)
        self.marks: dict[int, Spec] = {}  # catalog row -> spec; the screen's, shared across results
        self.on_cursor: Callable[[int, int], None] | None = None  # (row, total), 0-based, on every move

    # --- public state -------------------------------------------------------------

    @property
    def specs(self) -> Sequence[Spec]:
        """Every spec of the table, in table order (built on demand)."""
        return self.data.specs if self.data is not None else ()

    @property
    def row_count(self) -> int:
        return len(self.data.rows) if self.data is not None else 0

    @property
    def current_spec(self) -> Spec | None:
        if not self.row_count:
            return None
        return self.specs[min(self.cursor_row, self.row_count - 1)]

    def show(self, data: DetailData, keep: int | None = None) -> None:
        """Show ``data``'s rows; the cursor goes to catalog row ``keep`` if it is among them, else to the top."""
        resorted = (
            self.data is not None and data.summary is self.data.summary and data.columns == self.data.columns
        )  # the same rows in another order (``BrowseModel.resort``): the widths stay, and so does the layout
        self.data = data
        self.columns_shown = data.columns
        self.spec_sort = data.sort
        if not resorted or not self._natural:
            self._natural = natural_widths(data.columns, self._titles(data), data.specs, data)
        self._lines.clear()  # other rows (or another order) under the same indexes
        self._fit()
        self.scroll_to(x=0, y=0, animate=False, immediate=True)
        index = data.index_of(keep) if keep is not None else None
        self.cursor_row = index if index is not None else 0
        self.refresh()

    def clear(self) -> None:
        self.data = None
        self.columns_shown = ()
        self._widths = []
        self._lines.clear()
        self.virtual_size = Size(0, 0)
        settle_scrollbars(self)
        self.cursor_row = 0
        self.refresh()

    def select_row_of(self, spec_row: int) -> bool:
        """Put the cursor on the table row of catalog row ``spec_row``, if it is listed."""
        index = self.data.index_of(spec_row) if self.data is not None else None
        if index is None:
            return False
        self.cursor_row = index
        return True

    # --- geometry -----------------------------------------------------------------

    def _titles(self, data: DetailData) -> list[str]:
        return [title(c, data.sort.column, data.sort.reverse) for c in data.columns]

    def _fit(self) -> None:
        """Column widths for the table's width: the registry's policy (``columns.fit_widths``)."""
        if self.data is None:
            return
        widths = fit_widths(self.data.columns, self._natural, self.scrollable_content_region.width)
        if widths != self._widths:  # a new height alone (the summary grew) keeps the lines drawn
            self._widths = widths
            self._lines.clear()
        self.virtual_size = Size(sum(self._widths) + len(self._widths) * 2, self.row_count + 1)
        settle_scrollbars(self)

    @property
    def _page(self) -> int:
        """Spec lines on screen (the header takes one)."""
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self.row_count - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        top = round(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self._page:
            self.scroll_to(y=new - self._page + 1, animate=False, immediate=True)
        if round(self.scroll_y) == top and old != new:  # no scroll: only the two rows change
            width = self.scrollable_content_region.width
            self.refresh(*(Region(0, row - top + 1, width, 1) for row in (old, new)))
        else:
            self.refresh()
        if self.on_cursor is not None:
            self.on_cursor(new, self.row_count)

    # --- drawing ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.data is None:
            return Strip.blank(width, self._base_style())
        if y == 0:
            strip = self._header()
        else:
            index = round(self.scroll_y) + y - 1
            if index >= self.row_count:
                return Strip.blank(width, self._base_style())
            key = (index, index == self.cursor_row, self.has_focus, self.is_marked(index))
            cached = self._lines.get(key)
            if cached is None:
                cached = self._lines[key] = self._row(index)
            strip = cached
        scroll_x = round(self.scroll_x)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width)

    def is_marked(self, index: int) -> bool:
        return bool(self.marks) and self.data is not None and int(self.data.rows[index]) in self.marks

    def _join(self, cells: list[Text], style: Style) -> Strip:
        line = Text(" ")
        for text in cells:
            line.append_text(text)
            line.append("  ")
        segments = list(line.render(self.app.console))
        segments = [s for s in segments if s.text != "\n"]
        return Strip(Segment.apply_style(segments, style), line.cell_len).simplify()

    def _header(self) -> Strip:
        assert self.data is not None
        titles = self._titles(self.data)
        cells = [fit(Text(t), w, c) for t, c, w in zip(titles, self.data.columns, self._widths)]
        style = self.get_component_rich_style("spec-table--header")
        return self._join(cells, self._base_style() + style)

    def _row(self, index: int) -> Strip:
        """One spec's line: plain cells as segments of their own (``columns.fit_plain``), the rest through Rich."""
        assert self.data is not None
        spec = self.specs[index]
        style = self._base_style()
        if index == self.cursor_row:
            style += self.get_component_rich_style("spec-table--cursor")
        elif index % 2:
            style += self.get_component_rich_style("spec-table--even-row")
        segments = [Segment(MARK if self.is_marked(index) else " ", style)]
        gap = Segment("  ", style)
        length = 1
        for column, width in zip(self.data.columns, self._widths):
            text = BY_ID[column].cell(spec, self.data, index)
            plain = fit_plain(text, width, column)
            if plain is not None:
                cell_style = text.style
                segments.append(Segment(plain, style + _style(cell_style) if cell_style else style))
            else:
                rendered = fit(text, width, column).render(self.app.console)
                segments.extend(Segment.apply_style((s for s in rendered if s.text != "\n"), style))
            segments.append(gap)
            length += width + 2
        return Strip(segments, length)

    def _base_style(self) -> Style:
        """The widget's own style, computed once per style change (Textual walks the DOM for it)."""
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def notify_style_update(self) -> None:
        """Focus, theme or CSS changed: styles and the lines drawn with them are stale."""
        self._style = None
        if hasattr(self, "_lines"):  # also called while the base class initialises
            self._lines.clear()
        super().notify_style_update()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._fit()
        self.watch_cursor_row(self.cursor_row, self.cursor_row)

    # --- mouse --------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.data is None:
            return
        if offset.y == 0:
            x = offset.x + round(self.scroll_x) - 1
            for column, width in zip(self.data.columns, self._widths):
                if x < width + 2:
                    self._sort_by(column)
                    return
                x -= width + 2
            return
        index = round(self.scroll_y) + offset.y - 1
        if index < self.row_count:
            self.cursor_row = index
            if event.chain > 1:
                self.action_choose()

    def _sort_by(self, column: str) -> None:
        if BY_ID[column].sort is None:
            return
        reverse = not self.spec_sort.reverse if column == self.spec_sort.column else False
        self.post_message(self.SortRequested(self, SortOrder(column, reverse)))

    # --- actions ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page

    def action_page_down(self) -> None:
        self.cursor_row += self._page

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = self.row_count - 1

    def action_choose(self) -> None:
        spec = self.current_spec
        if spec is not None:
            self.post_message(self.Chosen(self, spec))

    def action_details(self) -> None:
        spec = self.current_spec
        if spec is not None:
            self.post_message(self.DetailsRequested(self, spec))

    def action_toggle_mark(self) -> None:
        """x: mark or unmark the highlighted spec, then move to the next one (as fzf's tab)."""
        spec = self.current_spec
        if spec is None or self.data is None:
            return
        row = int(self.data.rows[self.cursor_row])
        if self.marks.pop(row, None) is None:
            self.marks[row] = spec
        self.post_message(self.MarksChanged(self))
        before = self.cursor_row
        self.cursor_row += 1
        if self.cursor_row == before:  # the last row: the cursor stays, its row is drawn again
            self.refresh_marks()

    def refresh_marks(self) -> None:
        """Marks changed outside the table (all cleared): draw the rows again."""
        self._lines.clear()
        self.refresh()
        if self.on_cursor is not None:
            self.on_cursor(self.cursor_row, self.row_count)

    def action_sort_next(self) -> None:
        """Cycle the sort column through the visible columns (then back to the natural order)."""
        columns = sortable(self.columns_shown)
        if not columns:
            return
        if self.spec_sort.column in columns:
            index = columns.index(self.spec_sort.column) + 1
            column = columns[index] if index < len(columns) else None
        else:
            column = columns[0]
        self.post_message(self.SortRequested(self, SortOrder(column, False)))

    def _column_starts(self) -> list[int]:
        """Where each column begins, in cells from the table's left edge (a space, then width and a 2-cell gap)."""
        starts, x = [], 1
        for width in self._widths:
            starts.append(x)
            x += width + 2
        return starts

    def action_scroll_right(self) -> None:
        """l or right: the next column to the left edge (one cell at a time hid what tells specs apart)."""
        after = [x - 1 for x in self._column_starts() if x - 1 > self.scroll_x]  # a space, then the column
        self.scroll_to(x=after[0] if after else self.max_scroll_x, animate=False, immediate=True)

    def action_scroll_left(self) -> None:
        """h or left: the previous column to the left edge."""
        before = [x - 1 for x in self._column_starts() if x - 1 < self.scroll_x]
        self.scroll_to(x=before[-1] if before else 0, animate=False, immediate=True)

    def action_sort_reverse(self) -> None:
        self.post_message(self.SortRequested(self, SortOrder(self.spec_sort.column, not self.spec_sort.reverse)))
