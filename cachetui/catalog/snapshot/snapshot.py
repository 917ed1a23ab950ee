"""The on-disk snapshot: parsed columns and the file table, so a start skips parsing.

One file that opens by mapping (``mapfile``): a checksummed header, then
aligned arrays that stay on disk until used; string tables and paths decode
one string at a time. Nothing in it can run code (plain numeric and byte
arrays, JSON). A format number and structural checks catch damage and
tampering: a checksum per array (``mapfile.checksum``), checked when it is first
viewed (all are viewed on open); every id column within its table, small interned tables holding
unique values of the right type, hashes base32, the hash index sorted and its
keys matching the hashes it orders (on a sample here, and on every answer),
page ids tiling the rows. Any doubt means "rebuild", never "trust". Writes go
to a temporary file in the same directory and are renamed into place, so
readers (and a second instance writing at the same time) only ever see a whole
snapshot; temporary files left by a killed writer are removed by the next write.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..query.sorting import RANKED_TABLES, SortRanks
from ..scan.discovery import DirInfo, DirStamp, Stamp
from ..store.hashindex import HashIndex, valid_hash_bytes
from ..store.hashindex import hash_keys as hash_keys_of
from ..store.rows import distinct
from ..store.spec_store import ID_COLUMNS, STRING_TABLES, TUPLE_TABLES, Dependencies, ReservedPrefix, SpecStore, Table
from . import mapfile
from .filetable import LOWEST_CODE, NOT_A_PAGE, UNREADABLE, FileTable
from .mapfile import encode_strings

FORMAT = 12  # 10: a checksum per array; 11: legacy pages: ^dependencies, spec files; `arches`; 12: externals
MAGIC = "cachetui-snapshot"
TEMP_PREFIX = ".snapshot-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 24 * 3600  # another host's temporary file (shared home) is removed after this


class SnapshotError(Exception):
    """The snapshot cannot be used; the message says why (one line)."""


def snapshot_path(cache_dir: str, sources: list[str]) -> str:
    """One snapshot per set of sources, named by a digest of their absolute paths."""
    digest = hashlib.sha256("\0".join(sorted(sources)).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return os.path.join(cache_dir, f"catalog-{digest}.snap")


class SnapshotData:
    """A catalog's parsed columns and what the scan that made them saw.

    Read from disk, every array is a view of the mapped file and every string
    list decodes on access; the directory list is built only when a refresh
    asks for it.
    """

    def __init__(
        self,
        sources: list[str],
        files: FileTable,
        store: SpecStore,
        hash_order: np.ndarray,
        dirs: Sequence[DirInfo] | Callable[[], list[DirInfo]],
        scan_ns: int = 0,
        complete: bool = False,
        hash_keys: np.ndarray | None = None,
        sort_ranks: SortRanks | None = None,
    ) -> None:
        self.sources = sources
        self.files = files
        self.store = store
        self.hash_order = hash_order
        self._dirs = dirs
        self.scan_ns = scan_ns
        self.complete = complete  # a stat pass over the directories and files can prove nothing changed
        self.hash_keys = hash_keys
        self.sort_ranks = sort_ranks  # saved with the catalog's store (computed from the catalog)

    @property
    def dirs(self) -> list[DirInfo]:
        """Every directory the scan walked."""
        if callable(self._dirs):
            self._dirs = self._dirs()
        return list(self._dirs)

    def hash_index(self) -> HashIndex:
        """The saved hash index, without sorting again."""
        return HashIndex(self.store.hashes, self.hash_order, self.hash_keys)

    def previous_dirs(self) -> dict[str, DirStamp | None]:
        """Every directory walked: its stamp where a later scan may trust it, else None."""
        return {d.path: d.stamp if d.trusted else None for d in self.dirs}

    def dir_stamps(self) -> list[tuple[str, DirStamp]]:
        return [(d.path, d.stamp) for d in self.dirs]

    def file_stamps(self) -> list[tuple[str, Stamp]]:
        return list(self.files.stamp_items())


def write_snapshot(path: str, data: SnapshotData) -> None:
    """Write atomically; raises OSError (disk full, read-only, ...) with nothing left behind."""
    store = data.store
    files = data.files
    dirs = data.dirs
    tarballs = store.tables["tarball"].items
    header = {
        "magic": MAGIC,
        "format": FORMAT,
        "sources": data.sources,
        "rows": len(store),
        "scan_ns": int(data.scan_ns),
        "complete": bool(data.complete),
        "file_names": files.names,
        "file_notes": {str(k): v for k, v in files.notes.items()},
        "tuple_tables": {name: [list(item) for item in store.tables[name].items] for name in TUPLE_TABLES},
    }
    arrays = {f"col_{name}": store.columns[name] for name in ID_COLUMNS}
    arrays.update(
        size=store.size,
        hashes=store.hashes,
        page=store.page,
        hash_order=data.hash_order,
        hash_keys=data.hash_index().sorted_keys,
        **_rank_arrays(data.sort_ranks),
        root=store.root.astype(np.int8, copy=False),
        dep_row=store.deps.row.astype(np.uint32, copy=False),
        dep_hash=store.deps.hash,
        dep_label=store.deps.label.astype(np.uint32, copy=False),
        dep_binary=store.deps.binary.astype(np.bool_, copy=False),
        file_size=files.size,
        file_mtime=files.mtime,
        file_ctime=files.ctime,
        file_ino=files.ino,
        file_rows=files.rows,
        file_declared=files.declared,
        file_package=files.package,
        file_tag=files.tag,
        file_format=files.format,
        dir_mtime=np.array([d.mtime_ns for d in dirs], dtype=np.int64),
        dir_ctime=np.array([d.ctime_ns for d in dirs], dtype=np.int64),
        dir_ino=np.array([d.ino for d in dirs], dtype=np.uint64),
        dir_trusted=np.array([d.trusted for d in dirs], dtype=np.bool_),
    )
    for name in STRING_TABLES:
        items = list(store.tables[name].items)
        arrays.update(encode_strings(f"table_{name}", items[2:] if name == "tarball" else items))
    arrays.update(encode_strings("file_paths", list(files.paths)))
    arrays.update(encode_strings("dir_paths", [d.path for d in dirs]))
    if tarballs[:2] != [None, False]:
        raise ValueError("tarball table lost its reserved ids")
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    remove_stale_temp_files(directory)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(), suffix=TEMP_SUFFIX, dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            mapfile.write(handle, header, arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def temp_prefix() -> str:
    """``.snapshot-HOST-PID-``: lets a later writer tell a dead writer's file from a live one's."""
    host = "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:64] or "host"
    return f"{TEMP_PREFIX}{host}-{os.getpid()}-"


def remove_stale_temp_files(directory: str) -> list[str]:
    """Remove temporary snapshot files whose writer is gone (killed mid-write); return their names.

    A file of this host whose process no longer exists is removed at once;
    one of another host (a home directory shared over NFS) only once it is a day old.
    """
    removed: list[str] = []
    host = temp_prefix()[len(TEMP_PREFIX) :].rsplit("-", 2)[0]
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
            continue
        full = os.path.join(directory, name)
        parts = name[len(TEMP_PREFIX) :].split("-")
        stale = False
        if len(parts) >= 3 and parts[-3] == host and parts[-2].isdigit():
            stale = not _pid_alive(int(parts[-2]))
        if not stale:
            try:
                stale = now - os.stat(full).st_mtime > STALE_TEMP_SECONDS
            except OSError:
                continue
        if stale:
            try:
                os.unlink(full)
                removed.append(name)
            except OSError:
                pass
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists (another user's), or we cannot tell: keep it
    return True


def read_snapshot(path: str) -> SnapshotData:
    """Open a snapshot by mapping it and check its structure; SnapshotError (or FileNotFoundError) if unusable.

    The checks are vectorised and touch each id column once (a ``max``); the
    hash index is checked on a sample of its entries here and on every answer
    it gives (``HashIndex.lookup`` keeps only rows whose hash has the prefix).
    """
    try:
        snap = mapfile.MapFile(path)
    except FileNotFoundError:
        raise
    except PermissionError as exc:
        raise SnapshotError(f"cannot read snapshot: {exc.strerror or exc}") from None
    except IsADirectoryError:
        raise SnapshotError("snapshot is a directory; rebuilding") from None
    except (mapfile.MapFileError, ValueError, OSError) as exc:
        raise SnapshotError(
            f"{exc}; rebuilding"
            if isinstance(exc, mapfile.MapFileError)
            else f"snapshot is damaged ({type(exc).__name__}); rebuilding"
        ) from None
    try:
        return _read(snap)
    except SnapshotError:
        raise
    except mapfile.MapFileError as exc:
        raise SnapshotError(f"{exc}; rebuilding") from None
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError, OverflowError, IndexError) as exc:
        raise SnapshotError(f"snapshot is damaged ({type(exc).__name__}); rebuilding") from None


def _read(snap: mapfile.MapFile) -> SnapshotData:
    # Long on purpose: one check after another, in the order the arrays depend on each other.
    meta = snap.header
    if meta.get("magic") != MAGIC:
        raise SnapshotError("not a cachetui snapshot; rebuilding")
    if meta.get("format") != FORMAT:
        raise SnapshotError(
            f"the snapshot was written by another cachetui version (format {meta.get('format')}, "
            f"this one reads {FORMAT}); rebuilding it once"
        )
    rows = meta["rows"]
    if type(rows) is not int or rows < 0:
        raise SnapshotError("snapshot row count is damaged; rebuilding")
    tables: dict[str, Table] = {}
    for name in STRING_TABLES:
        strings = snap.strings(f"table_{name}")
        if name == "tarball":
            tables[name] = Table(ReservedPrefix([None, False], strings))  # checked when interned into
        else:
            tables[name] = _table(strings, tuples=False)
    tuple_tables = meta["tuple_tables"]
    for name in TUPLE_TABLES:
        tables[name] = _table(tuple_tables[name], tuples=True)
    columns = {name: snap.array(f"col_{name}") for name in ID_COLUMNS}
    deps = Dependencies(
        snap.array("dep_row"), snap.array("dep_hash"), snap.array("dep_label"), snap.array("dep_binary")
    )
    root = snap.array("root")
    store = SpecStore(tables, columns, snap.array("size"), snap.array("hashes"), snap.array("page"), root, deps)
    if root.dtype != np.int8 or len(root) != rows or (rows and (int(root.min()) < -1 or int(root.max()) > 1)):
        raise SnapshotError("snapshot root flags are damaged; rebuilding")
    if (
        deps.row.dtype != np.uint32
        or deps.hash.dtype != np.dtype("S32")
        or deps.label.dtype != np.uint32
        or deps.binary.dtype != np.bool_
        or len({len(deps.row), len(deps.hash), len(deps.label), len(deps.binary)}) != 1
    ):
        raise SnapshotError("snapshot dependencies are damaged; rebuilding")
    if len(deps.row) and (
        int(deps.row.max()) >= rows
        or np.any(deps.row[1:] < deps.row[:-1])
        or int(deps.label.max()) >= len(tables["deplabel"])
    ):
        raise SnapshotError("snapshot dependencies are damaged; rebuilding")
    hash_order, hash_keys = snap.array("hash_order"), snap.array("hash_keys")
    lengths = (*columns.values(), store.size, store.hashes, store.page, hash_order, hash_keys)
    if not all(len(a) == rows for a in lengths) or store.hashes.dtype != np.dtype("S32"):
        raise SnapshotError("snapshot arrays disagree in length; rebuilding")
    kinds = [a.dtype.kind == "u" for a in (*columns.values(), store.page, hash_order)]
    if not all(kinds) or store.size.dtype != np.int64 or hash_keys.dtype != np.uint64:
        raise SnapshotError("snapshot arrays have the wrong types; rebuilding")
    for name in ID_COLUMNS:
        col = columns[name]
        if len(col) and int(col.max()) >= len(tables[name]):
            raise SnapshotError("snapshot refers to missing strings; rebuilding")
    if rows:
        if int(hash_order.max()) >= rows or np.any(hash_keys[1:] < hash_keys[:-1]):
            raise SnapshotError("snapshot hash index is damaged; rebuilding")
        # The keys must be those of the hashes the order names: checked on a spread sample
        # (a reversed or shuffled order fails it), and every lookup re-checks what it returns.
        # (A small sample: each probe maps a whole page of the hash column around it.)
        spread = np.linspace(0, rows - 1, num=min(rows, 64)).astype(np.int64)  # ascending, maybe repeating
        sample = distinct(spread)
        picked = store.hashes[hash_order[sample]]
        if not valid_hash_bytes(picked) or np.any(hash_keys_of(picked) != hash_keys[sample]):
            raise SnapshotError("snapshot hash index is out of order; rebuilding")
    sources = meta["sources"]
    if not (isinstance(sources, list) and all(isinstance(src, str) for src in sources)):
        raise SnapshotError("snapshot source list is damaged; rebuilding")
    files = _file_table(meta, snap)
    page_rows = files.rows[files.rows >= 0]
    if int(page_rows.sum()) != rows or (rows and not _tiles(store.page, page_rows)):
        raise SnapshotError("snapshot page ids are damaged; rebuilding")
    scan_ns = meta.get("scan_ns")
    if type(scan_ns) is not int:
        raise SnapshotError("snapshot scan time is damaged; rebuilding")
    complete = meta.get("complete") is True
    dir_paths = snap.strings("dir_paths")
    dir_arrays = [snap.array(f"dir_{name}") for name in ("mtime", "ctime", "ino", "trusted")]
    if not all(len(a) == len(dir_paths) for a in dir_arrays):
        raise SnapshotError("snapshot directory list is damaged; rebuilding")
    if (
        dir_arrays[0].dtype != np.int64
        or dir_arrays[1].dtype != np.int64
        or dir_arrays[2].dtype != np.uint64
        or dir_arrays[3].dtype != np.bool_
    ):
        raise SnapshotError("snapshot directory list has the wrong types; rebuilding")

    def dirs() -> list[DirInfo]:
        mtime, ctime, ino, trusted = (a.tolist() for a in dir_arrays)
        return [DirInfo(*fields) for fields in zip(dir_paths, mtime, ctime, ino, trusted)]

    return SnapshotData(sources, files, store, hash_order, dirs, scan_ns, complete, hash_keys, _sort_ranks(snap, rows))


def _rank_arrays(ranks: SortRanks | None) -> dict[str, np.ndarray]:
    if ranks is None:
        return {}
    arrays = {f"rank_{name}": ranks.values[name] for name in RANKED_TABLES}
    arrays["rank_natural"] = ranks.natural
    return arrays


def _sort_ranks(snap: mapfile.MapFile, rows: int) -> SortRanks | None:
    """The saved ranks, if there are any of the right shape (the catalog checks they fit its tables).

    The natural rank is a permutation; a damaged one is found when it is first
    inverted (``RowSorter.natural_order``), which then computes the ranks again.
    """
    names = [f"rank_{name}" for name in (*RANKED_TABLES, "natural")]
    if not all(snap.has(name) for name in names):
        return None
    arrays = {name: snap.array(f"rank_{name}") for name in (*RANKED_TABLES, "natural")}
    if any(a.dtype != np.int32 for a in arrays.values()) or len(arrays["natural"]) != rows:
        return None
    natural = arrays.pop("natural")
    return SortRanks(arrays, natural)


def _tiles(page: np.ndarray, page_rows: np.ndarray) -> bool:
    """Page ids run 0, 0, ..., 1, 1, ... with each page's row count: non-decreasing, right counts."""
    if len(page) and np.any(page[1:] < page[:-1]):
        return False
    return bool(np.array_equal(np.bincount(page, minlength=len(page_rows)), page_rows))


def _table(items: Sequence[Any], *, tuples: bool) -> Table:
    """An interned table: unique strings (or tuples of strings). These tables are small (versions,
    compilers, OSes, targets, variant sets): checking them whole on open costs little."""
    if tuples:
        if not isinstance(items, list) or not all(
            isinstance(item, list) and all(type(x) is str for x in item) for item in items
        ):
            raise SnapshotError("snapshot tables have the wrong types; rebuilding")
        values: Sequence[Any] = [tuple(item) for item in items]
    else:
        values = items
    if len(set(values)) != len(values):
        raise SnapshotError("snapshot tables hold a value twice; rebuilding")
    return Table(values)


def _file_table(meta: dict[str, Any], snap: mapfile.MapFile) -> FileTable:
    """The file table, checked for every type and range the loader relies on."""
    paths = snap.strings("file_paths")
    names, notes = meta["file_names"], meta["file_notes"]
    if not (
        isinstance(names, list)
        and all(isinstance(n, str) for n in names)
        and isinstance(notes, dict)
        and all(isinstance(v, str) for v in notes.values())
    ):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    columns = [
        snap.array(f"file_{name}")
        for name in ("size", "mtime", "ctime", "ino", "rows", "declared", "package", "tag", "format")
    ]
    size, mtime, ctime, ino, rows, declared, package, tag, fmt = columns
    n = len(paths)
    if not all(len(c) == n for c in columns):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    if (
        not all(c.dtype == np.int64 for c in (size, mtime, ctime, rows, declared))
        or ino.dtype != np.uint64
        or not all(c.dtype.kind == "u" for c in (package, tag, fmt))
    ):
        raise SnapshotError("snapshot file table has the wrong types; rebuilding")
    if n and (int(rows.min()) < LOWEST_CODE or max(int(package.max()), int(tag.max()), int(fmt.max())) >= len(names)):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    if len(set(names)) != len(names):
        raise SnapshotError("snapshot file table holds a name twice; rebuilding")
    note_map = {int(k): v for k, v in notes.items()}
    if any(not 0 <= k < n for k in note_map):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    needs_reason = np.flatnonzero((rows == NOT_A_PAGE) | (rows == UNREADABLE)).tolist()
    if any(i not in note_map for i in needs_reason):
        raise SnapshotError("snapshot file table is damaged (problem without a reason); rebuilding")
    return FileTable(paths, size, mtime, ctime, ino, rows, declared, package, tag, fmt, names, note_map)


@dataclass
class SnapshotInfo:
    """One snapshot in the cache directory: its file, size (with its freshness record), when it was last
    opened, and the sources it is for (empty when its header cannot be read)."""

    path: str
    size: int
    used_ns: int
    sources: list[str]


def freshness_file(snap_file: str) -> str:
    """The small record beside a snapshot saying when a full check last found it right."""
    return snap_file[: -len(".snap")] + ".fresh" if snap_file.endswith(".snap") else snap_file + ".fresh"


def list_snapshots(cache_dir: str, *, sources: bool = True) -> list[SnapshotInfo]:
    """The snapshots cachetui wrote in ``cache_dir`` (``catalog-*.snap``), most recently opened first;
    ``sources`` reads each one's header for the sources it is for (pruning needs no header)."""
    found = []
    try:
        names = os.listdir(cache_dir)
    except OSError:
        return []
    for name in names:
        if not (name.startswith("catalog-") and name.endswith(".snap")):
            continue
        path = os.path.join(cache_dir, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        size = st.st_size + _size(freshness_file(path))
        found.append(SnapshotInfo(path, size, st.st_mtime_ns, _sources_of(path) if sources else []))
    return sorted(found, key=lambda info: info.used_ns, reverse=True)


def mark_used(path: str) -> None:
    """Record that the snapshot was just opened (its mtime; pruning keeps recently used ones)."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune_snapshots(
    cache_dir: str, *, max_age_days: float, keep: int, protect: str | None = None
) -> list[SnapshotInfo]:
    """Remove snapshots not opened for ``max_age_days``, and all but the ``keep`` most recently opened;
    never ``protect`` (the one in use). Only cachetui's own files (``catalog-*.snap`` and their
    ``.fresh``) are ever removed. Returns what was removed."""
    now = time.time_ns()
    removed = []
    for rank, info in enumerate(list_snapshots(cache_dir, sources=False)):
        if protect is not None and os.path.abspath(info.path) == os.path.abspath(protect):
            continue
        if rank < keep and now - info.used_ns < max_age_days * 86400e9:
            continue
        for path in (info.path, freshness_file(info.path)):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError:
                break
        else:
            removed.append(info)
    return removed


def _sources_of(path: str) -> list[str]:
    try:
        return [str(s) for s in mapfile.MapFile(path).header.get("sources", [])]
    except (OSError, ValueError, mapfile.MapFileError):
        return []


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
