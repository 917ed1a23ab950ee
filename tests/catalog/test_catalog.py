"""Catalog.query semantics, ranking, hash lookup and result ordering on a small hand-made catalog."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cachetui.catalog import Catalog, QueryError, load_catalog, parse_query
from tests.catalog.helpers import REAL, fake_hash, make_spec, page_text, write_page


def S(label, version, compiler, variants, platform, os_, target, stacks, **extra):
    return make_spec(
        hash=fake_hash(label),
        versions=[version],
        compiler=compiler,
        variants=variants,
        platform=platform,
        os=os_,
        target=target,
        stacks=stacks,
        **extra,
    )


SPECS = {
    "H1": (
        "hdf5",
        "develop",
        S(
            "H1",
            "1.14.6",
            "gcc@=13.2.0",
            ["+mpi", "build_type=Release", "libs=shared,static", "~cuda"],
            "linux",
            "ubuntu22.04",
            "x86_64_v3",
            ["e4s", "root"],
        ),
    ),
    "H2": (
        "hdf5",
        "develop",
        S(
            "H2",
            "1.140.0",
            "gcc@=12.3.0",
            ["~mpi", "build_type=Debug", "libs=shared"],
            "linux",
            "ubuntu24.04",
            "aarch64",
            ["root"],
        ),
    ),
    "H3": (
        "hdf5",
        "develop",
        S(
            "H3",
            "1.10.2",
            "clang@=16.0.0",
            ["+mpi", "patches=abc1234,def5678", "build_type=Release"],
            "linux",
            "rhel8",
            "zen2",
            ["ml-x"],
        ),
    ),
    "H4": (
        "hdf5",
        "develop-2025-01-05",
        S("H4", "1.8.23", "none", ["~mpi", "patches:=abc1234"], "darwin", "sequoia", "m1", ["ml-darwin"]),
    ),
    "H5": (
        "hdf5",
        "develop-2025-01-05",
        S("H5", "develop", "gcc@13.1.0", ["+mpi", "foo=bar"], "linux", "ubuntu22.04", "x86_64_v3", ["root"]),
    ),
    "H6": ("hdf5", "v0.23.0", S("H6", "1.14.3", "gcc@=11.4.0", ["+mpi"], "linux", "ubuntu22.04", "x86_64_v3", ["e4s"])),
    "Z1": (
        "zlib",
        "develop-2025-01-05",
        S("Z1", "1.3", "none", ["+shared"], "linux", "ubuntu22.04", "x86_64_v3", ["root"]),
    ),
    "Z2": (
        "zlib-ng",
        "develop-2025-01-05",
        S("Z2", "2.2.1", "none", ["+shared", "+compat"], "linux", "ubuntu22.04", "x86_64_v3", ["root"]),
    ),
    "Z3": (
        "zlib-ng",
        "develop-2024-12-01",
        S("Z3", "2.1.0", "gcc@=13.2.0", ["~shared"], "linux", "ubuntu20.04", "x86_64_v3", ["root"]),
    ),
    "Z1b": (
        "zlib",
        "develop-2024-12-01",
        S("Z1", "1.3", "none", ["+shared"], "linux", "ubuntu22.04", "x86_64_v3", ["root"]),
    ),
}
ALL = set(SPECS)
HDF5 = {k for k in SPECS if k.startswith("H")}


@pytest.fixture(scope="module")
def cat(tmp_path_factory) -> Catalog:
    root = tmp_path_factory.mktemp("query-cat")
    pages: dict = {}
    for _label, (pkg, tag, spec) in SPECS.items():
        pages.setdefault((pkg, tag), []).append(spec)
    for (pkg, tag), specs in pages.items():
        write_page(root, f"{tag}/{pkg}/specs.md", page_text(pkg, tag, specs))
    catalog = load_catalog([root], use_cache=False)
    assert catalog.problems == [] and catalog.num_specs == len(SPECS)
    return catalog


def labels(cat, query) -> set:
    res = cat.query(query)
    out = set()
    for spec in cat.specs(res.rows):
        (label,) = [
            k
            for k, (pkg, tag, s) in SPECS.items()
            if s["hash"] == spec.hash and pkg == spec.package and tag == spec.tag
        ]
        out.add(label)
    assert len(out) == res.count
    return out


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ALL),
        ("hdf5", HDF5),
        ("HDF5", HDF5),
        ("@1.14", {"H1", "H6"}),  # 1.14.x, not 1.140.0
        ("@1.140", {"H2"}),
        ("@=1.14.6", {"H1"}),
        ("@=1.14", set()),
        ("@1.10:1.14", {"H1", "H3", "H6"}),
        ("hdf5 @1.9:", {"H1", "H2", "H3", "H5", "H6"}),
        ("@:1.9", {"H4", "Z1", "Z1b"}),
        ("@develop", {"H5"}),
        ("%gcc", {"H1", "H2", "H5", "H6", "Z3"}),
        ("%gcc@13", {"H1", "H5", "Z3"}),
        ("%gcc@=13.2.0", {"H1", "Z3"}),
        ("%gcc@12:13.1", {"H2", "H5"}),
        ("%clang", {"H3"}),
        ("+mpi", {"H1", "H3", "H5", "H6"}),
        ("~mpi", {"H2", "H4"}),
        ("hdf5 -mpi", {"H2", "H4"}),
        ("~cuda", {"H1"}),
        ("build_type=Release", {"H1", "H3"}),
        ("libs=shared", {"H1", "H2"}),
        ("libs=static", {"H1"}),
        ("libs=shared,static", {"H1"}),
        ("libs=static,shared", {"H1"}),
        ("patches=abc1234", {"H3", "H4"}),
        ("patches:=abc1234", {"H3", "H4"}),
        ("patches=def5678", {"H3"}),
        ("foo=bar", {"H5"}),
        ("foo=baz", set()),
        ("os=ubuntu22.04", {"H1", "H5", "H6", "Z1", "Z1b", "Z2"}),
        ("os=UBUNTU22.04", {"H1", "H5", "H6", "Z1", "Z1b", "Z2"}),
        ("os=ubuntu2*", {"H1", "H2", "H5", "H6", "Z1", "Z1b", "Z2", "Z3"}),
        ("target=aarch64", {"H2"}),
        ("platform=darwin", {"H4"}),
        ("arch=linux-ubuntu22.04-x86_64_v3", {"H1", "H5", "H6", "Z1", "Z1b", "Z2"}),
        ("arch=linux-rhel8-x86_64_v3", set()),
        ("tag=develop", {"H1", "H2", "H3"}),
        ("tag=develop-2025*", {"H4", "H5", "Z1", "Z2"}),
        ("tag=develop-2024-12-01", {"Z1b", "Z3"}),
        ("stack=e4s", {"H1", "H6"}),
        ("stack=ml-*", {"H3", "H4"}),
        ("/" + fake_hash("Z1")[:7], {"Z1", "Z1b"}),
        ("/" + fake_hash("Z1")[:7].upper(), {"Z1", "Z1b"}),
        ("/" + fake_hash("Z1"), {"Z1", "Z1b"}),
        ("/" + fake_hash("Z1")[:20] + "a" * 12, set()),  # beyond the 12 indexed characters
        ("hdf5 +mpi %gcc os=ubuntu22.04", {"H1", "H5", "H6"}),
        ("hdf5 @1.14 +mpi tag=develop", {"H1"}),
        ("zlib-ng ~shared", {"Z3"}),
        ("/" + fake_hash("Z1")[:7] + " tag=develop-2024*", {"Z1b"}),
        ("+mpi ~mpi", set()),
    ],
)
def test_query_matches(cat, query, expected):
    assert labels(cat, query) == expected


def test_hash_with_impossible_characters_matches_nothing(cat):
    res = cat.query("/abc1234")
    assert res.count == 0 and res.query.notes and "cannot match" in res.query.notes[0]


def test_malformed_query_raises(cat):
    with pytest.raises(QueryError) as info:
        cat.query("hdf5 ^mpich")
    assert info.value.token == "^mpich"


def test_name_ranking_exact_and_prefix_first(cat):
    ranked = cat.search_packages("zlib")
    assert ranked[0] == ("zlib", 100.0)
    assert ranked[1][0] == "zlib-ng" and 90 <= ranked[1][1] < 100
    res = cat.query("zlib")
    assert [name for name, _ in res.packages()] == ["zlib", "zlib-ng"]
    assert res.packages() == [("zlib", 2), ("zlib-ng", 2)]
    assert [name for name, _ in cat.search_packages("zlib-n")][:1] == ["zlib-ng"]
    assert cat.search_packages("hfd5")[0][0] == "hdf5"  # fuzzy
    assert "hdf5" in cat.package_index.closest("hdf")


def test_result_ordering_package_tag_version(cat):
    res = cat.query("hdf5")
    order = [(s.tag, s.version) for s in res.specs()]
    assert order == [
        ("develop", "1.140.0"),
        ("develop", "1.14.6"),
        ("develop", "1.10.2"),
        ("v0.23.0", "1.14.3"),
        ("develop-2025-01-05", "develop"),
        ("develop-2025-01-05", "1.8.23"),
    ]
    assert [s.version for s in res.specs(limit=2)] == ["1.140.0", "1.14.6"]
    assert res.tags() == [("develop", 3), ("v0.23.0", 1), ("develop-2025-01-05", 2)]


def test_result_page_views(cat):
    res = cat.query("+shared")
    assert res.packages() == [("zlib", 2), ("zlib-ng", 1)]  # no ranking: by name
    pages = res.pages_of_package("zlib")
    assert [cat.pages[pid].tag for pid, _ in pages] == ["develop-2025-01-05", "develop-2024-12-01"]
    in_tag = res.pages_in_tag("develop-2025-01-05")
    assert [(cat.pages[pid].package, n) for pid, n in in_tag] == [("zlib", 1), ("zlib-ng", 1)]
    assert len(res.rows_of(package="zlib")) == 2
    assert len(res.rows_of(tag="develop-2025-01-05")) == 2
    assert int(res.page_counts.sum()) == res.count == 3
    assert np.all(np.diff(res.rows) > 0)
    for pid, n in in_tag:
        assert len(res.rows_in_page(pid)) == n


def test_query_accepts_parsed_query(cat):
    q = parse_query("hdf5 +mpi")
    assert cat.query(q).count == cat.query("hdf5 +mpi").count == 4
    assert cat.query(q).query is q


def test_lookup_hash_every_occurrence(cat):
    found = cat.lookup_hash("/" + fake_hash("Z1")[:5])
    assert [(s.package, s.tag) for s in found] == [("zlib", "develop-2025-01-05"), ("zlib", "develop-2024-12-01")]
    assert cat.lookup_hash("1") == [] and cat.lookup_hash("") == []


def test_unknown_name_matches_nothing(cat):
    res = cat.query("qqqqqqqq")
    assert res.count == 0 and res.packages() == [] and res.specs() == []


def test_real_corpus_versions_and_variants():
    real = load_catalog([REAL], use_cache=False)
    res = real.query("hdf5 @1.14 tag=develop-2025-07-13")
    assert res.count == 36 and {s.version for s in res.specs()} == {"1.14.6"}
    assert real.query("hdf5 @1.8 tag=develop-2025-07-13").count == 7
    assert real.query("cmake build_type=Release").count > 0
    first = real.query("hdf5 tag=develop-2025-07-13").specs()
    assert [s.version for s in first][:1] == ["1.14.6"] and first[-1].version == "1.8.23"


def test_literal_brackets_in_arch_values_match(tmp_path):
    write_page(tmp_path, "develop/odd/specs.md", page_text("odd", "develop", [make_spec(os="[weird]os")]))
    odd = load_catalog([tmp_path], use_cache=False)
    assert odd.query("os=[weird]os").count == 1


_query_text = st.lists(
    st.sampled_from(
        [
            "hdf5",
            "zlib",
            "@",
            "@=",
            ":",
            "1.14",
            "%",
            "gcc",
            "+",
            "~",
            "-",
            "mpi",
            "=",
            "libs",
            "shared,static",
            "os",
            "tag",
            "stack",
            "arch",
            "develop*",
            "/",
            "ab",
            "[",
            "]",
            "?",
            "*",
            ",",
            " ",
            "^",
            "é",
        ]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=_query_text | st.text(max_size=30))
def test_query_never_fails_except_with_query_error(cat, text):
    try:
        res = cat.query(text)
    except QueryError:
        return
    assert 0 <= res.count <= cat.num_specs
    assert np.all(np.diff(res.rows) > 0)
    res.packages(), res.tags(), res.specs(limit=5)
