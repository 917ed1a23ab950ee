"""diff and history, checked against an independent computation over Spec objects (sets and dicts)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from cachetui.catalog import load_catalog, parse_query, sample_catalog_path
from cachetui.catalog.changes import UnknownTagError, diff_tags, package_history, resolve_tag
from cachetui.catalog.spack.tags import RELEASE_DATES, is_release, tag_date
from cachetui.catalog.spack.text import sparkline
from tests.catalog.helpers import make_spec, page_text, write_page


def spec_key(spec) -> tuple:
    """Independent identity: the hash, or the whole spec string for legacy specs."""
    if spec.hash:
        return ("h", spec.hash)
    return ("s", spec.package, spec.version, spec.compiler, spec.variants, spec.platform, spec.os, spec.target)


def oracle_diff(cat, tag_a: str, tag_b: str, query: str = ""):
    matching = set(cat.query(query).rows.tolist()) if query else None
    specs = [s for s in cat.specs(range(cat.num_specs)) if matching is None or s.row in matching]
    side_a = [s for s in specs if s.tag == tag_a]
    side_b = [s for s in specs if s.tag == tag_b]
    keys_a, keys_b = {spec_key(s) for s in side_a}, {spec_key(s) for s in side_b}
    added = sorted(s.row for s in side_b if spec_key(s) not in keys_a)
    removed = sorted(s.row for s in side_a if spec_key(s) not in keys_b)
    return added, removed, {s.package for s in side_a}, {s.package for s in side_b}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """Two tags: one package unchanged, one changed, one new in B, one gone from B."""
    root = tmp_path_factory.mktemp("diff")
    same = [make_spec(versions=["1.0"], hash="a" * 32)]
    write_page(root, "v1.0/same/specs.md", page_text("same", "v1.0", same))
    write_page(root, "v2.0/same/specs.md", page_text("same", "v2.0", same))
    write_page(
        root,
        "v1.0/changed/specs.md",
        page_text(
            "changed", "v1.0", [make_spec(versions=["1.0"], hash="b" * 32), make_spec(versions=["1.1"], hash="c" * 32)]
        ),
    )
    write_page(
        root,
        "v2.0/changed/specs.md",
        page_text(
            "changed",
            "v2.0",
            [
                make_spec(versions=["1.1"], hash="c" * 32),
                make_spec(versions=["2.0"], hash="d" * 32),
                make_spec(versions=["2.0"], hash="e" * 32, variants=["+mpi"]),
            ],
        ),
    )
    write_page(root, "v2.0/newpkg/specs.md", page_text("newpkg", "v2.0", [make_spec(versions=["0.1"], hash="f" * 32)]))
    write_page(root, "v1.0/gonepkg/specs.md", page_text("gonepkg", "v1.0", [make_spec(versions=["9"], hash="g" * 32)]))
    return load_catalog([root], use_cache=False)


def test_diff_of_two_tags(tree):
    change = diff_tags(tree, "v1.0", "v2.0")
    added, removed, _, _ = oracle_diff(tree, "v1.0", "v2.0")
    assert sorted(change.added.tolist()) == added and sorted(change.removed.tolist()) == removed
    assert sorted(s.hash[0] for s in tree.specs(change.added)) == ["d", "e", "f"]
    assert [s.hash[0] for s in tree.specs(change.removed)] == ["b", "g"]
    assert change.summary() == "+3 added, -2 removed, 1 package new, 1 gone"
    by_name = {p.package: p for p in change.packages}
    assert set(by_name) == {"changed", "newpkg", "gonepkg"}  # "same" did not change
    assert (by_name["changed"].versions_added, by_name["changed"].versions_dropped) == (["2.0"], ["1.0"])
    assert by_name["newpkg"].new and by_name["gonepkg"].gone and not by_name["changed"].new


def test_a_query_narrows_both_sides(tree):
    change = diff_tags(tree, "v1.0", "v2.0", parse_query("changed +mpi"))
    assert [s.hash[0] for s in tree.specs(change.added)] == ["e"] and not len(change.removed)


def test_identical_tags_have_no_change(tree):
    assert diff_tags(tree, "v1.0", "v1.0").unchanged


@pytest.mark.parametrize(
    "pair,query",
    [
        (("v0.23.0", "develop-2025-07-13"), ""),
        (("develop-2025-07-13", "v0.23.0"), ""),
        (("develop", "develop-2025-07-13"), "+mpi"),
        (("legacy", "v0.23.0"), ""),
        (("develop-2023-12-10", "develop-2024-06-09"), "os=ubuntu22.04"),
    ],
)
def test_diff_on_real_pages_matches_the_oracle(pair, query):
    cat = load_catalog([sample_catalog_path()], use_cache=False)
    change = diff_tags(cat, *pair, parse_query(query))
    added, removed, packages_a, packages_b = oracle_diff(cat, *pair, query)
    assert sorted(change.added.tolist()) == added and sorted(change.removed.tolist()) == removed
    assert change.packages_new == len({cat.spec(r).package for r in added} - packages_a)
    assert change.packages_gone == len({cat.spec(r).package for r in removed} - packages_b)


def test_legacy_specs_without_hash_compare_by_spec_string(tmp_path):
    legacy = '---\ntitle: old\ncategory: package\nspec_names: ["old@1.0%gcc@4.8 arch=linux-rhel6-x86_64"]\n---\n'
    write_page(tmp_path, "a/old/index.md", legacy)
    write_page(tmp_path, "b/old/index.md", legacy)
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.tags == ["legacy"]  # both are legacy pages: one tag, same spec twice
    assert diff_tags(cat, "legacy", "legacy").unchanged


def test_resolve_tags():
    cat = load_catalog([sample_catalog_path()], use_cache=False)
    assert resolve_tag(cat, "latest-release") == "v0.23.0"
    assert resolve_tag(cat, "latest-snapshot") == "develop-2025-07-13"
    assert resolve_tag(cat, "develop-2024-*") == "develop-2024-06-09"
    with pytest.raises(UnknownTagError, match="matches 3 tags"):
        resolve_tag(cat, "develop-2025-*")
    with pytest.raises(UnknownTagError, match=r"did you mean v0\.23\.0"):
        resolve_tag(cat, "v0.23")


def test_history_matches_the_oracle():
    cat = load_catalog([sample_catalog_path()], use_cache=False)
    for package, query in (("cmake", ""), ("hdf5", "+mpi"), ("bc", ""), ("zlib", "")):
        history = package_history(cat, package, parse_query(query))
        matching = set(cat.query(query).rows.tolist()) if query else None
        counts = Counter(
            (s.version, s.tag) for s in cat.specs(cat.rows_of(package=package)) if matching is None or s.row in matching
        )
        expected = {}
        for (version, tag), n in counts.items():
            expected.setdefault(version, {})[tag] = n
        assert {v.version: v.tags for v in history.versions} == expected
        for version in history.versions:
            assert list(version.tags) == sorted(version.tags, key=day_made, reverse=True)  # newest first, by date
            assert version.last == next(iter(version.tags)) and version.first == list(version.tags)[-1]


def day_made(tag: str) -> tuple:
    """When a tag was made, from its name or the release table (an oracle of a few lines)."""
    if tag == "develop":
        return (3,)
    if tag.startswith("develop-"):
        return (2, tag[len("develop-") :])
    days = dict(RELEASE_DATES)
    return (2, days[tag]) if tag in days else (0 if tag == "legacy" else 1, tag)


def test_history_reads_in_time_a_2023_release_before_a_2024_snapshot(tmp_path):
    spec = make_spec(versions=["1.4"])
    for tag in ("develop-2024-01-21", "v0.20.3", "v0.23.1"):
        write_page(tmp_path, f"{tag}/pkg/specs.md", page_text("pkg", tag, [spec]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.tags[:2] == ["v0.23.1", "v0.20.3"]  # the site lists releases first
    (version,) = package_history(cat, "pkg").versions
    assert (version.first, version.last) == ("v0.20.3", "v0.23.1")  # v0.20.3 is from October 2023
    assert list(version.tags) == ["v0.23.1", "develop-2024-01-21", "v0.20.3"]


def test_every_release_tag_of_the_fixtures_and_the_corpus_has_a_date():
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    tags = {p.name for p in fixtures.rglob("*") if p.is_dir() and is_release(p.name) and "." in p.name}  # not v3/
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from make_corpus import RELEASES

    tags |= {tag for tag, _ in RELEASES}
    assert tags and all(tag_date(tag) is not None for tag in tags), sorted(t for t in tags if tag_date(t) is None)


def test_sparkline():
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8]) == " ▁▂▃▄▅▆▇█"
    assert sparkline([0, 0]) == "  " and sparkline([]) == ""
    assert len(sparkline(list(range(100)), width=20)) == 20
