"""The browser app: search bar, package tree, detail pane, copy keys; and the CLI's entry point.

Work that grows with the catalog (queries, summaries, sorting) runs in thread
workers, newest request wins (``exclusive=True``), so typing stays smooth on
a 3-million-spec catalog; the widgets only render what the workers computed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import threading
import time
from collections.abc import Mapping
from concurrent.futures.process import BrokenProcessPool

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.events import DescendantFocus, Resize
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from cachetui.catalog import (
    LEGACY_TAG,
    Catalog,
    LoadProgress,
    NoSourceError,
    QueryError,
    Spec,
    install_command,
    is_valid_hash,
    load_catalog,
    mirror_add_command,
    sample_catalog_path,
)
from cachetui.catalog.microarch import Host
from cachetui.catalog.tags import is_release

from .clipboard import Copier, TmuxLoader
from .commands import BrowserCommands
from .messages import (
    CatalogLoaded,
    CatalogLoadFailed,
    CatalogLoadProgress,
    CatalogRefreshed,
    DetailReady,
    QueryEdited,
    QueryFinished,
    QuerySubmitted,
    SelectionChanged,
    SelectionOpened,
    SortRequested,
    SpecChosen,
    SpecDetailsRequested,
)
from .model import (
    GROUP_BY_PACKAGE,
    GROUP_BY_TAG,
    BrowseModel,
    DetailData,
    DiffMode,
    QueryView,
    Selection,
    SortOrder,
)
from .safe import plain
from .screens import HelpScreen, ProblemsScreen, SpecScreen, TagPairScreen
from .widgets import DetailPane, LoadingPanel, PackageTree, SearchBar, SpecTable
from .widgets.search import QueryInput

QUERY_DEBOUNCE = 0.04  # seconds of quiet typing before a query runs
DETAIL_DEBOUNCE = 0.08  # holding j/k in the tree (key repeat) computes only where the cursor stops
NARROW_WIDTH = 100  # below this, the tree is narrower and hides while the spec table has focus
SHORT_HEIGHT = 32  # below this (or narrow), the summary folds to one line while the spec table has focus
START_HINT = "type a package name and spec terms, e.g. cmake +ownlibs os=ubuntu22.04 · enter: results · f1: help"
PICK_HINT = "pick a spec: search, then enter on a spec row prints its hash and exits · f1: help"
PROGRESS_INTERVAL = 0.1

# Single-letter actions: hidden from the footer while the search bar has focus (letters type there).
LETTER_ACTIONS = frozenset(
    {
        "focus_search",
        "toggle_grouping",
        "copy_hash",
        "copy_short_hash",
        "copy_install",
        "copy_mirror",
        "show_problems",
        "leave",
    }
)


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


def _names(view: QueryView) -> tuple[str, ...]:
    """The package words of a query (what ranks the packages)."""
    return view.result.query.names if view.result is not None else ()


class LoadCancelled(Exception):
    """Raised from the progress callback to stop a load the user no longer wants."""


class CacheTuiApp(App[str | None]):
    """Browse a Spack build-cache catalog: find a package, pick a spec, copy its hash."""

    CSS_PATH = "app.tcss"
    TITLE = "cachetui"
    AUTO_FOCUS = None  # focus is set explicitly: nothing while loading, so q quits
    COMMANDS = App.COMMANDS | {BrowserCommands}
    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("escape", "back", "Back"),
        Binding("tab", "focus_next", "Panes", show=False),
        Binding("g", "toggle_grouping", "Group"),
        Binding("y", "copy_hash", "Hash"),
        Binding("Y", "copy_short_hash", "/hash7", show=False),
        Binding("i", "copy_install", "Install"),
        Binding("m", "copy_mirror", "Mirror"),
        Binding("H", "toggle_here", "Runs here", show=False),
        Binding("D", "compare_tags", "Diff", show=False),
        Binding("p", "show_problems", "Problems", show=False),
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "leave", "Quit"),  # ctrl+q (Textual's own binding) quits too, even while typing
    ]
    query_debounce = QUERY_DEBOUNCE
    detail_debounce = DETAIL_DEBOUNCE

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
    ) -> None:
        super().__init__()
        self.host = host  # the machine "runs here" means; None: no marks, no filter
        self.here_only = False
        self.diff: DiffMode | None = None  # comparing two tags
        self.sources = list(sources or [])
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self.pick = pick
        self.catalog: Catalog | None = catalog
        self.model: BrowseModel | None = None
        self.view: QueryView | None = None  # the last query that ran without error
        self.grouping = GROUP_BY_TAG
        self.grouping_chosen = False  # until the user presses g, a query switches to packages -> tags
        self.sort = SortOrder()
        self.copier = Copier(self, environ=environ, tmux_loader=tmux_loader)
        self.loading = catalog is None
        self._load_cancel = threading.Event()
        if catalog is None:
            start_process_helpers()
        self._query_timer: Timer | None = None
        self._detail_timer: Timer | None = None
        self._wanted = Selection()  # what the detail pane should show
        self._detail_key: tuple | None = None  # (selection, query text) last sent to the detail worker
        # Requests sent to workers and answers handled, so tests (and `busy`) know when all is shown.
        self._query_requested = self._query_answered = 0
        self._detail_requested = self._detail_answered = 0
        self._focus_table_on_detail = False
        self._focus_after_query: str | None = None  # "tree" or "table" once the submitted query's results show

    # --- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        with Horizontal(id="main"):
            yield PackageTree(id="tree")
            yield DetailPane(id="detail")
        yield LoadingPanel(id="loading")
        yield Footer(compact=True)

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
                loop.add_signal_handler(number, self.exit, None, 128 + number)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread (tests), or no signals on this platform

    # The browser's widgets live on the first screen; these work while a dialog is on top too.

    def _main_widget(self, selector: str, kind: type):
        return self.screen_stack[0].query_one(selector, kind)

    @property
    def search(self) -> SearchBar:
        return self._main_widget("#search", SearchBar)

    @property
    def tree(self) -> PackageTree:  # type: ignore[override]  # DOMNode.tree (a debug view of the DOM) is unused here
        return self._main_widget("#tree", PackageTree)

    @property
    def detail(self) -> DetailPane:
        return self._main_widget("#detail", DetailPane)

    @property
    def table(self) -> SpecTable:
        return self._main_widget("#specs", SpecTable)

    @property
    def main_area(self) -> Horizontal:
        return self._main_widget("#main", Horizontal)

    @property
    def loading_panel(self) -> LoadingPanel:
        return self._main_widget("#loading", LoadingPanel)

    def on_mount(self) -> None:
        self._exit_on_signals()
        self._fit_size(self.size.width, self.size.height)
        self.search.show_host(str(self.host) if self.host is not None else "")
        if self.catalog is not None:
            self.search.input.focus()
            self._catalog_ready(self.catalog)
        else:
            # Nothing focused while loading, so q quits at once; / starts typing a search ahead.
            self._show_loading(True)
            self.search.show_loading("loading …")
            self._load_catalog()

    def on_resize(self, event: Resize) -> None:
        try:
            self._fit_size(event.size.width, event.size.height)
        except (NoMatches, IndexError):
            pass  # not composed yet; on_mount fits the layout

    def _fit_size(self, width: int, height: int) -> None:
        self.main_area.set_class(width < NARROW_WIDTH, "-narrow")
        self.main_area.set_class(width < NARROW_WIDTH or height < SHORT_HEIGHT, "-compact")

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # In a narrow terminal the tree steps aside while the spec table has focus.
        self.main_area.set_class(isinstance(event.widget, SpecTable), "-table-focus")

    def _show_loading(self, loading: bool) -> None:
        self.loading_panel.display = loading
        self.main_area.display = not loading

    def _update_tree_title(self) -> None:
        title = "tags › packages" if self.effective_grouping == GROUP_BY_TAG else "packages › tags"
        if self.diff is not None:
            title = f"diff {self.diff.tag_a} → {self.diff.tag_b} · {title}"
        self.tree.border_title = title

    # --- loading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load_catalog(self) -> None:
        """Supervise the load, which runs in a daemon thread of its own.

        Quitting must not wait for a load: Python waits for worker threads at
        exit, and the loader cannot be interrupted while it walks the source
        tree (minutes on a slow file system). So the load runs in a daemon
        thread and this worker only waits for it, returning as soon as the user
        quits; an abandoned daemon thread does not hold up the exit.
        """
        done = threading.Event()
        loader = threading.Thread(target=self._load_in_background, args=(done,), name="cachetui-load", daemon=True)
        loader.start()
        while not done.wait(0.1):
            if self._load_cancel.is_set():
                return

    def _load_in_background(self, done: threading.Event) -> None:
        """Build the catalog; progress is posted (throttled) to the UI, as is the result or the failure."""
        last = 0.0

        def progress(report: LoadProgress) -> None:
            nonlocal last
            if self._load_cancel.is_set():
                raise LoadCancelled()
            now = time.monotonic()
            if report.phase != "parse" or now - last >= PROGRESS_INTERVAL or report.done == report.total:
                last = now
                self.post_message(CatalogLoadProgress(report))

        try:
            catalog = load_catalog(self.sources, cache_dir=self.cache_dir, use_cache=self.use_cache, progress=progress)
        except LoadCancelled:
            return
        except NoSourceError as exc:
            self.post_message(CatalogLoadFailed(str(exc)))
            return
        except BrokenProcessPool:
            if not self._load_cancel.is_set():
                self.post_message(CatalogLoadFailed("a page-reading process died while loading"))
            return
        except Exception as exc:  # shown in the loading panel rather than as a traceback
            if not self._load_cancel.is_set():
                self.post_message(CatalogLoadFailed(f"{type(exc).__name__}: {exc}"))
            return
        finally:
            done.set()
        if not self._load_cancel.is_set():
            self.post_message(CatalogLoaded(catalog))
            if catalog.trusted_by_ttl:
                self._revalidate_in_background()

    def _revalidate_in_background(self) -> None:
        """The snapshot was shown at once (within its TTL); check the sources now and update in place."""

        def check() -> None:
            try:
                fresh = load_catalog(self.sources, cache_dir=self.cache_dir, use_cache=self.use_cache, refresh=True)
            except Exception:  # the shown catalog stays; the next start checks again
                return
            if not self._load_cancel.is_set() and (fresh.changed_files or not fresh.from_snapshot):
                self.post_message(CatalogRefreshed(fresh))

        threading.Thread(target=check, name="cachetui-revalidate", daemon=True).start()

    def on_catalog_refreshed(self, message: CatalogRefreshed) -> None:
        changed = message.catalog.changed_files
        self.catalog = message.catalog
        self.model = BrowseModel(message.catalog, self.host)
        if self.diff is not None:
            self.diff = self.model.compare(self.diff.tag_a, self.diff.tag_b)
        self._request_query(self.search.text)
        self.notify(f"catalog updated: {changed:,} page{'s' if changed != 1 else ''} changed", markup=False)

    def on_catalog_load_progress(self, message: CatalogLoadProgress) -> None:
        if self.loading:
            self.loading_panel.show_progress(message.progress)

    def on_catalog_load_failed(self, message: CatalogLoadFailed) -> None:
        self.loading = False
        self.loading_panel.show_failure(message.reason)
        self.search.show_loading("")

    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        self._catalog_ready(message.catalog)

    def _catalog_ready(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.model = BrowseModel(catalog, self.host)
        self.loading = False
        self._show_loading(False)
        if self.focused is None:
            self.search.input.focus()
        self._update_tree_title()
        self._request_query(self.search.text)
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
        if not self.loading:
            return
        self._load_cancel.set()
        for child in multiprocessing.active_children():
            child.terminate()

    # --- queries ------------------------------------------------------------------

    def on_query_edited(self, message: QueryEdited) -> None:
        if self.model is None:
            return
        if self._query_timer is not None:
            self._query_timer.stop()
        self._query_timer = self.set_timer(self.query_debounce, self._start_query)

    def _start_query(self) -> None:
        self._query_timer = None
        self._request_query(self.search.text)

    def _request_query(self, text: str) -> None:
        self._query_requested += 1
        self._run_query(text, self._query_requested)

    @work(thread=True, exclusive=True, group="query", exit_on_error=False)
    def _run_query(self, text: str, generation: int) -> None:
        model = self.model
        if model is None:
            return
        try:
            view, error = model.run_query(text, self.here_only, self.diff), None
        except QueryError as exc:
            view, error = None, exc
        except Exception as exc:  # a bug must not leave the results stale without a word
            view, error = None, QueryError(f"could not run this query ({type(exc).__name__}: {exc})")
        if not get_current_worker().is_cancelled:
            self.post_message(QueryFinished(text, view, error, generation))

    def on_query_finished(self, message: QueryFinished) -> None:
        self._query_answered = max(self._query_answered, message.generation)
        if message.generation < self._query_requested or message.text != self.search.text or self.model is None:
            return  # the user typed on; a newer query is on its way
        if message.error is not None or message.view is None:
            self.search.show_hint(message.error.message if message.error else "", error=True)
            if self.view is not None:
                self.search.show_counter(
                    len(self.view.packages), self.view.num_specs, everything=self.view.is_empty, stale=True
                )
            if self._focus_after_query is not None:
                self._focus_after_query = None
                self.tree.focus()
            return
        view = message.view
        previous = self.view
        self.view = view
        self._update_tree_title()
        # The cursor stays where it was when only spec terms changed; new package words start on the best match.
        keep = self.tree.selection if previous is not None and _names(previous) == _names(view) else None
        if not view.is_empty and (previous is None or previous.is_empty) and not self.grouping_chosen:
            keep = None  # a fresh search starts on its best match
        selected = self.tree.show(self.model, view, self.effective_grouping, keep=self._map_selection(keep))
        tip = PICK_HINT if self.pick else START_HINT
        self.search.show_hint(view.hint or (tip if view.is_empty else ""), tip=view.is_empty)
        self.search.show_counter(
            len(view.packages),
            view.num_specs,
            everything=view.is_empty,
            here=view.here,
            here_only=view.here_only,
            before_here=view.before_here,
            diff=(view.diff.tag_a, view.diff.tag_b, view.added, view.removed) if view.diff else None,
        )
        self._select(selected, debounce=False)
        if self._focus_after_query is not None:
            target, self._focus_after_query = self._focus_after_query, None
            self._focus_results(target)

    def on_query_submitted(self, message: QuerySubmitted) -> None:
        """Enter in the search bar: a hash search goes to the spec table, anything else to the tree.

        If the results of the text are not shown yet, focus moves when they are,
        so keys typed ahead act on the new results rather than the old ones.
        """
        if self.loading or self.model is None:
            return  # the results are not there yet; the query runs once the catalog is loaded
        if self._query_timer is not None:
            self._query_timer.stop()
            self._start_query()
        target = "table" if "/" in message.text else "tree"
        if self._query_answered < self._query_requested:
            self._focus_after_query = target
        else:
            self._focus_results(target)

    def _focus_results(self, target: str) -> None:
        if target == "table":
            self._focus_table_on_detail = True
            self.table.focus()
        else:
            self.tree.focus()

    @property
    def effective_grouping(self) -> str:
        if self.grouping_chosen:
            return self.grouping
        return GROUP_BY_PACKAGE if self.view is not None and not self.view.is_empty else GROUP_BY_TAG

    def _map_selection(self, selection: Selection | None) -> Selection | None:
        """The top-level node to keep the cursor on after a rebuild, in the current grouping."""
        if selection is None:
            return None
        if self.effective_grouping == GROUP_BY_PACKAGE:
            return Selection(None, selection.package) if selection.package else None
        return Selection(selection.tag, None) if selection.tag else None

    # --- detail -------------------------------------------------------------------

    def on_selection_changed(self, message: SelectionChanged) -> None:
        self._select(message.selection)

    def _select(self, selection: Selection, *, debounce: bool = True) -> None:
        """Show ``selection`` in the detail pane (computed in a worker)."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        self._wanted = selection
        if (selection, self.view.key if self.view else None) == self._detail_key:
            return  # already shown, or on its way
        if debounce:
            self._detail_timer = self.set_timer(self.detail_debounce, self._start_detail)
        else:
            self._start_detail()

    def _start_detail(self) -> None:
        self._detail_timer = None
        self._detail_key = (self._wanted, self.view.key if self.view else None)
        if self._wanted.is_empty or self.view is None or self.model is None:
            self._detail_answered = self._detail_requested
            no_match = self.view is not None and not self.view.packages
            self.detail.show_nothing("no matches" if no_match else "select a tag or package")
            return
        self._detail_requested += 1
        self._compute_detail(self.model, self.view, self._wanted, self.sort, self._detail_requested)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _compute_detail(
        self, model: BrowseModel, view: QueryView, selection: Selection, sort: SortOrder, generation: int
    ) -> None:
        try:
            message = DetailReady(model.detail(view, selection, sort), generation)
        except Exception as exc:  # a bug must not leave the pane stale without a word
            message = DetailReady(None, generation, error=f"{type(exc).__name__}: {exc}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _resort_detail(self, model: BrowseModel, data: DetailData, sort: SortOrder, generation: int) -> None:
        try:
            message = DetailReady(model.resort(data, sort), generation)
        except Exception as exc:
            message = DetailReady(None, generation, error=f"{type(exc).__name__}: {exc}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_detail_ready(self, message: DetailReady) -> None:
        self._detail_answered = max(self._detail_answered, message.generation)
        if message.data is None:
            if message.generation >= self._detail_requested:
                self.detail.show_nothing(f"could not show this selection: {plain(message.error)}")
            return
        data = message.data
        if (
            message.generation < self._detail_requested
            or self.view is None
            or data.selection != self._wanted
            or data.query_text != self.view.text
        ):
            return  # outdated: the selection or the query changed meanwhile
        # The cursor stays on its spec across a re-sort or a narrower query that still matches it.
        previous, spec = self.detail.data, self.table.current_spec
        keep = spec.row if spec is not None and previous is not None and previous.selection == data.selection else None
        self.detail.show(data, keep)
        if self._focus_table_on_detail:
            self._focus_table_on_detail = False
            self.table.focus()

    def on_selection_opened(self, message: SelectionOpened) -> None:
        self.table.focus()

    def on_sort_requested(self, message: SortRequested) -> None:
        self.sort = message.sort
        if self.detail.data is not None and self.model is not None:
            self._detail_requested += 1
            self._resort_detail(self.model, self.detail.data, message.sort, self._detail_requested)

    def on_spec_chosen(self, message: SpecChosen) -> None:
        if self.pick:
            self.pick_spec(message.spec)
        else:
            self.push_screen(SpecScreen(message.spec, pick=self.pick, host=self.host))

    def on_spec_details_requested(self, message: SpecDetailsRequested) -> None:
        self.push_screen(SpecScreen(message.spec, pick=self.pick, host=self.host))

    def pick_spec(self, spec: Spec) -> None:
        """Pick mode: leave the browser returning the spec's full hash."""
        if not spec.hash:
            self.notify("This spec comes from a legacy page and has no hash.", severity="warning", markup=False)
            return
        self.exit(spec.hash)

    # --- the current spec and copying ----------------------------------------------

    def current_spec(self) -> Spec | None:
        """The spec the copy keys act on: the open spec, else the spec table's cursor row."""
        if isinstance(self.screen, SpecScreen):
            return self.screen.spec
        return self.table.current_spec

    def _spec_with_hash(self) -> Spec | None:
        spec = self.current_spec()
        if spec is None:
            self.notify(
                "No spec selected: choose a package, then a row of the spec table.", severity="warning", markup=False
            )
            return None
        if not spec.hash:
            self.notify("This spec comes from a legacy page and has no hash.", severity="warning", markup=False)
            return None
        if not is_valid_hash(spec.hash):
            self.notify("This spec's hash is not a valid Spack hash; not copied.", severity="warning", markup=False)
            return None
        return spec

    def action_copy_hash(self) -> None:
        spec = self._spec_with_hash()
        if spec is not None and spec.hash:
            self.copier.copy(spec.hash, "full hash")

    def action_copy_short_hash(self) -> None:
        spec = self._spec_with_hash()
        if spec is not None and spec.hash:
            self.copier.copy("/" + spec.hash[:7], "short hash")

    def action_copy_install(self) -> None:
        spec = self._spec_with_hash()
        command = install_command(spec.hash) if spec is not None else None
        if command:
            self.copier.copy(command, "install command")

    def action_copy_mirror(self) -> None:
        spec = self.current_spec()
        tag = spec.tag if spec is not None else self.tree.selection.tag
        if tag is None:
            self.notify("No tag selected: choose a tag, or a spec of one.", severity="warning", markup=False)
            return
        command = mirror_add_command(
            tag, spec.source if spec is not None else self.model.source_of_tag(tag) if self.model else None
        )
        if tag == LEGACY_TAG:
            self.notify(
                "Legacy pages are not a mirror tag; there is no mirror to add.", severity="warning", markup=False
            )
        elif command is None:
            self.notify(
                f"The tag name '{plain(tag)}' has characters no command line should carry; not copied.",
                severity="warning",
                markup=False,
            )
        else:
            self.copier.copy(command, "mirror command")

    # --- other actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in the search bar letters are text: hide their actions from the footer.
        return not (action in LETTER_ACTIONS and isinstance(self.focused, Input))

    def action_focus_search(self) -> None:
        if self.screen is not self.screen_stack[0]:
            self.pop_screen()
        self.search.input.focus()

    def action_clear_search(self) -> None:
        self.search.set_text("")
        self.search.input.focus()

    def action_focus_results(self) -> None:
        self.tree.focus()

    async def action_back(self) -> None:
        """esc: clear the search, or go back one step (spec table -> tree -> search)."""
        focused = self.focused
        if isinstance(focused, QueryInput):
            if focused.value:
                self.search.set_text("")
            else:
                self.tree.focus()
        elif focused is self.table:
            self.tree.focus()
        else:
            self.search.input.focus()

    def action_toggle_here(self) -> None:
        """H: show only the specs that run on this machine (or --host), or all of them again."""
        if self.host is None:
            self.notify(
                "No machine is known here (archspec could not tell); start with --host.",
                severity="warning",
                markup=False,
            )
            return
        self.here_only = not self.here_only
        if self.model is not None:
            self._request_query(self.search.text)

    def action_compare_tags(self) -> None:
        """D: compare two tags (only added and removed specs, marked + and -), or stop comparing."""
        if self.catalog is None or self.model is None:
            return
        if self.diff is not None:
            self.diff = None
            self._update_tree_title()
            self._request_query(self.search.text)
            return
        tags = self.catalog.tags
        releases = [t for t in tags if is_release(t)]
        newest = "develop" if "develop" in tags else (tags[0] if tags else None)
        self.push_screen(TagPairScreen(tags, releases[0] if releases else None, newest), self._compare)

    def _compare(self, pair: tuple[str, str] | None) -> None:
        if pair is None or self.model is None:
            return
        self.diff = self.model.compare(*pair)
        self._update_tree_title()
        self._request_query(self.search.text)

    def action_toggle_grouping(self) -> None:
        keep = self.tree.selection
        self.grouping = GROUP_BY_PACKAGE if self.effective_grouping == GROUP_BY_TAG else GROUP_BY_TAG
        self.grouping_chosen = True
        self._update_tree_title()
        if self.model is not None and self.view is not None:
            self._select(self.tree.show(self.model, self.view, self.grouping, keep=self._map_selection(keep)))

    def action_open_spec(self) -> None:
        spec = self.table.current_spec
        if spec is not None:
            self.push_screen(SpecScreen(spec, pick=self.pick, host=self.host))

    def action_sort_next(self) -> None:
        self.table.action_sort_next()

    def action_sort_reverse(self) -> None:
        self.table.action_sort_reverse()

    def action_show_problems(self) -> None:
        if self.catalog is None:
            self.notify("Still loading; problems are listed once the catalog is read.", markup=False)
            return
        if not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen(self.catalog.problems, self.catalog.notices))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self.exit(None)

    def action_leave(self) -> None:
        """``q``: quit (a separate action from ctrl+q's so that only ``q`` is hidden while typing)."""
        self.exit(None)

    def exit(self, result: str | None = None, return_code: int = 0, message=None) -> None:
        """Every way out stops a load in progress first, so leaving never waits for it."""
        self._cancel_loading()
        super().exit(result, return_code, message)

    # --- for tests ----------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while loading, or while a query or detail is requested but not yet shown (tests wait on this)."""
        if self.loading or self._query_timer is not None or self._detail_timer is not None:
            return True
        return self._query_answered < self._query_requested or self._detail_answered < self._detail_requested


def run_browser(
    sources: list[str], *, cache_dir: str | None, use_cache: bool, pick: bool = False, host: Host | None = None
) -> str | None:
    """Run the browser over ``sources``; in pick mode return the picked spec's full hash (None if quit)."""
    app = CacheTuiApp(sources=sources, cache_dir=cache_dir, use_cache=use_cache, pick=pick, host=host)
    picked = app.run()
    if (app.return_code or 0) >= 128:  # ended by a signal: the caller exits with 128 + its number
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
