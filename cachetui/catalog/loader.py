"""Build a Catalog from page sources, reusing the snapshot where files are unchanged.

Parsing is the slow part, so it runs in worker processes when there is a lot
of it, and only for files whose (size, mtime) changed since the snapshot.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .catalog import Catalog
from .discovery import FileInfo, discover
from .hashindex import HashIndex
from .model import Page, Problem
from .parser import ParsedPage, read_page
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
    snap_file = snapshot_path(cache_dir or default_cache_dir(), sources)
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
    known = {}
    previous = {}
    if snapshot is not None:
        for path, size, mtime, entry in snapshot.files:
            known[path] = (size, mtime)
            previous[path] = (size, mtime, entry)

    report(LoadProgress("scan"))
    found = discover(sources, known)
    if found.missing and not found.files and len(found.missing) == len(sources):
        raise NoSourceError(found.missing)
    problems = list(found.problems) + [Problem(m, "no such file or directory") for m in found.missing]

    reuse: list[tuple[FileInfo, dict]] = []
    fresh: list[FileInfo] = []
    for info in found.files:
        old = previous.get(info.path)
        if old is not None and old[0] == info.size and old[1] == info.mtime_ns:
            reuse.append((info, old[2]))
        else:
            fresh.append(info)
    unchanged = snapshot is not None and not fresh and len(reuse) == len(snapshot.files)

    files_table: list = []
    pages: list[Page] = []
    if unchanged:
        store = snapshot.store
        hash_index = HashIndex(store.hashes, snapshot.hash_order, snapshot.hash_keys)
        for info, entry in reuse:
            files_table.append([info.path, info.size, info.mtime_ns, entry])
            _add_entry(pages, problems, info.path, entry, entry.get("start", 0))
    else:
        store, hash_index = _build(snapshot, reuse, fresh, files_table, pages, problems, report, workers)
    problems.extend(_duplicate_problems(pages))
    catalog = Catalog(pages, store, problems, notices, sources, hash_index)

    if use_cache and not unchanged:
        report(LoadProgress("save"))
        try:
            write_snapshot(snap_file, SnapshotData(sources, files_table, store, hash_index.order, hash_index.sorted_keys))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            catalog.notices.append(f"working without a snapshot: cannot write {snap_file}: {reason}")
    catalog.load_seconds = time.perf_counter() - started
    catalog.from_snapshot = unchanged
    report(LoadProgress("done", len(pages), len(pages)))
    return catalog


def _add_entry(pages: list, problems: list, path: str, entry: dict, start: int) -> None:
    if "problem" in entry:
        problems.append(Problem(path, entry["problem"]))
        return
    pages.append(Page(
        id=len(pages), tag=entry["tag"], package=entry["package"], source=path, format=entry["format"],
        start=start, stop=start + entry["rows"], declared_specs=entry.get("declared"),
    ))
    if entry.get("note"):
        problems.append(Problem(path, entry["note"]))


def _build(snapshot, reuse, fresh, files_table, pages, problems, report, workers):
    """Keep the rows of unchanged pages, parse the rest, and index the result."""
    keep = keep_pages = None
    row = 0
    if snapshot is not None and reuse:
        keep_parts, page_parts = [], []
        for info, entry in reuse:
            entry = dict(entry)
            if "problem" not in entry:
                keep_parts.append(np.arange(entry["start"], entry["stop"], dtype=np.int64))
                page_parts.append(np.full(entry["rows"], len(pages), dtype=np.uint32))
                entry["start"], entry["stop"] = row, row + entry["rows"]
                row += entry["rows"]
            files_table.append([info.path, info.size, info.mtime_ns, entry])
            _add_entry(pages, problems, info.path, entry, entry.get("start", 0))
        keep = np.concatenate(keep_parts) if keep_parts else np.zeros(0, dtype=np.int64)
        keep_pages = np.concatenate(page_parts) if page_parts else np.zeros(0, dtype=np.uint32)
    elif reuse:  # no snapshot store to reuse from: parse them too
        fresh = [info for info, _ in reuse] + fresh

    total = len(fresh)
    bytes_total = sum(f.size for f in fresh)
    report(LoadProgress("parse", 0, total, 0, bytes_total))
    parts, part_pages = [], []
    info_by_path = {f.path: f for f in fresh}
    done = done_bytes = 0

    def absorb(results, export):
        nonlocal row, done, done_bytes
        page_of_rows = []
        for path, entry, reason in results:
            info = info_by_path[path]
            done += 1
            done_bytes += info.size
            if entry is None:
                entry = {"problem": reason}
            else:
                entry["start"], entry["stop"] = row, row + entry["rows"]
                page_of_rows.append(np.full(entry["rows"], len(pages), dtype=np.uint32))
                row += entry["rows"]
            files_table.append([path, info.size, info.mtime_ns, entry])
            _add_entry(pages, problems, path, entry, entry.get("start", 0))
        parts.append(export)
        part_pages.append(np.concatenate(page_of_rows) if page_of_rows else np.zeros(0, np.uint32))
        report(LoadProgress("parse", done, total, done_bytes, bytes_total))

    chunks = _chunks(fresh, CHUNK_FILES)
    nworkers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if total >= PARALLEL_THRESHOLD and nworkers > 1:
        context = multiprocessing.get_context("spawn")  # fork is unsafe from a threaded UI
        with ProcessPoolExecutor(max_workers=nworkers, mp_context=context) as pool:
            for results, export in pool.map(_parse_chunk, chunks):
                absorb(results, export)
    else:
        for chunk in chunks:
            for small in (chunk[i : i + 200] for i in range(0, len(chunk), 200)):
                absorb(*_parse_chunk(small))

    report(LoadProgress("index", total, total, bytes_total, bytes_total))
    base = snapshot.store if keep is not None else None
    store = SpecStore.concat(parts, part_pages, base=base, keep=keep, keep_pages=keep_pages)
    return store, HashIndex(store.hashes)


def _duplicate_problems(pages: list[Page]) -> list[Problem]:
    """Two files for the same (tag, package): both are kept, and the user is told."""
    by_key = defaultdict(list)
    for page in pages:
        by_key[(page.tag, page.package)].append(page)
    problems = []
    for (tag, package), same in by_key.items():
        if len(same) > 1:
            for page in same[1:]:
                problems.append(Problem(
                    page.source,
                    f"same tag and package ({tag}/{package}) as {same[0].source}; specs of both are shown",
                ))
    return problems
