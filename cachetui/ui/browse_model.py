"""What the tree, the detail pane and the status line show, computed from the catalog.

No widgets here: these are plain functions of (catalog, query result,
selection), so they can run in worker threads and be tested without a
terminal. Per-catalog facts (spec totals, sort ranks) are computed once and
cached on the ``BrowseModel``; races between threads only compute them twice.
"""

from __future__ import annotations

import numpy as np

from cachetui.catalog import Catalog, Host, QueryResult, Spec, distinct, is_snapshot, parse_query

from .columns import table_columns
from .state import (
    GROUP_BY_TAG,
    NO_SELECTION,
    TREE_BATCH,
    DetailData,
    DiffMode,
    QueryView,
    Selection,
    SortOrder,
    SpecRows,
    TreeEntry,
)


class BrowseModel:
    """Read-only views of one catalog for the browser, with per-catalog caches."""

    def __init__(self, catalog: Catalog, host: Host | None = None):
        self.catalog = catalog
        self.host = host
        self._package_totals: dict[str, int] | None = None
        self._tag_totals: dict[str, int] | None = None

    # --- totals ---------------------------------------------------------------------

    @property
    def package_totals(self) -> dict[str, int]:
        if self._package_totals is None:
            self._package_totals = self.catalog.package_counts()
        return self._package_totals

    @property
    def tag_totals(self) -> dict[str, int]:
        if self._tag_totals is None:
            self._tag_totals = self.catalog.tag_counts()
        return self._tag_totals

    def total(self, selection: Selection) -> int:
        """Specs of a selection, ignoring the query."""
        cat = self.catalog
        if selection.every:
            return cat.num_specs
        if selection.tag is not None and selection.package is not None:
            return sum(page.num_specs for page in cat.pages_for(selection.tag, selection.package))
        if selection.package is not None:
            return self.package_totals.get(selection.package, 0)
        if selection.tag is not None:
            return self.tag_totals.get(selection.tag, 0)
        return 0

    # --- queries --------------------------------------------------------------------

    def compare(self, tag_a: str, tag_b: str) -> DiffMode:
        """The diff mode for two tags (every changed spec; queries narrow it later)."""
        from cachetui.catalog import diff_tags

        change = diff_tags(self.catalog, tag_a, tag_b)
        return DiffMode(tag_a, tag_b, np.union1d(change.added, change.removed), np.sort(change.added))

    def run_query(self, text: str, here_only: bool = False, diff: DiffMode | None = None) -> QueryView:
        """Run ``text`` (raises QueryError) and gather the lists the tree needs.

        With a host, also count the matches that run on it; with ``here_only``,
        keep only those (the browser's "runs here" filter).
        """
        cat = self.catalog
        host = self.host
        if host is not None or diff is not None:
            return self._run_narrowed(text, host, here_only, diff)
        if not text.strip():
            return self._everything(text)
        result = cat.query(text)
        view = QueryView(
            text=text, result=result, packages=result.packages(), tags=result.tags(), num_specs=result.count
        )
        view.hint = self._hint(view)
        return view

    def _run_narrowed(self, text: str, host: Host | None, here_only: bool, diff: DiffMode | None) -> QueryView:
        """A query narrowed to the changed specs of a diff and/or counted (or filtered) by what runs here."""
        cat = self.catalog
        query = parse_query(text)
        if query.is_empty and not here_only and diff is None and host is not None:
            view = self._everything(text)  # every spec: the catalog's own counts, no rows to gather
            view.here, view.before_here = cat.runs_here_count(host), cat.num_specs
            return view
        result = cat.query(query)
        if diff is not None:
            rows = np.intersect1d(result.rows, diff.rows, assume_unique=True)
            result = QueryResult(cat, query, rows, result.ranking)
        count, before = None, len(result.rows)
        if host is not None:
            here = cat.runs_here(result.rows, host)
            count = int(here.sum())
            if here_only:
                result = QueryResult(cat, query.with_host(host), result.rows[here], result.ranking)
        view = QueryView(
            text=text, result=result, packages=result.packages(), tags=result.tags(), num_specs=result.count
        )
        view.hint = self._hint(view)
        view.here_only, view.here, view.before_here = here_only and host is not None, count, before
        if diff is not None:
            view.diff = diff
            view.added = int(np.isin(result.rows, diff.added, assume_unique=True).sum())
            view.removed = len(result.rows) - view.added
        return view

    def _everything(self, text: str) -> QueryView:
        """The view of an empty query: every package and tag with its whole-catalog count."""
        cat = self.catalog
        totals, tag_totals = self.package_totals, self.tag_totals
        return QueryView(
            text=text,
            result=None,
            packages=[(name, totals[name]) for name in cat.packages],
            tags=[(tag, tag_totals.get(tag, 0)) for tag in cat.tags],
            num_specs=cat.num_specs,
        )

    def _hint(self, view: QueryView) -> str:
        result = view.result
        assert result is not None
        query = result.query
        notes = list(query.notes)
        if query.names and result.count and result.ranking and result.ranking[0][1] >= 100:
            exact = result.ranking[0][0]
            if all(name != exact for name, _ in view.packages):
                notes.append(f"no {exact} spec matches every term; showing similar names")
        if query.hash_prefixes:
            notes.append(self._hash_hint(view))
        elif result.count == 0:
            if query.hosts and not (query.names or query.has_spec_terms_besides_hosts):
                host = query.hosts[-1]
                oss = sorted({os_ for os_ in self.catalog.store.tables["os"].items if os_})
                shown = ", ".join(oss[:6]) + (f" and {len(oss) - 6} more" if len(oss) > 6 else "")
                notes.append(f"no build in this catalog runs on {host}; its builds are for {shown} (H shows them all)")
            elif query.names and not result.ranking:
                close = self.catalog.package_index.closest(query.name_text, limit=3)
                suggestion = f"; did you mean {', '.join(close)}?" if close else ""
                notes.append(f"no package matches '{query.name_text}'{suggestion}")
            elif query.names:
                names = ", ".join(name for name, _ in (result.ranking or [])[:3])
                notes.append(f"no spec of {names} matches every term; remove a term to widen the search")
            elif query.dependencies and self.catalog.dependencies_unknown():
                notes.append("no spec matches; specs from current pages name no dependencies, so ^ skips them")
            else:
                notes.append("no spec matches every term; remove a term to widen the search")
        return "  ".join(n for n in notes if n)

    def _hash_hint(self, view: QueryView) -> str:
        result = view.result
        assert result is not None
        prefix = "/" + "/".join(result.query.hash_prefixes)
        if result.count == 0:
            if len(result.query.hash_prefixes) == 1:
                return f"no spec hash starts with {prefix}"
            return f"no spec matches {prefix}"
        distinct = self.catalog.distinct_hashes(result.rows[:5000])
        if distinct == 1:
            spec = self.catalog.spec(int(result.rows[0]))
            tags = [tag for tag, _ in view.tags]
            shown = ", ".join(tags[:4]) + (f" and {len(tags) - 4} more" if len(tags) > 4 else "")
            where = f"in {len(tags)} tags: {shown}" if len(tags) > 1 else f"in {shown}"
            return f"{prefix} is {spec.package}@{spec.version} /{spec.short_hash} {where}"
        more = "+" if distinct == 5000 else ""
        return f"{prefix} matches {distinct}{more} different specs; type more of the hash"

    # --- tree -----------------------------------------------------------------------

    def landing(self, view: QueryView, grouping: str, keep: Selection | None) -> Selection:
        """Where the tree's cursor lands after showing ``view``: on ``keep`` if it is among the first
        entries, else on the first (the best match). ``PackageTree.show`` lands there too."""
        entries = self.top_entries(view, grouping)
        if not entries:
            return NO_SELECTION
        if keep is not None and not keep.is_empty:
            for entry in entries[:TREE_BATCH]:
                if entry.selection == keep:
                    return entry.selection
        return entries[0].selection

    def top_entries(self, view: QueryView, grouping: str) -> list[TreeEntry]:
        """Top-level tree entries: tags in site order, or packages best first."""
        if grouping == GROUP_BY_TAG:
            return [TreeEntry(tag, None, count) for tag, count in view.tags]
        return [TreeEntry(None, name, count) for name, count in view.packages]

    def child_entries(self, view: QueryView, parent: TreeEntry) -> list[TreeEntry]:
        """A tag's packages (best first under a query, else by name), or a package's tags (newest first)."""
        cat = self.catalog
        result = view.result
        if parent.package is None and parent.tag is not None:
            tag = parent.tag
            if result is None:
                pairs = [(pid, cat.pages[pid].num_specs) for pid in cat.page_ids_in_tag(tag)]
            else:
                pairs = result.pages_in_tag(tag)
            counts: dict[str, int] = {}
            for pid, n in pairs:
                name = cat.pages[pid].package
                counts[name] = counts.get(name, 0) + n
            return [TreeEntry(tag, name, n) for name, n in counts.items()]
        if parent.package is not None and parent.tag is None:
            name = parent.package
            if result is None:
                pairs = [(pid, cat.pages[pid].num_specs) for pid in cat.page_ids_of_package(name)]
            else:
                pairs = result.pages_of_package(name)
            by_tag: dict[str, int] = {}
            for pid, n in pairs:
                tag = cat.pages[pid].tag
                by_tag[tag] = by_tag.get(tag, 0) + n
            return [TreeEntry(tag, name, n) for tag, n in by_tag.items()]
        return []

    # --- detail ---------------------------------------------------------------------

    def rows(self, view: QueryView, selection: Selection) -> np.ndarray:
        """Matching spec rows of a selection (all of its rows for the empty query)."""
        if selection.is_empty:
            return np.zeros(0, dtype=np.int64)
        if selection.every:
            return view.result.rows if view.result is not None else np.arange(self.catalog.num_specs, dtype=np.int64)
        if view.result is None:
            return self.catalog.rows_of(tag=selection.tag, package=selection.package)
        return view.result.rows_of(tag=selection.tag, package=selection.package)

    def detail(self, view: QueryView, selection: Selection, sort: SortOrder) -> DetailData:
        cat = self.catalog
        rows = self.rows(view, selection)
        ordered = self.sort_rows(rows, sort)
        variant_sets = distinct(cat.store.columns["variants"][rows]) if len(rows) > 1 else None
        # Every match with the same variants: the column would say "(all shared)" on each row.
        same_variants = variant_sets is not None and len(variant_sets) == 1
        tag_counts = cat.tags_of_rows(rows) if len(rows) and selection.tag is None else []
        data = DetailData(
            selection=selection,
            query_text=view.text,
            total=self.total(selection),
            rows=ordered,
            summary=cat.summary(rows) if len(rows) else None,
            specs=SpecRows(cat, ordered),
            sort=sort,
            columns=table_columns(
                selection, self.host, view.diff is not None, variants=not same_variants, tags=len(tag_counts) != 1
            ),
            here_mask=self._here_mask(ordered),
            added_mask=view.diff.added_mask(ordered) if view.diff is not None else None,
            diff=view.diff,
            mirror_source=self.source_of_tag(selection.tag),
            shared_variants=self.shared_variants(rows, variant_sets),
            variant_rank=self.variant_rank(rows),
        )
        data.tag_counts = tag_counts
        if len(rows) and selection.package is None:
            data.package_count = cat.package_count_of_rows(rows)
        if selection.package is not None:
            data.history = self.snapshot_history(view, selection.package)
        return data

    def snapshot_history(self, view: QueryView, package: str) -> list[tuple[str, int]]:
        """Matching specs of ``package`` in every weekly snapshot, oldest first (zeros included)."""
        cat = self.catalog
        counts = dict(cat.tags_of_rows(self.rows(view, Selection(None, package))))
        return [(tag, counts.get(tag, 0)) for tag in reversed(cat.tags) if is_snapshot(tag)]

    def resort(self, data: DetailData, sort: SortOrder) -> DetailData:
        """The same detail in another order (no new query)."""
        ordered = self.sort_rows(data.rows, sort)
        return DetailData(
            selection=data.selection,
            query_text=data.query_text,
            total=data.total,
            rows=ordered,
            summary=data.summary,
            specs=SpecRows(self.catalog, ordered),
            sort=sort,
            columns=data.columns,
            tag_counts=data.tag_counts,
            package_count=data.package_count,
            here_mask=self._here_mask(ordered),
            history=data.history,
            added_mask=data.diff.added_mask(ordered) if data.diff is not None else None,
            diff=data.diff,
            mirror_source=data.mirror_source,
            shared_variants=data.shared_variants,
            variant_rank=data.variant_rank,
        )

    def shared_variants(self, rows: np.ndarray, variant_sets: np.ndarray | None = None) -> tuple[str, ...]:
        """Variants that every one of ``rows`` has (sorted): they tell the specs apart no more."""
        if len(rows) < 2:
            return ()
        store = self.catalog.store
        items = store.tables["variants"].items
        if variant_sets is None:
            variant_sets = distinct(store.columns["variants"][rows])
        ids = variant_sets.tolist()
        shared = set(items[ids[0]]).intersection(*(items[i] for i in ids[1:]))
        return tuple(sorted(shared))

    def variant_rank(self, rows: np.ndarray) -> dict[str, int]:
        """The variants of ``rows`` that tell them apart, best split first: a variant half the specs have
        says more than one that a single spec has (``~new_strategies`` before ``build_system=cmake``)."""
        if len(rows) < 2:
            return {}
        store = self.catalog.store
        items = store.tables["variants"].items
        set_ids, counts = np.unique(store.columns["variants"][rows], return_counts=True)
        having: dict[str, int] = {}
        for set_id, count in zip(set_ids.tolist(), counts.tolist()):
            for variant in items[set_id]:
                having[variant] = having.get(variant, 0) + count
        n = len(rows)
        split = sorted(having, key=lambda v: (-min(having[v], n - having[v]), v))
        return {variant: rank for rank, variant in enumerate(split)}

    def source_of_tag(self, tag: str | None) -> str | None:
        """The file a page of ``tag`` came from (a Spack index's tag has its mirror in it)."""
        ids = self.catalog.page_ids_in_tag(tag) if tag is not None else []
        return self.catalog.pages[ids[0]].source if ids else None

    def _here_mask(self, rows: np.ndarray) -> np.ndarray | None:
        return self.catalog.runs_here(rows, self.host) if self.host is not None else None

    def why_not_here(self, spec: Spec) -> str | None:
        """None if ``spec`` runs on the host; else why not, in one line."""
        from cachetui.catalog import why_not

        assert self.host is not None
        return why_not(spec.platform, spec.os, spec.target, self.host)

    # --- sorting --------------------------------------------------------------------

    def sort_rows(self, rows: np.ndarray, sort: SortOrder) -> np.ndarray:
        """``rows`` in table order: the sort column first, then the natural order."""
        return self.catalog.sort_rows(rows, sort.column, sort.reverse)
