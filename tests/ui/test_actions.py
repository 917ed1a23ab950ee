"""The action registry: bindings, footer, help and palette come from it, and config.toml remaps keys."""

from __future__ import annotations

from pathlib import Path

from browser_helpers import screen_text, settle, type_query, whole_dialog_text

from cachetui.ui.actions import ACTIONS, BY_ID, SPEC, TABLE, bindings_for, keymap_from_config, markdown_table
from cachetui.ui.screens import HelpScreen, SpecScreen
from cachetui.ui.widgets.spec_table import SpecTable


def test_each_action_is_declared_once_and_bound_where_it_applies():
    assert len({a.id for a in ACTIONS}) == len(ACTIONS)
    table_keys = {b.id: b.key for b in bindings_for(TABLE)}
    assert table_keys["table.last"] == "end" and table_keys["table.sort_next"] == "s"
    spec_ids = {b.id for b in bindings_for(SPEC)}
    assert {"copy_hash", "copy_short_hash", "copy_install", "copy_mirror", "close", "help", "leave"} <= spec_ids
    assert {b.id for b in SpecTable.BINDINGS} == set(table_keys)


def test_keymap_from_config_keeps_known_actions_and_names_the_rest():
    keymap, problems = keymap_from_config({"keys": {"copy_hash": "c", "table.sort_next": "o, ctrl+o", "nope": "x"}})
    assert keymap == {"copy_hash": "c", "table.sort_next": "o,ctrl+o"}
    assert problems == ["config.toml [keys]: no action named 'nope' (cachetui keys lists them)"]
    assert keymap_from_config({"keys": {"copy_hash": 3}})[1] == [
        "config.toml [keys]: copy_hash must be a non-empty string of keys"
    ]
    assert keymap_from_config({"keys": "y"})[0] == {}
    assert keymap_from_config({}) == ({}, [])
    assert keymap_from_config({"keys": {"copy_hash": " , "}}) == (
        {},
        ["config.toml [keys]: copy_hash must be a non-empty string of keys"],
    )


def test_a_remapped_key_that_another_action_has_is_named():
    keymap, problems = keymap_from_config({"keys": {"copy_hash": "g"}})
    assert keymap == {"copy_hash": "g"}
    assert problems == ["config.toml [keys]: g is bound to toggle_grouping and copy_hash (browser); the first wins"]


async def test_a_remapped_key_copies_and_shows_in_footer_help_and_spec_screen(make_app):
    app = make_app(config={"keys": {"copy_hash": "c", "table.last": "G"}})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        await pilot.press("enter", "enter")  # tree, then cmake's specs
        await settle(pilot)
        table = app.browser.table
        await pilot.press("G")
        assert f"{table.row_count}/{table.row_count}" in screen_text(app)
        await pilot.press("y")  # no longer bound
        assert app.clipboard == ""
        await pilot.press("c")
        assert app.clipboard == table.current_spec.hash
        assert "c Hash" in screen_text(app).splitlines()[-1]  # the footer
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen)
        assert "c hash · Y /hash7" in screen_text(app)  # the spec screen's key line
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = await whole_dialog_text(pilot)
        assert "c copy the spec's full hash" in help_text
        assert "G table: the last spec" in help_text


async def test_a_bad_keys_entry_is_a_notice_not_a_crash(make_app):
    app = make_app(config={"keys": {"copy_everything": "c"}})
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert app.notes == ["config.toml [keys]: no action named 'copy_everything' (cachetui keys lists them)"]
        await type_query(pilot, "zlib-ng")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press(BY_ID["copy_hash"].keys)  # the defaults still work
        assert app.clipboard == app.browser.table.current_spec.hash


async def test_letter_actions_leave_the_footer_while_typing(make_app):
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        app.browser.search.input.focus()
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "y Hash" not in footer and "q Quit" not in footer and "f1 Help" in footer
        app.browser.package_tree.focus()
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "y Hash" in footer and "q Quit" in footer


def test_the_readme_key_table_is_the_generated_one():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("<!-- keys:start")
    block = readme[readme.index("\n", start) + 1 : readme.index("<!-- keys:end -->")].strip()
    assert block == markdown_table(), "README key table is stale: python -m cachetui.ui.actions"


def test_no_palette_entry_repeats_its_name_as_its_help():
    from cachetui.ui.actions import palette_actions

    entries = palette_actions()
    assert len({name for name, _, _ in entries}) == len(entries)
    assert all(name != help_text for name, _, help_text in entries)
