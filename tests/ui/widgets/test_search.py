"""Keys that arrive in one burst (typed during an SSH lag) are applied in order."""

from __future__ import annotations

from browser_helpers import burst, settle, type_query, typed


async def test_backspaces_in_a_burst_are_not_overtaken_by_letters(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.browser.search.input.focus()
        for _ in range(3):
            app.browser.search.set_text("")
            await pilot.pause()
            await burst(pilot, typed("zlib-ng") + [("backspace", None)] * 7 + typed("hdf5"))
            assert app.browser.search.input.value == "hdf5"
            await settle(pilot)  # the keys' queries were coalesced; the last text's results are shown
            assert app.browser.view.text == "hdf5" and app.browser.view.packages[0][0] == "hdf5"


async def test_editing_keys_in_a_burst(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.browser.search.input.focus()
        await burst(
            pilot,
            [
                *typed("abc"),
                ("left", None),
                ("left", None),
                ("backspace", None),
                *typed("X"),
                ("end", None),
                *typed("Z"),
            ],
        )
        assert app.browser.search.input.value == "XbcZ"


async def test_enter_enter_in_a_burst_opens_the_package_specs(make_app):
    """``zlib-ng`` then two enters at once: the first goes to the tree, the second opens the package there."""
    from browser_helpers import settle

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.search.input.focus()
        await pilot.pause()
        await burst(pilot, [*typed("zlib-ng"), ("enter", None), ("enter", None)])
        await settle(pilot)
        assert app.focused is app.browser.table
        assert {spec.package for spec in app.browser.table.specs} == {"zlib-ng"}


async def test_slash_then_letters_in_a_burst_all_reach_the_search_bar(make_app):
    """``/zlib`` typed from the tree in one burst: the letters after ``/`` are the query, none lost."""
    from browser_helpers import settle

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.focus_tree()
        await pilot.pause()
        await burst(pilot, [("slash", "/"), *typed("zlib")])
        assert app.browser.search.input.value == "zlib"


async def test_keys_after_enter_wait_for_the_results_they_act_on(make_app):
    """``zlib``, enter, ``j``, enter in one burst: the query's results come first, then j moves
    in the tree (to zlib-ng, the second match) and enter opens that package's specs."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.search.input.focus()
        await pilot.pause()
        await burst(pilot, [*typed("zlib"), ("enter", None), ("j", "j"), ("enter", None)])
        await settle(pilot)
        assert app.browser.search.input.value == "zlib"
        assert app.focused is app.browser.table
        assert {spec.package for spec in app.browser.table.specs} == {"zlib-ng"}


async def test_keys_after_enter_on_a_package_go_to_its_specs(make_app):
    """Enter on a package in the tree, then end and y in one burst: the table's last spec is copied."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "zlib")
        app.browser.focus_tree()
        await pilot.pause()
        await burst(pilot, [("enter", None), ("end", None), ("y", "y")])
        await settle(pilot)
        table = app.browser.table
        assert app.focused is table and table.cursor_row == table.row_count - 1
        assert app.clipboard == table.specs[table.row_count - 1].hash
