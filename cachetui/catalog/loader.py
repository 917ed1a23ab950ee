"""Build a Catalog from page sources, reusing the snapshot where files are unchanged.

Parsing is the slow part, so it runs in worker processes when there is a lot
of it, and only for files whose (size, mtime) changed since the snapshot.

Over 600 lines for now: the refresh and the parse pipeline move to loading/ next (CONTRIBUTING.md).
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import cache_dir as default_cache_dir
from ..config import http_timeout, read_config, snapshot_limits, ttl_seconds
from .catalog import Catalog
from .procs import spawned
from .procs.forked import can_fork, fork_supported
from .remote.mirror import MirrorUnavailable
from .remote.mirror import fetch as fetch_mirror
from .scan import discovery
from .scan.discovery import FileInfo, Previous, Stamp, discover, still_same
from .scan.freshness import Evidence, evidence, settled_before, still_fresh
from .snapshot.filetable import FileTable, FileTableBuilder
from .snapshot.snapshot import (
    SnapshotData,
    SnapshotError,
    freshness_file,
    mark_used,
    prune_snapshots,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)
from .sources.formats import HELPER_MIN_BYTES, PAGE_NAMES, companion_pages, format_of
from .sources.parsed import (
    NOT_A_PAGE_REASONS,
    PageError,
    ParsedPage,
    is_read_failure,
    summary_of_notes,
)
from .spack.records import Problem
from .spack.urls import split_url_source
from .store.hashindex import HashIndex
from .store.rows import IndexColumns
from .store.spec_store import ChunkBuilder, DuplicateValueError, SpecStore

PARALLEL_THRESHOLD = 4000  # pages; below this, worker start-up costs more than it saves
CHUNK_FILES = 1500


class NoSourceError(Exception):
    """None of the given catalog sources exists."""

    def __init__(self, missing: list[str]):
        super().__init__("no such file or directory: " + ", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class LoadProgress:
    phase: str  # "download", "scan", "snapshot", "parse", "index", "save", "done"
    done: int = 0
    total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0  # 0: not known (a download without a length)
    label: str = ""  # "download": the URL
    rate: float = 0.0  # "download": bytes per second so far


ProgressCallback = Callable[[LoadProgress], None]


# What a worker says of one file: (path, the page's facts or None, why it is not a page or None). For a
# Spack index the facts are its pages': "packages" and "rows" are lists, a page per package.
FileResult = tuple[str, dict[str, Any] | None, str | None]


def _parse_chunk(items: list[tuple[str, str]]) -> tuple[list[FileResult], dict[str, Any]]:
    """Worker: parse (path, source name) items into per-page results and one exported column chunk.

    A page file gives one result; so does a Spack index, for all its pages (one per package).
    """
    builder = ChunkBuilder()
    results: list[FileResult] = []
    for path, name in items:
        found = format_of(path).read(path, name)
        parts: list[ParsedPage | IndexColumns | Problem] = [found] if isinstance(found, Problem) else list(found)
        for parsed in parts:
            if isinstance(parsed, Problem):
                results.append((path, None, parsed.reason))
            elif isinstance(parsed, IndexColumns):
                builder.add_index(parsed)
                results.append(_index_result(path, parsed))
            else:
                results.append(_page_result(builder, path, parsed))
    return results, builder.export()


def _page_result(builder: ChunkBuilder, path: str, parsed: ParsedPage) -> FileResult:
    before = len(builder)
    try:
        n = builder.add(parsed.tag, parsed.package, parsed.rows, parsed.extras)
    except PageError as exc:  # a giant page whose JSON broke off half way: none of it loads
        builder.truncate(before)
        return (path, None, str(exc))
    problem = parsed.problem()
    return (
        path,
        {
            "package": parsed.package,
            "tag": parsed.tag,
            "format": parsed.format,
            "declared": parsed.declared_specs,
            "rows": n,
            "note": problem.reason if problem else None,
        },
        None,
    )


def _index_result(path: str, index: IndexColumns) -> FileResult:
    """One result for all the packages of an index read as columns (a page each), its notes with it."""
    facts = {
        "packages": index.packages,
        "tag": index.tag,
        "format": index.format,
        "rows": index.page_rows,
        "note": summary_of_notes(index.notes),
    }
    return (path, facts, None)


def _chunks(files: list[FileInfo], size: int, names: dict[str, str]) -> list[list[tuple[str, str]]]:
    """Work for the parse workers: (path, name of the source it is under) in batches."""
    items = [(f.path, source_name(f.path, names)) for f in files]
    return [items[i : i + size] for i in range(0, len(items), size)]


def source_name(path: str, names: dict[str, str]) -> str:
    """The ``NAME`` of the ``NAME=PATH`` source that holds ``path`` (the innermost), or ""."""
    best, found = -1, ""
    for root, name in names.items():
        if (path == root or path.startswith(root.rstrip(os.sep) + os.sep)) and len(root) > best:
            best, found = len(root), name
    return found


def revalidate(sources: Iterable[str], *, cache_dir: str | None, use_cache: bool) -> Catalog | None:
    """The sources checked now, in a helper process where one can start (it walks and, if need be, reads
    the pages, and writes the new snapshot): the new catalog if anything changed, else None.

    The browser calls it once its first screen is up: the walk over 130,000 pages would otherwise hold
    this interpreter while the user types (docs/benchmarks.md).
    """
    request = (list(sources), cache_dir, use_cache)
    try:
        changed, from_snapshot = spawned.in_fresh_process(_revalidated, request)
    except spawned.SpawnError:  # no helper process here: the check runs in this one
        changed, from_snapshot = _revalidated(request)
    if not changed and from_snapshot:
        return None
    fresh = load_catalog(sources, cache_dir=cache_dir, use_cache=use_cache)  # the snapshot just written
    fresh.load_report.changed_files = changed
    fresh.load_report.from_snapshot = False
    return fresh


def _revalidated(request: tuple[list[str], str | None, bool]) -> tuple[int, bool]:
    """(files changed since the snapshot, every page came from it) of a load that checks the sources now."""
    sources, cache_dir, use_cache = request
    catalog = load_catalog(sources, cache_dir=cache_dir, use_cache=use_cache, refresh=True)
    return catalog.load_report.changed_files, catalog.load_report.from_snapshot


def _named_sources(
    sources: list[str],
    mirrors_in: str | None,
    ttl: float,
    config: dict[str, Any],
    report: ProgressCallback,
    notices: list[str],
) -> tuple[list[tuple[str, str]], list[Problem], tuple[str, ...], bool]:
    """(name, path) of each source, a mirror URL by its kept copy (fetched or revalidated now: ``remote``),
    those copies, and whether one was written now; a URL with no index to answer from is a Problem, and
    when every source is one, MirrorUnavailable."""
    named: list[tuple[str, str]] = []
    kept_roots: list[str] = []
    fetched_now = False
    problems: list[Problem] = []
    timeout, timeout_problem = http_timeout(config)
    if timeout_problem and any(split_url_source(t) for t in sources):
        notices.append(timeout_problem)

    def downloading(where: str, done: int, total: int, rate: float) -> None:
        report(LoadProgress("download", bytes_done=done, bytes_total=total, label=where, rate=rate))

    for text in sources:
        url_source = split_url_source(text)
        if url_source is None:
            named.append(split_source(text))
            continue
        name, url = url_source
        assert mirrors_in is not None, "a mirror URL always has a directory to be kept in (_mirror_scratch)"
        try:
            kept = fetch_mirror(url, mirrors_in, name=name, ttl=ttl, timeout=timeout, progress=downloading)
        except MirrorUnavailable as exc:
            problems.append(Problem(url, str(exc)))
            continue
        except OSError as exc:  # the cache directory cannot hold it
            problems.append(Problem(url, f"{url}: cannot keep its index in {mirrors_in}: {exc.strerror or exc}"))
            continue
        if kept.note:
            notices.append(kept.note)
        named.append((kept.name, kept.root))
        kept_roots.append(kept.root)
        fetched_now = fetched_now or kept.changed
    if problems and not named:
        raise MirrorUnavailable(problems[0].reason if len(problems) == 1 else "; ".join(p.reason for p in problems))
    return named, problems, tuple(kept_roots), fetched_now


def split_source(text: str) -> tuple[str, str]:
    """``NAME=PATH`` -> (NAME, absolute PATH); a plain path (or one that exists with its '=') -> ("", path)."""
    text = str(text)
    name, sep, rest = text.partition("=")
    if sep and name and os.sep not in name and rest and not os.path.exists(os.path.expanduser(text)):
        return name, os.path.abspath(os.path.expanduser(rest))
    return "", os.path.abspath(os.path.expanduser(text))


def load_catalog(
    sources: Iterable[str],
    *,
    cache_dir: str | None = None,
    use_cache: bool = True,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    ttl: float | None = None,
    refresh: bool = False,
    rebuild: bool = False,
    save_later: bool = False,
) -> Catalog:
    """Load every page under ``sources``. Never raises for bad pages; NoSourceError if nothing exists.

    ``save_later``: a snapshot to write is left to the caller as ``catalog.load_report.save_snapshot`` (the
    browser shows the catalog first, then writes it), else written here.

    With a snapshot, the result is the same as without one (same pages, specs
    and problems): only what the scan proves unchanged is reused. Within the
    TTL (``ttl`` seconds; default from ``CACHETUI_TTL``, the config file, or
    600) a snapshot whose O(1) evidence still holds is trusted without a scan
    (see ``freshness``); ``refresh`` always scans; ``rebuild`` ignores the
    snapshot on disk (found damaged while answering) and writes a new one.
    Mirror URLs are fetched into the cache directory and kept (``remote``); without the cache
    (``use_cache=False``) into a directory of their own, removed once loaded.
    """
    # Long on purpose: its steps (snapshot, TTL, scan, parse, save) run in this order; loading/ is the next cut.
    started = time.perf_counter()
    report = progress or (lambda p: None)
    notices: list[str] = []
    config, problem = read_config()
    if ttl is None:
        ttl, ttl_problem = ttl_seconds(config)
        notices.extend(n for n in (problem, ttl_problem) if n)
    cache_root = cache_dir or default_cache_dir()
    mirror_ttl = ttl if use_cache and not refresh else 0.0  # --refresh asks every mirror again
    sources = [str(s) for s in sources]  # read twice below
    scratch = _mirror_scratch(sources, use_cache and bool(cache_root))
    mirrors_in = scratch or (os.path.abspath(os.path.expanduser(cache_root)) if cache_root else None)
    named, remote_problems, kept_copies, fetched_now = _named_sources(
        sources, mirrors_in, mirror_ttl, config, report, notices
    )
    refresh = refresh or fetched_now  # a new copy of a mirror's index: a snapshot of the old one is not trusted
    sources = [path for _, path in named]
    names = {path: name for name, path in named if name}
    keys = [f"{name}={path}" if name else path for name, path in named]  # what the snapshot is for
    if use_cache and not cache_root:
        notices.append(
            "working without a snapshot: no cache directory "
            "(neither XDG_CACHE_HOME nor HOME is an absolute path; use --cache-dir)"
        )
        use_cache = False
    if use_cache and cache_root and (blocked := _not_a_directory(os.path.expanduser(cache_root))):
        notices.append(f"working without a snapshot: the cache directory's {blocked} is not a directory")
        use_cache = False
    snap_file = snapshot_path(os.path.abspath(os.path.expanduser(cache_root)), keys) if cache_root else None
    snapshot: SnapshotData | None = None
    if use_cache and snap_file and not rebuild:
        report(LoadProgress("snapshot"))
        try:
            snapshot = read_snapshot(snap_file)
            if sorted(snapshot.sources) != sorted(keys):
                snapshot = None
            else:
                mark_used(snap_file)
        except FileNotFoundError:
            snapshot = None
        except SnapshotError as exc:
            notices.append(str(exc))
            snapshot = None
    trusted = None
    if snapshot is not None and snap_file and not refresh:
        trusted = read_freshness(snap_file, snapshot, ttl, sources, kept_copies)
    scan_started = time.time_ns()
    fresh_evidence = None
    refreshed: _Refresh | None = None
    if trusted is not None:
        # Within the TTL and nothing the O(1) checks see has moved: no walk at all.
        assert snapshot is not None
        files, store, hash_index, walk_problems, unchanged = (
            snapshot.files,
            snapshot.store,
            snapshot.hash_index(),
            trusted,
            True,
        )
    else:
        report(LoadProgress("scan"))
        fresh_evidence = evidence(sources) if use_cache else None
        if snapshot is not None and snapshot.complete and still_same(snapshot.dir_stamps(), snapshot.file_stamps()):
            # Nothing changed since the snapshot: no walk, no parse, no write.
            files, store, hash_index, walk_problems, unchanged = (
                snapshot.files,
                snapshot.store,
                snapshot.hash_index(),
                [],
                True,
            )
        else:
            try:
                refreshed = _refresh(
                    sources, snapshot, snap_file if use_cache else None, report, workers, names, keys, kept_copies
                )
            except DuplicateValueError:  # a damaged snapshot that only interning noticed
                notices.append("snapshot tables hold a value twice; rebuilding")
                snapshot = None
                refreshed = _refresh(
                    sources, None, snap_file if use_cache else None, report, workers, names, keys, kept_copies
                )
            files, store, hash_index, walk_problems, unchanged = (
                refreshed.files,
                refreshed.store,
                refreshed.hash_index,
                refreshed.walk_problems,
                refreshed.unchanged,
            )
    pages, page_problems = files.pages_and_problems()
    saved_ranks = snapshot.sort_ranks if snapshot is not None and store is snapshot.store else None
    catalog = Catalog(
        pages, store, remote_problems + walk_problems + page_problems, notices, keys, hash_index, saved_ranks
    )
    catalog.load_report.unreachable = [p.reason for p in remote_problems]
    catalog.problems.extend(catalog.duplicate_problems())

    catalog.load_report.snapshot_file = snap_file if use_cache else None
    to_save = refreshed.to_save if refreshed is not None else None
    if use_cache and snap_file and to_save is not None:
        save = _Save(catalog, snap_file, to_save, fresh_evidence, scan_started, walk_problems)
        if save_later:
            catalog.load_report.save_snapshot = save
        else:
            report(LoadProgress("save"))
            save()
    elif use_cache and snap_file and fresh_evidence is not None and snapshot is not None:
        # The snapshot on disk is this catalog (nothing to save): record that it was just verified.
        write_freshness(snap_file, snapshot.scan_ns, scan_started, fresh_evidence, walk_problems)
    if not unchanged:
        _release_free_memory()
    catalog.load_report.seconds = time.perf_counter() - started
    catalog.load_report.from_snapshot = unchanged
    catalog.load_report.trusted_by_ttl = trusted is not None
    catalog.load_report.changed_files = refreshed.changed if refreshed is not None else 0
    report(LoadProgress("done", len(pages), len(pages)))
    if scratch is not None:  # read: the copies are not needed any more
        shutil.rmtree(scratch, ignore_errors=True)
    return catalog


def _mirror_scratch(sources: Iterable[str], use_cache: bool) -> str | None:
    """Without the cache (or a cache directory), a directory of its own for the mirror URLs' copies, removed
    once the load is done (and, if the load fails, when the process ends)."""
    if use_cache or not any(split_url_source(str(s)) for s in sources):
        return None
    scratch = tempfile.mkdtemp(prefix="cachetui-mirrors-")
    atexit.register(shutil.rmtree, scratch, True)
    return scratch


@dataclass
class _Save:
    """Writing a load's snapshot (and the record that it was verified), now or when the caller says."""

    catalog: Catalog
    snap_file: str
    to_save: SnapshotData
    fresh_evidence: Evidence | None
    scan_started: int
    walk_problems: list[Problem]

    def __call__(self) -> None:
        catalog, snap_file = self.catalog, self.snap_file
        catalog.load_report.save_snapshot = None
        self.to_save.sort_ranks = catalog.sort_ranks  # sorting needs no multi-key sort on a warm start
        try:
            write_snapshot(snap_file, self.to_save)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            catalog.notices.append(f"working without a snapshot: cannot write {snap_file}: {reason}")
            return
        catalog.load_report.snapshot_written = True
        days, keep = snapshot_limits(read_config()[0])
        prune_snapshots(os.path.dirname(snap_file), max_age_days=days, keep=keep, protect=snap_file)
        if self.fresh_evidence is not None:
            write_freshness(snap_file, self.to_save.scan_ns, self.scan_started, self.fresh_evidence, self.walk_problems)


def read_freshness(
    snap_file: str, snapshot: SnapshotData, ttl: float, sources: list[str], kept: tuple[str, ...] = ()
) -> list[Problem] | None:
    """The walk problems to report if the snapshot may be trusted without a scan now; else None.
    The stamps of ``kept`` mirror copies need not be settled: a new copy forces a scan (``fetched_now``)."""
    if ttl <= 0:
        return None
    try:
        with open(freshness_file(snap_file), encoding="utf-8") as handle:
            record = json.load(handle)
        verified, scan, recorded, problems = (
            record["verified_ns"],
            record["snapshot_scan_ns"],
            record["evidence"],
            record["problems"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if scan != snapshot.scan_ns or type(verified) is not int or not isinstance(problems, list):
        return None
    if not 0 <= time.time_ns() - verified < ttl * 1e9:
        return None
    if not settled_before(recorded, verified - discovery.SETTLE_NS, kept):
        return None  # something moved within the settle window of that check: it may move again unseen
    if not still_fresh(recorded, sources):
        return None
    try:
        return [Problem(str(path), str(reason)) for path, reason in problems]
    except (TypeError, ValueError):
        return None


def write_freshness(
    snap_file: str, snapshot_scan_ns: int, verified_ns: int, found: Evidence, problems: list[Problem]
) -> None:
    """Record that a full check at ``verified_ns`` found the snapshot right (a small file beside it)."""
    record = {
        "snapshot_scan_ns": snapshot_scan_ns,
        "verified_ns": verified_ns,
        "evidence": found,
        "problems": [[p.path, p.reason] for p in problems],
    }
    path = freshness_file(snap_file)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".fresh-", suffix=".tmp", dir=os.path.dirname(path))
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
            json.dump(record, handle)
        os.replace(tmp, path)
    except OSError:
        pass  # without it the next start checks everything: slower, never wrong


@dataclass
class _Refresh:
    files: FileTable
    store: SpecStore
    hash_index: HashIndex
    walk_problems: list[Problem]
    unchanged: bool  # every page was reused from the snapshot
    to_save: SnapshotData | None  # what to write, or None when the snapshot on disk is already this
    changed: int = 0  # files parsed again or gone since the snapshot


def _refresh(
    sources: list[str],
    snapshot: SnapshotData | None,
    snap_file: str | None,
    report: ProgressCallback,
    workers: int | None,
    names: dict[str, str] | None = None,
    keys: list[str] | None = None,
    kept_copies: tuple[str, ...] = (),
) -> _Refresh:
    """Walk the sources, reuse what the snapshot has of unchanged files, parse the rest.

    A file may hold several pages (a Spack index: one per package); they are
    reused or parsed again together.
    """
    # Long on purpose: reuse, parse and what to save are decided together; loading/ is the next cut.
    old = snapshot.files if snapshot is not None else None
    previous = None
    if snapshot is not None and old is not None:
        files_before, ignored_before = old.stamps(snapshot.scan_ns - discovery.SETTLE_NS, kept_copies)
        previous = Previous(files_before, ignored_before, snapshot.previous_dirs())
    else:
        files_before, ignored_before = {}, {}
    found = discover(
        sources,
        previous,
        exclude=os.path.dirname(snap_file) if snap_file else None,
        progress=lambda seen: report(LoadProgress("scan", seen)),
        settled_under=kept_copies,
    )
    if found.missing and len(found.missing) == len(sources):
        raise NoSourceError(found.missing)
    # Problems of files that are not pages are kept in the file table; the rest are reported as is.
    problem_paths = {info.path for info, _ in found.problem_files}
    walk_problems = [p for p in found.problems if p.path not in problem_paths]
    walk_problems += [Problem(m, "no such file or directory") for m in found.missing]

    old_index: dict[str, list[int]] = {}
    if old is not None:
        for i, path in enumerate(old.paths):
            old_index.setdefault(path, []).append(i)
    ignored_now: dict[str, Stamp | None] = {info.path: info.stamp for info in found.ignored}
    seen = {info.path for info in found.files}
    kept: list[tuple[FileInfo, list[int]]] = []
    fresh: list[FileInfo] = []
    for info in found.files:
        entries = old_index.get(info.path)
        if entries is not None and files_before.get(info.path) == info.stamp:
            kept.append((info, entries))
        else:
            fresh.append(info)
    gone = [path for path in files_before if path not in seen]
    reread = _pages_of_changed_companions(fresh, gone, ignored_before, ignored_now)
    if reread:  # pages whose own file is unchanged but a file they read beside them is not: parsed again
        kept_paths = {info.path for info, _ in kept if info.path not in reread}
        fresh = [info for info in found.files if info.path not in kept_paths]  # in the walk's order
        kept = [(info, entries) for info, entries in kept if info.path in kept_paths]
    reuse = [i for _, entries in kept for i in entries]
    reused_paths = len(kept)
    unchanged = (
        snapshot is not None
        and old is not None
        and not fresh
        and not found.problem_files
        and reused_paths == len(files_before)
    )

    if unchanged and snapshot is not None and old is not None:
        files = old
        if ignored_now != ignored_before:  # same pages; only the silently skipped files changed
            table = FileTableBuilder()
            for i in reuse:
                table.add_from(old, i)
            for info in found.ignored:
                table.add_ignored(info)
            files = table.build()
        store = snapshot.store
        hash_index = snapshot.hash_index()
    else:
        files, store, hash_index = _build(
            snapshot, reuse, fresh, found.problem_files, found.ignored, report, workers, names or {}
        )

    complete = found.complete and files.reusable(found.settled_ns, kept_copies)
    same = (
        unchanged
        and snapshot is not None
        and ignored_now == ignored_before
        and snapshot.dirs == found.dirs
        and snapshot.complete == complete
    )
    to_save = (
        None
        if same
        else SnapshotData(
            keys or sources,
            files,
            store,
            hash_index.order,
            found.dirs,
            found.scan_ns,
            complete,
            hash_keys=hash_index.sorted_keys,  # else the writer sorts the hashes again
        )
    )
    changed = len(fresh) + len(gone)  # parsed again, or gone
    return _Refresh(files, store, hash_index, walk_problems, unchanged, to_save, changed)


def _pages_of_changed_companions(
    fresh: list[FileInfo],
    gone: list[str],
    ignored_before: dict[str, Stamp | None],
    ignored_now: dict[str, Stamp | None],
) -> set[str]:
    """Pages to read again although their own stamp is unchanged: a file they read beside them
    (a legacy page's ``spec-N.json``) changed, appeared or went since the snapshot.

    Only what changed is looked at: the files to parse anyway, the files gone, and the silently
    skipped files whose stamp moved (a warm run over 130,000 unchanged pages does no more).
    """
    changed = [info.path for info in fresh] + gone
    if ignored_now != ignored_before:
        changed += [p for p, stamp in ignored_now.items() if ignored_before.get(p) != stamp]
        changed += [p for p in ignored_before if p not in ignored_now]
    return {page for path in changed for page in companion_pages(path)}


def _build(
    snapshot: SnapshotData | None,
    reuse: list[int],
    fresh: list[FileInfo],
    problem_files: list[tuple[FileInfo, str]],
    ignored: list[FileInfo],
    report: ProgressCallback,
    workers: int | None,
    names: dict[str, str],
) -> tuple[FileTable, SpecStore, HashIndex]:
    """Keep the rows of unchanged pages, parse the rest, and index the result."""
    # Long on purpose: one pass that keeps and parses into the same builders; loading/ is the next cut.
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
        table.add_problem(info, reason)
    for info in ignored:
        table.add_ignored(info)

    total = len(fresh)
    bytes_total = sum(f.size for f in fresh)
    report(LoadProgress("parse", 0, total, 0, bytes_total))
    parts: list[dict[str, Any]] = []
    part_pages: list[np.ndarray] = []
    info_by_path = {f.path: f for f in fresh}
    counted: set[str] = set()
    done = done_bytes = 0

    def absorb(results: list[FileResult], export: dict[str, Any]) -> None:
        nonlocal npages, done, done_bytes
        page_rows = []
        first_page = npages
        for path, entry, reason in results:
            info = info_by_path[path]
            if path not in counted:  # a Spack index gives several pages: count its file once
                counted.add(path)
                done += 1
                done_bytes += info.size
            if entry is None:
                reason = reason or "unreadable page"
                if reason in NOT_A_PAGE_REASONS and os.path.basename(path) not in PAGE_NAMES:
                    table.add_ignored(info)  # a README, an image...: not ours
                else:
                    table.add_problem(info, reason, unreadable=is_read_failure(reason))
                continue
            if "packages" in entry:  # an index: many pages
                table.add_pages(info, entry["packages"], entry["tag"], entry["format"], entry["rows"], entry["note"])
                page_rows.extend(entry["rows"])
                npages += len(entry["packages"])
                continue
            table.add_page(
                info, entry["package"], entry["tag"], entry["format"], entry["rows"], entry["declared"], entry["note"]
            )
            page_rows.append(entry["rows"])
            npages += 1
        parts.append(export)
        part_pages.append(np.repeat(np.arange(first_page, npages, dtype=np.uint32), page_rows))
        report(LoadProgress("parse", done, total, done_bytes, bytes_total))

    nworkers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    for files, alone in _apart(fresh, _read_by_a_helper(fresh, nworkers)):
        chunks = _chunks(files, CHUNK_FILES, names)
        absorbed = 0
        if alone:  # a large index, read where its second reader may be forked (_read_by_a_helper)
            try:
                absorb(*spawned.in_fresh_process(_parse_chunk, chunks[0]))
                absorbed = 1
            except spawned.SpawnError:
                pass  # read it here, in one process
        elif len(files) >= PARALLEL_THRESHOLD and nworkers > 1:
            from .procs.workers import POOL_ERRORS, parallel_map  # multiprocessing only when there is a lot to parse

            try:
                for results, export in parallel_map(_parse_chunk, chunks, nworkers):
                    absorb(results, export)  # its progress report may raise to cancel the load
                    absorbed += 1
            except POOL_ERRORS:
                pass  # no worker processes here (sandbox, odd __main__): parse the rest in this process
        for chunk in chunks[absorbed:]:
            for small in (chunk[i : i + 200] for i in range(0, len(chunk), 200)):
                absorb(*_parse_chunk(small))

    report(LoadProgress("index", total, total, bytes_total, bytes_total))
    base = snapshot.store if keep is not None and snapshot is not None else None
    store = SpecStore.concat(parts, part_pages, base=base, keep=keep, keep_pages=keep_pages)
    return table.build(), store, HashIndex(store.hashes)


def _read_by_a_helper(fresh: list[FileInfo], nworkers: int) -> set[str]:
    """The large Spack indexes to read in a fresh process of their own (``spawned``): where this thread
    may not fork a second reader (the browser loads in a thread), and that process may (Linux): two
    readers beat one by far more than the helper's start costs (docs/benchmarks.md)."""
    if nworkers < 2 or can_fork() or not fork_supported():
        return set()
    return {f.path for f in fresh if f.size and format_of(f.path).text_bytes(f.path) >= HELPER_MIN_BYTES}


def _apart(files: list[FileInfo], alone: set[str]) -> list[tuple[list[FileInfo], bool]]:
    """The files in order, in runs: each file of ``alone`` a run of its own (True), the others together."""
    runs: list[tuple[list[FileInfo], bool]] = []
    for info in files:
        if info.path in alone:
            runs.append(([info], True))
        elif runs and not runs[-1][1]:
            runs[-1][0].append(info)
        else:
            runs.append(([info], False))
    return runs


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


def _not_a_directory(path: str) -> str | None:
    """The first existing component of ``path`` that is not a directory (a file where the cache should be)."""
    path = os.path.abspath(path)
    while True:
        if os.path.lexists(path):
            return None if os.path.isdir(path) else path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent
