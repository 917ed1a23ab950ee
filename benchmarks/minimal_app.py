"""The floor for bench_browser.py: a minimal Textual app a user could not tell apart in feel.

    python benchmarks/minimal_app.py LINES_FILE

An ``Input`` over a 3,000-row ``DataTable``: each key filters the rows by
substring (every word of the text must be in the row), a counter shows the
matches and a detail line the highlighted row. Nothing of cachetui is imported.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Input, Static

ROWS = 3000


class Minimal(App):
    CSS = "#counter { height: 1; } #detail { height: 1; }"
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search")
        yield Static("", id="counter")
        yield DataTable(id="table", cursor_type="row")
        yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("hash", "spec", "arch")
        self.show("")

    def show(self, text: str) -> None:
        words = text.split()
        table = self.query_one(DataTable)
        table.clear()
        shown = [line for line in self.lines if all(w in line for w in words)]
        for line in shown:
            head, _, rest = line.partition(" ")
            spec, _, arch = rest.rpartition(" ")
            table.add_row(head, spec, arch)
        self.query_one("#counter", Static).update(f"{len(shown):,}/{len(self.lines):,}")
        self.query_one("#detail", Static).update(shown[0] if shown else "no match")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show(event.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one(DataTable)
        if event.row_key not in table.rows:  # the rows changed under the highlight
            return
        row = table.get_row(event.row_key)
        self.query_one("#detail", Static).update(" ".join(str(cell) for cell in row))


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        Minimal([line.rstrip("\n") for line in handle][:ROWS]).run()
