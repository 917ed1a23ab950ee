"""The browser's "runs here": the machine in the header, marks in the table, the H filter, the reason why not."""

from __future__ import annotations

import re

import archspec.cpu
import pytest
from browser_helpers import dialog_text, query_in_table, screen_text, settle, type_query

from cachetui.catalog.spack.microarch import Host
from cachetui.ui.app import CacheTuiApp
from cachetui.ui.screens import SpecScreen

ZEN3 = Host("zen3", "linux", "ubuntu22.04")


def runs(spec, host=ZEN3) -> bool:
    targets = archspec.cpu.TARGETS
    return (spec.platform, spec.os) == (host.platform, host.os) and targets[spec.target] <= targets[host.target]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_marks_counter_and_filter(sample_catalog, tmux, size):
    app = CacheTuiApp(catalog=sample_catalog, environ={}, tmux_loader=tmux, host=ZEN3)
    matching = sample_catalog.query("hdf5 +mpi").specs()
    expected = sum(runs(s) for s in matching)
    assert 0 < expected < len(matching)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "here: linux-ubuntu22.04-zen3" in screen_text(app).splitlines()[0]
        await type_query(pilot, "hdf5 +mpi")
        assert f"{len(matching)} specs match · {expected} run here" in screen_text(app)
        app.browser.table.focus()
        await settle(pilot)
        text = screen_text(app)
        shown = {s.short_hash: runs(s) for s in app.browser.table.specs}
        marked = {m.group(1) for m in re.finditer(r"✓\s+([a-z2-7]{7})\b", text)}
        visible = {h for h in shown if h in text}
        assert marked == {h for h in visible if shown[h]} and marked

        await pilot.press("H")
        await settle(pilot)
        text = screen_text(app)
        assert f"runs here: {expected} of {len(matching)} specs" in text
        assert app.browser.table.specs and all(runs(s) for s in app.browser.table.specs)
        await pilot.press("H")
        await settle(pilot)
        assert f"{len(matching)} specs match · {expected} run here" in screen_text(app)


async def test_spec_screen_says_why_not(sample_catalog, tmux):
    host = Host("zen3", "linux", "amzn2")
    app = CacheTuiApp(catalog=sample_catalog, environ={}, tmux_loader=tmux, host=host)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "cmake target=x86_64_v4 os=amzn2")
        assert app.browser.table.current_spec is not None and app.browser.table.current_spec.target == "x86_64_v4"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen)
        assert "runs here no: needs x86_64_v4 (avx512); this machine is zen3" in dialog_text(app)


async def test_without_a_host_there_are_no_marks(sample_catalog, tmux):
    app = CacheTuiApp(catalog=sample_catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await type_query(pilot, "hdf5")
        text = screen_text(app)
        assert "run here" not in text and "here:" not in text.splitlines()[0]
        app.browser.package_tree.focus()
        await pilot.press("H")
        await pilot.pause()
        assert "start with --host" in screen_text(app)
