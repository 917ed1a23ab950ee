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
