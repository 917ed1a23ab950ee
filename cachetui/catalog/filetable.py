"""What the last load saw of every file, column-wise: the snapshot's index of pages.

130k files as 130k dicts cost seconds to save, load and validate; as a few
arrays and interned string lists they cost milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import Problem
from .pagetable import PageTable

NOT_A_PAGE = -1  # `rows` of a file that could not be read as a page (its note says why)
IGNORED = -2  # `rows` of a file skipped silently (not a page, not named like one)


@dataclass
class FileTable:
    paths: list  # str
    size: np.ndarray  # int64
    mtime: np.ndarray  # int64 (ns)
    rows: np.ndarray  # int64: spec rows of the page, NOT_A_PAGE or IGNORED
    declared: np.ndarray  # int64: meta.num_specs, or -1
    package: np.ndarray  # uint32 ids into `names`
    tag: np.ndarray  # uint32 ids into `names`
    format: np.ndarray  # uint32 ids into `names`
    names: list  # interned package, tag and format strings
    notes: dict = field(default_factory=dict)  # file index -> remark (page) or reason (not a page)

    def __len__(self) -> int:
        return len(self.paths)

    def pages_and_problems(self) -> tuple[PageTable, list[Problem]]:
        """Pages in file order, their rows tiling the store; and every recorded problem."""
        is_page = self.rows >= 0
        rows = self.rows[is_page]
        stop = np.cumsum(rows)
        index = np.flatnonzero(is_page).tolist()
        paths = self.paths
        pages = PageTable(
            self.names, self.tag[is_page], self.package[is_page], self.format[is_page],
            [paths[i] for i in index], stop - rows, stop, self.declared[is_page],
        )
        problems = [Problem(paths[i], note) for i, note in sorted(self.notes.items())]
        return pages, problems

    def ignored(self) -> dict:
        """path -> (size, mtime_ns) of the files skipped silently."""
        index = np.flatnonzero(self.rows == IGNORED).tolist()
        sizes, mtimes = self.size[index].tolist(), self.mtime[index].tolist()
        return {self.paths[i]: (s, m) for i, s, m in zip(index, sizes, mtimes)}


class FileTableBuilder:
    def __init__(self):
        self.paths: list = []
        self.ints: list = []  # (size, mtime, rows, declared)
        self.strs: list = []  # (package id, tag id, format id)
        self.names: dict = {"": 0}
        self.notes: dict = {}

    def _id(self, text: str) -> int:
        return self.names.setdefault(text, len(self.names))

    def add_page(self, path: str, size: int, mtime: int, package: str, tag: str, fmt: str,
                 rows: int, declared: int | None, note: str | None) -> None:
        if note:
            self.notes[len(self.paths)] = note
        self.paths.append(path)
        self.ints.append((size, mtime, rows, -1 if declared is None else declared))
        self.strs.append((self._id(package), self._id(tag), self._id(fmt)))

    def add_problem(self, path: str, size: int, mtime: int, reason: str) -> None:
        self.notes[len(self.paths)] = reason
        self.paths.append(path)
        self.ints.append((size, mtime, NOT_A_PAGE, -1))
        self.strs.append((0, 0, 0))

    def add_ignored(self, path: str, size: int, mtime: int) -> None:
        self.paths.append(path)
        self.ints.append((size, mtime, IGNORED, -1))
        self.strs.append((0, 0, 0))

    def add_from(self, table: FileTable, index: int) -> None:
        """Carry one entry over from last time's table unchanged."""
        if index in table.notes:
            self.notes[len(self.paths)] = table.notes[index]
        self.paths.append(table.paths[index])
        self.ints.append((int(table.size[index]), int(table.mtime[index]), int(table.rows[index]), int(table.declared[index])))
        names = table.names
        self.strs.append((self._id(names[table.package[index]]), self._id(names[table.tag[index]]), self._id(names[table.format[index]])))

    def build(self) -> FileTable:
        ints = np.array(self.ints, dtype=np.int64).reshape(-1, 4)
        strs = np.array(self.strs, dtype=np.uint32).reshape(-1, 3)
        return FileTable(
            paths=self.paths, size=ints[:, 0].copy(), mtime=ints[:, 1].copy(), rows=ints[:, 2].copy(),
            declared=ints[:, 3].copy(), package=strs[:, 0].copy(), tag=strs[:, 1].copy(), format=strs[:, 2].copy(),
            names=list(self.names), notes=self.notes,
        )
