"""The source formats are declared once (sources/formats.py): the scan and the loader name none of them."""

from __future__ import annotations

from pathlib import Path

from cachetui.catalog import load_catalog, sample_catalog_path
from cachetui.catalog.sources.formats import FORMATS, ROOT_FILES, format_of

ENGINE = Path(__file__).resolve().parents[2] / "cachetui" / "catalog"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "index"


def test_the_scan_and_the_loader_dispatch_without_naming_formats():
    for path in (ENGINE / "loader.py", ENGINE / "scan" / "discovery.py"):
        text = path.read_text()
        for name in ("spack_index", "sources.pages", "V2_INDEX", "V3_MANIFEST", "CACHE_CONTENTS", "read_page("):
            assert name not in text, (path.name, name)


def test_each_file_goes_to_the_format_that_reads_it():
    assert [f.name for f in FORMATS] == ["spack-index", "pages"]
    v3 = FIXTURES / "v3-mirror" / "v3" / "manifests" / "index" / "index.manifest.json"
    v2 = next((FIXTURES / "spack-testdata").rglob("build_cache/index.json"))
    cache = FIXTURES / "spack-user-cache" / "indices" / "contents.json"
    page = next(Path(sample_catalog_path()).rglob("specs.md"))
    assert [format_of(str(p)).name for p in (v3, v2, cache, page)] == ["spack-index"] * 3 + ["pages"]
    assert set(ROOT_FILES) >= {"contents.json"}


def test_a_mirror_root_is_read_through_its_index_file_only():
    cat = load_catalog([FIXTURES / "v3-mirror"], use_cache=False)
    assert cat.problems == [] and {p.source for p in cat.pages} == {
        str(FIXTURES / "v3-mirror" / "v3" / "manifests" / "index" / "index.manifest.json")
    }
