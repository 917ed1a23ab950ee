"""The loading panel's words and bar: files counted when there are many; one file (an index) just read."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import ProgressBar

from cachetui.catalog import LoadProgress
from cachetui.ui.widgets.loading import LoadingPanel, describe


def test_many_files_are_counted_with_their_bytes():
    text = describe(LoadProgress("parse", 1200, 130_000, 5 << 20, 1536 << 20))
    assert text == "reading 1,200 of 130,000 files (5.0 MiB of 1.5 GiB) …"


def test_one_file_is_not_counted():
    """A v3 mirror is one manifest of 250 bytes naming a blob of hundreds of MB: neither count nor size helps."""
    assert describe(LoadProgress("parse", 0, 1, 0, 243)) == "reading 1 file …"


class PanelApp(App):
    def compose(self) -> ComposeResult:
        yield LoadingPanel()


async def test_the_bar_pulses_for_one_file_and_fills_for_many():
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(LoadingPanel)
        bar = app.query_one(ProgressBar)
        panel.show_progress(LoadProgress("parse", 0, 1, 0, 243 << 20))
        await pilot.pause()
        assert bar.total is None  # indeterminate: a single file gives no steps to count
        panel.show_progress(LoadProgress("parse", 30, 120, 0, 0))
        await pilot.pause()
        assert (bar.total, bar.progress) == (120, 30)
