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
    assert rows["copy_hash"]["keys"] == ["c"] and rows["copy_hash"]["where"] == ["browser", "spec screen"]
    assert rows["table.last"]["keys"] == ["G", "end"]
    assert "no action named 'nope'" in run.err
