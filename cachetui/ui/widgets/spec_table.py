"""The spec table: one row per binary of the selection, capped and sortable.

Rows are sorted over *all* matching specs (in a worker, on the column store)
and only the first ``TABLE_CAP`` become table rows, so a 20,000-spec page
costs the same as a small one; a line under the table says how many are
hidden and suggests refining the query.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from cachetui.catalog import Spec, human_size

from ..messages import SortRequested, SpecChosen, SpecDetailsRequested
from ..model import COLUMN_TITLES, DetailData, SortOrder
from ..safe import literal

# Columns whose values can be long get a width cap (cut with an ellipsis); the spec screen shows them in full.
WIDTH_CAPS = {"variants": 40, "stacks": 28, "package": 24, "tag": 20, "compiler": 18}


RUNS_HERE = "✓"
UNSORTABLE = frozenset({"here", "change"})  # marks per host or per diff, not catalog columns
CHANGE_STYLES = {"+": "bold green", "-": "bold red"}


def cell(spec: Spec, column: str, data: DetailData | None = None) -> Text:
    """One cell of a spec row; page strings are shown literally."""
    if column == "change":
        sign = data.changes.get(spec.row, "") if data is not None else ""
        return Text(sign, style=CHANGE_STYLES.get(sign, ""), justify="center")  # the sign reads without colour
    if column == "here":
        runs_here = data.runs_here if data is not None else frozenset()
        return Text(RUNS_HERE if spec.row in runs_here else "", justify="center")
    if column == "hash":
        return Text(spec.short_hash or "-")
    if column == "package":
        return literal(spec.package)
    if column == "version":
        return literal(spec.version)
    if column == "tag":
        return literal(spec.tag)
    if column == "compiler":
        return literal(spec.compiler)
    if column == "arch":
        return literal(spec.arch)
    if column == "variants":  # what tells this spec apart: the variants not every match has
        shared = set(data.shared_variants) if data is not None else set()
        differing = [v for v in spec.variants if v not in shared]
        return literal(" ".join(differing)) if differing or not shared else Text("(all shared)", style="dim")
    if column == "stacks":
        return literal(" ".join(spec.stacks))
    if column == "size":
        return Text(human_size(spec.size), justify="right")
    raise KeyError(column)


class SpecTable(DataTable):
    """Specs of the selected package (or tag); enter opens a spec, ``s``/``r`` change the order."""

    BINDINGS = [
        Binding("enter", "choose", "Open", show=False),
        Binding("space", "details", "Details", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("h", "scroll_left", "Left", show=False),
        Binding("l", "scroll_right", "Right", show=False),
        Binding("s", "sort_next", "Sort", show=False),
        Binding("r", "sort_reverse", "Reverse", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.specs: list[Spec] = []
        self.columns_shown: tuple[str, ...] = ()
        self.spec_sort = SortOrder()

    def show(self, data: DetailData) -> None:
        """Replace the rows with ``data.specs`` (already sorted and capped)."""
        self.clear(columns=True)
        self.specs = data.specs
        self.columns_shown = data.columns
        self.spec_sort = data.sort
        for column in data.columns:
            title = COLUMN_TITLES[column]
            if data.sort.column == column:
                title += " ▼" if data.sort.reverse else " ▲"
            self.add_column(Text(title), key=column)
        caps = {
            column: max(len(COLUMN_TITLES[column]) + 2, WIDTH_CAPS[column])
            for column in data.columns
            if column in WIDTH_CAPS
        }
        rows = []
        for spec in data.specs:
            row = []
            for column in data.columns:
                text = cell(spec, column, data)
                cap = caps.get(column)
                if cap is not None and text.cell_len > cap:
                    text.truncate(cap, overflow="ellipsis")
                row.append(text)
            rows.append(row)
        self.add_rows(rows)
        if data.specs:
            self.move_cursor(row=0)

    @property
    def current_spec(self) -> Spec | None:
        if not self.specs or self.row_count == 0:
            return None
        row = self.cursor_row
        return self.specs[row] if 0 <= row < len(self.specs) else None

    def select_row_of(self, spec_row: int) -> bool:
        """Put the cursor on the table row of catalog row ``spec_row``, if it is listed."""
        for index, spec in enumerate(self.specs):
            if spec.row == spec_row:
                self.move_cursor(row=index)
                return True
        return False

    # --- actions ------------------------------------------------------------------

    def action_choose(self) -> None:
        spec = self.current_spec
        if spec is not None:
            self.post_message(SpecChosen(spec))

    def action_details(self) -> None:
        spec = self.current_spec
        if spec is not None:
            self.post_message(SpecDetailsRequested(spec))

    def action_sort_next(self) -> None:
        """Cycle the sort column through the visible columns (then back to the natural order)."""
        columns = [c for c in self.columns_shown if c not in UNSORTABLE]
        if not columns:
            return
        if self.spec_sort.column in columns:
            index = columns.index(self.spec_sort.column) + 1
            column = columns[index] if index < len(columns) else None
        else:
            column = columns[0]
        self.post_message(SortRequested(SortOrder(column, False)))

    def action_sort_reverse(self) -> None:
        self.post_message(SortRequested(SortOrder(self.spec_sort.column, not self.spec_sort.reverse)))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = event.column_key.value
        if column in UNSORTABLE:
            return
        reverse = not self.spec_sort.reverse if column == self.spec_sort.column else False
        self.post_message(SortRequested(SortOrder(column, reverse)))
