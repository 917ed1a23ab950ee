"""Marking specs (x), exporting them (e), and a checked environment in the browser (check --browse)."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from browser_helpers import RecordingApp, dialog_text, query_in_table, screen_text, settle

from cachetui.catalog import read_concrete
from cachetui.ui.screens import EnvironmentScreen, ExportScreen, NearestScreen, SpecScreen

LOCKS = Path(__file__).resolve().parents[1] / "fixtures" / "locks"


async def _mark_three(pilot) -> list:
    app = pilot.app
    await query_in_table(pilot, "bc")
    table = app.browser.table
    assert table.row_count >= 3
    expected = [table.specs[i] for i in range(3)]
    await pilot.press("x", "x", "x")
    await pilot.pause()
    assert table.cursor_row == min(3, table.row_count - 1)  # each x goes on to the next spec
    assert [s.hash for s in app.browser.marks.values()] == [s.hash for s in expected]
    return expected


async def _export(pilot, tmp_path: Path, format_index: int) -> Path:
    app = pilot.app
    before = set(tmp_path.iterdir())
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen)
    for _ in range(format_index):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    assert not isinstance(app.screen, ExportScreen)
    (written,) = set(tmp_path.iterdir()) - before
    return written


async def test_three_marked_specs_export_as_spack_yaml_and_a_script(make_app, tmp_path):
    app = make_app()
    app.export_dir = str(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        expected = await _mark_three(pilot)
        text = screen_text(app)
        assert "3 marked" in text
        marked = [line for line in text.splitlines() if "▏*" in line]
        assert [s.short_hash in line for s, line in zip(expected, marked)] == [True] * 3

        spack_yaml = await _export(pilot, tmp_path, 0)
        doc = yaml.safe_load(spack_yaml.read_text())
        assert doc["spack"]["specs"] == ["/" + s.hash for s in expected]
        assert set(doc["spack"]["mirrors"].values()) == {f"https://binaries.spack.io/{s.tag}" for s in expected}
        assert any("wrote 3 specs as spack.yaml" in note for note in app.notes)

        script = await _export(pilot, tmp_path, 1)
        body = script.read_text()
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
        commands = [line for line in body.splitlines() if line.startswith("spack ")]
        for line in commands:
            words = shlex.split(line.split(" || ")[0])
            assert shlex.join(words) == line.split(" || ")[0]  # every value quoted as a shell would need
        assert [line.split()[-1] for line in commands if line.startswith("spack install")] == [
            "/" + s.hash for s in expected
        ]

        jsonl = await _export(pilot, tmp_path, 2)
        assert [json.loads(line)["hash"] for line in jsonl.read_text().splitlines()] == [s.hash for s in expected]


async def test_an_export_never_overwrites_a_file(make_app, tmp_path):
    app = make_app()
    app.export_dir = str(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _mark_three(pilot)
        mine = tmp_path / "spack.yaml"
        mine.write_text("the user's own\n")
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#export-path")
        field.value = str(mine)
        await pilot.pause()
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "never overwritten" in dialog_text(app)
        assert mine.read_text() == "the user's own\n"


async def test_x_unmarks_and_X_clears(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _mark_three(pilot)
        await pilot.press("up", "x")
        await pilot.pause()
        assert len(app.browser.marks) == 2
        await pilot.press("X")
        await pilot.pause()
        assert app.browser.marks == {}
        assert "marked" not in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        assert any("Nothing marked" in note for note in app.notes)


async def test_marks_stay_while_the_query_changes(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        expected = await _mark_three(pilot)
        await query_in_table(pilot, "zlib")
        await query_in_table(pilot, "bc")
        assert [s.hash for s in app.browser.marks.values()] == [s.hash for s in expected]
        assert "3 marked" in screen_text(app)


async def _environment_shown(pilot) -> None:
    """Wait for the environment's screen: it comes once the catalog is up and the environment checked."""
    await settle(pilot)
    for _ in range(50):
        if isinstance(pilot.app.screen, EnvironmentScreen):
            return
        await pilot.pause(0.02)


@pytest.fixture
def environment(sample_catalog, tmp_path):
    """A lock of two specs: one binary of the sample (its hash), and the same spec with another compiler."""
    spec = next(s for s in sample_catalog.specs(range(sample_catalog.num_specs)) if s.hash and s.package == "bc")
    node = {
        "name": spec.package,
        "version": spec.version,
        "arch": {"platform": spec.platform, "platform_os": spec.os, "target": spec.target},
        "compiler": {"name": spec.compiler_name, "version": "99.0.0"},
        "parameters": {},
    }
    lock = {
        "_meta": {"file-type": "spack-lockfile", "lockfile-version": 5},
        "roots": [{"hash": spec.hash}, {"hash": "b" * 32}],
        "concrete_specs": {spec.hash: dict(node, compiler={"name": "x", "version": "1"}), "b" * 32: node},
    }
    path = tmp_path / "spack.lock"
    path.write_text(json.dumps(lock))
    return read_concrete(str(path)), spec


async def test_a_checked_environment_shows_cached_and_missing_and_the_nearest_side_by_side(
    sample_catalog, environment, tmux
):
    env, spec = environment
    app = RecordingApp(catalog=sample_catalog, environ={}, tmux_loader=tmux, config={}, environment=env)
    async with app.run_test(size=(160, 45)) as pilot:
        await _environment_shown(pilot)
        assert isinstance(app.screen, EnvironmentScreen)
        text = screen_text(app)
        assert "1 of 2 specs cached (2 roots); 1 would build from source" in text
        lines = [line.strip("│ ") for line in text.splitlines()]
        assert any(line.startswith("cached") and f"/{spec.short_hash}" in line for line in lines)
        assert any(line.startswith("MISSING") and "/bbbbbbb" in line for line in lines)

        tree = app.screen.query_one("#env-tree")
        first = tree.cursor_node.data
        await pilot.press("enter")
        await pilot.pause()
        if first.cached:
            assert isinstance(app.screen, SpecScreen)
            await pilot.press("escape", "down", "enter")
        else:
            await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NearestScreen)
        text = screen_text(app)
        compiler_row = next(line for line in text.splitlines() if "compiler" in line and "99.0.0" in line)
        assert f"* {spec.compiler}" in compiler_row  # the differing field is marked in words, not colour only
        assert "same" in text

        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is app.browser
        app.browser.focus_tree()
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EnvironmentScreen)


async def test_the_environment_of_a_real_lock_opens_without_a_problem(sample_catalog, tmux):
    lock = json.loads((LOCKS / "v6-all-pythons.lock").read_text())
    nodes = lock["concrete_specs"].values()
    installable = sum(1 for node in nodes if not node.get("external"))
    env = read_concrete(str(LOCKS / "v6-all-pythons.lock"))
    app = RecordingApp(catalog=sample_catalog, environ={}, tmux_loader=tmux, config={}, environment=env)
    async with app.run_test(size=(80, 24)) as pilot:
        await _environment_shown(pilot)
        assert f"0 of {installable} specs cached ({len(lock['roots'])} roots)" in screen_text(app)
        await pilot.press("space")  # a root's dependencies
        await pilot.pause()
        assert "external" in screen_text(app)
