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

from .store import ID_COLUMNS, STRING_TABLES, TUPLE_TABLES, SpecStore, Table

FORMAT = 3
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
    files: list  # [path, size, mtime_ns, entry] where entry is a page dict or {"problem": reason}
    store: SpecStore
    hash_order: np.ndarray
    hash_keys: np.ndarray


def write_snapshot(path: str, data: SnapshotData) -> None:
    """Write atomically; raises OSError (disk full, read-only, ...) with nothing left behind."""
    store = data.store
    meta = {
        "magic": MAGIC,
        "format": FORMAT,
        "sources": data.sources,
        "files": data.files,
        "rows": len(store),
        "tables": {name: store.tables[name].items for name in STRING_TABLES + TUPLE_TABLES},
    }
    arrays = {f"col_{name}": store.columns[name] for name in ID_COLUMNS}
    arrays.update(
        size=store.size, hashes=store.hashes, page=store.page,
        hash_order=data.hash_order, hash_keys=data.hash_keys,
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
        checks = [len(a) == rows for a in (*columns.values(), store.size, store.hashes, store.page, arrays["hash_order"], arrays["hash_keys"])]
        if not all(checks) or store.hashes.dtype != np.dtype("S32"):
            raise SnapshotError("snapshot arrays disagree in length; rebuilding")
        for name in ID_COLUMNS:
            col = columns[name]
            if len(col) and int(col.max()) >= len(tables[name]):
                raise SnapshotError("snapshot refers to missing strings; rebuilding")
        files = meta["files"]
        if not isinstance(files, list):
            raise SnapshotError("snapshot file table is damaged; rebuilding")
        npages = 0
        for entry in files:
            if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], dict)):
                raise SnapshotError("snapshot file table is damaged; rebuilding")
            page = entry[3]
            if "problem" not in page:
                npages += 1
                if not (0 <= page["start"] <= page["stop"] <= rows):
                    raise SnapshotError("snapshot page ranges are damaged; rebuilding")
        if len(store.page) and int(store.page.max()) >= npages:
            raise SnapshotError("snapshot page ids are damaged; rebuilding")
        return SnapshotData(meta["sources"], files, store, arrays["hash_order"], arrays["hash_keys"])
    except SnapshotError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"snapshot is damaged ({type(exc).__name__}); rebuilding") from None
