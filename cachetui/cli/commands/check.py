"""``cachetui check FILE``: which of an environment's concrete specs are binaries here, and why not the others."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..output import EXIT_NOTHING, EXIT_OK, EXIT_USAGE, CliError, _json_line, _note, _out, _printable
from ..registry import Command, add_export, check_export, export_epilog
from ..sources import load, problems_note, resolve_sources, the_host

if TYPE_CHECKING:
    from ...catalog import CheckReport, SpecCheck


def run(opts: argparse.Namespace) -> int:
    from ...catalog import ConcreteReadError, cached_binaries, check_environment, export, read_concrete

    check_export(opts.export)
    try:
        environment = read_concrete(opts.file)
    except ConcreteReadError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None
    host = the_host(opts) if opts.here or opts.host else None
    for remark in environment.notes:
        _note(opts, _printable(f"{opts.file}: {remark}"))
    sources, origin = resolve_sources(opts)
    if opts.browse:  # the browser checks the environment once its catalog is loaded
        from .browse import open_browser

        open_browser(opts, sources, environment=environment, host=host)
        return EXIT_OK
    catalog = load(opts, sources)
    report = check_environment(catalog, environment, host)
    if opts.export:
        _out(export(list(cached_binaries(report)), opts.export).rstrip("\n"))
        _note(opts, _printable(report.summary()))
    elif opts.json:
        for check in report.checks:
            _json_line(check.to_dict())
    else:
        _plain(report)
    problems_note(opts, catalog, sources, origin)
    return EXIT_OK if report.all_cached else EXIT_NOTHING


def _plain(report: CheckReport) -> None:
    """The summary line, then a line per missing spec (its nearest binaries below it), then what runs elsewhere."""
    _out(_printable(report.summary()))
    for check in report.missing:
        _out(_printable(_missing_line(check)))
        for other in check.nearest[1:]:
            _out(_printable(f"    or /{other.spec.short_hash} in {other.spec.tag} {other.text()}"))
    if report.host is not None:
        for check in report.checks:
            if check.cached and check.runs_here is False:
                head = f"{check.spec.label} /{check.spec.hash[:7]}"
                _out(_printable(f"{head}: cached in {check.tags[0]}, but does not run here: {check.why_not_here}"))


def _missing_line(check: SpecCheck) -> str:
    spec = check.spec
    head = f"{spec.label} /{spec.hash[:7]}" + (" (root)" if spec.root else "")
    if not check.needed:
        head += " (only to build cached specs)"
    if not check.nearest:
        return f"{head}: no binary of {spec.name} in any source"
    best = check.nearest[0]
    return f"{head}: nearest /{best.spec.short_hash} in {best.spec.tag} {best.text()}"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a spack.lock (version 4 to 6), a spec file, or a Spack database")
    p.add_argument("--json", action="store_true", help="one JSON object per concrete spec")
    p.add_argument(
        "--here",
        action="store_true",
        help="say whether each spec runs on this machine (or on --host)",
    )
    p.add_argument("--browse", action="store_true", help="open the environment in the browser")
    add_export(p, "the cached specs")


def _epilog() -> str:
    return (
        "exit status: 0 when every spec but externals is cached, 1 when some are not, 2 when FILE cannot be read\n"
        "'nearest' binaries are of the same package, fewest differing fields first (docs/check.md)\n\n"
        + export_epilog()
    )


COMMAND = Command(
    "check",
    "check FILE",
    "which specs of a spack.lock, spec file or Spack database are cached, and the nearest binaries of the others",
    "check an environment's concrete specs against the caches",
    add_arguments,
    run,
    description="Check the concrete specs of FILE (a spack.lock, a spec file as 'spack spec --json' writes it,\n"
    "or a Spack database index.json) against the catalog: which are binaries, in which tags, and for\n"
    "the others the nearest binaries of the same package with what differs. Examples:\n"
    "  cachetui check spack.lock\n"
    "  cachetui check spack.lock --json --here\n"
    "  cachetui check spack.lock --export script > install.sh",
    epilog=_epilog,
)
