"""``cachetui find QUERY...``: the specs a query matches."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..output import EXIT_NOTHING, EXIT_OK, EXIT_USAGE, CliError, _json_line, _note, _out, _printable, spec_line
from ..registry import Command, add_export, add_limit, check_export, export_epilog
from ..sources import load, problems_note, resolve_sources, the_host

if TYPE_CHECKING:
    from ...catalog import Catalog, SpecQuery

FIND_BATCH = 10_000  # specs built (and printed) at a time


def run(opts: argparse.Namespace) -> int:
    from ...catalog import export, parse_query

    check_export(opts.export)
    query = parse_query(" ".join(opts.query))  # a malformed query fails before any loading
    if opts.here:
        query = query.with_host(the_host(opts))
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    result = catalog.query(query)
    for remark in query.notes:
        _note(opts, _printable(remark))
    if query.uses_microarchitectures:
        unknown = catalog.unknown_targets()
        if unknown:
            shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            _note(opts, _printable(f"targets archspec does not know never count as compatible: {shown}"))
    rows = result.ordered_rows(opts.limit or None)
    if opts.export:
        _out(export(catalog.specs(rows), opts.export).rstrip("\n"))
    for start in range(
        0, len(rows) if not opts.export else 0, FIND_BATCH
    ):  # Spec objects for a batch at a time: 3M specs fit
        for spec in catalog.specs(rows[start : start + FIND_BATCH]):
            if opts.json:
                _json_line(spec.to_dict())
            else:
                _out(spec_line(spec))
    if result.count > len(rows):
        what = "exported" if opts.export else "shown"
        _note(opts, f"{result.count - len(rows)} more not {what} (use --limit N, or --limit 0 for all)")
    problems_note(opts, catalog, sources, origin)
    if not result.count:
        _nothing_found(opts, catalog, query)
    return EXIT_OK if result.count else EXIT_NOTHING


def _nothing_found(opts: argparse.Namespace, catalog: Catalog, query: SpecQuery) -> None:
    """Why nothing matched, as far as can be told: a target archspec does not know (an error, as
    ``target=zen33:`` is), a package name that is not there (with the nearest names), or just that."""
    from ...catalog import UnknownTarget, check_target

    for target in query.targets:
        if not any(c in target for c in "*?[") and target not in catalog.store.tables["target"].items:
            try:
                check_target(target)
            except UnknownTarget as exc:
                raise CliError(_printable(f"bad term 'target={target}': {exc}"), EXIT_USAGE) from None
    text = " ".join(opts.query)
    if query.names and not catalog.package_index.search(query.name_text):
        closest = catalog.package_index.closest(query.name_text, limit=5)
        hint = f" (did you mean: {', '.join(closest)}?)" if closest else ""
        _note(opts, _printable(f"no package named '{query.name_text}'{hint}"))
    else:
        unknown = catalog.dependencies_unknown() if query.dependencies else 0
        why = f" ({unknown:,} specs from current pages name no dependencies and were not searched)" if unknown else ""
        _note(opts, _printable(f"no spec matches '{text}'{why}"))


def query_terms_epilog() -> str:
    """The query language's terms and the export formats for ``--help`` (from the engine's registries)."""
    from ...catalog import query_help_lines

    lines = [f"  {forms}\n      {meaning}" for forms, meaning in query_help_lines()]
    return "query terms (combine with AND; docs/query.md has more):\n" + "\n".join(lines) + "\n\n" + export_epilog()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "query", nargs="*", default=[], metavar="QUERY", help="query words (an empty query lists every spec)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_limit(p, "print at most N specs")
    p.add_argument(
        "--here",
        action="store_true",
        help="only specs that run on this machine (or on --host): host=PLATFORM-OS-TARGET",
    )
    add_export(p, "the specs found")


COMMAND = Command(
    "find",
    "find QUERY...",
    "specs matching a query, e.g. 'cachetui find hdf5@1.14 +mpi os=ubuntu22.04'",
    "list specs matching a query",
    add_arguments,
    run,
    description="List specs matching a query, best package match first, then newest tag first.\n"
    "Query words are joined with spaces; every term must match. Examples:\n"
    "  cachetui find hdf5@1.14 +mpi %gcc os=ubuntu22.04\n"
    "  cachetui find zlib tag=v0.23.0 --json\n"
    "'-variant' is read as '~variant', as in Spack.",
    epilog=query_terms_epilog,
    query=True,
)
