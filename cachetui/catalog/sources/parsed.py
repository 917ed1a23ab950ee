"""What a source's reader hands the loader: a page's identity and rows (``ParsedPage``) or a ``Problem``,
and the reasons a file is not read. The contract every format's reader keeps; it sits below them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..spack.records import Problem
from ..store.rows import Columns, Row

EMPTY_FILE = "empty file"
NO_FRONT_MATTER = "not a page: no front matter (file does not start with '---')"
BINARY_FILE = "binary data, not a text page"
# Reasons that mean "this file is not a page at all" (rather than "a broken page").
NOT_A_PAGE_REASONS = frozenset({EMPTY_FILE, NO_FRONT_MATTER, BINARY_FILE})
# Reasons that say nothing about the page, only that reading it failed this time.
READ_FAILURE = "cannot read: "
TOO_LARGE_TO_LOAD = "page too large to load"
MAX_COUNT = 2**53  # meta.num_specs beyond this is nonsense (and would not fit the int64 column)


def is_read_failure(reason: str) -> bool:
    """True for a failed read (permissions, I/O, memory): worth trying again on the next run."""
    return reason.startswith(READ_FAILURE) or reason == TOO_LARGE_TO_LOAD


_MAX_NOTES = 5


@dataclass(slots=True)
class ParsedPage:
    """A page's identity and its rows.

    ``rows`` is a list, except for giant pages, where it is an iterator that
    decodes one spec at a time (a million specs as dicts would need ~10x the
    page's size); its notes and ``skipped`` are complete once it is consumed.
    """

    path: str
    package: str
    tag: str
    format: str
    rows: list[Row] | Iterator[Row] | Columns = field(default_factory=list)
    declared_specs: int | None = None
    notes: list[str] = field(default_factory=list)  # reasons some specs were skipped or altered
    skipped: int = 0
    streamed: int = 0  # rows an iterator has yielded so far
    extras: list[tuple[bool | None, Any]] | None = None  # each row's root (None: unknown) and dependencies

    @property
    def found(self) -> int:
        """Specs the page lists (loaded or skipped); for an iterator, once it is consumed."""
        return (self.streamed if isinstance(self.rows, Iterator) else len(self.rows)) + self.skipped

    def problem(self) -> Problem | None:
        """One problem summarising what was skipped or doubtful on this page, if anything."""
        notes = list(self.notes)
        declared = self.declared_specs
        if declared is not None and declared != self.found and self.format not in ("legacy-index", "legacy-specs"):
            notes.append(f"meta.num_specs is {declared} but spec_details lists {self.found}")
        text = summary_of_notes(notes)
        return Problem(self.path, text) if text else None


def summary_of_notes(notes: list[str]) -> str | None:
    """What a page's problem says: its first few notes and how many more; None when there are none."""
    if not notes:
        return None
    more = len(notes) - _MAX_NOTES
    return "; ".join(notes[:_MAX_NOTES]) + (f"; and {more} more" if more > 0 else "")


class PageError(Exception):
    """Raised inside the reader; turned into a Problem at its boundary."""
