"""What the browser's widgets are given: plain data computed from the catalog, no widgets and no Textual.

Selection, tree entries, sort order, diff mode, a query's view and the detail pane's data; the
``BrowseModel`` (``browse_model``) computes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from cachetui.catalog import Catalog, LazySequence, QueryResult, Spec, Summary, mirror_add_command

GROUP_BY_TAG = "tag"
GROUP_BY_PACKAGE = "package"

TREE_BATCH = 100
"""Tree entries added at a time under one parent; a "… N more" leaf adds the next batch."""


@dataclass(frozen=True)
class Selection:
    """What the detail pane shows: a package in one tag, a package across tags, or a whole tag."""

    tag: str | None = None
    package: str | None = None
    every: bool = False  # every match, across tags and packages (the flat view)

    @property
    def is_empty(self) -> bool:
        return not self.every and self.tag is None and self.package is None


NO_SELECTION = Selection()
EVERY_MATCH = Selection(every=True)


@dataclass(frozen=True)
class TreeEntry:
    """The data of one tree node. ``more`` > 0 marks the "… N more" leaf of a capped list."""

    tag: str | None
    package: str | None
    count: int
    more: int = 0

    @property
    def selection(self) -> Selection:
        return NO_SELECTION if self.more else Selection(self.tag, self.package)

    @property
    def is_more(self) -> bool:
        return self.more > 0

    @property
    def expandable(self) -> bool:
        """Top-level nodes (a tag, or a package across tags) have children; the rest are leaves."""
        return not self.more and (self.tag is None) != (self.package is None)


def grouping_of(view: QueryView | None, chosen: str | None) -> str:
    """The tree's grouping: the user's choice, else packages -> tags for a query and tags -> packages without."""
    if chosen is not None:
        return chosen
    return GROUP_BY_PACKAGE if view is not None and not view.is_empty else GROUP_BY_TAG


def kept_selection(
    previous: QueryView | None, view: QueryView, current: Selection, grouping: str, chosen: str | None
) -> Selection | None:
    """The top-level node the cursor should stay on when ``view`` replaces ``previous``, if any.

    It stays where it was when only spec terms changed; new package words start
    on the best match, as does a fresh search (unless the user chose a grouping).
    """

    def names(v: QueryView | None) -> tuple[str, ...]:
        return v.result.query.names if v is not None and v.result is not None else ()

    if previous is None or names(previous) != names(view):
        return None
    if not view.is_empty and previous.is_empty and chosen is None:
        return None
    return top_level(current, grouping)


def top_level(selection: Selection, grouping: str) -> Selection | None:
    """The top-level tree node holding ``selection`` in ``grouping`` (a package, or a tag), if any."""
    if grouping == GROUP_BY_PACKAGE:
        return Selection(None, selection.package) if selection.package else None
    return Selection(selection.tag, None) if selection.tag else None


@dataclass(frozen=True)
class SortOrder:
    """How the spec table is ordered. ``column`` None is the natural order:
    newest tag first, then package name, then newest version first."""

    column: str | None = None
    reverse: bool = False


@dataclass(frozen=True, eq=False)
class DiffMode:
    """The browser compares two tags: only specs added (in B, not A) or removed (in A, not B) are shown.

    Compared by identity (its arrays have no single truth value).
    """

    tag_a: str
    tag_b: str
    rows: np.ndarray  # every changed row, ascending
    added: np.ndarray  # the added ones (rows of B), ascending

    def added_mask(self, rows: np.ndarray) -> np.ndarray:
        """True for each of ``rows`` (all of them changed rows) that was added, False for a removed one."""
        mask: np.ndarray = np.isin(rows, self.added, assume_unique=True)
        return mask


class SpecRows(LazySequence[Spec]):
    """The specs of an ordered result, built on demand: a table of millions of rows builds only those it draws."""

    def __init__(self, catalog: Catalog, rows: np.ndarray) -> None:
        self.catalog = catalog
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def item(self, index: int) -> Spec:
        return self.catalog.specs(self.rows[index : index + 1])[0]

    def items(self, indexes: range) -> list[Spec]:
        return self.catalog.specs(self.rows[indexes.start : indexes.stop : indexes.step])

    def __iter__(self) -> Iterator[Spec]:
        for start in range(0, len(self.rows), 1000):
            yield from self.catalog.specs(self.rows[start : start + 1000])


@dataclass(eq=False)
class QueryView:
    """A query's result plus what the tree and the status line need, computed once in a worker.

    Compared by identity: each answer of a query is a new view.
    """

    text: str
    result: QueryResult | None  # None for the empty query: everything matches
    packages: list[tuple[str, int]]  # best first
    tags: list[tuple[str, int]]  # site order
    num_specs: int
    hint: str = ""  # hash lookup, "cannot match" notes, suggestions
    here_only: bool = False  # narrowed to the specs that run on the host
    here: int | None = None  # matching specs that run on the host (None: no host)
    before_here: int = 0  # matching specs before the "runs here" filter
    diff: DiffMode | None = None  # comparing two tags
    added: int = 0  # in diff mode: matching specs added ...
    removed: int = 0  # ... and removed

    @property
    def is_empty(self) -> bool:
        return self.result is None

    @property
    def key(self) -> tuple[str, bool, tuple[str, str] | None]:
        """What makes two views differ: the text, the "runs here" filter and the compared tags."""
        return (self.text, self.here_only, (self.diff.tag_a, self.diff.tag_b) if self.diff else None)

    @property
    def has_names(self) -> bool:
        return self.result is not None and bool(self.result.query.names)

    @property
    def has_hash(self) -> bool:
        return self.result is not None and bool(self.result.query.hash_prefixes)


@dataclass(eq=False)
class DetailData:
    """Everything the detail pane shows for one selection under one query."""

    selection: Selection
    query_text: str
    total: int  # specs of the selection, ignoring the query
    rows: np.ndarray  # matching rows, in table order
    summary: Summary | None
    specs: Sequence[Spec]  # every row, in table order, as Spec objects built on demand
    sort: SortOrder = field(default_factory=SortOrder)
    columns: tuple[str, ...] = ()
    tag_counts: list[tuple[str, int]] = field(default_factory=list)  # when the selection spans tags
    package_count: int = 0  # when the selection spans packages
    here_mask: np.ndarray | None = None  # per row of ``rows``: runs on the host (None: no host)
    history: list[tuple[str, int]] = field(default_factory=list)  # weekly snapshots, oldest first: (tag, specs)
    added_mask: np.ndarray | None = None  # diff mode, per row of ``rows``: added (else removed)
    diff: DiffMode | None = None
    mirror_source: str | None = None  # a page of the selected tag: says whether it is a site tag or a Spack index
    shared_variants: tuple[str, ...] = ()  # variants every matching spec has: the table shows the others
    variant_rank: dict[str, int] = field(default_factory=dict)  # differing variants, best split first

    @property
    def matched(self) -> int:
        return len(self.rows)

    def runs_here_at(self, index: int) -> bool:
        return self.here_mask is not None and bool(self.here_mask[index])

    def change_sign(self, index: int) -> str:
        """Diff mode: ``+`` for an added spec, ``-`` for a removed one; else empty."""
        if self.added_mask is None:
            return ""
        return "+" if self.added_mask[index] else "-"

    def index_of(self, row: int | None) -> int | None:
        """Where catalog row ``row`` is in the table order, if it is listed."""
        if row is None:
            return None
        found = np.flatnonzero(self.rows == row)
        return int(found[0]) if len(found) else None

    @property
    def mirror_command(self) -> str | None:
        return mirror_add_command(self.selection.tag, self.mirror_source) if self.selection.tag else None
