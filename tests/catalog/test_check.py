"""The check of concrete specs against a catalog of pages: what a page's spec can and cannot tell."""

from __future__ import annotations

import json

from cachetui.catalog import check_environment, load_catalog, read_concrete, sample_catalog_path


def _lock_of(spec, digest: str, compiler_version: str) -> dict:
    name, _, _ = spec.compiler.partition("@")
    node = {
        "name": spec.package,
        "version": spec.version,
        "arch": {"platform": spec.platform, "platform_os": spec.os, "target": spec.target},
        "compiler": {"name": name, "version": compiler_version},
        "parameters": {v[1:]: v[0] == "+" for v in spec.variants if v[:1] in "+~"}
        | {v.split("=", 1)[0]: v.split("=", 1)[1].split(",") for v in spec.variants if "=" in v},
        "hash": digest,
    }
    return {
        "_meta": {"file-type": "spack-lockfile", "lockfile-version": 5},
        "roots": [{"hash": digest}],
        "concrete_specs": {digest: node},
    }


def test_an_exact_compiler_version_is_the_same_compiler_and_a_page_spec_hides_its_dependencies(tmp_path):
    catalog = load_catalog([sample_catalog_path()], use_cache=False)
    spec = next(s for s in catalog.specs(range(catalog.num_specs)) if "@=" in s.compiler and s.hash)
    version = spec.compiler.partition("@=")[2]
    path = tmp_path / "spack.lock"
    path.write_text(json.dumps(_lock_of(spec, "c" * 32, version)))  # as a lock writes it: no "="
    report = check_environment(catalog, read_concrete(str(path)))
    (check,) = report.checks
    assert not check.cached
    best = check.nearest[0]
    assert best.differs == {}  # gcc@11.4.0 is gcc@=11.4.0; every other field equal
    assert best.spec.package == spec.package and best.spec.compiler == spec.compiler
    assert best.dependencies_known is False
    assert "dependencies are not listed" in best.text()


def test_a_cached_spec_lists_every_tag_that_has_it_newest_first(tmp_path):
    catalog = load_catalog([sample_catalog_path()], use_cache=False)
    specs = catalog.specs(range(catalog.num_specs))
    spec = next(s for s in specs if s.hash)
    path = tmp_path / "spack.lock"
    path.write_text(json.dumps(_lock_of(spec, spec.hash, spec.compiler.partition("@")[2].lstrip("="))))
    (check,) = check_environment(catalog, read_concrete(str(path))).checks
    tags = [s.tag for s in specs if s.hash == spec.hash]
    assert check.cached and sorted(check.tags) == sorted(tags)
    assert check.tags == sorted(tags, key=catalog.tag_rank)
    assert check.to_dict()["nearest"] is None
