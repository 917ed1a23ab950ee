"""Ordering spec rows by a column, vectorised over the column store.

Each interned value gets a rank once (versions in Spack order, the rest as
text); sorting rows is then an ``np.lexsort`` over small integer keys.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .versions import version_key

if TYPE_CHECKING:
    from .catalog import Catalog

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


class RowSorter:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._ranks: dict[str, np.ndarray] = {}

    def rank(self, name: str) -> np.ndarray:
        """Rank of each interned value of a column; values that sort equal share a rank."""
        rank = self._ranks.get(name)
        if rank is None:
            items = self.catalog.store.tables[name].items
            key: Callable[[Any], Any]
            if name == "version":
                key = version_key
            elif name in ("variants", "stacks"):
                key = " ".join
            else:
                key = str

            keys = [key(item) for item in items]
            order = sorted(range(len(items)), key=keys.__getitem__)
            rank = np.empty(len(items), dtype=np.int64)
            current = -1
            for position, i in enumerate(order):
                if position == 0 or keys[i] != keys[order[position - 1]]:
                    current += 1
                rank[i] = current
            self._ranks[name] = rank
        return rank

    def column_keys(self, column: str, rows: np.ndarray) -> list[np.ndarray]:
        """Sort keys for one column, least significant first (np.lexsort order)."""
        cat = self.catalog
        store = cat.store
        if column == "hash":
            return [np.unique(store.hashes[rows], return_inverse=True)[1].astype(np.int64)]
        if column == "tag":
            return [cat.page_tag[store.page[rows]].astype(np.int64)]
        if column == "package":
            return [cat.page_package[store.page[rows]].astype(np.int64)]
        if column == "size":
            return [store.size[rows].astype(np.int64)]
        if column == "arch":
            return [self.rank(name)[store.columns[name][rows]] for name in ("target", "os", "platform")]
        if column not in SORT_COLUMNS:
            raise ValueError(f"cannot sort by {column!r}; columns: {', '.join(SORT_COLUMNS)}")
        return [self.rank(column)[store.columns[column][rows]]]

    def sort(self, rows: np.ndarray | Sequence[int], column: str | None = None, reverse: bool = False) -> np.ndarray:
        """``rows`` by ``column``, then in the natural order: newest tag, package, newest version, compiler, arch."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) <= 1:
            return rows
        keys = (
            self.column_keys("arch", rows)
            + self.column_keys("compiler", rows)
            + [-k for k in self.column_keys("version", rows)]
            + self.column_keys("package", rows)
            + self.column_keys("tag", rows)
        )
        if column is not None:
            primary = self.column_keys(column, rows)
            keys += [-k for k in primary] if reverse else primary
        order = np.lexsort(keys)
        if column is None and reverse:
            order = order[::-1]
        result: np.ndarray = rows[order]
        return result
