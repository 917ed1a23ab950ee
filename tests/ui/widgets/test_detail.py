"""The detail pane: the selection's summary (facets, history sparkline) over its spec table."""

from __future__ import annotations

from browser_helpers import screen_text, settle, type_query

from cachetui.ui.app import CacheTuiApp


async def test_history_sparkline_in_the_package_summary(sample_catalog, tmux):
    app = CacheTuiApp(catalog=sample_catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "zlib")
        text = screen_text(app)
        line = next(line for line in text.splitlines() if "history" in line)
        assert "develop-2023-12-10" in line  # zlib is in the oldest snapshot of the sample
        assert any(c in line for c in "▁▂▃▄▅▆▇█")


async def test_a_tag_with_one_matching_package_says_package(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        app.browser.focus_tree()
        await pilot.press("g")  # tags -> packages: each tag holds the one package, cmake
        await settle(pilot)
        text = screen_text(app)
        assert " · 1 package · " in text and "1 packages" not in text
