"""``cachetui [browse|pick] [PATH ...]``: the browser, and picking a spec with it."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from ... import signals
from ...config import ENV_HOST
from ..output import (
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    CliError,
    _note,
    _out,
    _printable,
)
from ..registry import Command
from ..sources import SAMPLE_NOTE, check_sources, resolve_sources, the_host

if TYPE_CHECKING:
    from ...catalog import Environment, Host


def cmd_browse(opts: argparse.Namespace) -> int:
    return _run_browser(opts, pick=False)


def cmd_pick(opts: argparse.Namespace) -> int:
    return _run_browser(opts, pick=True)


def _environment_of(opts: argparse.Namespace) -> Environment | None:
    """A ``*.lock`` among the paths (``cachetui spack.lock``): the environment to check, taken out of them."""
    locks = [p for p in opts.paths if str(p).endswith(".lock") and os.path.isfile(p)]
    if not locks:
        return None
    if len(locks) > 1:
        raise CliError("give one lock file to open (cachetui check FILE --browse)", EXIT_USAGE)
    from ...catalog import ConcreteReadError, read_concrete

    opts.paths = [p for p in opts.paths if p != locks[0]]
    try:
        return read_concrete(locks[0])
    except ConcreteReadError as exc:
        raise CliError(_printable(str(exc)), EXIT_USAGE) from None


def _run_browser(opts: argparse.Namespace, *, pick: bool) -> int:
    environment = _environment_of(opts)
    sources, origin = resolve_sources(opts, opts.paths)
    if origin == "site":
        _note(opts, _printable(f"no catalog given: opening the synced site pages in {sources[0]}"))
    picked = open_browser(
        opts, sources, pick=pick, notice=SAMPLE_NOTE if origin == "sample" else None, environment=environment
    )
    if not pick:
        return EXIT_OK
    if not picked:
        return EXIT_NOTHING
    _out(_printable(picked))
    return EXIT_OK


def open_browser(
    opts: argparse.Namespace,
    sources: list[str],
    *,
    pick: bool = False,
    notice: str | None = None,
    environment: Environment | None = None,
    host: Host | None = None,
) -> str | None:
    """Run the browser over ``sources`` (exit 2 if none exists); in pick mode, the picked hash."""
    check_sources(opts, sources)
    host = host or browser_host(opts)
    from ...catalog import BackgroundLoad

    # The catalog opens while the UI is imported and its first screen built (the largest part of a start).
    load = BackgroundLoad(sources, cache_dir=opts.cache_dir, use_cache=not opts.no_cache).start()
    try:
        try:
            from ...ui.app import run_browser
        except ImportError as exc:
            raise CliError(f"the browser is not available: {exc}") from exc
        attach_terminal()
    except CliError:
        load.cancel()
        raise
    signals.save_terminal()
    return run_browser(
        sources,
        cache_dir=opts.cache_dir,
        use_cache=not opts.no_cache,
        pick=pick,
        host=host,
        notice=notice,
        ascii=True if opts.ascii else None,
        environment=environment,
        load=load,
    )


def browser_host(opts: argparse.Namespace) -> Host | None:
    """The machine the browser marks "runs here": --host or $CACHETUI_HOST (exit 2 if malformed), else
    this one; None (no marks) when archspec cannot tell."""
    if opts.host or os.environ.get(ENV_HOST, "").strip():
        return the_host(opts)
    try:
        return the_host(opts)
    except (CliError, ImportError, OSError) as exc:
        _note(opts, f"cannot tell this machine's architecture ({exc}); 'runs here' is off (use --host)")
        return None


def attach_terminal() -> None:
    """Give the browser a terminal: it reads keys on stdin and draws on stderr.

    Where either is redirected (``cachetui pick`` inside ``$(...)`` keeps stdout
    for the hash), the controlling terminal takes its place; with no terminal
    at all (cron, a pipe with no tty) the browser would write escape codes into
    a file forever, so it refuses with one line instead.
    """
    need = [fd for fd in (0, 2) if not _fd_is_tty(fd)]
    if not need:
        return
    try:
        tty = os.open("/dev/tty", os.O_RDWR | getattr(os, "O_NOCTTY", 0))
    except OSError:
        raise CliError(
            "no terminal to draw on: the browser needs one "
            f"(in scripts use '{PROG} find', '{PROG} show' or '{PROG} hash')",
            EXIT_USAGE,
        ) from None
    for fd in need:
        os.dup2(tty, fd)
    os.close(tty)


def _fd_is_tty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="page files or directories (like -C)")


BROWSE = Command(
    "browse",
    "[PATH ...]",
    "open the browser (same as 'cachetui browse')",
    "open the browser (the default command)",
    add_arguments,
    cmd_browse,
)
PICK = Command(
    "pick",
    "pick [PATH ...]",
    "browse, print the full hash of the spec chosen with Enter",
    "browse; on Enter print the spec's full hash and exit (spack install /$(cachetui pick))",
    add_arguments,
    cmd_pick,
)
