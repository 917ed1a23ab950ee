"""What a command is: its name, its words, its arguments and what runs it; declared once per command.

The parser, the command list in ``--help``, the default-command rule, the query commands' ``-variant``
rule and ``docs/cli.md``'s table are all generated from ``commands.COMMANDS``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    usage: str  # the words after ``cachetui`` in the command list: "find QUERY..."
    summary: str  # one line: the command list and ``docs/cli.md``
    help: str  # argparse's one line for the command
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""  # ``cachetui NAME --help``'s text (default: help)
    query: bool = False  # its trailing words are query text (Spack's ``-variant`` is ``~variant``)
    epilog: Callable[[], str] | None = None  # more ``--help`` text, made only when help is asked for


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a command whose only options are the common ones."""


DEFAULT_LIMIT = 50


def add_limit(parser: argparse.ArgumentParser, what: str) -> None:
    """``--limit N`` (default 50; 0 = all), the one option of every command whose output can be huge."""
    parser.add_argument(
        "--limit", type=_count, default=DEFAULT_LIMIT, metavar="N", help=f"{what} (default {DEFAULT_LIMIT}; 0 = all)"
    )


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return value


def add_export(parser: argparse.ArgumentParser, what: str) -> None:
    """``--export FORMAT``: ``what`` written for Spack on stdout (the formats: the engine's ``EXPORTS``)."""
    parser.add_argument(
        "--export", metavar="FORMAT", help=f"write {what} on stdout in FORMAT (the formats are listed below)"
    )


def check_export(name: str | None) -> None:
    """A usage error (exit 2) naming the formats, when ``--export`` names none of them."""
    if name is None:
        return
    from ..catalog import EXPORT_NAMES

    if name not in EXPORT_NAMES:
        from .output import EXIT_USAGE, CliError, _printable

        raise CliError(_printable(f"--export {name}: not a format (one of {', '.join(EXPORT_NAMES)})"), EXIT_USAGE)


def export_epilog() -> str:
    """The export formats for ``--help`` (from the engine's declaration)."""
    from ..catalog import EXPORTS

    return "export formats (--export FORMAT):\n" + "\n".join(f"  {e.name:<11} {e.summary}" for e in EXPORTS)
