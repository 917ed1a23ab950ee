"""The browser's view model: tree entries, query views, detail data and sorting (no terminal)."""

from __future__ import annotations

import pytest

from cachetui.catalog import QueryError, version_key
from cachetui.ui.browse_model import BrowseModel
from cachetui.ui.columns import table_columns
from cachetui.ui.state import (
    GROUP_BY_PACKAGE,
    GROUP_BY_TAG,
    Selection,
    SortOrder,
    TreeEntry,
    grouping_of,
    kept_selection,
)


@pytest.fixture(scope="module")
def model(sample_catalog):
    return BrowseModel(sample_catalog)


def test_empty_query_lists_every_tag_and_package(model, sample_catalog):
    view = model.run_query("")
    assert view.is_empty
    tags = model.top_entries(view, GROUP_BY_TAG)
    assert [e.tag for e in tags] == sample_catalog.tags
    assert sum(e.count for e in tags) == sample_catalog.num_specs
    packages = model.top_entries(view, GROUP_BY_PACKAGE)
    assert [e.package for e in packages] == sample_catalog.packages
    assert all(e.expandable for e in tags + packages)


def test_query_lists_only_matching_packages_and_tags(model):
    view = model.run_query("cmake os=ubuntu22.04")
    assert view.packages == [("cmake", 28)]
    assert view.num_specs == 28
    (top,) = model.top_entries(view, GROUP_BY_PACKAGE)
    children = model.child_entries(view, top)
    assert [(c.tag, c.count) for c in children] == [("v0.23.0", 15), ("develop-2025-07-13", 13)]
    assert not any(c.expandable for c in children)


def test_tag_children_are_its_packages(model, sample_catalog):
    view = model.run_query("")
    children = model.child_entries(view, TreeEntry("v0.23.0", None, 0))
    assert {c.package for c in children} == {p.package for p in sample_catalog.pages if p.tag == "v0.23.0"}
    assert all(c.tag == "v0.23.0" for c in children)


def test_malformed_query_raises_query_error(model):
    with pytest.raises(QueryError):
        model.run_query("cmake @")


def test_detail_obeys_spec_terms(model):
    view = model.run_query("cmake os=ubuntu22.04 %oneapi")
    data = model.detail(view, Selection(None, "cmake"), SortOrder())
    assert data.matched == len(data.specs) > 0
    assert all(s.os == "ubuntu22.04" and s.compiler.startswith("oneapi") for s in data.specs)
    assert data.total == 74
    assert len(data.tag_counts) == 1 and data.mirror_command is None
    assert "tag" not in data.columns and "package" not in data.columns  # one tag: the summary names it
    both = model.detail(model.run_query("cmake"), Selection(None, "cmake"), SortOrder())
    assert len(both.tag_counts) == 2 and "tag" in both.columns


def test_detail_of_a_tag_has_mirror_command_and_package_column(model):
    data = model.detail(model.run_query(""), Selection("v0.23.0", None), SortOrder())
    assert data.mirror_command == "spack mirror add spack-build-cache-v0.23.0 https://binaries.spack.io/v0.23.0"
    assert "package" in data.columns and "tag" not in data.columns


def test_natural_order_is_newest_tag_then_newest_version(model, sample_catalog):
    data = model.detail(model.run_query(""), Selection(None, "cmake"), SortOrder())
    ranks = [sample_catalog.tag_rank(s.tag) for s in data.specs]
    assert ranks == sorted(ranks)
    for tag in {s.tag for s in data.specs}:
        versions = [version_key(s.version) for s in data.specs if s.tag == tag]
        assert versions == sorted(versions, reverse=True)


@pytest.mark.parametrize("column", ["hash", "version", "compiler", "size", "tag"])
def test_sort_by_column_both_ways(model, column):
    view = model.run_query("")
    base = model.detail(view, Selection(None, "cmake"), SortOrder())

    def key(spec):
        if column == "version":
            return version_key(spec.version)
        if column == "size":
            return spec.size if spec.size is not None else -1
        if column == "tag":
            return model.catalog.tag_rank(spec.tag)
        return getattr(spec, column)

    up = model.resort(base, SortOrder(column, False))
    down = model.resort(base, SortOrder(column, True))
    assert [key(s) for s in up.specs] == sorted(key(s) for s in up.specs)
    assert [key(s) for s in down.specs] == sorted((key(s) for s in down.specs), reverse=True)
    assert sorted(up.rows.tolist()) == sorted(base.rows.tolist())


def test_hash_hint_names_the_spec_and_its_tags(shared_hash_catalog):
    model = BrowseModel(shared_hash_catalog)
    shared = shared_hash_catalog.shared_hash
    view = model.run_query("/" + shared[:6])
    assert view.num_specs == 3
    expected = f"/{shared[:6]} is zlib@1.3.1 /{shared[:7]} in 3 tags: develop, v0.23.0, develop-2025-07-13"
    assert view.hint.startswith(expected)


def test_hash_hint_when_nothing_or_several_match(model):
    assert "no spec hash starts with /aaaaaaaa" in model.run_query("/aaaaaaaa").hint
    assert "different specs" in model.run_query("/a").hint


def test_unknown_name_suggests_close_names(model):
    view = model.run_query("zzqqxx")
    assert view.num_specs == 0
    assert "no package matches 'zzqqxx'" in view.hint


def test_table_columns():
    assert table_columns(Selection("develop", "cmake"))[:3] == ("hash", "version", "compiler")
    assert "tag" in table_columns(Selection(None, "cmake"))
    assert "package" in table_columns(Selection("develop", None))


def test_landing_keeps_the_cursor_only_when_the_package_words_stay(model):
    start = model.run_query("")
    cmake = model.run_query("cmake")
    narrower = model.run_query("cmake os=ubuntu22.04")
    other = model.run_query("zlib")
    # A fresh search lands on its best match, whatever was selected before.
    assert kept_selection(start, cmake, Selection("develop", None), GROUP_BY_PACKAGE, None) is None
    assert model.landing(cmake, GROUP_BY_PACKAGE, None) == Selection(None, "cmake")
    # Only spec terms changed: the cursor stays (mapped to the grouping shown).
    kept = kept_selection(cmake, narrower, Selection("develop", "cmake"), GROUP_BY_PACKAGE, None)
    assert kept == Selection(None, "cmake") and model.landing(narrower, GROUP_BY_PACKAGE, kept) == kept
    # New package words: back to the best match.
    assert kept_selection(narrower, other, Selection(None, "cmake"), GROUP_BY_PACKAGE, None) is None
    # A kept node that is no longer listed: the first entry.
    assert model.landing(other, GROUP_BY_PACKAGE, Selection(None, "cmake")) == Selection(None, "zlib")
    assert grouping_of(start, None) == GROUP_BY_TAG and grouping_of(cmake, None) == GROUP_BY_PACKAGE
    assert grouping_of(cmake, GROUP_BY_TAG) == GROUP_BY_TAG
