"""Every command of ``cachetui``, in the order ``--help`` lists them: one module each (browse holds pick).

A command module imports only the standard library and ``cli/`` at its top; the catalog and the UI
are imported inside ``run``, so ``cachetui --help`` and the commands that need neither stay quick.
"""

from __future__ import annotations

from ..registry import Command
from . import arch, browse, check, diff, find, hash, history, index, keys, show, sync

COMMANDS: tuple[Command, ...] = (
    browse.BROWSE,
    browse.PICK,
    find.COMMAND,
    show.COMMAND,
    check.COMMAND,
    hash.COMMAND,
    index.COMMAND,
    arch.COMMAND,
    keys.COMMAND,
    sync.COMMAND,
    diff.COMMAND,
    history.COMMAND,
)
NAMES = tuple(c.name for c in COMMANDS)
QUERY_COMMANDS = tuple(c.name for c in COMMANDS if c.query)


def markdown_table() -> str:
    """The command table of ``docs/cli.md`` (a test keeps the file in step)."""
    rows = ["| command | what it does |", "|---|---|"]
    rows += [f"| `cachetui {c.usage}` | {c.summary} |" for c in COMMANDS]
    return "\n".join(rows) + "\n"
