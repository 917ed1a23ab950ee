"""The problems screen: pages that could not be read, announced once and listed."""

from __future__ import annotations

from browser_helpers import RecordingApp, dialog_text, screen_text, settle
from page_factory import spec, write_page

from cachetui.catalog import load_catalog
from cachetui.ui.screens import ProblemsScreen


async def test_problems_are_announced_and_listed(tmp_path):
    write_page(tmp_path, "develop", "good", [spec("good-1")])
    broken = tmp_path / "develop" / "broken"
    broken.mkdir()
    (broken / "specs.md").write_text("---\ntitle: broken\n")
    (tmp_path / "develop" / "empty").mkdir()
    (tmp_path / "develop" / "empty" / "specs.md").write_text("")
    catalog = load_catalog([str(tmp_path)], use_cache=False)
    assert len(catalog.problems) == 2
    app = RecordingApp(catalog=catalog, environ={})
    # Wide enough that the long temporary paths (longer under xdist) fit one line beside the notification.
    async with app.run_test(size=(240, 30), notifications=True) as pilot:
        await settle(pilot)
        announcements = app.notes
        assert announcements == ["2 pages could not be read fully; press p to list them."]
        app.browser.package_tree.focus()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = dialog_text(app)
        assert "2 page problems" in text
        assert f"{broken / 'specs.md'}: front matter never closed" in text
        assert "empty/specs.md: empty file" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, ProblemsScreen)


async def test_no_problems_no_announcement(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert app.notes == []
        app.browser.package_tree.focus()
        await pilot.press("p")
        await pilot.pause()
        assert "Every page was read without problems." in screen_text(app)
