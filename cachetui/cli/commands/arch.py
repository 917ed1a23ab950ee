"""``cachetui arch``: this machine as Spack names it."""

from __future__ import annotations

import argparse

from ..output import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    _json_line,
    _out,
    _printable,
)
from ..registry import Command


def run(opts: argparse.Namespace) -> int:
    from ...catalog import ancestors, host_from_environment, targets

    try:
        host, origin = host_from_environment(opts.host)
    except ValueError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None
    if not opts.json:
        _out(_printable(str(host)))
        return EXIT_OK
    target = targets().get(host.target)
    _json_line(
        {
            "platform": host.platform,
            "os": host.os,
            "target": host.target,
            "arch": str(host),
            "ancestors": ancestors(host.target),
            "family": target.family.name if target is not None else None,
            "vendor": target.vendor if target is not None else None,
            "features": sorted(target.features) if target is not None else [],
            "source": origin,
        }
    )
    return EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="the parts, the target's ancestors and where it came from")


COMMAND = Command(
    "arch",
    "arch",
    "this machine as Spack names it (platform-os-target), like 'spack arch'",
    "this machine as Spack names it: platform-os-target (like 'spack arch')",
    add_arguments,
    run,
)
