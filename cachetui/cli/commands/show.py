"""``cachetui show PACKAGE`` and ``cachetui show /HASH``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..output import EXIT_OK, CliError, _counts, _json_line, _out, _plural, _printable, spec_line
from ..registry import Command
from ..sources import (
    _hash_prefix,
    load,
    named_package,
    problems_note,
    resolve_sources,
)

if TYPE_CHECKING:
    from ...catalog import Catalog


def run(opts: argparse.Namespace) -> int:
    import fnmatch

    from ...catalog import LEGACY_TAG, mirror_add_command, no_mirror_reason, version_key

    if opts.package.startswith("/"):
        prefix = _hash_prefix(opts.package)
        sources, origin = resolve_sources(opts)
        return _show_hash(opts, prefix, load(opts, sources), sources, origin)
    sources, origin = resolve_sources(opts)
    catalog = load(opts, sources)
    package = named_package(opts, catalog, opts.package, sources, origin)
    tags: list[str] = []
    for page_id in catalog.page_ids_of_package(package):
        tag = catalog.pages[page_id].tag
        if tag not in tags:
            tags.append(tag)
    if opts.tag:
        wanted = opts.tag
        glob = any(c in wanted for c in "*?[")
        picked = [t for t in tags if (fnmatch.fnmatchcase(t, wanted) if glob else t == wanted)]
        if not picked:
            problems_note(opts, catalog, sources, origin)
            raise CliError(_printable(f"{package} has no page in tag '{wanted}' (its tags: {', '.join(tags)})"))
        tags = picked

    blocks = []
    for tag in tags:
        rows = catalog.rows_of(tag=tag, package=package)
        specs = catalog.specs(rows)
        specs.sort(key=lambda s: version_key(s.version), reverse=True)  # stable: page order within a version
        blocks.append((tag, catalog.summary(rows), specs))

    if opts.json:
        _json_line(
            {
                "package": package,
                "tags": [
                    {"tag": tag, "summary": summary.to_dict(), "specs": [s.to_dict() for s in specs]}
                    for tag, summary, specs in blocks
                ],
            }
        )
    else:
        from ...catalog import human_size

        total = sum(summary.num_specs for _, summary, _ in blocks)
        _out(_printable(f"{package}: {_plural(total, 'spec')} in {_plural(len(blocks), 'tag')}"))
        for tag, summary, specs in blocks:
            _out()
            _out(_printable(f"[{tag}]  {_plural(summary.num_specs, 'spec')}"))
            lines = [
                ("versions", _counts(summary.versions)),
                ("compilers", _counts(summary.compilers)),
                ("platforms", _counts(summary.platforms)),
                ("OSes", _counts(summary.oss)),
                ("targets", _counts(summary.targets)),
                ("stacks", _counts(summary.stacks)),
            ]
            if summary.total_size is not None:
                lines.append(("size", human_size(summary.total_size) + " (specs of known size)"))
            pages = catalog.pages_for(tag, package)
            mirror = mirror_add_command(tag, pages[0].source if pages else None)
            if mirror:
                lines.append(("mirror", mirror))
            elif tag != LEGACY_TAG:
                lines.append(("mirror", f"- ({no_mirror_reason(tag, pages[0].source if pages else None)})"))
            for label, text in lines:
                _out(_printable(f"  {label + ':':<11}{text}"))
            for spec in specs:
                _out("    " + spec_line(spec, tag=False))
    problems_note(opts, catalog, sources, origin)
    return EXIT_OK


def _show_hash(opts: argparse.Namespace, prefix: str, catalog: Catalog, sources: list[str], origin: str) -> int:
    """``show /HASH``: the spec(s) with that hash prefix, each with its root flag and dependencies."""
    specs = catalog.lookup_hash(prefix)
    problems_note(opts, catalog, sources, origin)
    if not specs:
        records = catalog.dependency_records(prefix)
        if not records:
            raise CliError(_printable(f"no spec with hash prefix '{prefix}'"))
        for record in records:  # an index names it only as a dependency: say so, and who depends on it
            if opts.json:
                _json_line(record.to_dict(catalog))
                continue
            dependents = catalog.specs(record.dependents)
            names = sorted({s.package for s in dependents})
            what = f"an external at {record.external}" if record.external else "a dependency whose binary is not here"
            _out(_printable(f"{record.hash}  {record.name_version}  ({what})"))
            more = f" and {len(names) - 8} more" if len(names) > 8 else ""
            _out(_printable(f"  needed by {_plural(len(dependents), 'spec')} here: {', '.join(names[:8])}{more}"))
            if record.external:
                _out("  Spack uses an external as it is: nothing to install from a cache")
        return EXIT_OK
    for spec in specs:
        if opts.json:
            _json_line(spec.to_dict())
            continue
        _out(spec_line(spec, full_hash=True))
        if spec.dependencies is None:
            _out("  dependencies: unknown (pages list root specs only)")
            continue
        _out(f"  root: {'yes' if spec.root else 'no'}")
        if not spec.dependencies:
            _out("  dependencies: none")
        for dep in spec.dependencies:
            _out(_printable(f"  ^ {dep.reference}{'  ' + dep.note if dep.note else ''}"))
    return EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("package", metavar="PACKAGE", help="a package name, or /HASH for one spec and its dependencies")
    p.add_argument("--tag", metavar="TAG", help="only this tag (glob patterns allowed: 'develop-2025-*')")
    p.add_argument("--json", action="store_true", help="one JSON document")


COMMAND = Command(
    "show",
    "show PACKAGE",
    "a package's summary per tag and its specs; /HASH: one spec and its dependencies",
    "a package's summary per tag and its specs; /HASH: a spec and its dependencies",
    add_arguments,
    run,
)
