"""The command line's grammar, built from the command registry: common options before or after the
command, ``browse`` as the default command, and Spack's ``-variant`` in query words."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

from .. import __version__
from ..config import ENV_CATALOG
from .commands import COMMANDS, NAMES, QUERY_COMMANDS
from .output import EXIT_USAGE, PROG, CliError, _out_to

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# On/off options accepted before or after every command: (flags, destination, help).
COMMON_SWITCHES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("--no-cache",), "no_cache", "neither read nor write the snapshot"),
    (("-q", "--quiet"), "quiet", "no notes or progress on stderr (errors are still reported)"),
    (
        ("--spack-cache",),
        "spack_cache",
        "add every index in Spack's local index cache ($SPACK_USER_CACHE_PATH/"
        "cache/indices, default ~/.spack/cache/indices): every mirror your Spack knows, offline",
    ),
    (
        ("--spack-mirrors",),
        "spack_mirrors",
        "add the mirrors of your Spack configuration (mirrors.yaml in ~/.spack, $SPACK_ROOT/etc/spack, /etc/spack); "
        "URLs are fetched and kept, as Spack does",
    ),
    (("--refresh",), "refresh", "check every page now, even within the snapshot's TTL ($CACHETUI_TTL, default 600 s)"),
    (("--debug",), "debug", "show a traceback on errors"),
    (("--ascii",), "ascii", "draw the browser with ASCII only (the default when the locale is not UTF-8)"),
)


# Options that take a value, so the default-command detection can skip the value.
_VALUE_OPTIONS = frozenset({"-C", "--catalog", "--cache-dir", "--limit", "--tag", "--host"})


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors become one line (``cachetui: ...``) and exit code 2."""

    lazy_epilog: Callable[[], str] | None = None  # help text made only when --help asks for it

    def format_help(self) -> str:
        if self.lazy_epilog is not None:
            self.epilog = self.lazy_epilog()
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')", EXIT_USAGE)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse swallows write errors here, so `--help >/dev/full` would exit 0.
        if message:
            _out_to(file or sys.stderr, message)


def _add_common(parser: argparse.ArgumentParser, prefix: str) -> None:
    """Options accepted both before and after the subcommand.

    Defaults are suppressed and dests prefixed, so ``cachetui -C a find -C b x``
    keeps both paths and a subcommand's defaults never overwrite global values.
    """
    group = parser.add_argument_group("catalog and output options (before or after the command)")
    group.add_argument(
        "-C",
        "--catalog",
        dest=prefix + "catalog",
        action="append",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"page file or directory, Spack mirror, or mirror URL (http/https; NAME=... names it) (repeatable); default: ${ENV_CATALOG} (separated by '{os.pathsep}'), "
        "else the bundled sample catalog",
    )
    group.add_argument(
        "--cache-dir",
        dest=prefix + "cache_dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="where the snapshot lives (default: $XDG_CACHE_HOME/cachetui, i.e. ~/.cache/cachetui)",
    )
    for flags, name, help_text in COMMON_SWITCHES:
        group.add_argument(*flags, dest=prefix + name, action="store_true", default=argparse.SUPPRESS, help=help_text)
    group.add_argument(
        "--host",
        dest=prefix + "host",
        metavar="PLATFORM-OS-TARGET",
        default=argparse.SUPPRESS,
        help="the machine 'runs here' means (default: $CACHETUI_HOST, else this one), "
        "e.g. linux-rhel8-sapphirerapids for a login node asking about its compute nodes",
    )


def epilog() -> str:
    """The command list of ``--help``, from the registry."""
    width = max(len(c.usage) for c in COMMANDS) + 2
    lines = ["commands:"] + [f"  {PROG} {c.usage:<{width}} {c.summary}" for c in COMMANDS]
    lines += [
        "",
        "exit codes: 0 ok, 1 nothing found, 2 usage error / bad query / no catalog, 130 interrupted,",
        "            141 output pipe closed (| head)",
    ]
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="A terminal browser for Spack build caches: the site's pages, Spack mirrors and Spack's index cache.",
        epilog=epilog(),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_common(parser, "g_")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for command in COMMANDS:
        p = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description or command.help,
            allow_abbrev=False,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_common(p, "s_")
        p.lazy_epilog = command.epilog
        command.add_arguments(p)
        p.set_defaults(func=command.run)
    return parser


def _command_position(argv: list[str]) -> int:
    """Index of the first word that is not an option or an option's value (len(argv) if none)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return i
        if arg.startswith("-") and arg != "-":
            i += 2 if arg in _VALUE_OPTIONS else 1
            continue
        return i
    return len(argv)


def with_default_command(argv: list[str]) -> list[str]:
    """Insert ``browse`` where the command would be, unless one is given.

    ``cachetui``, ``cachetui -C x`` and ``cachetui some/path`` open the browser;
    ``cachetui find ...`` is a command, never a path (``cachetui browse find`` is).
    """
    i = _command_position(argv)
    if i < len(argv) and argv[i] in NAMES:
        return argv
    return [*argv[:i], "browse", *argv[i:]]


def _spack_negations(argv: list[str]) -> list[str]:
    """In the arguments of a command that takes a query, read Spack's ``-variant`` as ``~variant``.

    Otherwise argparse would take ``-hl`` (hdf5's ``hl`` variant) for ``-h``.
    Only lowercase names longer than one letter: ``-h``, ``-q`` and ``-Cpath`` stay options.
    """
    i = _command_position(argv)
    if i >= len(argv) or argv[i] not in QUERY_COMMANDS:
        return argv
    out = argv[: i + 1]
    previous = ""
    for arg in argv[i + 1 :]:
        if arg == "--":
            out.extend(argv[len(out) :])
            break
        if len(arg) > 2 and arg[0] == "-" and (arg[1].islower() or arg[1] == "_") and previous not in _VALUE_OPTIONS:
            arg = "~" + arg[1:]
        out.append(arg)
        previous = arg
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    opts, extra = parser.parse_known_args(_spack_negations(with_default_command(argv)))
    if extra:
        # find: query words after an option ('find hdf5 --json +mpi') land here;
        # anything starting with '--' is a real mistake.
        if opts.command in QUERY_COMMANDS and not any(a.startswith("--") for a in extra):
            opts.query = list(opts.query) + extra
        else:
            raise CliError(
                f"unrecognized arguments: {' '.join(extra)} (see '{PROG} {opts.command} --help')", EXIT_USAGE
            )
    merged = vars(opts)
    for name, default in (("cache_dir", None), ("host", None), *((name, False) for _, name, _ in COMMON_SWITCHES)):
        global_value = merged.pop("g_" + name, default)
        merged[name] = merged.pop("s_" + name, global_value)  # after the command wins
    opts.catalog = list(merged.pop("g_catalog", [])) + list(merged.pop("s_catalog", []))
    return opts
