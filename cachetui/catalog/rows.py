"""A page's specs as the reader hands them to the column store: rows, or the same rows column by column;
and, for specs from a Spack index, their roots and dependency edges as flat columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

Row = tuple[Any, ...]  # hash, version, compiler, platform, os, target, variants, stacks, size, tarball
ROW_FIELDS = ("hash", "version", "compiler", "platform", "os", "target", "variants", "stacks", "size", "tarball")


class Columns(Sequence[Row]):
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

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return tuple(column[index] for column in self.columns)

    def __iter__(self) -> Iterator[Row]:
        return zip(*self.columns)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, Columns)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by value, like a list


@dataclass
class IndexExtras:
    """Per row of a page from an index: root flag and dependency edges, as flat columns."""

    roots: list[bool] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # edges of each row, in row order
    hashes: list[str] = field(default_factory=list)  # one per edge
    labels: list[str] = field(default_factory=list)  # name@version (name alone if not in the index)
    binary: list[bool] = field(default_factory=list)  # the dependency's binary is in this cache
