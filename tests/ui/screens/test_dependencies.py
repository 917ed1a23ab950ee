"""A spec from a Spack index: its dependencies in the spec screen, and enter opens one."""

from __future__ import annotations

from pathlib import Path

from browser_helpers import dialog_text, query_in_table, screen_text, settle

from cachetui.catalog import load_catalog
from cachetui.ui.app import CacheTuiApp
from cachetui.ui.screens import SpecScreen

INDEX = Path(__file__).resolve().parents[2] / "fixtures" / "index"


def mirror_app(tmux) -> CacheTuiApp:
    """The browser over the v3 test mirror (a Spack index: specs with dependencies)."""
    return CacheTuiApp(catalog=load_catalog([INDEX / "v3-mirror"], use_cache=False), environ={}, tmux_loader=tmux)


async def test_dependencies_are_listed_and_open(tmux):
    app = mirror_app(tmux)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "cmake")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen)
        text = dialog_text(app)
        assert "dependencies (6) · root: no" in text
        assert "gcc@11.4.0 /fdedx7f (external: /usr)" in text.replace("  ", " ")
        assert "gmake@4.4.1 /7hvb3nr" in text
        await pilot.press("down", "enter")  # the second: gcc, an external compiler with no binary
        await pilot.pause()
        assert "gcc@11.4.0 /fdedx7f is an external at /usr" in screen_text(app)  # a notification (wrapped)
        await pilot.press("down", "down", "down", "enter")  # gmake
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen) and app.screen.spec.package == "gmake"
        assert "gmake" in dialog_text(app) and "4.4.1" in dialog_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, SpecScreen) and app.screen.spec.package == "cmake"


async def test_at_80x24_the_spec_opens_at_its_top_and_the_list_scrolls_in_when_walked(tmux):
    """The package, version and hash are what the screen opens on; moving in the list brings it into view."""
    app = mirror_app(tmux)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "cmake")
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "package   cmake" in text and "hash      xlibjr2bzjo2f6trhfhgvkyf45w6onnt" in text
        assert "gmake@4.4.1" not in text  # the list is below the fold
        await pilot.press("down", "down", "down", "down")
        await pilot.pause()
        assert "gmake@4.4.1 /7hvb3nr" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen) and app.screen.spec.package == "gmake"
