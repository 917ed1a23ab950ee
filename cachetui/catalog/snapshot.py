"""The on-disk snapshot: parsed columns and the file table, so a second start skips parsing.

Format: a zip of ``.npy`` arrays (numpy's ``.npz``) plus a JSON document, read
with ``allow_pickle=False`` so nothing in it can run code. zip CRCs catch
corruption; a format number and consistency checks catch the rest. Any doubt
means "rebuild", never "trust". Writes go to a temporary file in the same
directory and are renamed into place, so readers (and a second instance
writing at the same time) only ever see a whole snapshot.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass

import numpy as np

from .filetable import IGNORED, NOT_A_PAGE, FileTable
from .hashindex import HashIndex
from .store import ID_COLUMNS, STRING_TABLES, TUPLE_TABLES, SpecStore, Table

FORMAT = 4
MAGIC = "cachetui-snapshot"


class SnapshotError(Exception):
    """The snapshot cannot be used; the message says why (one line)."""


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cachetui")


def snapshot_path(cache_dir: str, sources: list[str]) -> str:
    """One snapshot per set of sources, named by a digest of their absolute paths."""
    digest = hashlib.sha256("\0".join(sorted(sources)).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return os.path.join(cache_dir, f"catalog-{digest}.snap")


@dataclass
class SnapshotData:
    sources: list
    files: FileTable
    store: SpecStore
    hash_order: np.ndarray
    hash_keys: np.ndarray
    dirs: list  # directory paths whose entries were all seen
    dir_mtime: np.ndarray  # int64, one per directory
    complete: bool = False  # `dirs` holds every directory of the sources: a stat pass can prove nothing changed

    def hash_index(self) -> HashIndex:
        """The saved hash index, without sorting again."""
        return HashIndex(self.store.hashes, self.hash_order, self.hash_keys)


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
        "dirs": data.dirs,
        "complete": bool(data.complete),
        "tables": {name: store.tables[name].items for name in STRING_TABLES + TUPLE_TABLES},
    }
    arrays = {f"col_{name}": store.columns[name] for name in ID_COLUMNS}
    arrays.update(
        size=store.size, hashes=store.hashes, page=store.page,
        hash_order=data.hash_order, hash_keys=data.hash_keys,
        file_size=data.files.size, file_mtime=data.files.mtime, file_rows=data.files.rows,
        file_declared=data.files.declared, file_package=data.files.package, file_tag=data.files.tag,
        file_format=data.files.format, dir_mtime=np.asarray(data.dir_mtime, dtype=np.int64),
        meta=np.frombuffer(json.dumps(meta, separators=(",", ":")).encode("utf-8", "surrogateescape"), dtype=np.uint8),
    )
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
        if meta.get("magic") != MAGIC:
            raise SnapshotError("not a cachetui snapshot; rebuilding")
        if meta.get("format") != FORMAT:
            raise SnapshotError(f"snapshot format {meta.get('format')} is not {FORMAT}; rebuilding")
        rows = int(meta["rows"])
        tables = {}
        for name in STRING_TABLES:
            items = meta["tables"][name]
            if not isinstance(items, list):
                raise SnapshotError("snapshot tables are damaged; rebuilding")
            tables[name] = Table(items)
        for name in TUPLE_TABLES:
            tables[name] = Table(tuple(item) for item in meta["tables"][name])
        columns = {name: arrays[f"col_{name}"] for name in ID_COLUMNS}
        store = SpecStore(tables, columns, arrays["size"], arrays["hashes"], arrays["page"])
        hash_order, hash_keys = arrays["hash_order"], arrays["hash_keys"]
        checks = [len(a) == rows and a.ndim == 1 for a in (*columns.values(), store.size, store.hashes, store.page, hash_order, hash_keys)]
        if not all(checks) or store.hashes.dtype != np.dtype("S32"):
            raise SnapshotError("snapshot arrays disagree in length; rebuilding")
        kinds = [a.dtype.kind == "u" for a in (*columns.values(), store.page, hash_order)]
        if not all(kinds) or store.size.dtype != np.int64 or hash_keys.dtype != np.uint64:
            raise SnapshotError("snapshot arrays have the wrong types; rebuilding")
        if rows and (int(hash_order.max()) >= rows or np.bincount(hash_order, minlength=rows).max() != 1
                     or np.any(hash_keys[1:] < hash_keys[:-1])):
            raise SnapshotError("snapshot hash index is damaged; rebuilding")
        for name in ID_COLUMNS:
            col = columns[name]
            if len(col) and int(col.max()) >= len(tables[name]):
                raise SnapshotError("snapshot refers to missing strings; rebuilding")
        sources = meta["sources"]
        if not (isinstance(sources, list) and all(isinstance(src, str) for src in sources)):
            raise SnapshotError("snapshot source list is damaged; rebuilding")
        files = _file_table(meta, arrays)
        page_rows = files.rows[files.rows >= 0]
        if int(page_rows.sum()) != rows or not np.array_equal(store.page, np.repeat(np.arange(len(page_rows)), page_rows)):
            raise SnapshotError("snapshot page ids are damaged; rebuilding")
        dirs, dir_mtime = meta["dirs"], arrays["dir_mtime"]
        if not (isinstance(dirs, list) and len(dirs) == len(dir_mtime) and all(isinstance(d, str) for d in dirs)):
            raise SnapshotError("snapshot directory list is damaged; rebuilding")
        complete = meta.get("complete") is True
        return SnapshotData(sources, files, store, hash_order, hash_keys, dirs, dir_mtime, complete)
    except SnapshotError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"snapshot is damaged ({type(exc).__name__}); rebuilding") from None


def _file_table(meta: dict, arrays: dict) -> FileTable:
    """The file table, checked for every type and range the loader relies on."""
    paths, names, notes = meta["file_paths"], meta["file_names"], meta["file_notes"]
    if not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)
            and isinstance(names, list) and all(isinstance(n, str) for n in names)
            and isinstance(notes, dict) and all(isinstance(v, str) for v in notes.values())):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    columns = [arrays[f"file_{name}"] for name in ("size", "mtime", "rows", "declared", "package", "tag", "format")]
    size, mtime, rows, declared, package, tag, fmt = columns
    n = len(paths)
    if not all(len(c) == n and c.ndim == 1 for c in columns):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    if not all(c.dtype == np.int64 for c in (size, mtime, rows, declared)) or not all(c.dtype.kind == "u" for c in (package, tag, fmt)):
        raise SnapshotError("snapshot file table has the wrong types; rebuilding")
    if n and (int(rows.min()) < IGNORED or max(int(package.max()), int(tag.max()), int(fmt.max())) >= len(names)):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    note_map = {int(k): v for k, v in notes.items()}
    if any(not 0 <= k < n for k in note_map):
        raise SnapshotError("snapshot file table is damaged; rebuilding")
    if any(i not in note_map for i in np.flatnonzero(rows == NOT_A_PAGE).tolist()):
        raise SnapshotError("snapshot file table is damaged (problem without a reason); rebuilding")
    return FileTable(paths, size, mtime, rows, declared, package, tag, fmt, names, note_map)
