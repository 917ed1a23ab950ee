"""`cachetui keys`: every action of the browser with its keys, as config.toml remaps them."""

from __future__ import annotations

import json
import os

from cachetui.ui.actions import ACTIONS


def test_keys_lists_every_bound_action(cli):
    run = cli("keys")
    assert run.code == 0 and run.err == ""
    ids = [line.split()[0] for line in run.lines]
    assert ids == [a.id for a in ACTIONS if a.keys]
    line = next(line for line in run.lines if line.startswith("table.last "))
    assert line.split()[1] == "end" and line.endswith("table: the last spec, of every match (no cap)")


def test_keys_shows_remapped_keys_and_names_unknown_ones(cli):
    folder = os.path.join(os.environ["XDG_CONFIG_HOME"], "cachetui")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.toml"), "w") as handle:
        handle.write('[keys]\ncopy_hash = "c"\n"table.last" = "G,end"\nnope = "x"\n')
    run = cli("keys", "--json")
    assert run.code == 0
    rows = {row["id"]: row for row in map(json.loads, run.lines)}
    assert rows["copy_hash"]["keys"] == ["c"] and rows["copy_hash"]["where"] == [
        "browser",
        "spec screen",
        "environment",
    ]
    assert rows["table.last"]["keys"] == ["G", "end"]
    assert "no action named 'nope'" in run.err


def _config(text: str) -> None:
    folder = os.path.join(os.environ["XDG_CONFIG_HOME"], "cachetui")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.toml"), "w") as handle:
        handle.write(text)


def test_a_thousand_unknown_actions_are_one_line(cli):
    _config("[keys]\n" + "".join(f'bad{i} = "x"\n' for i in range(1000)))
    run = cli("keys")
    assert run.code == 0
    assert run.err_lines == [
        "cachetui: note: config.toml [keys]: 1000 unknown actions ('bad0', 'bad1', 'bad2' and 997 more); "
        "cachetui keys lists them"
    ]


def test_config_key_names_and_keys_are_printed_without_control_characters(cli):
    _config('[keys]\n"copy_hash" = "c\\u001b[2J"\n"x\\u001b]0;pwned\\u0007" = "y"\n')
    run = cli("keys")
    assert run.code == 0
    assert "\x1b" not in run.out + run.err and "\x07" not in run.out + run.err
    assert any(line.startswith("copy_hash ") and "c\\x1b[2J" in line for line in run.lines)
