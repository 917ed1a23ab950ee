"""The browser app: it starts, loads the catalog and routes; the ``BrowserScreen`` does the browsing.

The load (``BackgroundLoad``, a daemon thread, usually started before this
module was imported) posts progress; when it is done the browser screen gets
the catalog. The app also holds what every screen shares: the clipboard, the
keymap from the config file, and the ways out (quit, pick, signals).
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping

from textual import events, work
from textual.app import App
from textual.screen import Screen
from textual.timer import Timer

from cachetui import signals
from cachetui.catalog import (
    BackgroundLoad,
    Catalog,
    CheckReport,
    Environment,
    Host,
    LoadProgress,
    LoadWatcher,
    Spec,
    check_environment,
    revalidate,
    sample_catalog_path,
)
from cachetui.config import read_config

from .actions import keymap_from_config, letter_actions
from .ascii import as_ascii, locale_is_utf8
from .clipboard import Copier, TmuxLoader
from .commands import BrowserCommands
from .messages import (
    CatalogLoaded,
    CatalogLoadFailed,
    CatalogLoadProgress,
    CatalogNotice,
    CatalogRefreshed,
    EnvironmentChecked,
)
from .safe import plain
from .screens import BrowserScreen, EnvironmentScreen, HelpScreen, ProblemsScreen

PROGRESS_INTERVAL = 0.1
COLLECTOR_PAUSE = 1.0  # seconds from the mount: the first screen of a warm start is up well before
HOLD_SECONDS = 2.0  # keys typed ahead are held at most this long for their results
TREE_HOLD_SECONDS = 0.2  # enter on a tag node opens nothing: its held keys go on after this
NEVER_HELD = frozenset({"ctrl+q", "ctrl+c"})  # quitting is never delayed
REVALIDATE_WAIT = 5.0  # seconds the background check waits for the first screen at most
REVALIDATE_AFTER = 0.5  # seconds the background check waits after the first answer (its frames are drawn then)


MMAP_THRESHOLD = 1 << 20  # bytes: larger blocks get pages of their own, given back to the system when freed


def return_freed_memory() -> None:
    """Have glibc give large freed blocks back to the system, instead of keeping them in its heaps.

    Each query builds arrays of a few MB (a mask per row of the result) in a worker thread; glibc's
    default threshold for giving such a block pages of its own rises to 32 MB as blocks are freed, so
    they came from the heaps instead and stayed there: the browser's own memory (RssAnon) grew from
    90 to 165 MiB over a few dozen keys at 100 tags. A fixed threshold keeps it near 90 MiB
    (docs/benchmarks.md). Nothing to do elsewhere than glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass  # not glibc (musl, ...)


class CacheTuiApp(App[str | None]):
    """Browse a Spack build-cache catalog: find a package, pick a spec, copy its hash."""

    TITLE = "cachetui"
    AUTO_FOCUS = None  # focus is set explicitly: the search bar from the first frame
    COMMANDS = App.COMMANDS | {BrowserCommands}
    # A notice shows a copied command whole: at 80 columns Textual's 40-cell toast wrapped it mid-word.
    # Textual's compact footer docks the palette key one cell short of the right edge, where the
    # last key's letter showed through at 60 and 30 columns: the key is moved onto that cell.
    CSS = """
    Toast { width: auto; max-width: 100%; }
    Footer.-compact FooterKey.-command-palette { offset-x: 1; }
    """
    # ctrl+q (Textual's own binding) quits even while typing; q and the rest are in actions.py.

    def __init__(
        self,
        sources: list[str] | None = None,
        *,
        cache_dir: str | None = None,
        use_cache: bool = True,
        pick: bool = False,
        catalog: Catalog | None = None,
        environ: Mapping[str, str] | None = None,
        tmux_loader: TmuxLoader | None = None,
        host: Host | None = None,
        config: Mapping[str, object] | None = None,
        notice: str | None = None,
        ascii: bool | None = None,
        environment: Environment | None = None,
        export_dir: str | None = None,
        load: BackgroundLoad | None = None,
    ) -> None:
        super().__init__()
        self.environment = environment  # checked once the catalog is loaded (``check --browse``)
        self.environment_report: CheckReport | None = None
        self.export_dir = export_dir  # where exports are written (default: the working directory)
        self.host = host  # the machine "runs here" means; None: no marks, no filter
        self.sources = list(sources or [])
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.pick = pick
        self.catalog: Catalog | None = catalog
        self.copier = Copier(self, environ=environ, tmux_loader=tmux_loader)
        self.loading = catalog is None
        self._load = load  # the catalog's load, if it was started before the app
        self._leaving = threading.Event()  # set on the way out: background work stops telling
        return_freed_memory()
        config_problem = None
        if config is None:
            config, config_problem = read_config()
        self.keymap, self.config_problems = keymap_from_config(config)
        """Binding id -> keys, from ``[keys]`` in config.toml (see ``actions.py``)."""
        if config_problem:
            self.config_problems.insert(0, config_problem)
        self.first_notice = notice  # said once the first screen is up (the bundled sample, say)
        if ascii is None:  # --ascii, else `ascii = true` in config.toml, else the locale
            ascii = config.get("ascii") is True or not locale_is_utf8(os.environ if environ is None else environ)
        self.ascii = ascii
        self.letter_actions = letter_actions(self.keymap)
        """Actions whose keys all type text: hidden from the footer while the search bar has focus."""
        self.browser = BrowserScreen(host=host, pick=pick)
        # Keys typed ahead of what they are for (see hold_keys); from the start, until the browser is up.
        self._held: list[events.Key] | None = []
        self._hold_timer: Timer | None = None
        self.release_on_answer = False  # the next answer to a query releases the held keys

    async def on_mount(self) -> None:
        if self.ascii and self._driver is not None:  # before the first frame: the terminal gets ASCII only
            write = self._driver.write
            self._driver.write = lambda data: write(as_ascii(data))  # type: ignore[method-assign]
        self._exit_on_signals()
        self.set_timer(COLLECTOR_PAUSE, self.resume_collector)
        if self.keymap:
            self.set_keymap(self.keymap)
        await self.push_screen(self.browser)
        self.release_keys()  # keys typed while it started (`cachetui` then at once `/zlib`) go to it
        if self.first_notice:
            self.notify(plain(self.first_notice), markup=False, timeout=15)
        for problem in self.config_problems:
            self.notify(plain(problem), severity="warning", markup=False, timeout=10)
        if self.catalog is not None:
            self.browser.set_focus(self.browser.search.input)
            self._catalog_ready(self.catalog)
        else:
            # The search bar has focus while loading: keys typed from the moment Enter started the
            # browser (over a slow SSH link, before it was even drawn) are the query, in order; ctrl+q quits.
            self.browser.show_loading(True, "loading …")
            self.browser.set_focus(self.browser.search.input)
            self._watch_load()

    def resume_collector(self) -> None:
        """The cyclic collector, paused by ``run_browser`` for the start, runs again; what the start built
        (screens, widgets, the catalog) is set aside with the rest, as it lives as long."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _exit_on_signals(self) -> None:
        """SIGTERM and SIGHUP (a closed SSH session) exit cleanly, so the terminal is restored.

        Python's default would kill the process mid-frame and leave the terminal in
        the alternate screen with mouse reporting on.
        """
        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            try:
                loop.add_signal_handler(number, self._on_signal, number)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread (tests), or no signals on this platform

    def _on_signal(self, number: int) -> None:
        signals.arm(number)  # if the exit gets stuck (a terminal that is gone), the process still ends
        self.exit(None, 128 + number)

    # --- type-ahead ----------------------------------------------------------------

    def hold_keys(self, seconds: float = HOLD_SECONDS) -> None:
        """Keep the keys that arrive from now on until ``release_keys`` (or ``seconds``, at most).

        Enter in the search bar moves to the results, perhaps before its query
        has answered; keys typed after it (``j``, enter, ``y``) are meant for
        those results: not for the search text, nor for the old results.
        """
        if self._held is None:
            self._held = []
            self._hold_timer = self.set_timer(seconds, self.release_keys)

    def release_keys(self) -> None:
        """Deliver the held keys, in order, as if they had just been typed."""
        held, self._held = self._held, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        for key in held or ():
            replay = events.Key(key.key, key.character)
            replay.set_sender(self)  # as the driver's keys: a key "sent" by the screen would stop bubbling there
            self.post_message(replay)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held is not None and event.key not in NEVER_HELD:
                self._held.append(event)
                return
            if self.loading and not event.is_printable and event.key not in NEVER_HELD | {"backspace", "escape"}:
                # Typed ahead while the catalog loads: letters are the query at once, but tab, enter or
                # down are meant for results that are not there yet: they, and every key after them, are
                # held until the first answer is shown (``_catalog_ready``).
                self._held = [event]
                return
            if event.key == "enter" and self.screen is self.browser and self.browser.enter_moves_focus:
                # Enter in the search bar or on a package moves to the results: the keys after it
                # are for them. (Textual hands keys to the focused widget as it takes them from its
                # queue, so without this a burst's keys after enter would go where enter was typed.)
                await super().on_event(event)
                self.hold_keys(HOLD_SECONDS if self.browser.typing else TREE_HOLD_SECONDS)
                return
        await super().on_event(event)

    @property
    def _background_screens(self) -> list[Screen]:
        """No screen is drawn under an opaque one (every dialog here is opaque).

        Textual keeps the screen below the top one "current": it lays it out and redraws it, and each of
        its changes redraws the dialog over it (the browser's footer changes when a dialog takes the keys:
        opening the tag picker drew the screen four times). Nothing of it shows through an opaque dialog.
        """
        screens = super()._background_screens
        try:
            covered = self.screen.styles.background.a == 1
        except Exception:  # no screen yet
            return screens
        return [] if covered else screens

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in the search bar, q is a letter: hide it from the footer.
        return not (action in self.letter_actions and self.screen is self.browser and self.browser.typing)

    # --- loading ------------------------------------------------------------------

    def _watch_load(self) -> None:
        """Show the load (started by ``run_browser`` before the UI was imported, else now): progress
        (throttled), then the catalog or why there is none, then what writing its snapshot said."""
        if self._load is None:
            self._load = BackgroundLoad(self.sources, cache_dir=self.cache_dir, use_cache=self.use_cache).start()
        last = 0.0
        last_phase = ""

        def progress(report: LoadProgress) -> None:
            nonlocal last, last_phase
            now = time.monotonic()
            # Every new phase is shown (the first "parse" report used to be dropped, coming right after
            # the scan's: a large index then read under "looking for pages" for seconds).
            fresh = report.phase != last_phase
            if fresh or report.phase != "parse" or now - last >= PROGRESS_INTERVAL or report.done == report.total:
                last, last_phase = now, report.phase
                self.post_message(CatalogLoadProgress(report))

        self._load.watch(
            LoadWatcher(
                progress=progress,
                loaded=lambda catalog: self.post_message(CatalogLoaded(catalog)),
                failed=lambda reason: self.post_message(CatalogLoadFailed(reason)),
                notice=lambda text: self.post_message(CatalogNotice(text)),
            )
        )

    def _revalidate_in_background(self) -> None:
        """The snapshot was shown at once (within its TTL); check the sources and update in place.

        The check walks the source tree (seconds on a large site) in a helper process (``revalidate``),
        once the first screen is shown (or after ``REVALIDATE_WAIT`` seconds); this interpreter only
        waits for it, and reads the new snapshot if something changed.
        """

        def check() -> None:
            waited = 0.0
            while (self.loading or self.browser.busy or self.browser.view is None) and waited < REVALIDATE_WAIT:
                time.sleep(0.05)
                waited += 0.05
            # The answer is in and its frames are being drawn: the helper process starting takes a core.
            time.sleep(REVALIDATE_AFTER)
            if self._leaving.is_set():
                return
            try:
                fresh = revalidate(self.sources, cache_dir=self.cache_dir, use_cache=self.use_cache)
            except Exception:  # the shown catalog stays; the next start checks again
                return
            if fresh is not None and not self._leaving.is_set():
                self.post_message(CatalogRefreshed(fresh))

        threading.Thread(target=check, name="cachetui-revalidate", daemon=True).start()

    def on_catalog_refreshed(self, message: CatalogRefreshed) -> None:
        changed = message.catalog.load_report.changed_files
        self.catalog = message.catalog
        self.browser.show_catalog(message.catalog)
        self._check_environment(message.catalog)
        self.notify(f"catalog updated: {changed:,} page{'s' if changed != 1 else ''} changed", markup=False)

    def on_catalog_load_progress(self, message: CatalogLoadProgress) -> None:
        if self.loading:
            self.browser.loading_panel.show_progress(message.progress)

    def on_catalog_load_failed(self, message: CatalogLoadFailed) -> None:
        self.resume_collector()
        self.loading = False
        self._held = None  # keys typed ahead for a catalog that will not come
        self.browser.loading_panel.show_failure(message.reason)
        self.browser.search.show_loading("")
        self.browser.set_focus(None)  # nothing to search: q quits

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        self._catalog_ready(message.catalog)
        if message.catalog.load_report.trusted_by_ttl:
            self._revalidate_in_background()

    def on_catalog_notice(self, message: CatalogNotice) -> None:
        self.notify(plain(message.text), severity="warning", markup=False, timeout=10)

    def _catalog_ready(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.loading = False
        self.browser.show_catalog(catalog)
        self._check_environment(catalog)
        if self._held:  # keys held while it loaded: delivered once the query typed ahead has answered
            self.release_on_answer = True
            self._hold_timer = self.set_timer(HOLD_SECONDS, self.release_keys)
        if catalog.problems:
            count = len(catalog.problems)
            self.notify(
                f"{count:,} page{'s' if count != 1 else ''} could not be read fully; press p to list "
                f"{'them' if count != 1 else 'it'}.",
                title="Problems",
                severity="warning",
                markup=False,
                timeout=10,
            )
        for notice in catalog.notices:
            self.notify(plain(notice), severity="warning", markup=False, timeout=10)

    def _cancel_loading(self) -> None:
        """Stop a load in progress so quitting does not wait for it.

        The progress callback raises at its next call; page-reading processes
        (large first loads) are terminated so the loader's pool breaks at once
        instead of finishing every queued chunk.
        """
        self._leaving.set()
        if not self.loading:
            return
        if self._load is not None:
            self._load.cancel()
        for child in multiprocessing.active_children():
            child.terminate()

    # --- a checked environment --------------------------------------------------------

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check_environment(self, catalog: Catalog) -> None:
        """The environment given (``check --browse``) against the catalog; shown when done."""
        if self.environment is None:
            return
        try:
            report = check_environment(catalog, self.environment, self.host)
        except Exception as exc:  # shown, not raised: the browser stays usable
            self.call_from_thread(
                self.notify, f"could not check the environment: {type(exc).__name__}: {exc}", severity="error"
            )
            return
        self.post_message(EnvironmentChecked(report))

    def on_environment_checked(self, message: EnvironmentChecked) -> None:
        first = self.environment_report is None
        self.environment_report = message.report
        for screen in self.screen_stack:
            if isinstance(screen, EnvironmentScreen):
                screen.update_report(message.report)
        if first:
            self.push_screen(EnvironmentScreen(message.report, self.host))

    def show_environment(self) -> None:
        """E: the checked environment again (or why there is none)."""
        if self.environment is None:
            self.notify("No environment given: cachetui check FILE --browse opens one.", markup=False)
        elif self.environment_report is None:
            self.notify("Still checking the environment against the catalog.", markup=False)
        elif not isinstance(self.screen, EnvironmentScreen):
            self.push_screen(EnvironmentScreen(self.environment_report, self.host))

    # --- what every screen shares ------------------------------------------------------

    def pick_spec(self, spec: Spec) -> None:
        """Pick mode: leave the browser returning the spec's full hash."""
        if not spec.hash:
            self.notify("This spec comes from a legacy page and has no hash.", severity="warning", markup=False)
            return
        self.exit(spec.hash)

    def show_problems(self) -> None:
        if self.catalog is None:
            self.notify("Still loading; problems are listed once the catalog is read.", markup=False)
            return
        if not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.catalog.problems, self.catalog.notices))

    def action_help(self) -> None:
        """?: the help, or close it again."""
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.keymap))

    async def action_quit(self) -> None:
        self.exit(None)

    def action_leave(self) -> None:
        """``q``: quit (a separate action from ctrl+q's so that only ``q`` is hidden while typing)."""
        self.exit(None)

    def exit(self, result: str | None = None, return_code: int = 0, message=None) -> None:
        """Every way out stops a load in progress first, so leaving never waits for it."""
        self._cancel_loading()
        super().exit(result, return_code, message)

    @property
    def busy(self) -> bool:
        """True while loading, or while the browser has a query or detail requested but not yet shown."""
        return self.loading or self.browser.busy


def run_browser(
    sources: list[str],
    *,
    cache_dir: str | None,
    use_cache: bool,
    pick: bool = False,
    host: Host | None = None,
    notice: str | None = None,
    ascii: bool | None = None,
    environment: Environment | None = None,
    load: BackgroundLoad | None = None,
) -> str | None:
    """Run the browser over ``sources`` (``load``: their load, if already started); in pick mode return
    the picked spec's full hash (None if quit)."""
    app = CacheTuiApp(
        sources=sources,
        cache_dir=cache_dir,
        use_cache=use_cache,
        pick=pick,
        host=host,
        notice=notice,
        ascii=ascii,
        environment=environment,
        load=load,
    )
    # Everything imported so far lives as long as the process: the cyclic collector need not walk it
    # again on each of its full passes, which otherwise land on the first frames and on keys. It pauses
    # while the first screen is built (``CacheTuiApp.resume_collector``).
    gc.freeze()
    gc.disable()
    try:
        picked = app.run()
    finally:
        gc.enable()
    if signals.received is not None:  # however the exit unwound, a signal ended it
        raise SystemExit(128 + signals.received)
    if app.return_code:  # a crash (Textual's 1, after its report) or a signal (128 + its number)
        raise SystemExit(app.return_code)
    return picked if pick else None


def main() -> None:
    """``python -m cachetui.ui.app [PATH ...]``: browse PATHs (default: the bundled sample)."""
    import sys

    sources = sys.argv[1:] or [sample_catalog_path()]
    picked = run_browser(sources, cache_dir=None, use_cache=True, pick=False)
    if picked:
        print(picked)


if __name__ == "__main__":
    main()
