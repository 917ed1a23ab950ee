"""The help screen, generated from the action registry; the command palette from the same."""

from __future__ import annotations

from browser_helpers import burst, query_in_table, settle, whole_dialog_text

from cachetui.ui.actions import ACTIONS, key_display
from cachetui.ui.screens import HelpScreen


async def test_help_lists_every_key(make_app):
    app = make_app()
    async with app.run_test(size=(140, 80)) as pilot:
        await settle(pilot)
        app.browser.package_tree.focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = await whole_dialog_text(pilot)
        for action in ACTIONS:  # every key the registry declares, with its words
            if action.keys and action.help:
                assert f"{key_display(action.keys)} " in text, action.id
                assert " ".join(action.help.split()) in text, action.id
        assert "ctrl+p command palette" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_the_same_actions(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "zlib-ng")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"install")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.clipboard == f"spack install --use-buildcache only /{app.browser.table.current_spec.hash}"


async def test_keys_in_a_burst_scroll_the_help_by_as_many_lines(make_app):
    from textual.containers import VerticalScroll

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.browser.focus_tree()
        await pilot.press("question_mark")
        await pilot.pause()
        await burst(pilot, [("j", "j")] * 5)
        assert app.screen.query_one("#help-box", VerticalScroll).scroll_y == 5
