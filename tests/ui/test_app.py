"""The loading state: progress while the catalog is built in a thread, failure, and quitting mid-load."""

from __future__ import annotations

import threading
import time

from browser_helpers import screen_text, settle

import cachetui.catalog.background as background
from cachetui.catalog import LoadProgress, sample_catalog_path
from cachetui.ui.app import CacheTuiApp


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition():
        await pilot.pause(0.05)
        waited += 0.05
        assert waited < timeout, "condition never became true"


async def test_loads_in_a_thread_then_shows_the_catalog(tmp_path):
    app = CacheTuiApp(sources=[sample_catalog_path()], cache_dir=str(tmp_path), use_cache=True, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: not app.loading)
        await settle(pilot)
        assert app.browser.panes_shown and app.browser.main_area.visible
        assert "31 packages / " in screen_text(app)
        assert next(node.data.tag for node in app.browser.package_tree.root.children) == "develop"


async def test_progress_is_shown_and_quit_works_while_loading(monkeypatch):
    stopped = threading.Event()
    reports = []

    def slow_load(sources, *, cache_dir, use_cache, progress, **options):
        try:
            for done in range(100_000):
                progress(LoadProgress("parse", done, 100_000, done * 1000, 100_000_000))
                reports.append(done)
                time.sleep(0.002)
        finally:
            stopped.set()
        raise AssertionError("the load was never cancelled")

    monkeypatch.setattr(background, "load_catalog", slow_load)
    app = CacheTuiApp(sources=["/nowhere"], environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(reports) > 50)
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Loading the catalog" in text
        assert "reading " in text and "of 100,000 files" in text
        assert "type your search now" in text and "ctrl+q quits" in text
        # The panes are laid out under the panel (the first answer needs no layout of its own), out of reach.
        assert app.browser.table.size.width > 0 and app.browser.main_area.disabled
        await pilot.press("tab")
        assert app.focused not in (app.browser.package_tree, app.browser.table)  # hidden panes take no focus
        await pilot.press("ctrl+q")
    assert stopped.wait(2.0), "the loading thread kept running after quit"
    assert app.return_value is None


async def test_missing_sources_are_reported_not_raised(tmp_path):
    missing = str(tmp_path / "no-such-dir")
    app = CacheTuiApp(sources=[missing], cache_dir=str(tmp_path), use_cache=False, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Could not load the catalog" in screen_text(app))
        assert "no such file or directory" in screen_text(app)
        await pilot.press("q")
    assert app.return_value is None


async def test_typing_while_loading_runs_the_query_once_loaded(tmp_path, monkeypatch):
    import threading

    gate = threading.Event()  # the load waits until the keys are typed: they are typed while it runs
    real = background.load_catalog

    def gated(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(background, "load_catalog", gated)
    app = CacheTuiApp(sources=[sample_catalog_path()], cache_dir=str(tmp_path), use_cache=False, environ={})
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"zlib")
        assert app.loading
        gate.set()
        await wait_for(pilot, lambda: not app.loading)
        await settle(pilot)
        # The query typed ahead runs once the catalog is there: the tree shows its two packages, no others.
        await wait_for(pilot, lambda: "2 packages" in screen_text(app))
        tree_lines = [line.split("▏")[0].strip() for line in screen_text(app).splitlines()[3:] if "▏" in line]
        assert [line.split()[1] for line in tree_lines if line.startswith("▶")] == ["zlib", "zlib-ng"]


async def test_a_new_phase_is_shown_even_right_after_the_last(monkeypatch):
    """The scan's report and the first "parse" one come within a millisecond; the second used to be
    dropped by the throttle, so a large index was read for seconds under "looking for pages"."""
    release = threading.Event()

    def one_big_index(sources, *, cache_dir, use_cache, progress, **options):
        progress(LoadProgress("scan", 1))
        progress(LoadProgress("parse", 0, 1, 0, 243))
        release.wait(10)
        raise AssertionError("released")

    monkeypatch.setattr(background, "load_catalog", one_big_index)
    app = CacheTuiApp(sources=["/nowhere"], environ={})
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: "reading 1 file" in screen_text(app))
            assert "looking for" not in screen_text(app)
            await pilot.press("ctrl+q")
    finally:
        release.set()


async def test_a_cold_catalog_is_shown_before_its_snapshot_is_written(tmp_path, monkeypatch):
    """The snapshot of a cold load is written once the catalog is on its way to the screen; a second
    start opens it."""
    import cachetui.catalog.loader as loader_module

    shown = threading.Event()
    waited = []
    real_write = loader_module.write_snapshot

    def write_once_shown(path, data):
        waited.append(shown.wait(5))  # a write before the catalog is shown would hold up the showing: False
        real_write(path, data)

    monkeypatch.setattr(loader_module, "write_snapshot", write_once_shown)
    app = CacheTuiApp(sources=[sample_catalog_path()], cache_dir=str(tmp_path), use_cache=True, environ={})
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "31 packages / " in screen_text(app))
        assert not list(tmp_path.glob("*.snap"))
        shown.set()
        await wait_for(pilot, lambda: app.catalog is not None and app.catalog.load_report.snapshot_written)
        await pilot.press("q")
    assert waited == [True] and list(tmp_path.glob("*.snap"))
    again = CacheTuiApp(sources=[sample_catalog_path()], cache_dir=str(tmp_path), use_cache=True, environ={})
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: not again.loading)
        assert (
            again.catalog is not None
            and again.catalog.load_report.from_snapshot
            and not again.catalog.load_report.snapshot_written
        )
        await pilot.press("q")


async def test_a_mirror_url_that_cannot_be_reached_is_one_line_in_the_loading_panel(tmp_path):
    """No kept copy and no server: the panel names the URL in one line (no traceback), and q quits."""
    import socket

    from browser_helpers import RecordingApp, screen_text

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/mirror"
    app = RecordingApp(sources=[url], cache_dir=str(tmp_path / "cache"), environ={}, config={})
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if not app.loading:
                break
        text = screen_text(app)
        assert "Could not load the catalog" in text
        assert url in text and "no copy" in text and "Traceback" not in text
        await pilot.press("q")
    assert app.return_code in (None, 0)
