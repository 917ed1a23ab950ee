"""``cachetui keys``: the browser's actions and their keys."""

from __future__ import annotations

import argparse

from ..output import EXIT_OK, _json_line, _note, _out, _printable
from ..registry import Command


def run(opts: argparse.Namespace) -> int:
    from ...config import read_config
    from ...ui.actions import action_table, keymap_from_config

    config, problem = read_config()
    keymap, problems = keymap_from_config(config)
    for line in ([problem] if problem else []) + problems:
        _note(opts, line)
    rows = list(action_table(keymap))
    if opts.json:
        for action_id, keys, where, description in rows:
            _json_line({"id": action_id, "keys": keys.split(","), "where": where.split(", "), "help": description})
        return EXIT_OK
    width = max(len(r[0]) for r in rows)
    key_width = max(len(r[1]) for r in rows)
    for action_id, keys, where, description in rows:
        _out(_printable(f"{action_id:<{width}}  {keys:<{key_width}}  {where}: {description}".rstrip()))
    return EXIT_OK


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="one JSON object per action")


COMMAND = Command(
    "keys",
    "keys",
    "the browser's actions and keys; remap them in config.toml [keys]",
    "the browser's actions and their keys (as remapped in config.toml)",
    add_arguments,
    run,
    description="Every action of the browser: its id, its keys, where it applies. Remap one in\n"
    "$XDG_CONFIG_HOME/cachetui/config.toml (Textual key names, comma-separated):\n"
    "  [keys]\n"
    '  copy_hash = "c"\n'
    '  "table.last" = "G,end"',
)
