"""BackgroundLoad: the catalog's load in a thread, told to a watcher that may come after it ended."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

import cachetui.catalog.background as background
from cachetui.catalog import BackgroundLoad, LoadProgress, LoadWatcher, load_catalog, sample_catalog_path


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.done = threading.Event()

    def watcher(self) -> LoadWatcher:
        def note(kind: str, end: bool = False):
            def tell(value: object) -> None:
                self.events.append((kind, value))
                if end:
                    self.done.set()

            return tell

        return LoadWatcher(note("progress"), note("loaded", True), note("failed", True), note("notice"))

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]


def wait_until(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_watcher_that_comes_after_the_load_gets_the_catalog_once_and_the_snapshot_is_written(tmp_path):
    source = tmp_path / "sample"
    shutil.copytree(sample_catalog_path(), source)
    load = BackgroundLoad([str(source)], cache_dir=str(tmp_path / "cache"), use_cache=True).start()
    wait_until(lambda: any((tmp_path / "cache").rglob("*.snap")) if (tmp_path / "cache").exists() else False)
    recorder = Recorder()
    load.watch(recorder.watcher())
    assert recorder.kinds().count("loaded") == 1 and "failed" not in recorder.kinds()
    assert "progress" not in recorder.kinds()  # the load had ended: no stale progress after the outcome
    catalog = next(value for kind, value in recorder.events if kind == "loaded")
    fresh = load_catalog([str(source)], use_cache=False)
    assert catalog.num_specs == fresh.num_specs and catalog.packages == fresh.packages
    warm = load_catalog([str(source)], cache_dir=str(tmp_path / "cache"))
    assert warm.load_report.from_snapshot and warm.num_specs == fresh.num_specs


def test_progress_before_the_watcher_is_handed_over_then_the_outcome(monkeypatch):
    gate = threading.Event()
    reported = threading.Event()

    def gated(sources, *, progress, **options):
        progress(LoadProgress("scan", 1, 2, 0, 0))
        progress(LoadProgress("parse", 5, 10, 0, 0))
        reported.set()
        gate.wait(10)
        progress(LoadProgress("parse", 10, 10, 0, 0))
        return load_catalog([sample_catalog_path()], use_cache=False)

    monkeypatch.setattr(background, "load_catalog", gated)
    load = BackgroundLoad(["x"], cache_dir=None, use_cache=False).start()
    assert reported.wait(10)
    recorder = Recorder()
    load.watch(recorder.watcher())
    assert recorder.events == [("progress", LoadProgress("parse", 5, 10, 0, 0))]  # the latest, not every one
    gate.set()
    assert recorder.done.wait(20)
    assert recorder.kinds() == ["progress", "progress", "loaded"]


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (OSError("disk gone"), "OSError: disk gone"),
        (background.NoSourceError(["/x"]), "no such file or directory: /x"),
    ],
)
def test_a_failed_load_is_one_line_for_the_watcher(monkeypatch, error, line):
    def failing(sources, **options):
        raise error

    monkeypatch.setattr(background, "load_catalog", failing)
    recorder = Recorder()
    load = BackgroundLoad(["x"], cache_dir=None, use_cache=False)
    load.watch(recorder.watcher())
    load.start()
    assert recorder.done.wait(10)
    assert recorder.events == [("failed", line)]


def test_a_cancelled_load_stops_at_its_next_report_and_tells_nothing(monkeypatch):
    stopped = threading.Event()

    def endless(sources, *, progress, **options):
        try:
            while True:
                progress(LoadProgress("parse", 1, 2, 0, 0))
                time.sleep(0.002)
        finally:
            stopped.set()

    monkeypatch.setattr(background, "load_catalog", endless)
    recorder = Recorder()
    load = BackgroundLoad(["x"], cache_dir=None, use_cache=False)
    load.watch(recorder.watcher())
    load.start()
    wait_until(lambda: len(recorder.events) > 3)
    load.cancel()
    assert stopped.wait(5) and load.cancelled
    seen = len(recorder.events)
    time.sleep(0.05)
    assert len(recorder.events) == seen and "failed" not in recorder.kinds() and "loaded" not in recorder.kinds()
