"""``cachetui sync [DIR]``: get or update the site's pages."""

from __future__ import annotations

import argparse
import os
import shlex

from ..output import (
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    CliError,
    _note,
    _out,
    _printable,
)
from ..registry import Command


def run(opts: argparse.Namespace) -> int:
    from ...config import read_config
    from ...site import SyncError, default_site_dir, repo_url, sync

    directory = opts.dir or default_site_dir()
    if directory is None:
        raise CliError(
            "no place for the site: give DIR (neither XDG_DATA_HOME nor HOME is an absolute path)", EXIT_USAGE
        )
    url = opts.repo or repo_url(read_config()[0])
    try:
        done = sync(os.path.abspath(directory), url, opts.tag, quiet=opts.quiet)
    except SyncError as exc:
        raise CliError(_printable(str(exc))) from None
    pages = os.path.join(os.path.abspath(directory), "_cache")
    _out(_printable(f"{done}: {pages}"))
    if opts.dir:
        _note(opts, _printable(f"open it with: {PROG} -C {shlex.quote(pages)}"))
    else:
        _note(opts, f"`{PROG}` with no catalog now opens it (instead of the bundled sample)")
    return EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "dir", nargs="?", metavar="DIR", help="where the clone lives (default: $XDG_DATA_HOME/cachetui/site)"
    )
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="only this tag (repeatable)")
    p.add_argument("--repo", metavar="URL", help="the site's repository ($CACHETUI_SITE_REPO, site_repo in the config)")


COMMAND = Command(
    "sync",
    "sync [DIR] [--tag TAG ...]",
    "get or update the site's pages (a sparse git clone of _cache/)",
    "get or update the site's pages: a shallow, sparse git clone holding only _cache/",
    add_arguments,
    run,
    description="Clone (or update) the site's repository, keeping only _cache/ (or the named tags),\n"
    "without history or other files. With no DIR: $XDG_DATA_HOME/cachetui/site, which a later\n"
    "`cachetui` with no catalog opens instead of the bundled sample. Only a directory cachetui\n"
    "cloned is ever updated. Examples:\n"
    "  cachetui sync\n"
    "  cachetui sync --tag develop --tag v0.23.0",
)
