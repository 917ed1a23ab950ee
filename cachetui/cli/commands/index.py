"""``cachetui index``: build or refresh the snapshot, then summarise and list problems."""

from __future__ import annotations

import argparse
import os
import sys

from ..output import (
    EXIT_OK,
    CliError,
    Progress,
    _isatty,
    _json_line,
    _note,
    _out,
    _printable,
)
from ..registry import Command
from ..sources import (
    load,
    resolve_sources,
)


def run(opts: argparse.Namespace) -> int:
    if opts.list or opts.prune:
        return _snapshots(opts)
    sources, _ = resolve_sources(opts, opts.paths)
    tty = _isatty(sys.stderr)
    progress = None if opts.quiet else Progress(tty=tty, plain=True)
    catalog = load(opts, sources, progress)
    seconds = round(float(catalog.load_report.seconds), 3)
    if opts.json:
        _json_line(
            {
                "pages": len(catalog.pages),
                "specs": catalog.num_specs,
                "tags": len(catalog.tags),
                "packages": len(catalog.packages),
                "problems": [{"path": p.path, "reason": p.reason} for p in catalog.problems],
                "seconds": seconds,
            }
        )
        return EXIT_OK
    path = catalog.load_report.snapshot_file
    if path is None:
        snapshot = "not used (--no-cache)"
    else:
        if not os.path.exists(path):
            snapshot = f"{path} (not written)"
        else:
            snapshot = f"{path} ({'written' if catalog.load_report.snapshot_written else 'up to date'})"
    for label, value in (
        ("pages", len(catalog.pages)),
        ("specs", catalog.num_specs),
        ("tags", len(catalog.tags)),
        ("packages", len(catalog.packages)),
        ("seconds", f"{seconds:.3f}"),
        ("snapshot", snapshot),
        ("problems", len(catalog.problems)),
    ):
        _out(_printable(f"{label}: {value}"))
    for problem in catalog.problems:
        _out(f"{_printable(problem.path)}: {_printable(problem.reason)}")
    return EXIT_OK


def _snapshots(opts: argparse.Namespace) -> int:
    """``--list``: the snapshots in the cache directory, newest use first; ``--prune``: remove those not
    opened for ``snapshot_days`` and all but the ``snapshot_keep`` most recent (config.toml)."""
    import time

    from ...catalog import human_size, list_snapshots, prune_snapshots
    from ...config import cache_dir, read_config, snapshot_limits

    directory = opts.cache_dir or cache_dir()
    if directory is None:
        raise CliError("no cache directory (neither XDG_CACHE_HOME nor HOME is an absolute path; use --cache-dir)")
    if opts.prune:
        days, keep = snapshot_limits(read_config()[0])
        removed = prune_snapshots(directory, max_age_days=days, keep=keep)
        freed = sum(info.size for info in removed)
        _note(opts, f"removed {len(removed)} snapshot{'s' if len(removed) != 1 else ''} ({human_size(freed)})")
    found = list_snapshots(directory)
    now = time.time_ns()
    for info in found:
        age = (now - info.used_ns) / 86400e9
        if opts.json:
            _json_line({"path": info.path, "bytes": info.size, "days_unused": round(age, 2), "sources": info.sources})
        else:
            sources = " ".join(info.sources[:3]) + (f" (+{len(info.sources) - 3})" if len(info.sources) > 3 else "")
            _out(_printable(f"{human_size(info.size):>9}  {age:5.1f} days  {info.path}  {sources}"))
    if not opts.json:
        _note(opts, f"{len(found)} snapshot{'s' if len(found) != 1 else ''}, {human_size(sum(i.size for i in found))}")
    return EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="page files or directories (like -C)")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--list", action="store_true", help="list the snapshots in the cache directory, with sizes")
    p.add_argument(
        "--prune",
        action="store_true",
        help="remove snapshots not opened for snapshot_days (30) and all but the snapshot_keep (5) most recent",
    )


COMMAND = Command(
    "index",
    "index [PATH ...]",
    "build or refresh the snapshot and list problems",
    "build or refresh the snapshot, then summarise and list problems",
    add_arguments,
    run,
)
