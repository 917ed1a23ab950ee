"""What a new user trips over in the browser: misleading words, a picker that accepts nonsense."""

from __future__ import annotations

from browser_helpers import RecordingApp, pick_tag, screen_text, settle

from cachetui.catalog import Host
from cachetui.ui.screens import TagPairScreen


async def test_runs_here_on_a_machine_the_catalog_has_no_build_for_says_so(sample_catalog, tmux):
    host = Host("zen3", "linux", "debian12")
    app = RecordingApp(catalog=sample_catalog, environ={}, tmux_loader=tmux, host=host)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "H")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "no build in this catalog runs on linux-debian12-zen3; its builds are for" in text
        assert "remove a term" not in text


async def test_the_tag_picker_refuses_the_same_tag_twice(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "D")
        await pilot.pause()
        first = app.screen.tags[0]
        await pick_tag(pilot, first)
        await pick_tag(pilot, first)
        assert isinstance(app.screen, TagPairScreen) and app.notes[-1] == "B must be another tag than A"


async def test_the_natural_order_reversed_is_called_oldest_first(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter", "tab")
        await settle(pilot)
        assert "newest first" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(app)
        assert "oldest first" in text and "newest first" not in text


async def test_a_copied_command_is_shown_on_one_line_at_80_columns(make_app, tmux):
    from browser_helpers import query_in_table

    app = make_app(in_tmux=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "bc")
        await pilot.press("i")
        await pilot.pause(0.3)
        command = tmux.buffers[-1] if tmux.buffers else app.notes[-1]
        assert command.startswith("spack install --use-buildcache only /")
        assert any(command in line for line in screen_text(app).splitlines())  # whole, not wrapped
