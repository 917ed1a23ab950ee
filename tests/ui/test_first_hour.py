"""What a new user trips over in the browser: misleading words, a picker that accepts nonsense."""

from __future__ import annotations

import pytest
from browser_helpers import RecordingApp, open_tag_picker, pick_tag, screen_text, settle

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
        await open_tag_picker(pilot)
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


async def test_a_shows_every_match_in_one_table_and_a_again_the_selection(make_app, sample_catalog):
    from browser_helpers import type_query

    app = make_app()
    expected = sample_catalog.query("target=x86_64_v3").count
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await type_query(pilot, "target=x86_64_v3")
        await pilot.press("tab")
        await settle(pilot)
        first = " ".join(screen_text(app).split())
        assert f"1/{expected:,}" not in first  # the first package's specs only
        await pilot.press("a")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "every match ·" in text and f"{expected:,} of {sample_catalog.num_specs:,} specs match" in text
        assert f"1/{expected:,}" in text
        assert len(app.browser.detail.data.specs) == expected
        await pilot.press("end")
        await settle(pilot)
        assert f"{expected:,}/{expected:,}" in " ".join(screen_text(app).split())
        await pilot.press("a")
        await settle(pilot)
        assert "every match" not in screen_text(app)


def test_differing_variants_that_split_the_result_best_come_first(sample_catalog):
    from cachetui.ui.browse_model import BrowseModel
    from cachetui.ui.columns import BY_ID
    from cachetui.ui.state import Selection, SortOrder

    model = BrowseModel(sample_catalog, None)
    view = model.run_query("zlib-ng")
    data = model.detail(view, Selection(None, "zlib-ng"), SortOrder())
    specs = list(data.specs)
    have = {v: sum(v in s.variants for s in specs) for s in specs for v in s.variants}
    n = len(specs)
    assert data.variant_rank and n > 2
    best = min(data.variant_rank, key=data.variant_rank.get)
    assert min(have[best], n - have[best]) == max(min(c, n - c) for c in have.values())
    for index, spec in enumerate(specs):
        cell = BY_ID["variants"].cell(spec, data, index).plain.split()
        ranks = [data.variant_rank[v] for v in cell]
        assert ranks == sorted(ranks)


def test_a_long_tag_is_cut_in_the_middle_so_its_date_stays():
    from rich.text import Text

    from cachetui.ui.columns import fit

    assert fit(Text("develop-2025-05-25"), 9, "tag").plain == "dev…05-25"
    assert fit(Text("cmake-extra-long-package"), 9, "package").plain == "cmake-ex…"


async def test_the_tag_picker_narrows_as_you_type_after_a_slash(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tag_picker(pilot)
        await pilot.press("slash", *"2024")
        await pilot.pause()
        options = screen.query_one("#tags-list")
        shown = options.shown_items()
        assert shown and all("2024" in tag for tag in shown)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.tag_a == shown[0]
        assert screen.query_one("#tags-list").option_count == len(screen.tags)  # B starts from every tag
        await pilot.press("slash", *"v0.23", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, TagPairScreen) and app.browser.diff is not None
        assert (app.browser.diff.tag_a, app.browser.diff.tag_b) == (shown[0], "v0.23.0")


async def test_l_and_h_scroll_the_table_a_column_at_a_time(make_app):
    from browser_helpers import query_in_table

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "cmake")
        table = app.browser.table
        starts = table._column_starts()
        assert table.max_scroll_x > 0 and len(starts) > 3
        await pilot.press("l")
        await pilot.pause()
        assert table.scroll_x in (starts[1] - 1, table.max_scroll_x)
        await pilot.press("l")
        await pilot.pause()
        assert table.scroll_x in (starts[2] - 1, table.max_scroll_x)
        await pilot.press("h")
        await pilot.pause()
        assert table.scroll_x == starts[1] - 1
        await pilot.press("h", "h")
        await pilot.pause()
        assert table.scroll_x == 0


async def test_at_160_columns_the_differing_variants_show_whole_and_one_tag_takes_no_column(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press(*"zlib-ng", "enter", "enter")
        await pilot.pause(0.3)
        table = app.screen.table
        assert "tag" not in table.data.columns  # all 32 specs are in one tag: the summary says which
        text = "\n".join(table.render_line(y).text for y in range(1, 8))
        assert "build_system=autotools" in text and "build_sys…" not in text


@pytest.mark.parametrize("width", [30, 60, 80])
async def test_the_footer_ends_with_the_palette_key_and_no_stray_letter(make_app, width):
    app = make_app()
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert screen_text(app).splitlines()[-1].rstrip().endswith("^p palette")


async def test_space_shows_the_fields_above_the_table_and_enter_opens_the_spec_screen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"zlib-ng", "enter", "enter")
        await settle(pilot)
        table = app.screen.table
        first = table.current_spec
        await pilot.press("space")
        await settle(pilot)
        assert app.screen is not None and type(app.screen).__name__ == "BrowserScreen"  # no new screen
        assert f"hash      {first.hash}" in screen_text(app) and "space: the summary" in screen_text(app)
        await pilot.press("j")
        await settle(pilot)
        second = table.current_spec
        assert second.hash != first.hash and f"hash      {second.hash}" in screen_text(app)  # it follows the cursor
        await pilot.press("space")
        await settle(pilot)
        assert "versions" in screen_text(app) and f"hash      {second.hash}" not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SpecScreen" and app.screen.spec.hash == second.hash


async def test_an_installed_spec_offers_no_install_command_and_no_mirror(make_app):
    from pathlib import Path

    from cachetui.catalog import load_catalog

    tree = (
        Path(__file__).resolve().parents[1] / "fixtures" / "site" / "install-tree" / "gust" / ".spack-db" / "index.json"
    )
    app = make_app(load_catalog([tree], use_cache=False))
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press(*"pigz", "enter", "enter", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "installed (not a binary of a build cache)" in text and "installed in gust" in text
        assert "spack install" not in text and "spack mirror add" not in text
        assert "an install tree, not a mirror" in text
        await pilot.press("i")
        await pilot.pause()
        assert app.clipboard == "" and "not a binary to install" in screen_text(app).replace("\n", " ")


async def test_letters_typed_right_after_the_slash_in_the_tag_picker_are_the_filter(make_app):
    """`/2024` in one burst (as a fast typist or an SSH lag delivers it): every letter reaches the filter."""
    from browser_helpers import burst, open_tag_picker, typed

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_tag_picker(pilot)
        await burst(pilot, typed("/2024"))
        assert screen.query_one("#tags-filter").value == "2024"
        shown = screen.query_one("#tags-list").shown_items()
        assert shown and all("2024" in tag for tag in shown)
