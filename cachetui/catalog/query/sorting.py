"""Ordering spec rows, from integer ranks computed once per catalog and saved in the snapshot.

* **Value ranks**: each interned value of a sortable column gets a rank
  (versions in Spack order, the rest as text); equal values share one.
* **Natural rank**: every row's position in the natural order (newest tag,
  package, newest version, compiler, platform-os-target, then row). A result
  in natural order is then one integer argsort of ``natural_rank[rows]``; for
  a large result not even that: the rows are picked, in order, out of the
  natural order itself (a linear pass, no sort).
* **By a column**: the column's rank, ties in natural order, as one int64
  key (or two integer keys when the product would not fit).
* **Hash**: a row's rank is its place in the hash index's sorted order.

Computing the natural rank takes a multi-key sort of every row (seconds at
three million rows), so it is done when a snapshot is written and read back
from it; a catalog without one computes it on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..spack.versions import version_key

if TYPE_CHECKING:
    from ..store.hashindex import HashIndex
    from ..store.spec_store import SpecStore


class Catalog(Protocol):
    """What the ranks are computed from: a catalog's store, its pages' tag and package ranks, its hash index."""

    store: SpecStore
    page_tag: np.ndarray
    page_package: np.ndarray
    hash_index: HashIndex


SORT_COLUMNS = (
    "hash",
    "package",
    "tag",
    "version",
    "compiler",
    "arch",
    "platform",
    "os",
    "target",
    "variants",
    "stacks",
    "size",
)
RANKED_TABLES = ("version", "compiler", "platform", "os", "target", "variants", "stacks")
"""Interned columns whose values get a rank (saved with the snapshot)."""
GATHER_FRACTION = 16
"""A result holding more than 1/16 of the catalog is ordered by a pass over the natural order."""


def value_rank(items: Sequence[Any], name: str) -> np.ndarray:
    """Rank of each interned value of a column; values that sort equal share a rank."""
    key: Callable[[Any], Any]
    if name == "version":
        key = version_key
    elif name in ("variants", "stacks"):
        key = " ".join
    else:
        key = str
    keys = [key(item) for item in items]
    order = sorted(range(len(items)), key=keys.__getitem__)
    rank = np.empty(len(items), dtype=np.int32)
    current = -1
    for position, i in enumerate(order):
        if position == 0 or keys[i] != keys[order[position - 1]]:
            current += 1
        rank[i] = current
    return rank


class SortRanks:
    """The ranks one catalog sorts by: per interned value, and each row's natural position."""

    def __init__(self, values: dict[str, np.ndarray], natural: np.ndarray) -> None:
        self.values = values
        self.natural = natural  # int32 per row: its position in the natural order

    @classmethod
    def compute(cls, catalog: Catalog) -> SortRanks:
        store = catalog.store
        values = {name: value_rank(store.tables[name].items, name) for name in RANKED_TABLES}
        n = len(store)
        if not n:
            return cls(values, np.zeros(0, dtype=np.int32))
        cols = store.columns
        page = store.page
        keys = [
            values["target"][cols["target"]],
            values["os"][cols["os"]],
            values["platform"][cols["platform"]],
            values["compiler"][cols["compiler"]],
            -values["version"][cols["version"]],
            catalog.page_package[page],
            catalog.page_tag[page],
        ]
        order = np.lexsort(keys)  # stable: rows that tie keep row order
        natural = np.empty(n, dtype=np.int32)
        natural[order] = np.arange(n, dtype=np.int32)
        return cls(values, natural)

    def fits(self, catalog: Catalog) -> bool:
        """Saved ranks belong to this catalog: one per value and a permutation's length per row."""
        tables = catalog.store.tables
        return len(self.natural) == len(catalog.store) and all(
            name in self.values and len(self.values[name]) == len(tables[name]) for name in RANKED_TABLES
        )


def _inverse(natural: np.ndarray) -> np.ndarray | None:
    """The rows in natural order, from each row's natural rank; None if the rank is not a permutation."""
    n = len(natural)
    if n and (int(natural.min()) < 0 or int(natural.max()) >= n):
        return None
    order = np.full(n, -1, dtype=np.int32)  # as the rank: int64 would write twice the memory
    order[natural] = np.arange(n, dtype=np.int32)
    if n and int(order.min()) < 0:  # a position left empty: some rank repeated
        return None
    return order


class RowSorter:
    def __init__(self, catalog: Catalog, ranks: SortRanks | None = None) -> None:
        self.catalog = catalog
        self._ranks = ranks
        self._natural_order: np.ndarray | None = None
        self._hash_rank: np.ndarray | None = None

    def _checked(self) -> tuple[SortRanks, np.ndarray]:
        """The ranks and the natural order, once: saved ranks whose natural rank is not a
        permutation (a damaged snapshot) are computed again."""
        if self._ranks is None or self._natural_order is None:
            ranks = self._ranks
            order = _inverse(ranks.natural) if ranks is not None else None
            if ranks is None or order is None:
                ranks = SortRanks.compute(self.catalog)
                order = _inverse(ranks.natural)
                assert order is not None  # computed ranks are a permutation
            self._ranks, self._natural_order = ranks, order
        return self._ranks, self._natural_order

    @property
    def ranks(self) -> SortRanks:
        return self._checked()[0]

    def rank(self, name: str) -> np.ndarray:
        """Rank of each interned value of a column (see ``value_rank``)."""
        return self.ranks.values[name]

    @property
    def natural_order(self) -> np.ndarray:
        """Every row in natural order (the inverse of the natural rank)."""
        return self._checked()[1]

    @property
    def hash_rank(self) -> np.ndarray:
        """Each row's hash rank, from the hash index's sorted order: equal hashes (the same binary in
        several tags) share a rank, rows without a hash come last."""
        if self._hash_rank is None:
            index = self.catalog.hash_index
            keys = index.sorted_keys
            dense = np.zeros(len(keys), dtype=np.int64)
            if len(keys):
                dense[1:] = np.cumsum(keys[1:] != keys[:-1])
            rank = np.empty(len(keys), dtype=np.int64)
            rank[index.order] = dense
            self._hash_rank = rank
        return self._hash_rank

    def column_key(self, column: str, rows: np.ndarray) -> np.ndarray:
        """One non-negative int64 key per row for ``column`` (equal values, equal keys)."""
        cat = self.catalog
        store = cat.store
        key: np.ndarray
        if column == "hash":
            key = self._hash_key(rows)
        elif column == "tag":
            key = cat.page_tag[store.page[rows]].astype(np.int64)
        elif column == "package":
            key = cat.page_package[store.page[rows]].astype(np.int64)
        elif column == "size":
            key = store.size[rows].astype(np.int64)
            if len(key):
                key = key - int(key.min())
        elif column == "arch":
            values = self.ranks.values
            platform, os_, target = (
                values[n][store.columns[n][rows]].astype(np.int64) for n in ("platform", "os", "target")
            )
            key = (platform * (len(values["os"]) + 1) + os_) * (len(values["target"]) + 1) + target
        elif column in SORT_COLUMNS:
            key = self.rank(column)[store.columns[column][rows]].astype(np.int64)
        else:
            raise ValueError(f"cannot sort by {column!r}; columns: {', '.join(SORT_COLUMNS)}")
        return key

    def _hash_key(self, rows: np.ndarray) -> np.ndarray:
        """The hash order of ``rows``: from the catalog's hash rank once it exists or when the rows are
        many; else from their own hashes (a package's thousand rows need not rank three million)."""
        if self._hash_rank is not None or len(rows) * GATHER_FRACTION > len(self.catalog.store):
            ranked: np.ndarray = self.hash_rank[rows]
            return ranked
        hashes = self.catalog.store.hashes[rows]
        values, dense = np.unique(hashes, return_inverse=True)
        key = dense.astype(np.int64).reshape(-1)
        if len(values) and values[0] == b"":  # rows without a hash come last, as in the hash rank
            key = np.where(key == 0, len(values), key - 1)
        return key

    def _natural(self, rows: np.ndarray) -> np.ndarray:
        order = self.natural_order
        if len(rows) * GATHER_FRACTION > len(order):
            chosen = np.zeros(len(order), dtype=np.bool_)
            chosen[rows] = True
            result: np.ndarray = order[chosen[order]]
            if len(result) == len(rows):  # no repeated rows: the pass is the answer
                return result.astype(np.int64)
        return rows[np.argsort(self.ranks.natural[rows], kind="stable")]

    def sort(self, rows: np.ndarray | Sequence[int], column: str | None = None, reverse: bool = False) -> np.ndarray:
        """``rows`` by ``column``, then in the natural order: newest tag, package, newest version, compiler, arch."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) <= 1:
            return rows
        if column is None:
            ordered = self._natural(rows)
            return ordered[::-1] if reverse else ordered
        primary = self.column_key(column, rows)
        if reverse:
            primary = int(primary.max()) - primary
        natural = self.ranks.natural[rows].astype(np.int64)
        span = int(primary.max()) + 1
        if span < (1 << 62) // max(1, len(self.ranks.natural)):
            order = np.argsort(primary * len(self.ranks.natural) + natural, kind="stable")
        else:
            order = np.lexsort((natural, primary))
        result: np.ndarray = rows[order]
        return result
