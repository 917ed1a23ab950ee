"""The column registry: which columns a selection shows and how they fit a table's width."""

from __future__ import annotations

from cachetui.catalog.query.sorting import SORT_COLUMNS
from cachetui.ui.columns import BY_ID, COLUMNS, fit_widths, sortable, table_columns
from cachetui.ui.state import Selection


def test_every_sortable_column_names_a_catalog_sort_key():
    assert all(c.sort in SORT_COLUMNS for c in COLUMNS if c.sort is not None)
    assert sortable(("here", "hash", "change", "tag")) == ["hash", "tag"]


def test_columns_follow_the_selection():
    assert table_columns(Selection("develop", "cmake")) == (
        "hash",
        "version",
        "compiler",
        "arch",
        "variants",
        "stacks",
        "size",
    )
    assert table_columns(Selection(None, "cmake"), host="x")[:2] == ("here", "hash")
    assert "tag" in table_columns(Selection(None, "cmake")) and "package" in table_columns(Selection("develop", None))
    assert table_columns(Selection(None, "cmake"), diff=True)[0] == "change"
    # every match in one tag: the summary names it, and its width goes to what differs
    assert "tag" not in table_columns(Selection(None, "cmake"), tags=False)


def test_fit_squeezes_variants_then_tag_and_never_the_arch():
    columns = ("here", "hash", "version", "compiler", "arch", "variants", "tag", "stacks", "size")
    natural = [3, 7, 7, 25, 29, 60, 18, 20, 6]
    capped = [3, 7, 7, 18, 29, 40, 18, 20, 6]
    assert fit_widths(columns, natural, 300) == [3, 7, 7, 18, 29, 60, 18, 20, 6]  # the variants grow, whole
    core_capped = 1 + sum(w + 2 for c, w in zip(columns, capped) if not BY_ID[c].overflow)
    # ... into what is spare beside the columns that must show; stacks and size may go past the edge
    assert fit_widths(columns, natural, core_capped + 5)[5] == 45
    at_100 = fit_widths(columns, natural, 98)
    core = 1 + sum(w + 2 for c, w in zip(columns, at_100) if not BY_ID[c].overflow)
    assert core <= 98 and at_100[4] == 29 and at_100[5] == BY_ID["variants"].min_width
    narrow = fit_widths(columns, natural, 40)  # cannot fit: every squeezable column at its minimum
    assert narrow[4] == 29 and narrow[5:7] == [BY_ID["variants"].min_width, BY_ID["tag"].min_width]
