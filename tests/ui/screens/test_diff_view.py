"""The browser's diff view (D: pick two tags) and the history sparkline in a package's summary."""

from __future__ import annotations

import re

import pytest
from browser_helpers import pick_tag, screen_text, settle, type_query

from cachetui.catalog.changes import diff_tags
from cachetui.ui.app import CacheTuiApp


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_diff_view_marks_added_and_removed(sample_catalog, tmux, size):
    change = diff_tags(sample_catalog, "v0.23.0", "develop-2025-07-13")
    cmake_added = sum(s.package == "cmake" for s in sample_catalog.specs(change.added))
    cmake_removed = sum(s.package == "cmake" for s in sample_catalog.specs(change.removed))
    app = CacheTuiApp(catalog=sample_catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        app.browser.package_tree.focus()
        await pilot.press("D")
        await pilot.pause()
        assert "A: the tag to compare from" in screen_text(app)
        await pick_tag(pilot, "v0.23.0")
        assert "B: the tag to compare v0.23.0 with" in screen_text(app)
        await pick_tag(pilot, "develop-2025-07-13")
        await settle(pilot)
        text = screen_text(app)
        assert f"v0.23.0 → develop-2025-07-13: +{cmake_added} −{cmake_removed}" in text
        if size[0] >= 120:  # at 80 columns the tree's title is cut; the counter line says it
            assert "diff v0.23.0 → develop-2025-07-13" in text
        app.browser.table.focus()
        await settle(pilot)
        marks = dict(
            (m.group(2), m.group(1)) for m in re.finditer(r"(?m)^[^+\-\n]*?([+-])\s+([a-z2-7]{7})\b", screen_text(app))
        )
        expected = {s.short_hash: "+" if s.tag == "develop-2025-07-13" else "-" for s in app.browser.table.specs}
        assert marks and all(expected[h] == sign for h, sign in marks.items())  # marks read without colour
        assert {s.tag for s in app.browser.table.specs} <= {"v0.23.0", "develop-2025-07-13"}
        header = " ".join(screen_text(app).split())
        changed = cmake_added + cmake_removed
        assert f"{changed} changed: +{cmake_added} -{cmake_removed}" in header  # the diff, not the package's total
        await pilot.press("D")  # stop comparing
        await settle(pilot)
        assert "→" not in screen_text(app).splitlines()[1]
