"""A snapshot within its TTL is shown at once; the sources are checked in the background and the view updated."""

from __future__ import annotations

import pytest
from browser_helpers import screen_text, settle, type_query
from page_factory import spec, write_page

from cachetui.catalog import load_catalog
from cachetui.ui.app import CacheTuiApp

pytestmark = pytest.mark.ttl


async def test_stale_snapshot_is_shown_then_updated_in_place(tmp_path, tmux, monkeypatch):
    monkeypatch.setenv("CACHETUI_TTL", "600")
    root, cache = tmp_path / "pages", tmp_path / "cache"
    path = write_page(root, "develop", "zlib", [spec("zlib-1", versions=["1.2.13"])])
    load_catalog([str(root)], cache_dir=str(cache), refresh=True)  # the snapshot, checked now
    with open(path, encoding="utf-8") as handle:  # edited in place: the TTL's O(1) checks cannot see it
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace("1.2.13", "1.3.1"))
    app = CacheTuiApp(sources=[str(root)], cache_dir=str(cache), environ={}, tmux_loader=tmux)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if "catalog updated: 1 page changed" in screen_text(app):
                break
        assert "catalog updated: 1 page changed" in screen_text(app)
        await type_query(pilot, "zlib")
        await settle(pilot)
        text = screen_text(app)
        assert "1.3.1" in text and "1.2.13" not in text
