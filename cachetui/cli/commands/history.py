"""``cachetui history PACKAGE [QUERY...]``: per version, the tags it is in."""

from __future__ import annotations

import argparse

from ..output import EXIT_NOTHING, EXIT_OK, _json_line, _out, _plural, _printable
from ..registry import Command
from ..sources import (
    load,
    named_package,
    problems_note,
    resolve_sources,
)

COMPACT_TAGS = 4  # a version in more tags than this shows counts unless --all


def run(opts: argparse.Namespace) -> int:
    from ...catalog import package_history, parse_query, sparkline

    query = parse_query(" ".join(opts.query))
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    package = named_package(opts, catalog, opts.package, sources, origin)
    history = package_history(catalog, package, query)
    problems_note(opts, catalog, sources, origin)
    if opts.json:
        _json_line(history.to_dict())
        return EXIT_OK if history.versions else EXIT_NOTHING
    total = sum(history.tag_counts.values())
    _out(
        _printable(
            f"{package}: {_plural(len(history.versions), 'version')}, {_plural(total, 'spec')} "
            f"in {_plural(len(history.tag_counts), 'tag')}"
        )
    )
    snapshots = history.snapshot_counts(catalog)
    if snapshots and any(count for _, count in snapshots):
        line = sparkline([count for _, count in snapshots], width=60)
        _out(_printable(f"  weekly snapshots {snapshots[0][0]} .. {snapshots[-1][0]}: {line}"))
    for version in history.versions:
        if opts.all or len(version.tags) <= COMPACT_TAGS:
            tags = ", ".join(f"{tag} ({count})" for tag, count in version.tags.items())
        else:  # 100 tags make a 3,000-character line: the counts, and where the list is
            specs = sum(version.tags.values())
            tags = f"{len(version.tags)} tags, {_plural(specs, 'spec')} (--all lists them)"
        _out(_printable(f"  {version.version}: first {version.first}, last {version.last}; {tags}"))
    return EXIT_OK if history.versions else EXIT_NOTHING


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("package", metavar="PACKAGE")
    p.add_argument("query", nargs="*", default=[], metavar="QUERY", help="narrows the specs counted")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--all", action="store_true", help=f"every tag of every version (default: up to {COMPACT_TAGS})")


COMMAND = Command(
    "history",
    "history PACKAGE [QUERY...]",
    "per version, the tags it is in",
    "per version of a package, the tags it is in",
    add_arguments,
    run,
    description="Per version of PACKAGE (newest first): the tags it appears in with their spec counts, "
    "and the first and last of them.\nA QUERY narrows the specs counted. Example:\n"
    "  cachetui history hdf5 +mpi",
    query=True,
)
