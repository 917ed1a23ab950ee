"""The package tree: built lazily, in batches, grouped either way, its cursor kept on the best match."""

from __future__ import annotations

from browser_helpers import screen_text, settle, top_labels, type_query

from cachetui.ui.state import GROUP_BY_PACKAGE, GROUP_BY_TAG
from cachetui.ui.widgets.spec_table import SpecTable


async def test_grouping_toggle(make_app, sample_catalog):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.package_tree.focus()
        assert app.browser.effective_grouping == GROUP_BY_TAG
        await pilot.press("g")
        await settle(pilot)
        assert app.browser.effective_grouping == GROUP_BY_PACKAGE
        assert [node.data.package for node in app.browser.package_tree.root.children] == sample_catalog.packages
        assert "packages › tags" in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert [node.data.tag for node in app.browser.package_tree.root.children] == sample_catalog.tags


async def test_query_uses_packages_first_until_the_user_chooses(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "zlib")
        assert app.browser.effective_grouping == GROUP_BY_PACKAGE
        assert [node.data.package for node in app.browser.package_tree.root.children] == ["zlib", "zlib-ng"]
        app.browser.package_tree.focus()
        await pilot.press("g")
        await settle(pilot)
        # tags -> packages, only tags with matches, each with its matching packages
        tags = [node.data.tag for node in app.browser.package_tree.root.children]
        assert tags == ["develop-2025-07-13", "develop-2023-12-10"]
        await pilot.press("enter")
        await settle(pilot)
        assert [node.data.package for node in app.browser.package_tree.root.children[0].children] == ["zlib-ng"]


async def test_tree_children_are_built_only_when_expanded(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert all(not node.children for node in app.browser.package_tree.root.children)
        app.browser.package_tree.focus()
        await pilot.press("enter")  # on "develop": expand
        await settle(pilot)
        develop = app.browser.package_tree.root.children[0]
        assert develop.is_expanded and len(develop.children) == 9
        assert all(not node.children for node in app.browser.package_tree.root.children[1:])
        await pilot.press("down")  # first package of develop: the detail shows it in that tag
        await settle(pilot)
        assert app.browser.detail.selection.tag == "develop"
        assert app.browser.detail.selection.package == develop.children[0].data.package
        await pilot.press("enter")  # open: focus moves to its specs
        await settle(pilot)
        assert isinstance(app.focused, SpecTable)
        assert {spec.tag for spec in app.browser.table.specs} == {"develop"}


async def test_long_lists_come_in_batches(make_app, monkeypatch):
    import cachetui.ui.widgets.tree as tree_module

    monkeypatch.setattr(tree_module, "TREE_BATCH", 10)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.package_tree.focus()
        await pilot.press("g")  # 31 packages -> 10 nodes and a "more" leaf
        await settle(pilot)
        labels = top_labels(app)
        assert len(labels) == 11 and labels[-1].startswith("… 21 more")
        tree = app.browser.package_tree
        tree.move_cursor(tree.root.children[-2])
        await pilot.press("j")  # onto "… 21 more": the next batch comes, the cursor on its first entry
        await settle(pilot)
        labels = top_labels(app)
        assert len(labels) == 21 and labels[-1].startswith("… 11 more")
        assert tree.cursor_node is tree.root.children[10]
        tree.move_cursor(tree.root.children[-1])
        await pilot.press("enter")  # enter on it works too
        await settle(pilot)
        assert len(top_labels(app)) == 31


async def test_cursor_follows_best_match_but_stays_when_only_spec_terms_change(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "zl")
        app.browser.package_tree.focus()
        await pilot.press("down")  # zlib-ng
        await settle(pilot)
        assert app.browser.detail.selection.package == "zlib-ng"
        await type_query(pilot, "zlib platform=linux")  # new package words: back to the best match
        assert app.browser.package_tree.selection.package == "zlib"
        app.browser.package_tree.focus()
        await pilot.press("down")
        await settle(pilot)
        await type_query(pilot, "zlib platform=linux %gcc")  # only a spec term added: stay on zlib-ng
        assert app.browser.package_tree.selection.package == "zlib-ng"
        assert app.browser.detail.selection.package == "zlib-ng"
        assert all(spec.compiler.startswith("gcc") for spec in app.browser.table.specs)
