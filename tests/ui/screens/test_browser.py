"""Pilot tests of the browser over the bundled sample: search, tree, detail, keys, layout."""

from __future__ import annotations

from browser_helpers import query_in_table, screen_text, settle, top_labels, type_query

from cachetui.ui.widgets.search import QueryInput
from cachetui.ui.widgets.spec_table import SpecTable


async def test_start_shows_tags_in_site_order_and_counter(make_app, sample_catalog):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, QueryInput)  # search bar focused at start
        assert [node.data.tag for node in app.browser.package_tree.root.children] == sample_catalog.tags
        develop = sample_catalog.tag_counts()["develop"]
        assert top_labels(app)[0] == f"develop {develop}"
        text = screen_text(app)
        assert f"{len(sample_catalog.packages)} packages / {sample_catalog.num_specs} specs" in text
        assert "tags › packages" in text
        # The first tag is selected: its summary and mirror command are shown.
        assert "tag develop" in text
        assert "spack mirror add spack-build-cache-develop" in text


async def test_typing_narrows_tree_and_table(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        assert top_labels(app) == ["cmake 74"]
        assert "1 package / 74 specs match" in screen_text(app)
        assert app.browser.table.row_count == 74

        await type_query(pilot, "cmake os=ubuntu22.0")
        await pilot.press("4")  # the last keystroke completes the term
        await settle(pilot)
        assert top_labels(app) == ["cmake 28"]
        assert app.browser.table.row_count == 28
        assert {spec.os for spec in app.browser.table.specs} == {"ubuntu22.04"}
        text = screen_text(app)
        assert "1 package / 28 specs match" in text
        assert "28 of 74 specs match" in text

        await type_query(pilot, "cmake ~ownlibs os=ubuntu20.04")
        assert app.browser.table.row_count == 3
        assert all("~ownlibs" in spec.variants and spec.os == "ubuntu20.04" for spec in app.browser.table.specs)

        # The package's tags are its children, only those with matches.
        app.browser.package_tree.focus()
        await pilot.press("right")
        await settle(pilot)
        assert [str(n.label) for n in app.browser.package_tree.root.children[0].children] == [
            "v0.23.0 2",
            "develop-2025-07-13 1",
        ]


async def test_every_keystroke_updates_results(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "z", keys=True)
        z = [node.data.package for node in app.browser.package_tree.root.children]
        await pilot.press("l")
        await settle(pilot)
        zl = [node.data.package for node in app.browser.package_tree.root.children]
        assert zl[:2] == ["zlib", "zlib-ng"] and len(zl) <= len(z)
        assert app.browser.search.text == "zl"


async def test_malformed_term_is_an_inline_hint(make_app, sample_catalog):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        await pilot.press("space", "@")
        await settle(pilot)
        text = screen_text(app)
        assert "bad term '@'" in text
        assert app.screen is app.browser  # no dialog
        assert top_labels(app) == ["cmake 74"]  # the last good results stay
        await pilot.press(*"3.30")
        await settle(pilot)
        assert "bad term" not in screen_text(app)
        assert top_labels(app) == [f"cmake {sample_catalog.query('cmake @3.30').count}"]


async def test_hash_prefix_finds_the_spec_and_lists_its_tags(make_app, shared_hash_catalog):
    app = make_app(shared_hash_catalog)
    shared = shared_hash_catalog.shared_hash
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "/" + shared[:6])
        text = screen_text(app)
        assert "is zlib@1.3.1" in text and "in 3 tags: develop, v0.23.0, develop-2025-07-13" in text
        assert [spec.hash for spec in app.browser.table.specs] == [shared] * 3
        assert [spec.tag for spec in app.browser.table.specs] == ["develop", "v0.23.0", "develop-2025-07-13"]
        await pilot.press("enter")  # straight to the spec table
        await settle(pilot)
        assert isinstance(app.focused, SpecTable)
        await pilot.press("y")
        assert app.clipboard == shared


async def test_hash_prefix_in_one_tag_on_the_sample(make_app, sample_catalog):
    app = make_app()
    spec = sample_catalog.lookup_hash("dqktu")[0]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "/dqktu")
        assert app.browser.table.current_spec == spec
        assert f"/dqktu is cmake@3.30.5 /{spec.hash[:7]} in v0.23.0" in screen_text(app)


async def test_copy_keys_copy_the_exact_text(make_app, tmux):
    app = make_app(in_tmux=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "cmake os=ubuntu22.04 %oneapi")
        spec = app.browser.table.current_spec
        assert spec is not None and spec.package == "cmake"
        expected = {
            "y": spec.hash,
            "Y": "/" + spec.hash[:7],
            "i": f"spack install --use-buildcache only /{spec.hash}",
            "m": f"spack mirror add spack-build-cache-{spec.tag} https://binaries.spack.io/{spec.tag}",
        }
        for key, text in expected.items():
            await pilot.press(key)
            await pilot.pause()
            assert app.clipboard == text
            app.copier.wait()
            assert tmux.buffers[-1] == text  # tmux's paste buffer too
            # the notification shows the exact text, to copy by hand if needed
            assert app.notes[-1] == text
        assert tmux.buffers == list(expected.values())


async def test_copy_outside_tmux_does_not_run_tmux(make_app, tmux):
    app = make_app(in_tmux=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "zlib-ng")
        app.browser.table.focus()
        await pilot.press("y")
        assert app.clipboard == app.browser.table.current_spec.hash
        app.copier.wait()
        assert tmux.buffers == []


async def test_copy_with_nothing_selected_warns(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await type_query(pilot, "nosuchpackagezz")
        app.browser.package_tree.focus()
        await pilot.press("y")
        assert app.clipboard == ""
        assert "No spec selected" in app.notes[-1]


async def test_legacy_specs_have_no_hash_to_copy(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "tag=legacy")
        assert app.browser.table.current_spec.hash is None
        await pilot.press("y", "m")
        assert app.clipboard == ""
        messages = app.notes
        assert any("legacy page and has no hash" in m for m in messages)
        assert any("Legacy pages are not a mirror tag" in m for m in messages)


async def test_sorting_the_spec_table(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        app.browser.table.focus()
        await pilot.press("s")  # first column: hash
        await settle(pilot)
        hashes = [spec.hash for spec in app.browser.table.specs]
        assert hashes == sorted(hashes)
        assert "hash ▲" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert [spec.hash for spec in app.browser.table.specs] == sorted(hashes, reverse=True)
        assert "hash ▼" in screen_text(app)


async def test_escape_clears_search_then_goes_back(make_app, sample_catalog):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        app.browser.table.focus()
        await pilot.press("escape")
        assert app.focused is app.browser.package_tree
        await pilot.press("escape")
        assert isinstance(app.focused, QueryInput)
        await pilot.press("escape")
        await settle(pilot)
        assert app.browser.search.text == ""
        assert f"31 packages / {sample_catalog.num_specs} specs" in screen_text(app)
        await pilot.press("escape")
        assert app.focused is app.browser.package_tree
        await pilot.press("slash")
        assert isinstance(app.focused, QueryInput)


async def test_pick_mode_returns_the_hash(make_app):
    app = make_app(pick=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "zlib-ng")
        await pilot.press("enter")
        await pilot.press("enter")  # tree: open zlib-ng's specs
        await settle(pilot)
        spec = app.browser.table.current_spec
        await pilot.press("enter")  # table: pick
        await pilot.pause()
    assert app.return_value == spec.hash


async def test_quitting_returns_nothing(make_app):
    app = make_app(pick=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.package_tree.focus()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value is None


async def test_layout_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake os=ubuntu22.04")
        app.browser.package_tree.focus()
        await settle(pilot)
        lines = screen_text(app).splitlines()
        assert len(lines) == 24
        assert lines[0].startswith(" Search cmake os=ubuntu22.04")
        assert lines[1].rstrip().endswith("1 package / 28 specs match")
        text = "\n".join(lines)
        assert "cmake 28" in text
        assert "cmake in all tags · 28 of 74 specs match" in text
        for label in ("versions", "compilers", "platforms", "os", "targets", "stacks", "tags"):
            assert f" {label} " in text, label
        footer = lines[-1]
        for key in ("/ Search", "g Group", "y Hash", "? Help", "q Quit"):
            assert key in footer, key
        # Opening the specs gives the table the whole width: hash, version, tag, compiler and arch fit.
        await pilot.press("enter")
        await settle(pilot)
        assert app.browser.main_area.has_class("-narrow", "-table-focus")
        assert not app.browser.package_tree.display or app.browser.package_tree.region.width == 0
        text = screen_text(app)
        first = app.browser.table.specs[0]
        row = next(line for line in text.splitlines() if first.short_hash in line)
        for value in (first.version, first.compiler, first.arch):  # whole; the variants squeezed, the tag beyond
            assert value in row
        await pilot.press("escape")
        await settle(pilot)
        assert app.browser.package_tree.region.width > 0


async def test_at_100_columns_the_columns_users_choose_by_are_all_visible(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "cmake")
        await pilot.press("enter", "enter")  # tree, then cmake's specs across two tags
        await settle(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if " hash " in line)
        for title in ("hash", "version", "compiler", "platform-os-target", "differing", "tag"):
            assert title in header, title
        first = app.browser.table.specs[0]
        row = next(line for line in lines if first.short_hash in line)
        assert first.version in row and first.compiler[:12] in row and first.arch in row  # compiler: up to 18 cells
        assert first.tag[:3] in row and first.tag[-5:] in row  # the tag, perhaps cut in the middle
        data = app.browser.detail.data
        differing = [v for v in first.variants if v not in data.shared_variants]
        differing.sort(key=lambda v: data.variant_rank.get(v, len(data.variant_rank)))  # best split first
        assert differing and differing[0][:6] in row


async def test_wide_layout_keeps_both_panes(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "cmake")
        assert not app.browser.main_area.has_class("-narrow")
        assert app.browser.package_tree.region.width > 0 and app.browser.table.region.width > 0
        assert "platform-os-target" in screen_text(app)


async def test_no_color_still_renders(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        await type_query(pilot, "zlib")
        assert "2 packages / 35 specs match" in screen_text(app)


async def test_pick_mode_says_how_to_pick(make_app):
    app = make_app(pick=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "enter on a spec row prints its hash and exits" in screen_text(app)


async def test_enter_before_results_waits_for_them(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.browser.search.input.focus()
        await pilot.press(*"zlib-ng", "enter")  # no pause: the query may still be running
        await settle(pilot)
        assert app.focused is app.browser.package_tree
        assert app.browser.package_tree.root.children[0].data.package == "zlib-ng"


async def test_ctrl_q_quits_even_while_typing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")  # typed into the search bar
        assert app.browser.search.text == "q" and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value is None and not app.is_running


async def test_after_enter_on_no_match_the_search_bar_keeps_focus_once_back(make_app):
    """Enter on a hash search with no match, then / and a new query: the new text stays in the search bar
    (a pending "focus the table" from that enter used to take focus back when the next results came)."""
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for key in ("slash", "z", "z", "z", "z", "enter"):
            await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.focused, SpecTable)
        await pilot.press("slash", "ctrl+u")
        await settle(pilot)
        for key in "zlib":
            await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.focused, QueryInput) and app.focused.value == "zlib"
        assert "Search zlib" in screen_text(app)
