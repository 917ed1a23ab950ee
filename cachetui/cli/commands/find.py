"""``cachetui find QUERY...``: the specs a query matches."""

from __future__ import annotations

import argparse

from ..output import EXIT_NOTHING, EXIT_OK, _json_line, _note, _out, _printable, spec_line
from ..registry import Command
from ..sources import load, problems_note, resolve_sources, the_host

DEFAULT_LIMIT = 50
FIND_BATCH = 10_000  # specs built (and printed) at a time


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return value


def run(opts: argparse.Namespace) -> int:
    from ...catalog import parse_query

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
    for start in range(0, len(rows), FIND_BATCH):  # Spec objects for a batch at a time: 3M specs fit
        for spec in catalog.specs(rows[start : start + FIND_BATCH]):
            if opts.json:
                _json_line(spec.to_dict())
            else:
                _out(spec_line(spec))
    if result.count > len(rows):
        _note(opts, f"{result.count - len(rows)} more not shown (use --limit N, or --limit 0 for all)")
    problems_note(opts, catalog, sources, origin)
    return EXIT_OK if result.count else EXIT_NOTHING


def query_terms_epilog() -> str:
    """The query language's terms for ``--help`` (from the catalog's term registry)."""
    from ...catalog import query_help_lines

    lines = [f"  {forms}\n      {meaning}" for forms, meaning in query_help_lines()]
    return "query terms (combine with AND; docs/query.md has more):\n" + "\n".join(lines)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="*", metavar="QUERY", help="query words (an empty query lists every spec)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument(
        "--limit",
        type=_limit,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"print at most N specs (default {DEFAULT_LIMIT}; 0 = all)",
    )
    p.add_argument(
        "--here",
        action="store_true",
        help="only specs that run on this machine (or on --host): host=PLATFORM-OS-TARGET",
    )


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
