"""The browser's main screen: search bar, package tree, detail pane; it owns what the user is looking at.

The state is a handful of reactive attributes: the query text, the "runs
here" filter, the compared tags, the grouping, the tree selection and the
table order. Their watchers start thread workers (``exclusive=True``: the
newest request of a kind wins); every request carries a generation number, and
an answer older than the newest request is dropped, so a stale result never
reaches the screen. There is no debounce: a keystroke's query starts at once,
unless one is still running; then the latest text runs as soon as it is done
(keys typed meanwhile are not run one by one). A running thread cannot be
stopped, and two would share one interpreter lock: the screen settled
sooner this way than with a thread per key (docs/benchmarks.md).

Each widget carries its own styles (``DEFAULT_CSS``); this screen only lays
them out. Everything must read at 80x24, in 16 colours and with NO_COLOR:
focus is shown by a pane's top rule and Textual's cursor styles, and no text
relies on colour alone (hints start with words, the counter is plain text).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus, Resize
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from cachetui.catalog import Catalog, Host, QueryError, Spec, is_release

from ..actions import BROWSER, bindings_for
from ..browse_model import BrowseModel
from ..copy_actions import CopyActions
from ..messages import DetailReady, QueryFinished
from ..safe import markup_safe, plain
from ..state import (
    EVERY_MATCH,
    GROUP_BY_PACKAGE,
    GROUP_BY_TAG,
    DetailData,
    DiffMode,
    QueryView,
    Selection,
    SortOrder,
    grouping_of,
    kept_selection,
    top_level,
)
from ..widgets import DetailPane, LoadingPanel, PackageTree, SearchBar, SpecTable
from ..widgets.search import QueryInput
from .export import ExportScreen
from .spec import SpecScreen
from .tags import TagPairScreen


def remapped_marks(catalog: Catalog, marks: dict[int, Spec]) -> dict[int, Spec]:
    """The marks in a reloaded catalog: each spec by its hash and tag (a spec without a hash, or gone, is dropped)."""
    kept = {}
    for spec in marks.values():
        if not spec.hash:
            continue
        for found in catalog.lookup_hash(spec.hash):
            if found.tag == spec.tag:  # a full hash: every spec found has it
                kept[found.row] = found
                break
    return kept


NARROW_WIDTH = 120  # below this, the tree is narrower and hides while the spec table has focus (the table needs ~95)
SHORT_HEIGHT = 32  # below this (or narrow), the summary folds to one line while the spec table has focus
START_HINT = "type a package name and spec terms, e.g. cmake +ownlibs os=ubuntu22.04 · enter: results · f1: help"
PICK_HINT = "pick a spec: search, then enter on a spec row prints its hash and exits · f1: help"


@dataclass(frozen=True)
class _Where:
    """What the screen showed when a query was asked for: lets its worker compute the detail ahead."""

    view: QueryView | None
    selection: Selection
    grouping: str | None
    sort: SortOrder


class BrowserScreen(CopyActions, Screen[None]):
    """Find a package, pick a spec, copy its hash."""

    DEFAULT_CSS = """
    BrowserScreen {
        layout: vertical;
        /* The loading panel lies over the panes, which keep their sizes under it (see _show_panes). */
        & #body { height: 1fr; layers: panes loading; }
        & #main { height: 1fr; layer: panes; }
        & #loading { layer: loading; background: $background; }
        /* Narrow terminals: a slimmer tree, hidden while the spec table has focus. */
        & #main.-narrow #tree { width: 28; }
        & #main.-narrow.-table-focus #tree { display: none; }
        & #main.-narrow.-table-focus #detail { border-left: none; }
        /* Small terminals: while the spec table has focus, the summary keeps only its title line. */
        & #main.-compact.-table-focus #summary { max-height: 1; }
        & #main.-compact.-table-focus #detail.-fields #summary { max-height: 10; }  /* asked for with space */
        & #main.-compact.-table-focus #mirror-line { display: none; }
    }
    """

    BINDINGS = bindings_for(BROWSER)

    query_text: reactive[str] = reactive("", init=False)
    """The search bar's text; each change runs the query."""
    here_only: reactive[bool] = reactive(False, init=False)
    """Only the specs that run on the host."""
    diff: reactive[DiffMode | None] = reactive(None, init=False)
    """Two tags compared: only the specs added or removed between them."""
    grouping: reactive[str | None] = reactive(None, init=False)
    """tags -> packages or packages -> tags; None until the user chooses (a query then groups by package)."""
    selection: reactive[Selection] = reactive(Selection, init=False, always_update=True)
    """The tree's cursor: what the detail pane shows."""
    sort: reactive[SortOrder] = reactive(SortOrder, init=False)
    """The spec table's order."""
    every: reactive[bool] = reactive(False, init=False)
    """The table holds every match, across tags and packages, not the tree's selection."""
    view: var[QueryView | None] = var(None, init=False)
    """The last query that ran without error, with what the tree and counter show."""

    def __init__(self, *, host: Host | None = None, pick: bool = False) -> None:
        super().__init__(id="browser")
        self.host = host
        self.pick = pick
        self.model: BrowseModel | None = None
        self._detail_ahead: DetailData | None = None  # came with the last query's answer
        # One query at a time: keys typed while one runs wait, and only the latest text runs next
        # (a running thread cannot be stopped; two would share one interpreter lock).
        self._query_in_flight = False
        self._query_pending = False
        self._detail_key: tuple | None = None  # (selection, view generation, sort) last sent to the detail worker
        self._view_generation = 0  # the query request whose answer is ``view``
        # Requests sent to workers and answers handled: ``busy`` says whether all is shown.
        self._query_requested = self._query_answered = 0
        self._detail_requested = self._detail_answered = 0
        self._focus_table_on_detail = False
        self._focus_after_query: str | None = None  # "tree" or "table" once the submitted query's results show
        self._reveal_on_answer = False  # the panes replace the loading panel when the first answer shows
        self.marks: dict[int, Spec] = {}  # catalog row -> spec, marked with x; the table draws them

    # --- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        with Vertical(id="body"):
            with Horizontal(id="main", disabled=True):
                yield PackageTree(id="tree")
                yield DetailPane(id="detail")
            yield LoadingPanel(id="loading")
        yield Footer(compact=True)

    @property
    def search(self) -> SearchBar:
        return self.query_one("#search", SearchBar)

    @property
    def package_tree(self) -> PackageTree:
        return self.query_one("#tree", PackageTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    @property
    def table(self) -> SpecTable:
        return self.query_one("#specs", SpecTable)

    @property
    def main_area(self) -> Horizontal:
        return self.query_one("#main", Horizontal)

    @property
    def loading_panel(self) -> LoadingPanel:
        return self.query_one("#loading", LoadingPanel)

    def on_mount(self) -> None:
        self.table.marks = self.marks
        self._fit_size(self.app.size.width, self.app.size.height)
        self.search.show_host(str(self.host) if self.host is not None else "")
        self._update_tree_title()

    def on_resize(self, event: Resize) -> None:
        self._fit_size(event.size.width, event.size.height)

    def _fit_size(self, width: int, height: int) -> None:
        self.main_area.set_class(width < NARROW_WIDTH, "-narrow")
        self.main_area.set_class(width < NARROW_WIDTH or height < SHORT_HEIGHT, "-compact")

    def focus_tree(self) -> None:
        """Focus the tree, showing it first if a narrow terminal hid it for the spec table.

        Focus moves at once (``set_focus``), not after the queued events as
        ``Widget.focus`` does: keys that arrived in the same burst (``/zlib``
        typed during an SSH lag) go where the user meant them to.
        """
        self.main_area.remove_class("-table-focus")
        self.set_focus(self.package_tree)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in the search bar letters are text: hide their actions from the footer.
        # The app knows which actions those are (they follow its keymap).
        if action == "focus_search" and getattr(self.app, "loading", False) and not self.query_text:
            return True  # `/` first, out of habit, while the catalog loads: the bar has focus already
        return not (action in getattr(self.app, "letter_actions", frozenset()) and self.typing)

    # --- loading --------------------------------------------------------------------

    def show_loading(self, loading: bool, text: str = "") -> None:
        self._show_panes(not loading)
        self.search.show_loading(text)

    def _show_panes(self, shown: bool) -> None:
        """The tree and detail panes, or the loading panel over them.

        The panes stay laid out under the panel (disabled: no focus, no clicks): they know their sizes
        when the first answer comes, so it is drawn with one layout of the screen, not one more per
        scroll bar and column fit.
        """
        self.loading_panel.display = not shown
        self.main_area.disabled = not shown
        # The screen's own layout, not its widgets' (each asks through a message, after the next frame):
        # the frame then comes after the layout, not once before it at the old sizes and once after.
        self.refresh(layout=True)

    @property
    def panes_shown(self) -> bool:
        return not self.loading_panel.display

    def show_catalog(self, catalog: Catalog) -> None:
        """The catalog is loaded (or reloaded): run the current query over it; the marks follow their specs."""
        if self.model is not None and self.marks:
            kept = remapped_marks(catalog, self.marks)
            self.marks.clear()
            self.marks.update(kept)
        self.model = BrowseModel(catalog, self.host)
        if self.diff is not None:
            self.diff = self.model.compare(self.diff.tag_a, self.diff.tag_b)  # runs the query
        else:
            self.run_query()
        if not self.panes_shown:
            # The first catalog: the panes show with the first answer, tree, table and summary together,
            # not empty first and filled a few frames later (each a new layout of the whole screen).
            self._reveal_on_answer = True
            self.search.show_loading("")
        else:
            self.show_loading(False)
        if self.focused is None:
            self.set_focus(self.search.input)

    def _reveal(self) -> None:
        if self._reveal_on_answer:  # the search bar said "loading" no more already (show_catalog)
            self._reveal_on_answer = False
            self._show_panes(True)

    # --- queries --------------------------------------------------------------------

    def on_search_bar_edited(self, message: SearchBar.Edited) -> None:
        # Typing again cancels where an earlier enter was still to move focus: the user is in the search bar.
        self._focus_table_on_detail = False
        self._focus_after_query = None
        self.query_text = message.text

    def watch_query_text(self) -> None:
        self.run_query()

    def watch_here_only(self) -> None:
        self.run_query()

    def watch_diff(self) -> None:
        self._update_tree_title()
        self.run_query()

    def run_query(self) -> None:
        """Run the current query (text, runs-here filter, compared tags) in a worker."""
        if self.model is None:
            return
        self._query_requested += 1
        if self._query_in_flight:
            self._query_pending = True  # runs when the one in flight is done, with the text as it is then
            return
        self._query_in_flight = True
        where = _Where(self.view, self.package_tree.selection, self.grouping, self.sort)
        self._query_worker(self.model, self.query_text, self.here_only, self.diff, self._query_requested, where)

    @work(thread=True, exclusive=True, group="query", exit_on_error=False)
    def _query_worker(
        self, model: BrowseModel, text: str, here_only: bool, diff: DiffMode | None, generation: int, where: _Where
    ) -> None:
        """The query, and the detail pane for where the tree's cursor will land (one trip, not two).

        When a newer key is waiting, the detail is not computed: the answer will be dropped.
        """
        worker = get_current_worker()
        detail = None
        try:
            view, error = model.run_query(text, here_only, diff), None
        except QueryError as exc:
            view, error = None, exc
        except Exception as exc:  # a bug must not leave the results stale without a word
            view, error = None, QueryError(f"could not run this query ({type(exc).__name__}: {exc})")
        if view is not None and not worker.is_cancelled and not self._query_pending:
            grouping = grouping_of(view, where.grouping)
            keep = kept_selection(where.view, view, where.selection, grouping, where.grouping)
            landing = model.landing(view, grouping, keep)
            try:
                detail = model.detail(view, landing, where.sort) if not landing.is_empty else None
            except Exception:  # the detail worker computes it again and reports the problem
                detail = None
        if not worker.is_cancelled:
            self.post_message(QueryFinished(text, view, error, generation, detail))
        else:
            self.post_message(QueryFinished(text, None, None, generation))  # frees the slot (the screen is going)

    def on_query_finished(self, message: QueryFinished) -> None:
        self._query_answered = max(self._query_answered, message.generation)
        self._query_in_flight = False
        if self._query_pending:
            self._query_pending = False
            self._query_requested -= 1  # the pending request is this one
            self.run_query()
        if message.generation < self._query_requested or self.model is None:
            return  # the user typed on; a newer query is on its way
        if message.error is not None or message.view is None:
            self._reveal()
            self.search.show_hint(message.error.message if message.error else "", error=True)
            if self.view is not None:
                self.search.show_counter(
                    len(self.view.packages), self.view.num_specs, everything=self.view.is_empty, stale=True
                )
            self._focus_pending()
            return
        self._view_generation = message.generation
        self._detail_ahead = message.detail
        self.view = message.view

    def watch_view(self, previous: QueryView | None, view: QueryView | None) -> None:
        if view is None or self.model is None:
            return
        self._update_tree_title()
        grouping = self.effective_grouping
        keep = kept_selection(previous, view, self.package_tree.selection, grouping, self.grouping)
        landing = self.package_tree.show(self.model, view, grouping, keep=keep)
        ahead, self._detail_ahead = self._detail_ahead, None
        if ahead is not None and ahead.selection == landing and ahead.sort == self.sort:
            # Computed with the query: shown now, and the detail worker is not asked again.
            self._detail_key = (landing, self._view_generation, self.sort)
            self._show_detail(ahead)
        self.selection = landing
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
        self._reveal()
        self._focus_pending()
        if getattr(self.app, "release_on_answer", False):  # keys typed ahead while the catalog loaded
            self.app.release_on_answer = False  # type: ignore[attr-defined]
            self.call_after_refresh(self._release_keys)

    def _focus_pending(self) -> None:
        if self._focus_after_query is not None:
            target, self._focus_after_query = self._focus_after_query, None
            self._focus_results(target if self.view is not None else "tree")
            self.call_after_refresh(self._release_keys)  # the keys typed after enter, now for these results

    def on_search_bar_submitted(self, message: SearchBar.Submitted) -> None:
        """Enter in the search bar: a hash search goes to the spec table, anything else to the tree.

        If the results of the text are not shown yet, focus moves when they are.
        The keys typed after enter are held by the app meanwhile and delivered
        once focus is on the results (``release_keys``), so they act on the new
        results rather than on the old ones or the search text.
        """
        target = "table" if "/" in message.text else "tree"
        if self.model is None or self._query_answered < self._query_requested:
            # Still loading, or the query has not answered: focus moves (and held keys follow) when it has.
            self._focus_after_query = target
        else:
            self._focus_results(target)
            self.call_after_refresh(self._release_keys)

    def _release_keys(self) -> None:
        release = getattr(self.app, "release_keys", None)  # the browser app holds keys typed after enter
        if release is not None:
            release()

    def _focus_results(self, target: str) -> None:
        if target == "table":
            # A detail still on its way would redraw the table: focus it again then (once).
            self._focus_table_on_detail = self._detail_answered < self._detail_requested
            self.set_focus(self.table)
        else:
            self.focus_tree()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # In a narrow terminal the tree steps aside while the spec table has focus.
        self.main_area.set_class(isinstance(event.widget, SpecTable), "-table-focus")

    @property
    def effective_grouping(self) -> str:
        return grouping_of(self.view, self.grouping)

    def _update_tree_title(self) -> None:
        title = "tags › packages" if self.effective_grouping == GROUP_BY_TAG else "packages › tags"
        if self.diff is not None:
            title = f"diff {markup_safe(self.diff.tag_a)} → {markup_safe(self.diff.tag_b)} · {title}"  # a border title is markup
        self.package_tree.border_title = title

    # --- detail ---------------------------------------------------------------------

    def on_package_tree_selection_changed(self, message: PackageTree.SelectionChanged) -> None:
        self.selection = message.selection

    @property
    def shown(self) -> Selection:
        """What the detail pane and the table show: every match, or the tree's selection."""
        return EVERY_MATCH if self.every else self.selection

    def watch_selection(self) -> None:
        self._request_detail()

    def watch_every(self) -> None:
        self._request_detail()

    def watch_sort(self) -> None:
        data = self.detail.data
        if data is not None and self.model is not None and data.selection == self.shown:
            self._detail_requested += 1
            self._detail_key = (self.shown, self._view_generation, self.sort)
            self._resort_worker(self.model, data, self.sort, self._detail_requested)
        else:
            self._request_detail()

    def _request_detail(self) -> None:
        """Show the selection in the detail pane (computed in a worker) unless it is shown or on its way."""
        key = (self.shown, self._view_generation, self.sort)
        if key == self._detail_key:
            return
        self._detail_key = key
        self._detail_requested += 1
        if self.shown.is_empty or self.view is None or self.model is None:
            self._detail_answered = self._detail_requested
            no_match = self.view is not None and not self.view.packages
            self.detail.show_nothing("no matches" if no_match else "select a tag or package")
            return
        self._detail_worker(self.model, self.view, self.shown, self.sort, self._detail_requested)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _detail_worker(
        self, model: BrowseModel, view: QueryView, selection: Selection, sort: SortOrder, generation: int
    ) -> None:
        try:
            message = DetailReady(model.detail(view, selection, sort), generation)
        except Exception as exc:  # a bug must not leave the pane stale without a word
            message = DetailReady(None, generation, error=f"{type(exc).__name__}: {exc}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _resort_worker(self, model: BrowseModel, data: DetailData, sort: SortOrder, generation: int) -> None:
        try:
            message = DetailReady(model.resort(data, sort), generation)
        except Exception as exc:
            message = DetailReady(None, generation, error=f"{type(exc).__name__}: {exc}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_detail_ready(self, message: DetailReady) -> None:
        self._detail_answered = max(self._detail_answered, message.generation)
        if message.generation < self._detail_requested:
            return  # outdated: the selection, the query or the order changed meanwhile
        if message.data is None:
            self.detail.show_nothing(f"could not show this selection: {plain(message.error)}")
            return
        self._show_detail(message.data)

    def _show_detail(self, data: DetailData) -> None:
        # The cursor stays on its spec across a re-sort or a narrower query that still matches it.
        previous, spec = self.detail.data, self.table.current_spec
        keep = spec.row if spec is not None and previous is not None and previous.selection == data.selection else None
        self.detail.show(data, keep)
        if self._focus_table_on_detail:
            self._focus_table_on_detail = False
            self.set_focus(self.table)

    def on_package_tree_selection_opened(self, message: PackageTree.SelectionOpened) -> None:
        self.set_focus(self.table)
        self.call_after_refresh(self._release_keys)  # keys typed after enter, now for the table

    def on_spec_table_sort_requested(self, message: SpecTable.SortRequested) -> None:
        self.sort = message.sort

    def on_spec_table_chosen(self, message: SpecTable.Chosen) -> None:
        if self.pick:
            self.app.pick_spec(message.spec)  # type: ignore[attr-defined]  # CacheTuiApp
        else:
            self.open_spec(message.spec)

    def open_spec(self, spec: Spec) -> None:
        self.app.push_screen(SpecScreen(spec, pick=self.pick, host=self.host))

    # --- what the copy keys act on ---------------------------------------------------

    def current_spec(self) -> Spec | None:
        return self.table.current_spec

    def current_tag(self) -> tuple[str | None, str | None]:
        tag = self.package_tree.selection.tag
        return tag, self.model.source_of_tag(tag) if self.model is not None and tag else None

    # --- actions --------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.set_focus(self.search.input)

    def action_clear_search(self) -> None:
        self.search.set_text("")
        self.set_focus(self.search.input)

    def action_focus_results(self) -> None:
        self.focus_tree()

    def action_back(self) -> None:
        """esc: clear the search, or go back one step (spec table -> tree -> search)."""
        focused = self.focused
        if isinstance(focused, QueryInput):
            if focused.value:
                self.search.set_text("")
            else:
                self.focus_tree()
        elif focused is self.table:
            self.focus_tree()
        else:
            self.set_focus(self.search.input)

    def action_toggle_every(self) -> None:
        """a: every match in one table (fzf's view: the counter counts them all), or the selection again."""
        self.every = not self.every
        if self.every:
            self.set_focus(self.table)

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

    def action_compare_tags(self) -> None:
        """D: compare two tags (only added and removed specs, marked + and -), or stop comparing."""
        if self.model is None:
            return
        if self.diff is not None:
            self.diff = None
            return
        tags = self.model.catalog.tags
        releases = [t for t in tags if is_release(t)]
        newest = "develop" if "develop" in tags else (tags[0] if tags else None)
        self.app.push_screen(TagPairScreen(tags, releases[0] if releases else None, newest), self._compare)

    def _compare(self, pair: tuple[str, str] | None) -> None:
        if pair is not None and self.model is not None:
            self.diff = self.model.compare(*pair)

    def action_toggle_grouping(self) -> None:
        self.grouping = GROUP_BY_PACKAGE if self.effective_grouping == GROUP_BY_TAG else GROUP_BY_TAG

    def watch_grouping(self) -> None:
        self._update_tree_title()
        if self.model is not None and self.view is not None:
            keep = top_level(self.package_tree.selection, self.effective_grouping)
            self.selection = self.package_tree.show(self.model, self.view, self.effective_grouping, keep=keep)

    def action_details(self) -> None:
        self.table.action_details()

    def action_sort_next(self) -> None:
        self.table.action_sort_next()

    def action_sort_reverse(self) -> None:
        self.table.action_sort_reverse()

    def action_clear_marks(self) -> None:
        """X: unmark every spec."""
        count = len(self.marks)
        self.marks.clear()
        self.table.refresh_marks()
        self.notify(f"{count:,} spec{'s' if count != 1 else ''} unmarked", markup=False, timeout=3)

    def action_export(self) -> None:
        """e: write the marked specs for Spack (spack.yaml, a script, JSON Lines)."""
        if not self.marks:
            self.notify("Nothing marked: x marks the spec under the cursor.", severity="warning", markup=False)
            return
        self.app.push_screen(ExportScreen(list(self.marks.values()), "marked"))

    def action_show_environment(self) -> None:
        self.app.show_environment()  # type: ignore[attr-defined]  # CacheTuiApp

    def action_show_problems(self) -> None:
        self.app.show_problems()  # type: ignore[attr-defined]  # CacheTuiApp

    @property
    def enter_moves_focus(self) -> bool:
        """Enter here moves focus to the results (search bar) or to a package's specs (tree)."""
        return self.typing or self.focused is self.package_tree

    @property
    def typing(self) -> bool:
        """The search bar has focus: letters are text there."""
        return isinstance(self.focused, Input)

    # --- for tests and the benchmark --------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a query or detail is requested but not yet shown."""
        return self._query_answered < self._query_requested or self._detail_answered < self._detail_requested
