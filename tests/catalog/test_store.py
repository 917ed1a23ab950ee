"""The spec column store, through load_catalog (tarball compression, sizes, hashes)."""

from __future__ import annotations

from cachetui.catalog import load_catalog
from cachetui.catalog.store.spec_store import derived_tarball
from tests.catalog.helpers import make_spec, page_text, write_page


def test_standard_and_unusual_tarballs_round_trip(tmp_path):
    spec = make_spec(compiler="gcc@=11.4.0", versions=["1.3"], tarball=None)
    standard = derived_tarball(
        "develop", "zlib", "1.3", "gcc@=11.4.0", "linux", "ubuntu22.04", "x86_64_v3", spec["hash"]
    )
    assert standard.endswith(
        f"gcc-11.4.0/zlib-1.3/linux-ubuntu22.04-x86_64_v3-gcc-11.4.0-zlib-1.3-{spec['hash']}.spack"
    )
    specs = [
        dict(spec, tarball=standard),
        dict(spec, hash=spec["hash"][::-1], tarball=standard),  # standard-looking URL with another hash
        dict(spec, hash="b" * 32, tarball="https://mirror.example/other.spack"),
        dict(spec, hash="c" * 32),
    ]
    write_page(tmp_path, "pages/develop/zlib/specs.md", page_text("zlib", "develop", specs))
    for _ in range(2):  # parsed, then from the snapshot
        cat = load_catalog([tmp_path / "pages"], cache_dir=tmp_path / "cache")
        assert [s.tarball for s in cat.specs(range(4))] == [
            standard,
            standard,
            "https://mirror.example/other.spack",
            None,
        ]
    assert cat.load_report.from_snapshot


def test_tarball_that_equals_the_reserved_marker(tmp_path):
    write_page(tmp_path, "develop/p/specs.md", page_text("p", "develop", [make_spec(tarball="<derived>")]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.spec(0).tarball == "<derived>"


def test_sizes_and_missing_hashes(tmp_path):
    write_page(
        tmp_path, "develop/p/specs.md", page_text("p", "develop", [make_spec(size=2**40), make_spec(versions=["2"])])
    )
    write_page(
        tmp_path,
        "legacy/q/index.md",
        '---\ntitle: "q"\ncategory: package\nspec_files:\n - "q@1 arch=linux-x-y": spec-0.json\n---\n',
    )
    cat = load_catalog([tmp_path], use_cache=False)
    sizes = {s.package: s.size for s in cat.specs(range(cat.num_specs)) if s.version != "2"}
    assert sizes == {"p": 2**40, "q": None}
    (legacy,) = cat.specs(cat.rows_of(package="q"))
    assert legacy.hash is None
    found = [s for letter in "abcdefghijklmnopqrstuvwxyz234567" for s in cat.lookup_hash(letter)]
    assert sorted(s.package for s in found) == ["p", "p"]  # a spec without a hash is never found by hash
