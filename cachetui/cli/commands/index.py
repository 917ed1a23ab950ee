"""``cachetui index``: build or refresh the snapshot, then summarise and list problems."""

from __future__ import annotations

import argparse
import os
import sys

from ..output import (
    EXIT_OK,
    Progress,
    _isatty,
    _json_line,
    _out,
    _printable,
)
from ..registry import Command
from ..sources import (
    load,
    resolve_sources,
)


def run(opts: argparse.Namespace) -> int:
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


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="page files or directories (like -C)")
    p.add_argument("--json", action="store_true", help="one JSON document")


COMMAND = Command(
    "index",
    "index [PATH ...]",
    "build or refresh the snapshot and list problems",
    "build or refresh the snapshot, then summarise and list problems",
    add_arguments,
    run,
)
