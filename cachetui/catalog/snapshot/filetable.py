"""What the last load saw of every file, column-wise: the snapshot's index of pages.

130k files as 130k dicts cost seconds to save, load and validate; as a few
arrays and interned string lists they cost milliseconds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..scan.discovery import FileInfo, Stamp
from ..spack.records import Problem
from ..store.pagetable import PageTable
from .mapfile import Subset

NOT_A_PAGE = -1  # `rows` of a file that could not be read as a page (its note says why)
IGNORED = -2  # `rows` of a file skipped silently (not a page, not named like one)
UNREADABLE = -3  # `rows` of a file whose read failed (permissions, I/O): read again on every run
LOWEST_CODE = UNREADABLE


@dataclass
class FileTable:
    paths: Sequence[str]  # a list, or the lazy strings of a mapped snapshot
    size: np.ndarray  # int64
    mtime: np.ndarray  # int64 (ns)
    ctime: np.ndarray  # int64 (ns)
    ino: np.ndarray  # uint64
    rows: np.ndarray  # int64: spec rows of the page, or NOT_A_PAGE / IGNORED / UNREADABLE
    declared: np.ndarray  # int64: meta.num_specs, or -1
    package: np.ndarray  # uint32 ids into `names`
    tag: np.ndarray  # uint32 ids into `names`
    format: np.ndarray  # uint32 ids into `names`
    names: list[str]  # interned package, tag and format strings
    notes: dict[int, str] = field(default_factory=dict)  # file index -> remark (page) or reason (not a page)

    def __len__(self) -> int:
        return len(self.paths)

    def pages_and_problems(self) -> tuple[PageTable, list[Problem]]:
        """Pages in file order, their rows tiling the store; and every recorded problem."""
        is_page = self.rows >= 0
        rows = self.rows[is_page]
        stop = np.cumsum(rows)
        index = np.flatnonzero(is_page)
        paths = self.paths
        pages = PageTable(
            self.names,
            self.tag[is_page],
            self.package[is_page],
            self.format[is_page],
            Subset(paths, index) if not isinstance(paths, list) else [paths[i] for i in index.tolist()],
            stop - rows,
            stop,
            self.declared[is_page],
        )
        problems = [Problem(paths[i], note) for i, note in sorted(self.notes.items())]
        return pages, problems

    def stamps(
        self, settled_ns: int, settled_under: tuple[str, ...] = ()
    ) -> tuple[dict[str, Stamp | None], dict[str, Stamp | None]]:
        """(candidate pages, silently skipped files): path -> stamp, or None where it must be read again.

        A stamp is reusable only if it was older than the settle time of the scan
        that recorded it (a rewrite within the same clock tick would not change it)
        and the read did not fail (a failed read may succeed now). Files under ``settled_under`` (copies
        cachetui keeps, only ever replaced by a rename: a new inode) are settled as soon as they are there.
        """
        settled = (self._settled(settled_ns, settled_under)) & (self.rows != UNREADABLE)
        stamps = zip(self.size.tolist(), self.mtime.tolist(), self.ctime.tolist(), self.ino.tolist())
        files: dict[str, Stamp | None] = {}
        ignored: dict[str, Stamp | None] = {}
        for path, stamp, ok, rows in zip(self.paths, stamps, settled.tolist(), self.rows.tolist()):
            (ignored if rows == IGNORED else files)[path] = stamp if ok else None
        return files, ignored

    def reusable(self, settled_ns: int, settled_under: tuple[str, ...] = ()) -> bool:
        """Every file's stamp can be trusted (see ``stamps``)."""
        return bool(np.all(self._settled(settled_ns, settled_under)) and not np.any(self.rows == UNREADABLE))

    def _settled(self, settled_ns: int, settled_under: tuple[str, ...]) -> np.ndarray:
        settled: np.ndarray = np.maximum(self.mtime, self.ctime) < settled_ns
        if settled_under and not settled.all():
            prefixes = tuple(root.rstrip(os.sep) + os.sep for root in settled_under)
            for i in np.flatnonzero(~settled).tolist():
                settled[i] = self.paths[i].startswith(prefixes)
        return settled

    def stamp_items(self) -> Iterator[tuple[str, Stamp]]:
        """(path, stamp) of every file, for a stat pass."""
        return zip(self.paths, zip(self.size.tolist(), self.mtime.tolist(), self.ctime.tolist(), self.ino.tolist()))


class FileTableBuilder:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.ints: list[tuple[int, int, int, int, int, int]] = []  # size, mtime, ctime, ino, rows, declared
        self.strs: list[tuple[int, int, int]] = []  # (package id, tag id, format id)
        self.names: dict[str, int] = {"": 0}
        self.notes: dict[int, str] = {}

    def _id(self, text: str) -> int:
        return self.names.setdefault(text, len(self.names))

    def _add(self, info: FileInfo, rows: int, declared: int, strs: tuple[int, int, int], note: str | None) -> None:
        if note:
            self.notes[len(self.paths)] = note
        self.paths.append(info.path)
        self.ints.append((info.size, info.mtime_ns, info.ctime_ns, info.ino, rows, declared))
        self.strs.append(strs)

    def add_page(
        self, info: FileInfo, package: str, tag: str, fmt: str, rows: int, declared: int | None, note: str | None
    ) -> None:
        strs = (self._id(package), self._id(tag), self._id(fmt))
        self._add(info, rows, -1 if declared is None else declared, strs, note)

    def add_pages(
        self, info: FileInfo, packages: list[str], tag: str, fmt: str, rows: list[int], note: str | None
    ) -> None:
        """The pages of one file that holds many (a Spack index: a page per package), in one go (one
        ``add_page`` per package was measurably slower: docs/benchmarks.md)."""
        if not packages:
            return
        if note:
            self.notes[len(self.paths)] = note
        tag_id, fmt_id, intern, names = self._id(tag), self._id(fmt), self.names.setdefault, self.names
        facts = (info.size, info.mtime_ns, info.ctime_ns, info.ino)
        self.paths.extend([info.path] * len(packages))
        self.ints.extend([(*facts, n, -1) for n in rows])
        self.strs.extend([(intern(package, len(names)), tag_id, fmt_id) for package in packages])

    def add_problem(self, info: FileInfo, reason: str, *, unreadable: bool = False) -> None:
        self._add(info, UNREADABLE if unreadable else NOT_A_PAGE, -1, (0, 0, 0), reason)

    def add_ignored(self, info: FileInfo) -> None:
        self._add(info, IGNORED, -1, (0, 0, 0), None)

    def add_from(self, table: FileTable, index: int) -> None:
        """Carry one entry over from last time's table unchanged."""
        info = FileInfo(
            table.paths[index],
            int(table.size[index]),
            int(table.mtime[index]),
            int(table.ctime[index]),
            int(table.ino[index]),
        )
        names = table.names
        strs = (
            self._id(names[table.package[index]]),
            self._id(names[table.tag[index]]),
            self._id(names[table.format[index]]),
        )
        self._add(info, int(table.rows[index]), int(table.declared[index]), strs, table.notes.get(index))

    def build(self) -> FileTable:
        columns = list(zip(*self.ints)) or [()] * 6
        strs = np.array(self.strs, dtype=np.uint32).reshape(-1, 3)

        def col(i: int, dtype: type) -> np.ndarray:
            return np.array(columns[i], dtype=dtype)

        return FileTable(
            paths=self.paths,
            size=col(0, np.int64),
            mtime=col(1, np.int64),
            ctime=col(2, np.int64),
            ino=col(3, np.uint64),
            rows=col(4, np.int64),
            declared=col(5, np.int64),
            package=strs[:, 0].copy(),
            tag=strs[:, 1].copy(),
            format=strs[:, 2].copy(),
            names=list(self.names),
            notes=self.notes,
        )
