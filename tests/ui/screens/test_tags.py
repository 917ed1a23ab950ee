"""The tag-pair picker of the diff view: A, then B; esc goes back, then cancels."""

from __future__ import annotations

from browser_helpers import pick_tag, screen_text, settle

from cachetui.ui.app import CacheTuiApp
from cachetui.ui.screens import TagPairScreen


async def test_escape_in_the_picker_goes_back_then_cancels(sample_catalog, tmux):
    app = CacheTuiApp(catalog=sample_catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.package_tree.focus()
        await pilot.press("D")
        await pilot.pause()
        await pick_tag(pilot, "develop")
        await pilot.press("escape")
        assert "A: the tag to compare from" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TagPairScreen) and app.browser.diff is None
