"""load_catalog over the fixture corpus and over small generated trees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cachetui.catalog import LEGACY_TAG, LoadProgress, NoSourceError, load_catalog
from tests.catalog.helpers import (
    REAL,
    SEEDS,
    fake_hash,
    fixture_pages,
    front_matter,
    make_spec,
    page_text,
    problems_for,
    write_page,
)


@pytest.fixture(scope="module")
def corpus():
    return load_catalog([REAL, SEEDS], use_cache=False)


def _expected_count(fm: dict) -> int:
    if "spec_details" in fm:
        return len(fm["spec_details"])
    if "spec_names" in fm:
        return len(fm["spec_names"])
    return len(fm["spec_files"])


@pytest.mark.parametrize("path", fixture_pages(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_page_loads_with_its_spec_count(corpus, path):
    fm = front_matter(path)
    pages = [p for p in corpus.pages if p.source == str(path)]
    assert len(pages) == 1, corpus.problems
    page = pages[0]
    assert page.num_specs == _expected_count(fm) > 0
    assert page.package == fm["title"]
    if "categories" in fm:
        assert page.tag == fm["categories"][1]
        assert page.format in ("current", "mid", "hybrid")
        assert page.declared_specs == fm["meta"]["num_specs"]
    else:
        assert page.tag == LEGACY_TAG
        assert page.format in ("legacy-index", "legacy-specs")
    specs = corpus.specs(range(page.start, page.stop))
    assert {s.package for s in specs} == {fm["title"]}
    assert {s.tag for s in specs} == {page.tag}
    assert {s.source for s in specs} == {str(path)}
    if "spec_details" in fm:
        assert [s.hash for s in specs] == [d["hash"] for d in fm["spec_details"]]
        assert [s.version for s in specs] == [d["versions"][0] for d in fm["spec_details"]]
        assert [list(s.variants) for s in specs] == [d["variants"] for d in fm["spec_details"]]
        assert [list(s.stacks) for s in specs] == [d["stacks"] for d in fm["spec_details"]]
        assert [s.compiler for s in specs] == [d["compiler"] for d in fm["spec_details"]]
        assert [s.arch for s in specs] == [f"{d['platform']}-{d['os']}-{d['target']}" for d in fm["spec_details"]]
    else:
        assert all(s.hash is None for s in specs)


def test_corpus_totals_and_only_expected_problem(corpus):
    expected = sum(_expected_count(front_matter(p)) for p in fixture_pages())
    assert corpus.num_specs == expected
    assert len(corpus.pages) == len(fixture_pages())
    # legacy/camtimers has both index.md and specs.md: the one duplicate (tag, package) in the corpus
    assert [(Path(p.path).parent.name, Path(p.path).name) for p in corpus.problems] == [("camtimers", "specs.md")]
    assert "same tag and package" in corpus.problems[0].reason
    assert len(corpus.pages_for(LEGACY_TAG, "camtimers")) == 2
    assert corpus.notices == []


def test_tags_in_site_order(corpus):
    assert corpus.tags == [
        "develop",
        "v0.23.0",
        "develop-2025-07-13",
        "develop-2025-05-25",
        "develop-2025-03-30",
        "develop-2024-06-09",
        "develop-2023-12-10",
        LEGACY_TAG,
    ]
    counts = corpus.tag_counts()
    assert counts["develop-2024-06-09"] == 3  # cgns 2 + ed 1
    assert sum(counts.values()) == corpus.num_specs


def test_packages_and_page_ordering(corpus):
    assert "py-filelock" in corpus.packages and corpus.packages == sorted(corpus.packages)
    tags = [corpus.pages[i].tag for i in corpus.page_ids_of_package("py-filelock")]
    assert tags == ["develop", "develop-2025-05-25"]  # newest tag first
    names = [corpus.pages[i].package for i in corpus.page_ids_in_tag("develop-2025-07-13")]
    assert names == sorted(names) and len(names) == 12
    rows = corpus.rows_of(tag="develop", package="py-filelock")
    assert len(rows) == 108
    assert len(corpus.rows_of(package="py-filelock")) == 108 + 22
    assert len(corpus.rows_of(tag="v0.23.0")) == 4 + 2 + 1 + 41 + 21 + 1
    assert len(corpus.rows_of()) == corpus.num_specs


def test_mid_pages_keep_tarball_exactly(corpus):
    checked = 0
    for path in fixture_pages():
        fm = front_matter(path)
        details = fm.get("spec_details") or []
        if not details or "tarball" not in details[0]:
            continue
        (page,) = [p for p in corpus.pages if p.source == str(path)]
        assert page.format == "mid"
        specs = corpus.specs(range(page.start, page.stop))
        assert [s.tarball for s in specs] == [d["tarball"] for d in details]
        checked += len(details)
    assert checked >= 100


def test_current_pages_have_no_tarball(corpus):
    (page,) = corpus.pages_for("develop-2025-07-13", "hdf5")
    assert page.format == "current"
    assert all(s.tarball is None for s in corpus.specs(range(page.start, page.stop)))


def test_windows_specs(corpus):
    (page,) = corpus.pages_for("develop-2024-06-09", "cgns")
    specs = corpus.specs(range(page.start, page.stop))
    win = [s for s in specs if s.platform == "windows"]
    assert len(win) == 1
    (w,) = win
    assert (w.os, w.target, w.compiler) == ("windows10.0.20348", "x86_64", "msvc@=19.39.33523")
    assert w.arch == "windows-windows10.0.20348-x86_64"
    assert w.stacks == ("windows-vis", "root")
    assert corpus.query("%msvc").count >= 1
    assert {s.hash for s in corpus.query("os=windows10.0.20348 cgns").specs()} == {w.hash}


def test_empty_stacks_list(corpus):
    (page,) = corpus.pages_for("develop", "amg2013")
    specs = corpus.specs(range(page.start, page.stop))
    empty = [s for s in specs if s.stacks == ()]
    assert [s.hash for s in empty] == ["6e4s22p6sovsoooprg3hwevqc577sl3y"]
    summary = corpus.summary(range(page.start, page.stop))
    assert summary.stacks == {"aws-ahug-aarch64": 16, "aws-ahug": 2}


def test_compiler_spellings(corpus):
    (zlib,) = corpus.pages_for("develop-2023-12-10", "zlib")
    compilers = [s.compiler for s in corpus.specs(range(zlib.start, zlib.stop))]
    assert compilers == ["cce@=15.0.1", "gcc@=10.3.0", "gcc@=11.4.0"]
    assert corpus.query("tag=develop-2023-12-10 %gcc@11").count == 1
    assert corpus.query("tag=develop-2023-12-10 %gcc@=10.3").count == 0  # @= is exact
    assert corpus.query("tag=develop-2023-12-10 %gcc@=10.3.0").count == 1
    res = corpus.query("zlib %cce")  # bare words are fuzzy: zlib-ng matches too
    assert res.rows_of(package="zlib").tolist() == [zlib.start]
    assert {s.compiler for s in corpus.query("tag=develop-2025-07-13 compiler-wrapper").specs()} == {"none"}


def test_legacy_index_and_spec_names_pages(corpus):
    (byacc,) = corpus.pages_for(LEGACY_TAG, "byacc")
    specs = corpus.specs(range(byacc.start, byacc.stop))
    assert [(s.version, s.compiler, s.arch) for s in specs] == [
        ("master", "gcc@9.3.0", "linux-ubuntu20.04-x86_64"),
        ("master", "gcc@9.3.0", "linux-ubuntu20.04-ppc64le"),
    ]
    for page in corpus.pages_for(LEGACY_TAG, "camtimers"):
        (spec,) = corpus.specs(range(page.start, page.stop))
        assert spec.hash is None and spec.short_hash == ""
        assert (spec.version, spec.compiler, spec.platform, spec.os, spec.target) == (
            "master",
            "gcc@8.4.0",
            "linux",
            "rhel7",
            "sandybridge",
        )
        assert spec.variants == ("build_type=RelWithDebInfo",)  # nothing from the ^openmpi part
        assert spec.stacks == () and spec.size is None and spec.tarball is None
    formats = sorted(p.format for p in corpus.pages_for(LEGACY_TAG, "camtimers"))
    assert formats == ["legacy-index", "legacy-specs"]
    cinch = corpus.summary(corpus.rows_of(LEGACY_TAG, "cinch"))
    assert cinch.num_specs == 44
    assert list(cinch.versions) == ["develop", "master"]
    assert cinch.platforms == {"linux": 42, "cray": 2}


def test_path_fallback_for_tag_and_package(tmp_path):
    spec = make_spec()
    body = "---\nlayout: cache\nspec_details: " + json.dumps([spec]) + "\n---"
    path = write_page(tmp_path, "_cache/develop-2025-01-05/mypkg/specs.md", body)
    cat = load_catalog([tmp_path], use_cache=False)
    (page,) = cat.pages
    assert (page.tag, page.package, page.source) == ("develop-2025-01-05", "mypkg", str(path))
    assert cat.spec(0).hash == spec["hash"] and cat.problems == []


def test_title_and_categories_win_over_path(tmp_path):
    write_page(tmp_path, "_cache/wrongtag/wrongpkg/specs.md", page_text("rightpkg", "v0.22.0", [make_spec()]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert [(p.tag, p.package) for p in cat.pages] == [("v0.22.0", "rightpkg")]


def test_loose_file_without_categories_is_legacy(tmp_path):
    path = write_page(tmp_path, "loose.txt", page_text("solo", specs=[make_spec()], categories=False))
    cat = load_catalog([path], use_cache=False)
    assert [(p.tag, p.package) for p in cat.pages] == [(LEGACY_TAG, "solo")]


def test_integer_size_and_unknown_size(tmp_path):
    specs = [
        make_spec(size=12345, versions=["1"]),
        make_spec(size="-", versions=["2"]),
        make_spec(size=0, versions=["3"]),
    ]
    write_page(tmp_path, "t/p/specs.md", page_text("p", "t", specs))
    cat = load_catalog([tmp_path], use_cache=False)
    assert [s.size for s in cat.specs(range(3))] == [12345, None, 0]
    assert cat.summary(range(3)).total_size == 12345
    assert cat.problems == []


def test_hybrid_format(tmp_path):
    spec = make_spec(compiler="gcc@=11.4.0")
    write_page(tmp_path, "develop/h/specs.md", page_text("h", "develop", [spec]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.pages[0].format == "hybrid"
    assert cat.spec(0).compiler == "gcc@=11.4.0" and cat.spec(0).tarball is None


def test_closing_fence_with_and_without_newline_and_bom_crlf(tmp_path):
    spec = make_spec()
    text = page_text("p", "t", [spec])
    a = write_page(tmp_path, "a/t/p/specs.md", text)
    b = write_page(tmp_path, "b/t/p/specs.md", text + "\n")
    c = write_page(tmp_path, "c/t/p/specs.md", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode() + b"\r\n")
    for path in (a, b, c):
        cat = load_catalog([path], use_cache=False)
        assert cat.problems == [], path
        assert [(p.tag, p.package) for p in cat.pages] == [("t", "p")]
        assert cat.spec(0).to_dict()["hash"] == spec["hash"]
        assert cat.spec(0).variants == ("+shared",)


def test_meta_mismatch_loads_specs_and_reports(tmp_path):
    path = write_page(
        tmp_path, "t/p/specs.md", page_text("p", "t", [make_spec(), make_spec(versions=["2"])], meta={"num_specs": 5})
    )
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.num_specs == 2 and cat.pages[0].declared_specs == 5
    (problem,) = problems_for(cat, path)
    assert "num_specs is 5" in problem.reason and "lists 2" in problem.reason


def test_same_tag_and_package_in_two_files_both_kept(tmp_path):
    a = write_page(tmp_path, "one/develop/zz/specs.md", page_text("zz", "develop", [make_spec(versions=["1"])]))
    b = write_page(tmp_path, "two/develop/zz/specs.md", page_text("zz", "develop", [make_spec(versions=["2"])]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert sorted(p.source for p in cat.pages_for("develop", "zz")) == sorted([str(a), str(b)])
    assert cat.num_specs == 2
    assert sorted(cat.summary(cat.rows_of("develop", "zz")).versions) == ["1", "2"]
    (problem,) = cat.problems
    assert problem.path == str(b) and str(a) in problem.reason and "develop/zz" in problem.reason


def test_same_hash_in_many_tags_every_occurrence(tmp_path):
    shared = make_spec(versions=["3.1"])
    for tag in ("develop", "develop-2025-01-05", "v0.23.0"):
        write_page(tmp_path, f"{tag}/shared/specs.md", page_text("shared", tag, [shared, make_spec(versions=[tag])]))
    cat = load_catalog([tmp_path], use_cache=False)
    found = cat.lookup_hash(shared["hash"][:7])
    assert [s.tag for s in found] == ["develop", "v0.23.0", "develop-2025-01-05"]
    assert {s.hash for s in found} == {shared["hash"]}
    assert [s.tag for s in cat.lookup_hash("/" + shared["hash"])] == [s.tag for s in found]
    res = cat.query("/" + shared["hash"][:10])
    assert res.count == 3 and res.tags() == [("develop", 1), ("v0.23.0", 1), ("develop-2025-01-05", 1)]


def test_no_source_error_only_when_nothing_exists(tmp_path):
    with pytest.raises(NoSourceError) as info:
        load_catalog([tmp_path / "nope", tmp_path / "nada"], use_cache=False)
    assert str(tmp_path / "nope") in info.value.missing
    write_page(tmp_path, "t/p/specs.md", page_text("p", "t", [make_spec()]))
    cat = load_catalog([tmp_path / "t", tmp_path / "nope"], use_cache=False)
    assert cat.num_specs == 1
    assert [p.reason for p in cat.problems] == ["no such file or directory"]


def test_progress_reports_phases(tmp_path):
    write_page(tmp_path, "t/p/specs.md", page_text("p", "t", [make_spec()]))
    seen: list[LoadProgress] = []
    load_catalog([tmp_path], cache_dir=tmp_path / "cache", progress=seen.append)
    phases = [p.phase for p in seen]
    for phase in ("snapshot", "scan", "parse", "index", "save", "done"):
        assert phase in phases
    assert phases[-1] == "done"
    last_parse = [p for p in seen if p.phase == "parse"][-1]
    assert last_parse.done == last_parse.total == 1


def test_large_page_20k_specs(tmp_path):
    variants = json.dumps([f"~v{i:03d}" for i in range(110)])[1:-1]
    template = (
        '{"compiler": "none", "hash": "%s", "os": "ubuntu22.04", "platform": "linux", "size": %d, '
        '"stacks": ["root"], "target": "x86_64_v3", "variants": [' + variants + ', "build_type=R%d"], '
        '"versions": ["1.%d.%d"]}'
    )
    hashes = [fake_hash(i) for i in range(20_000)]
    details = ", ".join(template % (hashes[i], i, i % 7, i % 50, i % 3) for i in range(20_000))
    text = page_text("big", "develop", [], meta={"num_specs": 20_000}).replace(
        "spec_details: []", f"spec_details: [{details}]"
    )
    assert len(text) > 20_000_000
    write_page(tmp_path, "develop/big/specs.md", text)
    del text, details
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.num_specs == 20_000 and cat.problems == []
    assert cat.spec(19_999).hash == hashes[19_999] and cat.spec(19_999).size == 19_999
    assert cat.spec(123).variants[-1] == "build_type=R4" and cat.spec(123).version == "1.23.0"
    assert cat.query("build_type=R3").count == len(range(3, 20_000, 7))
    assert cat.summary(cat.rows_of()).total_size == sum(range(20_000))


def test_empty_directory_gives_empty_catalog(tmp_path):
    (tmp_path / "pages").mkdir()
    for _ in range(2):
        cat = load_catalog([tmp_path / "pages"], cache_dir=tmp_path / "cache")
        assert (cat.num_specs, cat.pages, cat.tags, cat.packages, cat.problems, cat.notices) == (0, [], [], [], [], [])
        assert cat.query("zlib +mpi").count == 0 and cat.query("").count == 0 and cat.query("tag=develop").count == 0
        assert cat.lookup_hash("abc") == [] and cat.summary([]).num_specs == 0
    assert cat.load_report.from_snapshot


def test_parallel_parse_matches_serial(tmp_path, monkeypatch):
    import cachetui.catalog.loader as loader

    serial = load_catalog([REAL, SEEDS], use_cache=False)
    monkeypatch.setattr(loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(loader, "CHUNK_FILES", 7)
    parallel = load_catalog([REAL, SEEDS], use_cache=False, workers=2)
    assert [s.to_dict() for s in parallel.specs(range(parallel.num_specs))] == [
        s.to_dict() for s in serial.specs(range(serial.num_specs))
    ]
    assert [(p.tag, p.package, p.source, p.start, p.stop) for p in parallel.pages] == [
        (p.tag, p.package, p.source, p.start, p.stop) for p in serial.pages
    ]
    assert parallel.problems == serial.problems
