"""One base for the sequences whose items are made when asked for (strings decoded from a mapped
blob, pages from columns, rows from column lists, specs from the store).

Invariants: a subclass gives ``__len__`` and ``item(i)`` for ``0 <= i < len``; indexing accepts
negative indexes and slices (a slice is a list, made by ``items``, which a subclass may do in bulk)
and raises IndexError out of range, as a list does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class LazySequence(Sequence[T]):
    __slots__ = ()

    def item(self, index: int) -> T:
        """The item at ``index``, which is within range."""
        raise NotImplementedError

    def items(self, indexes: range) -> list[T]:
        """The items at ``indexes`` (all within range), for a slice."""
        return [self.item(i) for i in indexes]

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        n = len(self)
        if isinstance(index, slice):
            return self.items(range(*index.indices(n)))
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(index)
        return self.item(index)
