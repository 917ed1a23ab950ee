"""A page's specs as the reader hands them to the column store: rows, or the same rows column by column;
and a Spack index's binaries as columns, with their roots and dependency edges."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .lazy import LazySequence

Row = tuple[Any, ...]  # hash, version, compiler, platform, os, target, variants, stacks, size, tarball
ROW_FIELDS = ("hash", "version", "compiler", "platform", "os", "target", "variants", "stacks", "size", "tarball")


class Columns(LazySequence[Row]):
    """Rows stored column by column (the reader's fast path builds them so; the store interns them so).

    Reads as a sequence of rows, so callers need not know which they got.
    """

    __slots__ = ("columns",)

    def __init__(self, columns: tuple[list[Any], ...]) -> None:
        if len(columns) != len(ROW_FIELDS) or len({len(c) for c in columns}) > 1:
            raise ValueError("columns of different lengths")
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns[0])

    def item(self, index: int) -> Row:
        return tuple(column[index] for column in self.columns)

    def __iter__(self) -> Iterator[Row]:
        return zip(*self.columns)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, Columns)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by value, like a list


@dataclass
class IndexColumns:
    """A Spack index's binaries column by column, one page per package, rows sorted by package.

    What the index fast path hands the store instead of a page object per
    package and a tuple per row: each string column is a list of its distinct
    values and a local id per row (``ids[c][row]`` indexes ``values[c]``), so
    the store interns each distinct value once; dependency edges are flat,
    in row order (``dep_counts[row]`` edges each), their labels in the
    ``deplabel`` column.
    """

    path: str
    tag: str
    format: str
    records: int  # records the index holds (binaries or not)
    packages: list[str] = field(default_factory=list)  # one page each, in row order
    page_rows: list[int] = field(default_factory=list)
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, "S32"))  # one per row
    values: dict[str, list[Any]] = field(default_factory=dict)  # column -> its distinct values
    ids: dict[str, np.ndarray] = field(default_factory=dict)  # column -> local id per row (deplabel: per edge)
    roots: np.ndarray = field(default_factory=lambda: np.zeros(0, np.bool_))
    dep_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    dep_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, "S32"))  # one per edge
    dep_binary: np.ndarray = field(default_factory=lambda: np.zeros(0, np.bool_))  # the dependency is a binary here
    notes: list[str] = field(default_factory=list)  # said once, on the first page

    def __len__(self) -> int:
        return len(self.hashes)


def distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` (sorted distinct values) without its import of ``numpy.ma``, a cost the first time."""
    ordered = np.sort(values, kind="stable")
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
