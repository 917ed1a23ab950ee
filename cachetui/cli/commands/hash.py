"""``cachetui hash PREFIX``: every occurrence of the specs with a hash prefix."""

from __future__ import annotations

import argparse

from ..output import EXIT_OK, CliError, _json_line, _note, _out, _printable, spec_line
from ..registry import Command, add_limit
from ..sources import (
    _hash_prefix,
    load,
    problems_note,
    resolve_sources,
)


def run(opts: argparse.Namespace) -> int:
    prefix = _hash_prefix(opts.prefix)
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    specs = catalog.lookup_hash(prefix)
    problems_note(opts, catalog, sources, origin)
    if not specs:
        hint = ""
        if not set(prefix) <= set("abcdefghijklmnopqrstuvwxyz234567"):
            hint = " (Spack hashes use only a-z and 2-7)"
        raise CliError(_printable(f"no spec with hash prefix '{prefix}'{hint}"))
    distinct = sorted({s.hash or "" for s in specs})
    if len(distinct) > 1:
        _note(opts, _printable(f"'{prefix}' is ambiguous: {len(distinct)} specs match"))
    kept = set(distinct[: opts.limit] if opts.limit else distinct)  # every occurrence of the first N specs
    for spec in specs:
        if (spec.hash or "") not in kept:
            continue
        if opts.json:
            _json_line(spec.to_dict())
        else:
            _out(spec_line(spec, full_hash=True))
    if len(distinct) > len(kept):
        more = len(distinct) - len(kept)
        _note(opts, f"{more} more spec{'s' if more != 1 else ''} not shown (use --limit N, or --limit 0 for all)")
    return EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("prefix", metavar="PREFIX", help="hash prefix, '/' allowed (/jasonju)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_limit(p, "every occurrence of at most N specs")


COMMAND = Command(
    "hash",
    "hash PREFIX",
    "every occurrence of the spec(s) with that hash prefix",
    "every occurrence of the spec(s) whose hash starts with PREFIX",
    add_arguments,
    run,
)
