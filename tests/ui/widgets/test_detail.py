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
