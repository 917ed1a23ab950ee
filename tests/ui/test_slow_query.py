"""A slow query never stops the user: keys show at once, and only the newest query's answer is drawn."""

from __future__ import annotations

import threading

from browser_helpers import screen_text, settle

from cachetui.ui.browse_model import BrowseModel


async def test_keys_typed_during_a_slow_query_show_at_once_and_only_the_newest_answer_is_drawn(make_app, monkeypatch):
    answered: list[str] = []
    release = threading.Event()
    real = BrowseModel.run_query

    def slow(self, text, *args, **kwargs):
        if text == "z":
            release.wait(10)  # a query over millions of specs, for as long as the test needs
        view = real(self, text, *args, **kwargs)
        answered.append(text)
        return view

    monkeypatch.setattr(BrowseModel, "run_query", slow)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        answered.clear()  # the empty query of the first screen
        search = app.browser.search
        await pilot.press("z")  # its query does not answer until released
        for char in "lib-ng":
            await pilot.press(char)
        assert search.text == "zlib-ng" and search.input.cursor_position == len("zlib-ng")
        assert "Search zlib-ng" in screen_text(app)  # drawn, not only held
        await pilot.press("left", "left")
        assert search.input.cursor_position == len("zlib-ng") - 2  # the cursor moves too
        assert "Search zlib-ng" in screen_text(app) and answered == []  # all of it while "z" still runs
        release.set()
        await settle(pilot, timeout=10)
        assert app.browser.view.text == "zlib-ng"
        # The query in flight finished, then only the newest text ran: none of the texts between.
        assert answered[-2:] == ["z", "zlib-ng"]
        assert "1 package / 32 specs match" in screen_text(app)
