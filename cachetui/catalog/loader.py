"""Build a Catalog from page sources, reusing the snapshot where files are unchanged.

Parsing is the slow part, so it runs in worker processes when there is a lot
of it, and only for files whose (size, mtime) changed since the snapshot.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .catalog import Catalog
from .discovery import PAGE_NAMES, FileInfo, discover, still_same
from .hashindex import HashIndex
from .filetable import FileTableBuilder
from .model import Problem
from .parser import NOT_A_PAGE_REASONS, ParsedPage, read_page
from .snapshot import SnapshotData, SnapshotError, default_cache_dir, read_snapshot, snapshot_path, write_snapshot
from .store import ChunkBuilder, SpecStore

PARALLEL_THRESHOLD = 4000  # pages; below this, worker start-up costs more than it saves
CHUNK_FILES = 1500


class NoSourceError(Exception):
    """None of the given catalog sources exists."""

    def __init__(self, missing: list[str]):
        super().__init__("no such file or directory: " + ", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class LoadProgress:
    phase: str  # "scan", "snapshot", "parse", "index", "save", "done"
    done: int = 0
    total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0


ProgressCallback = Callable[[LoadProgress], None]


def _parse_chunk(paths: list[str]) -> tuple[list, dict]:
    """Worker: parse files into (per-file results, one exported column chunk)."""
    builder = ChunkBuilder()
    results = []
    for path in paths:
        parsed = read_page(path)
        if isinstance(parsed, Problem):
            results.append((path, None, parsed.reason))
            continue
        n = builder.add(parsed.tag, parsed.package, parsed.rows)
        problem = parsed.problem()
        results.append((path, {
            "package": parsed.package, "tag": parsed.tag, "format": parsed.format,
            "declared": parsed.declared_specs, "rows": n,
            "note": problem.reason if problem else None,
        }, None))
    return results, builder.export()


def _chunks(files: list[FileInfo], size: int) -> list[list[str]]:
    return [[f.path for f in files[i : i + size]] for i in range(0, len(files), size)]


def load_catalog(
    sources,
    *,
    cache_dir: str | None = None,
    use_cache: bool = True,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> Catalog:
    """Load every page under ``sources``. Never raises for bad pages; NoSourceError if nothing exists."""
    started = time.perf_counter()
    report = progress or (lambda p: None)
    sources = [os.path.abspath(os.path.expanduser(str(s))) for s in sources]
    notices: list[str] = []
    snap_file = snapshot_path(os.path.abspath(os.path.expanduser(cache_dir or default_cache_dir())), sources)
    snapshot: SnapshotData | None = None
    if use_cache:
        report(LoadProgress("snapshot"))
        try:
            snapshot = read_snapshot(snap_file)
            if sorted(snapshot.sources) != sorted(sources):
                snapshot = None
        except FileNotFoundError:
            snapshot = None
        except SnapshotError as exc:
            notices.append(str(exc))
            snapshot = None
    old = snapshot.files if snapshot is not None else None
    report(LoadProgress("scan"))
    if old is not None and snapshot.complete and still_same(
        snapshot.dirs, snapshot.dir_mtime.tolist(), old.paths, old.size.tolist(), old.mtime.tolist()
    ):
        # Nothing changed since the snapshot: no walk, no parse, no write.
        files, store = old, snapshot.store
        hash_index = snapshot.hash_index()
        walk_problems, unchanged, to_save = [], True, None
    else:
        files, store, hash_index, walk_problems, unchanged, to_save = _refresh(
            sources, snapshot, snap_file, report, workers)
    pages, page_problems = files.pages_and_problems()
    catalog = Catalog(pages, store, walk_problems + page_problems, notices, sources, hash_index)
    catalog.problems.extend(catalog.duplicate_problems())

    if use_cache and to_save is not None:
        report(LoadProgress("save"))
        try:
            write_snapshot(snap_file, SnapshotData(
                sources, files, store, hash_index.order, hash_index.sorted_keys, *to_save))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            catalog.notices.append(f"working without a snapshot: cannot write {snap_file}: {reason}")
    if not unchanged:
        _release_free_memory()
    catalog.load_seconds = time.perf_counter() - started
    catalog.from_snapshot = unchanged
    catalog.snapshot_file = snap_file if use_cache else None
    report(LoadProgress("done", len(pages), len(pages)))
    return catalog


def _refresh(sources, snapshot, snap_file, report, workers):
    """Walk the sources, reuse what the snapshot has of unchanged files, parse the rest.

    Returns (files, store, hash index, walk problems, unchanged, what to save or None).
    """
    old = snapshot.files if snapshot is not None else None
    known: dict = {}
    known_dirs: dict = {}
    known_ignored: dict = {}
    if old is not None:
        known_ignored = old.ignored()
        known = {path: stat for path, stat in zip(old.paths, zip(old.size.tolist(), old.mtime.tolist()))
                 if path not in known_ignored}
        known_dirs = dict(zip(snapshot.dirs, snapshot.dir_mtime.tolist()))
    found = discover(sources, known, known_dirs, known_ignored, exclude=os.path.dirname(snap_file),
                     progress=lambda seen: report(LoadProgress("scan", seen)))
    if found.missing and len(found.missing) == len(sources):
        raise NoSourceError(found.missing)
    # Problems of files that are not pages are kept in the file table; the rest are reported as is.
    problem_paths = {info.path for info, _ in found.problem_files}
    walk_problems = [p for p in found.problems if p.path not in problem_paths]
    walk_problems += [Problem(m, "no such file or directory") for m in found.missing]

    old_index = {path: i for i, path in enumerate(old.paths)} if old is not None else {}
    reuse: list[int] = []
    fresh: list[FileInfo] = []
    for info in found.files:
        i = old_index.get(info.path)
        if i is not None and known.get(info.path) == (info.size, info.mtime_ns):
            reuse.append(i)
        else:
            fresh.append(info)
    unchanged = old is not None and not fresh and not found.problem_files and len(reuse) == len(known)

    ignored_now = {info.path: (info.size, info.mtime_ns) for info in found.ignored}
    if unchanged:
        files = old
        if ignored_now != known_ignored:  # same pages; only the silently skipped files changed
            table = FileTableBuilder()
            for i in reuse:
                table.add_from(old, i)
            for info in found.ignored:
                table.add_ignored(info.path, info.size, info.mtime_ns)
            files = table.build()
        store = snapshot.store
        hash_index = snapshot.hash_index()
    else:
        files, store, hash_index = _build(snapshot, reuse, fresh, found.problem_files, found.ignored, report, workers)

    dirs = [d for d, _ in found.dirs]
    dir_mtimes = [m for _, m in found.dirs]
    same_dirs = (snapshot is not None and snapshot.dirs == dirs and snapshot.dir_mtime.tolist() == dir_mtimes
                 and snapshot.complete == found.complete and ignored_now == known_ignored)
    to_save = None if unchanged and same_dirs else (dirs, np.array(dir_mtimes, dtype=np.int64), found.complete)
    return files, store, hash_index, walk_problems, unchanged, to_save


def _build(snapshot, reuse, fresh, problem_files, ignored, report, workers):
    """Keep the rows of unchanged pages, parse the rest, and index the result."""
    table = FileTableBuilder()
    keep = keep_pages = None
    npages = 0
    if snapshot is not None and reuse:
        old = snapshot.files
        starts = np.concatenate(([0], np.cumsum(np.maximum(old.rows, 0))))
        keep_parts, page_parts = [], []
        for i in reuse:
            table.add_from(old, i)
            rows = int(old.rows[i])
            if rows >= 0:
                keep_parts.append(np.arange(starts[i], starts[i] + rows, dtype=np.int64))
                page_parts.append(np.full(rows, npages, dtype=np.uint32))
                npages += 1
        keep = np.concatenate(keep_parts) if keep_parts else np.zeros(0, dtype=np.int64)
        keep_pages = np.concatenate(page_parts) if page_parts else np.zeros(0, dtype=np.uint32)
    for info, reason in problem_files:
        table.add_problem(info.path, info.size, info.mtime_ns, reason)
    for info in ignored:
        table.add_ignored(info.path, info.size, info.mtime_ns)

    total = len(fresh)
    bytes_total = sum(f.size for f in fresh)
    report(LoadProgress("parse", 0, total, 0, bytes_total))
    parts, part_pages = [], []
    info_by_path = {f.path: f for f in fresh}
    done = done_bytes = 0

    def absorb(results, export):
        nonlocal npages, done, done_bytes
        page_rows = []
        first_page = npages
        for path, entry, reason in results:
            info = info_by_path[path]
            done += 1
            done_bytes += info.size
            if entry is None:
                if reason in NOT_A_PAGE_REASONS and os.path.basename(path) not in PAGE_NAMES:
                    table.add_ignored(path, info.size, info.mtime_ns)  # a README, an image...: not ours
                else:
                    table.add_problem(path, info.size, info.mtime_ns, reason)
                continue
            table.add_page(path, info.size, info.mtime_ns, entry["package"], entry["tag"], entry["format"],
                           entry["rows"], entry["declared"], entry["note"])
            page_rows.append(entry["rows"])
            npages += 1
        parts.append(export)
        part_pages.append(np.repeat(np.arange(first_page, npages, dtype=np.uint32), page_rows))
        report(LoadProgress("parse", done, total, done_bytes, bytes_total))

    chunks = _chunks(fresh, CHUNK_FILES)
    nworkers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    absorbed = 0
    if total >= PARALLEL_THRESHOLD and nworkers > 1:
        context = multiprocessing.get_context("spawn")  # fork is unsafe from a threaded UI
        try:
            pool = ProcessPoolExecutor(max_workers=nworkers, mp_context=context)
            try:
                for results, export in pool.map(_parse_chunk, chunks):
                    absorb(results, export)  # its progress report may raise to cancel the load
                    absorbed += 1
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)  # do not parse what nobody will read
                raise
            pool.shutdown()
        except (OSError, RuntimeError, BrokenProcessPool):
            pass  # no worker processes here (sandbox, odd __main__): parse the rest in this process
    for chunk in chunks[absorbed:]:
        for small in (chunk[i : i + 200] for i in range(0, len(chunk), 200)):
            absorb(*_parse_chunk(small))

    report(LoadProgress("index", total, total, bytes_total, bytes_total))
    base = snapshot.store if keep is not None else None
    store = SpecStore.concat(parts, part_pages, base=base, keep=keep, keep_pages=keep_pages)
    return table.build(), store, HashIndex(store.hashes)


def _release_free_memory() -> None:
    """Give the parse buffers back to the OS (glibc keeps freed heap memory otherwise).

    The chunks received from the workers are freed after the merge, but glibc
    holds on to them in its heaps: without this, a cold build leaves the
    process ~70 bytes per spec larger than a start from the snapshot.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass  # not glibc (musl, ...): nothing to do
