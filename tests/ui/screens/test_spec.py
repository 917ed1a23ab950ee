"""The spec screen: every field of one spec, and the copy keys acting on it."""

from __future__ import annotations

from browser_helpers import screen_text, settle, type_query

from cachetui.ui.screens import SpecScreen


async def test_copy_keys_in_the_spec_screen(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "bash")
        app.browser.table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SpecScreen)
        spec = app.screen.spec
        assert spec == app.browser.table.specs[1]
        text = screen_text(app)
        assert spec.hash in text and spec.tarball.split("/")[-1][:40] in text.replace("\n", "").replace(" ", "")
        await pilot.press("Y")
        assert app.clipboard == "/" + spec.hash[:7]
        await pilot.press("escape")
        assert not isinstance(app.screen, SpecScreen)
        assert app.focused is app.browser.table
