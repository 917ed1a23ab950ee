"""``cachetui diff TAG_A TAG_B [QUERY...]``: specs added and removed between two tags."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..output import EXIT_NOTHING, EXIT_OK, _json_line, _out, _printable, spec_line
from ..registry import Command
from ..sources import (
    _resolve_tag,
    load,
    problems_note,
    resolve_sources,
)

if TYPE_CHECKING:
    from ...catalog import Spec


def run(opts: argparse.Namespace) -> int:
    from ...catalog import diff_tags, parse_query

    query = parse_query(" ".join(opts.query))
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    tag_a, tag_b = _resolve_tag(catalog, opts.tag_a), _resolve_tag(catalog, opts.tag_b)
    change = diff_tags(catalog, tag_a, tag_b, query)
    added, removed = catalog.specs(change.added), catalog.specs(change.removed)
    order = {name: i for i, name in enumerate(catalog.packages)}

    if opts.json:
        for spec, kind in sorted(
            [(s, "added") for s in added] + [(s, "removed") for s in removed],
            key=lambda item: (order[item[0].package], item[1] == "added", item[0].version, item[0].hash or ""),
        ):
            _json_line({**spec.to_dict(), "change": kind})
    else:
        _out(_printable(f"{tag_a} -> {tag_b}: {change.summary()}"))
        for item in change.packages:
            state = " (new)" if item.new else " (gone)" if item.gone else ""
            parts = [f"+{item.added}", f"-{item.removed}"]
            if item.versions_added:
                parts.append("versions added: " + ", ".join(item.versions_added))
            if item.versions_dropped:
                parts.append("dropped: " + ", ".join(item.versions_dropped))
            _out(_printable(f"  {item.package}{state}: " + "  ".join(parts)))
        by_package: dict[str, list[tuple[str, Spec]]] = {}
        for sign, specs in (("-", removed), ("+", added)):
            for spec in specs:
                by_package.setdefault(spec.package, []).append((sign, spec))
        if by_package:
            _out()
        for package in sorted(by_package, key=order.__getitem__):
            for sign, spec in by_package[package]:
                _out(sign + " " + spec_line(spec))
    problems_note(opts, catalog, sources, origin)
    return EXIT_NOTHING if change.unchanged else EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("tag_a", metavar="TAG_A")
    p.add_argument("tag_b", metavar="TAG_B")
    p.add_argument("query", nargs="*", default=[], metavar="QUERY", help="narrows both sides (the find query language)")
    p.add_argument("--json", action="store_true", help="one JSON object per changed spec")


COMMAND = Command(
    "diff",
    "diff TAG_A TAG_B [QUERY...]",
    "specs added and removed between two tags",
    "specs added and removed between two tags",
    add_arguments,
    run,
    description="Specs (by hash) in TAG_B and not in TAG_A (added, +) and in TAG_A and not in TAG_B "
    "(removed, -).\nA QUERY narrows both sides. Tags: a name, a glob matching one tag, "
    "latest-release or latest-snapshot. Examples:\n"
    "  cachetui diff v0.22.0 v0.23.0\n"
    "  cachetui diff latest-release develop hdf5 +mpi",
    query=True,
)
