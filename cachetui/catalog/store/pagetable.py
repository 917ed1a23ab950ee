"""All pages of a catalog as columns; ``Page`` tuples are made only when asked for.

A start from the snapshot would otherwise build 100k+ objects nobody looks at.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ..spack.records import Page
from .lazy import LazySequence


class PageTable(LazySequence[Page]):
    def __init__(
        self,
        names: list[str],
        tag: np.ndarray,
        package: np.ndarray,
        format: np.ndarray,
        sources: Sequence[str],
        start: np.ndarray,
        stop: np.ndarray,
        declared: np.ndarray,
    ) -> None:
        self.names = names  # interned tag, package and format strings
        self.tag = tag  # ids into names
        self.package = package
        self.format = format
        self.sources = sources
        self.start = start  # int64 first row
        self.stop = stop
        self.declared = declared  # int64, -1 when unknown

    @classmethod
    def from_pages(cls, pages: Iterable[Page]) -> PageTable:
        names: dict[str, int] = {}
        ids = [
            (
                names.setdefault(p.tag, len(names)),
                names.setdefault(p.package, len(names)),
                names.setdefault(p.format, len(names)),
            )
            for p in pages
        ]
        cols = np.array(ids, dtype=np.uint32).reshape(-1, 3)
        return cls(
            list(names),
            cols[:, 0].copy(),
            cols[:, 1].copy(),
            cols[:, 2].copy(),
            [p.source for p in pages],
            np.array([p.start for p in pages], dtype=np.int64),
            np.array([p.stop for p in pages], dtype=np.int64),
            np.array([-1 if p.declared_specs is None else p.declared_specs for p in pages], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.sources)

    def item(self, index: int) -> Page:
        names = self.names
        declared = int(self.declared[index])
        return Page(
            index,
            names[self.tag[index]],
            names[self.package[index]],
            self.sources[index],
            names[self.format[index]],
            int(self.start[index]),
            int(self.stop[index]),
            None if declared < 0 else declared,
        )

    def __iter__(self) -> Iterator[Page]:
        names = self.names
        for i, (tag, pkg, fmt, source, start, stop, declared) in enumerate(
            zip(
                self.tag.tolist(),
                self.package.tolist(),
                self.format.tolist(),
                self.sources,
                self.start.tolist(),
                self.stop.tolist(),
                self.declared.tolist(),
            )
        ):
            yield Page(i, names[tag], names[pkg], source, names[fmt], start, stop, None if declared < 0 else declared)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, tuple, PageTable)) else NotImplemented

    def distinct(self, column: np.ndarray) -> list[str]:
        """The distinct strings used in a column (tag or package), by id. A count per id, not
        ``np.unique``, which imports ``numpy.ma`` (a cost on every start) to ask if the ids are masked."""
        used = np.flatnonzero(np.bincount(column)) if len(column) else np.zeros(0, dtype=np.int64)
        return [self.names[i] for i in used.tolist()]
