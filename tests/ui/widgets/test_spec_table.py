"""The spec table shows what tells specs apart: variants every match shares are folded into the summary."""

from __future__ import annotations

import numpy as np
from browser_helpers import query_in_table, screen_text, settle
from textual.app import App, ComposeResult

from cachetui.ui.state import DetailData, Selection, SpecRows
from cachetui.ui.widgets import SpecTable


async def test_shared_variants_fold_into_the_summary(make_app, sample_catalog):
    matching = sample_catalog.query("hdf5 +mpi").specs()
    shared = set(matching[0].variants).intersection(*(s.variants for s in matching))
    assert "build_system=cmake" in shared and "+fortran" not in shared
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "hdf5 +mpi")
        lines = screen_text(app).splitlines()
        summary = next(line for line in lines if "shared " in line)
        assert "build_system=cmake (39)" in summary and "+mpi (39)" in summary
        rows = [line for line in lines if any(s.short_hash in line for s in app.browser.table.specs)]
        assert rows and all("build_system=cmake" not in row for row in rows)
        assert all("fortran" in row for row in rows)  # +fortran / ~fortran: what differs
        assert " differing " in screen_text(app)  # the column title


class TableApp(App):
    """The spec table alone, over rows we choose (the same catalog rows repeated to make a huge result)."""

    def __init__(self, data):
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        yield SpecTable(id="specs")

    def on_mount(self) -> None:
        table = self.query_one(SpecTable)
        table.show(self.data)
        table.focus()


def repeated_rows(catalog, total: int) -> DetailData:
    rows = np.resize(np.arange(catalog.num_specs, dtype=np.int64), total)
    return DetailData(
        selection=Selection(),
        query_text="",
        total=total,
        rows=rows,
        summary=None,
        specs=SpecRows(catalog, rows),
        columns=("hash", "version", "package"),
    )


async def test_the_table_reaches_the_last_of_100000_rows(sample_catalog):
    data = repeated_rows(sample_catalog, 100_000)
    last = sample_catalog.specs(data.rows[-1:])[0]
    app = TableApp(data)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(SpecTable)
        assert table.row_count == 100_000 and table.current_spec.row == data.rows[0]
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 99_999 and table.current_spec.row == last.row
        bottom = [line for line in screen_text(app).splitlines() if line.strip()][-1]
        assert last.short_hash in bottom and last.package in bottom
        await pilot.press("pageup", "home", "down", "down")
        await pilot.pause()
        assert table.cursor_row == 2
        assert sample_catalog.specs(data.rows[2:3])[0].short_hash in screen_text(app)


async def test_position_and_cursor_follow_the_spec_across_a_resort(make_app, sample_catalog):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "hdf5 +mpi")
        total = app.browser.table.row_count
        assert total > 3 and f"1/{total} · newest first" in screen_text(app)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        chosen = app.browser.table.current_spec
        assert f"4/{total}" in screen_text(app)
        await pilot.press("s")  # sort by hash: the cursor stays on the same spec
        await settle(pilot)
        assert "sorted by hash" in screen_text(app)
        assert app.browser.table.current_spec.row == chosen.row
        hashes = [s.hash for s in app.browser.table.specs]
        assert hashes == sorted(hashes)
        await pilot.press("end")
        await settle(pilot)
        assert f"{total}/{total}" in screen_text(app)


async def test_no_variants_column_when_every_match_has_the_same_variants(make_app, sample_catalog):
    matching = [s for s in sample_catalog.query("cuda").specs() if s.package == "cuda"]
    assert len({tuple(s.variants) for s in matching}) == 1 and len(matching) > 1
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "cuda")
        text = screen_text(app)
        header = next(line for line in text.splitlines() if " hash " in line)
        assert " differing " not in header and " tag " in header
        assert "build_system=generic (" in next(line for line in text.splitlines() if " shared " in line)
