"""A catalog load in a daemon thread, started as early as the process can; whoever shows it watches it.

The browser starts it before importing its UI, so the snapshot opens while
Textual is imported and the first screen is built. Invariants: the outcome
(a catalog or one line saying why not) reaches the watcher exactly once, at
once if it came before the watcher did; progress before a watcher is kept
(the latest report) and handed over; after ``cancel`` the load stops at its
next progress report and nothing more is delivered. Quitting never waits for
it (a daemon thread: the walk of a slow file system cannot be interrupted).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from .catalog import Catalog
from .loader import LoadProgress, NoSourceError, load_catalog
from .remote.mirror import MirrorUnavailable


class LoadCancelled(Exception):
    """Raised from the progress callback to stop a load nobody waits for any more."""


@dataclass
class LoadWatcher:
    """What the load tells, each called from the load's thread (or the watcher's, for what came first)."""

    progress: Callable[[LoadProgress], object]
    loaded: Callable[[Catalog], object]
    failed: Callable[[str], object]
    notice: Callable[[str], object]  # after the catalog: what writing its snapshot had to say


def start_process_helpers() -> None:
    """Start multiprocessing's resource tracker now, while ``sys.stderr`` is the real one.

    A large first load reads pages in worker processes. Starting those launches
    the resource tracker, which passes ``sys.stderr.fileno()`` to its child;
    while a Textual app runs, ``sys.stderr`` is Textual's capture object whose
    ``fileno()`` is -1, and the launch fails ("bad value(s) in fds_to_keep").
    Once started, the tracker is reused.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # without it the loader still works for catalogs read in-process
        pass


class BackgroundLoad:
    """``load_catalog(sources)`` in a daemon thread, then the snapshot it leaves to write (``save_later``)."""

    def __init__(self, sources: Iterable[str], *, cache_dir: str | None, use_cache: bool) -> None:
        self.sources = [str(s) for s in sources]
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._watcher: LoadWatcher | None = None
        self._progress: LoadProgress | None = None  # the latest, until a watcher comes
        self._outcome: Catalog | str | None = None  # delivered to a watcher that comes later
        self._notices: list[str] = []

    def start(self) -> BackgroundLoad:
        start_process_helpers()
        threading.Thread(target=self._run, name="cachetui-load", daemon=True).start()
        return self

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def watch(self, watcher: LoadWatcher) -> None:
        """Tell ``watcher`` from now on; what came before (latest progress, outcome, notices) at once."""
        with self._lock:
            self._watcher = watcher
            progress, outcome, notices = self._progress, self._outcome, list(self._notices)
        if outcome is None and progress is not None:
            watcher.progress(progress)
        if isinstance(outcome, Catalog):
            watcher.loaded(outcome)
        elif outcome is not None:
            watcher.failed(outcome)
        for notice in notices:
            watcher.notice(notice)

    def _tell(self, what: str, value: object) -> None:
        with self._lock:
            watcher = self._watcher
            if watcher is None:
                if what == "progress":
                    self._progress = value  # type: ignore[assignment]
                elif what == "notice":
                    self._notices.append(value)  # type: ignore[arg-type]
                else:
                    self._outcome = value  # type: ignore[assignment]
                return
        if not self._cancel.is_set():
            getattr(watcher, what)(value)

    def _report(self, progress: LoadProgress) -> None:
        if self._cancel.is_set():
            raise LoadCancelled()
        self._tell("progress", progress)

    def _run(self) -> None:
        try:
            catalog = load_catalog(
                self.sources, cache_dir=self.cache_dir, use_cache=self.use_cache, progress=self._report, save_later=True
            )
        except LoadCancelled:
            return
        except (NoSourceError, MirrorUnavailable) as exc:
            self._tell("failed", str(exc))
            return
        except BrokenProcessPool:
            if not self._cancel.is_set():
                self._tell("failed", "a page-reading process died while loading")
            return
        except Exception as exc:  # one line for the loading panel rather than a traceback
            if not self._cancel.is_set():
                self._tell("failed", f"{type(exc).__name__}: {exc}")
            return
        if self._cancel.is_set():
            return
        self._tell("loaded", catalog)
        save = catalog.load_report.save_snapshot
        if save is None:
            return
        # Written once the catalog is on its way to the screen (time the user no longer waits for); a failure
        # is a notice, as when the loader writes it itself.
        before = len(catalog.notices)
        try:
            save()
        except Exception as exc:  # the catalog shown stays; the next start reads the sources again
            catalog.notices.append(f"working without a snapshot: {type(exc).__name__}: {exc}")
        for notice in catalog.notices[before:]:
            self._tell("notice", notice)
