"""The on-disk snapshot: parsed columns and the file table, so a second start skips parsing.

Format: a zip of ``.npy`` arrays (numpy's ``.npz``) plus a JSON document, read
with ``allow_pickle=False`` so nothing in it can run code. zip CRCs catch
accidental corruption; a format number and structural checks catch the rest,
including a file edited on purpose: every id is in range, interned tables hold
unique values of the right type, hashes are base32, the hash order really
sorts the hashes (its keys are recomputed, not read), and page ids tile the
rows. Any doubt means "rebuild", never "trust". Writes go to a temporary file
in the same directory and are renamed into place, so readers (and a second
instance writing at the same time) only ever see a whole snapshot; temporary
files left by a killed writer are removed by the next write.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .discovery import DirInfo, DirStamp, Stamp
from .filetable import LOWEST_CODE, NOT_A_PAGE, UNREADABLE, FileTable
from .hashindex import HashIndex, hash_keys, valid_hash_bytes
from .store import ID_COLUMNS, STRING_TABLES, TUPLE_TABLES, SpecStore, Table

FORMAT = 5
MAGIC = "cachetui-snapshot"
TEMP_PREFIX = ".snapshot-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 24 * 3600  # another host's temporary file (shared home) is removed after this


class SnapshotError(Exception):
    """The snapshot cannot be used; the message says why (one line)."""


def default_cache_dir() -> str | None:
    """``$XDG_CACHE_HOME/cachetui``, else ``~/.cache/cachetui``; None when no absolute place exists.

    As the XDG base-directory spec says, a relative ``XDG_CACHE_HOME`` is ignored.
    An empty or relative ``HOME`` falls back to the account's home directory;
    when that is not absolute either, there is no snapshot (the caller says so).
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "cachetui")
    home = os.environ.get("HOME", "")
    if not os.path.isabs(home):
        try:
            import pwd

            home = pwd.getpwuid(os.getuid()).pw_dir
        except (ImportError, KeyError, OSError):
            home = ""
    if not os.path.isabs(home) or home == os.sep:
        return None
    return os.path.join(home, ".cache", "cachetui")


def snapshot_path(cache_dir: str, sources: list[str]) -> str:
    """One snapshot per set of sources, named by a digest of their absolute paths."""
    digest = hashlib.sha256("\0".join(sorted(sources)).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return os.path.join(cache_dir, f"catalog-{digest}.snap")


@dataclass
class SnapshotData:
    sources: list[str]
    files: FileTable
    store: SpecStore
    hash_order: np.ndarray
    dirs: list[DirInfo]  # every directory the scan walked
    scan_ns: int = 0  # when the scan that made it began (wall clock, ns)
    complete: bool = False  # a stat pass over `dirs` and the files can prove nothing changed
    hash_keys: np.ndarray | None = field(default=None, repr=False)  # recomputed on read, never stored

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
    meta = {
        "magic": MAGIC,
        "format": FORMAT,
        "sources": data.sources,
        "rows": len(store),
        "file_paths": data.files.paths,
        "file_names": data.files.names,
        "file_notes": {str(k): v for k, v in data.files.notes.items()},
        "dirs": [d.path for d in data.dirs],
        "scan_ns": int(data.scan_ns),
        "complete": bool(data.complete),
        "tables": {name: store.tables[name].items for name in STRING_TABLES + TUPLE_TABLES},
    }
    arrays = {f"col_{name}": store.columns[name] for name in ID_COLUMNS}
    arrays.update(
        size=store.size,
        hashes=store.hashes,
        page=store.page,
        hash_order=data.hash_order,
        file_size=data.files.size,
        file_mtime=data.files.mtime,
        file_ctime=data.files.ctime,
        file_ino=data.files.ino,
        file_rows=data.files.rows,
        file_declared=data.files.declared,
        file_package=data.files.package,
        file_tag=data.files.tag,
        file_format=data.files.format,
        dir_mtime=np.array([d.mtime_ns for d in data.dirs], dtype=np.int64),
        dir_ctime=np.array([d.ctime_ns for d in data.dirs], dtype=np.int64),
        dir_ino=np.array([d.ino for d in data.dirs], dtype=np.uint64),
        dir_trusted=np.array([d.trusted for d in data.dirs], dtype=np.bool_),
        meta=np.frombuffer(json.dumps(meta, separators=(",", ":")).encode("utf-8", "surrogateescape"), dtype=np.uint8),
    )
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    remove_stale_temp_files(directory)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(), suffix=TEMP_SUFFIX, dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy stubs type **kwds as allow_pickle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _temp_prefix() -> str:
    """``.snapshot-HOST-PID-``: lets a later writer tell a dead writer's file from a live one's."""
    host = "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:64] or "host"
    return f"{TEMP_PREFIX}{host}-{os.getpid()}-"


def remove_stale_temp_files(directory: str) -> list[str]:
    """Remove temporary snapshot files whose writer is gone (killed mid-write); return their names.

    A file of this host whose process no longer exists is removed at once;
    one of another host (a home directory shared over NFS) only once it is a day old.
    """
    removed: list[str] = []
    host = _temp_prefix()[len(TEMP_PREFIX) :].rsplit("-", 2)[0]
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
    """Load and validate a snapshot; raise SnapshotError (or FileNotFoundError) if unusable."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise
    except PermissionError as exc:
        raise SnapshotError(f"cannot read snapshot: {exc.strerror or exc}") from None
    except Exception as exc:  # zip, npy and pickle-refusal errors all mean damage
        raise SnapshotError(f"snapshot is damaged ({type(exc).__name__}); rebuilding") from None
    try:
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8", "surrogateescape"))
        if not isinstance(meta, dict) or meta.get("magic") != MAGIC:
            raise SnapshotError("not a cachetui snapshot; rebuilding")
        if meta.get("format") != FORMAT:
            raise SnapshotError(f"snapshot format {meta.get('format')} is not {FORMAT}; rebuilding")
        rows = meta["rows"]
        if type(rows) is not int or rows < 0:
            raise SnapshotError("snapshot row count is damaged; rebuilding")
        tables = {name: _table(meta["tables"][name], tuples=False) for name in STRING_TABLES if name != "tarball"}
        tables["tarball"] = _tarball_table(meta["tables"]["tarball"])
        for name in TUPLE_TABLES:
            tables[name] = _table(meta["tables"][name], tuples=True)
        columns = {name: arrays[f"col_{name}"] for name in ID_COLUMNS}
        store = SpecStore(tables, columns, arrays["size"], arrays["hashes"], arrays["page"])
        hash_order = arrays["hash_order"]
        checks = [
            len(a) == rows and a.ndim == 1
            for a in (*columns.values(), store.size, store.hashes, store.page, hash_order)
        ]
        if not all(checks) or store.hashes.dtype != np.dtype("S32"):
            raise SnapshotError("snapshot arrays disagree in length; rebuilding")
        kinds = [a.dtype.kind == "u" for a in (*columns.values(), store.page, hash_order)]
        if not all(kinds) or store.size.dtype != np.int64:
            raise SnapshotError("snapshot arrays have the wrong types; rebuilding")
        for name in ID_COLUMNS:
            col = columns[name]
            if len(col) and int(col.max()) >= len(tables[name]):
                raise SnapshotError("snapshot refers to missing strings; rebuilding")
        if rows and int(store.size.min()) < -1:
            raise SnapshotError("snapshot sizes are damaged; rebuilding")
        if not valid_hash_bytes(store.hashes):
            raise SnapshotError("snapshot hashes are damaged; rebuilding")
        keys = None
        if rows:
            if int(hash_order.max()) >= rows or np.bincount(hash_order, minlength=rows).max() != 1:
                raise SnapshotError("snapshot hash index is damaged; rebuilding")
            # The order must really sort the hashes: recompute its keys rather than trust stored ones.
            keys = hash_keys(store.hashes[hash_order])
            if np.any(keys[1:] < keys[:-1]):
                raise SnapshotError("snapshot hash index is out of order; rebuilding")
        sources = meta["sources"]
        if not (isinstance(sources, list) and all(isinstance(src, str) for src in sources)):
            raise SnapshotError("snapshot source list is damaged; rebuilding")
        files = _file_table(meta, arrays)
        page_rows = files.rows[files.rows >= 0]
        if int(page_rows.sum()) != rows or not np.array_equal(
            store.page, np.repeat(np.arange(len(page_rows)), page_rows)
        ):
            raise SnapshotError("snapshot page ids are damaged; rebuilding")
        dirs = _dirs(meta, arrays)
        scan_ns = meta.get("scan_ns")
        if type(scan_ns) is not int:
            raise SnapshotError("snapshot scan time is damaged; rebuilding")
        complete = meta.get("complete") is True
        return SnapshotData(sources, files, store, hash_order, dirs, scan_ns, complete, keys)
    except SnapshotError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError, OverflowError) as exc:
        raise SnapshotError(f"snapshot is damaged ({type(exc).__name__}); rebuilding") from None


def _table(items: Any, *, tuples: bool) -> Table:
    """An interned table: a list of unique strings (or tuples of strings)."""
    if not isinstance(items, list):
        raise SnapshotError("snapshot tables are damaged; rebuilding")
    if tuples:
        if not all(isinstance(item, list) and all(type(x) is str for x in item) for item in items):
            raise SnapshotError("snapshot tables have the wrong types; rebuilding")
        values: list[Any] = [tuple(item) for item in items]
    else:
        if not all(type(item) is str for item in items):
            raise SnapshotError("snapshot tables have the wrong types; rebuilding")
        values = items
    table = Table(values)
    if len(table) != len(values):
        raise SnapshotError("snapshot tables hold a value twice; rebuilding")
    return table


def _tarball_table(items: Any) -> Table:
    """Tarball URLs: ids 0 and 1 are reserved (None, False), the rest unique strings."""
    if not (isinstance(items, list) and len(items) >= 2 and items[0] is None and items[1] is False):
        raise SnapshotError("snapshot tables are damaged; rebuilding")
    rest = _table(items[2:], tuples=False)
    return Table([None, False, *rest.items])


def _dirs(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> list[DirInfo]:
    paths = meta["dirs"]
    columns = [arrays[f"dir_{name}"] for name in ("mtime", "ctime", "ino", "trusted")]
    if not (
        isinstance(paths, list)
        and all(isinstance(d, str) for d in paths)
        and all(len(c) == len(paths) and c.ndim == 1 for c in columns)
    ):
        raise SnapshotError("snapshot directory list is damaged; rebuilding")
    mtime, ctime, ino, trusted = columns
    if mtime.dtype != np.int64 or ctime.dtype != np.int64 or ino.dtype != np.uint64 or trusted.dtype != np.bool_:
        raise SnapshotError("snapshot directory list has the wrong types; rebuilding")
    return [
        DirInfo(p, m, c, i, t)
        for p, m, c, i, t in zip(paths, mtime.tolist(), ctime.tolist(), ino.tolist(), trusted.tolist())
    ]


def _file_table(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> FileTable:
    """The file table, checked for every type and range the loader relies on."""
    paths, names, notes = meta["file_paths"], meta["file_names"], meta["file_notes"]
    if not (
        isinstance(paths, list)
        and all(isinstance(p, str) for p in paths)
        and isinstance(names, list)
        and all(isinstance(n, str) for n in names)
        and isinstance(notes, dict)
        and all(isinstance(v, str) for v in notes.values())
    ):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    columns = [
        arrays[f"file_{name}"]
        for name in ("size", "mtime", "ctime", "ino", "rows", "declared", "package", "tag", "format")
    ]
    size, mtime, ctime, ino, rows, declared, package, tag, fmt = columns
    n = len(paths)
    if not all(len(c) == n and c.ndim == 1 for c in columns):
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
