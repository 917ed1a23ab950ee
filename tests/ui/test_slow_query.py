"""A slow query never stops the user: keys show at once, and only the newest query's answer is drawn."""

from __future__ import annotations

import time

from browser_helpers import screen_text, settle

from cachetui.ui.browse_model import BrowseModel

SLOW = 1.0


async def test_keys_typed_during_a_slow_query_show_at_once_and_only_the_newest_answer_is_drawn(make_app, monkeypatch):
    answered: list[str] = []
    real = BrowseModel.run_query

    def slow(self, text, *args, **kwargs):
        if text.startswith("z"):
            time.sleep(SLOW)  # a stub for a query over millions of specs (it holds no lock the UI needs)
        view = real(self, text, *args, **kwargs)
        answered.append(text)
        return view

    monkeypatch.setattr(BrowseModel, "run_query", slow)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        search = app.browser.search
        started = time.perf_counter()
        await pilot.press("z")  # its query takes a second
        for char in "lib-ng":
            await pilot.press(char)
        typed_in = time.perf_counter() - started
        assert search.text == "zlib-ng" and search.input.cursor_position == len("zlib-ng")
        assert "Search zlib-ng" in screen_text(app)  # drawn, not only held
        assert typed_in < SLOW  # no key waited for the query in flight
        await pilot.press("left", "left")
        assert search.input.cursor_position == len("zlib-ng") - 2  # the cursor moves at once too
        await settle(pilot, timeout=10)
        assert app.browser.view.text == "zlib-ng"
        # The query in flight finished, then only the newest text ran: none of the texts between.
        assert answered[-2:] == ["z", "zlib-ng"]
        assert "1 package / 32 specs match" in screen_text(app)
