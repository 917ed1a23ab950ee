"""Real legacy pages of the build-cache site (tests/fixtures/site): what strict YAML refuses, and ^dependencies.

Expected values come from the file itself, read here with a few lines of
regular expressions, not with cachetui's page reader.
"""

from __future__ import annotations

import json
import re

import numpy as np

from cachetui.catalog import load_catalog, parse_query

from .helpers import FIXTURES

SITE = FIXTURES / "site"
LEGACY = SITE / "legacy"  # tioga's page, as the site's legacy layout has it (_cache/tioga/index.md)
TIOGA = LEGACY / "tioga" / "index.md"


def spec_strings(path) -> list[str]:
    """The quoted keys of ``spec_files``, one per `` - "...": spec-N.json`` line."""
    return [
        json.loads(m.group(1)) for m in re.finditer(r'^ - ("(?:[^"\\]|\\.)*"): spec-\d+\.json$', path.read_text(), re.M)
    ]


def named_dependencies(spec: str) -> list[tuple[str, str]]:
    return re.findall(r"\^([A-Za-z0-9_.-]+)@([^%~+\s^]+)", spec)


def test_the_tioga_page_is_refused_by_yaml_and_read_line_by_line_with_a_note(tmp_path):
    strings = spec_strings(TIOGA)
    assert len(strings) == 3 and max(map(len, strings)) > 1024  # over YAML's limit for an implicit key
    catalog = load_catalog([LEGACY], use_cache=False)
    assert catalog.num_specs == 3 and catalog.packages == ["tioga"]
    assert len(catalog.problems) == 1 and "read one by one" in catalog.problems[0].reason
    assert "not valid YAML" in catalog.problems[0].reason


def spec_file(name: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(hash, [(dependency name, version, hash)]) of the tioga node of a spec file beside the page."""
    nodes = json.loads((TIOGA.parent / name).read_text())["spec"]["nodes"]
    version = {n["hash"]: n["version"] for n in nodes}
    root = next(n for n in nodes if n["name"] == "tioga")
    return root["hash"], [(d["name"], version[d["hash"]], d["hash"]) for d in root["dependencies"]]


def test_the_dependencies_a_spec_string_names_are_kept_and_tell_two_binaries_apart(tmp_path):
    strings = spec_strings(TIOGA)
    catalog = load_catalog([LEGACY], use_cache=False)
    specs = catalog.specs(np.arange(catalog.num_specs))
    without_file = [s for s in specs if s.hash is None]  # spec-0.json and spec-1.json are not in the fixture
    expected = sorted(named_dependencies(s) for s in strings[:2])
    assert sorted([(d.name, d.version) for d in s.dependencies] for s in without_file) == expected
    assert all(s.root and all(d.hash == "" for d in s.dependencies) for s in without_file)
    assert all(d["hash"] is None and d["binary"] is None for s in without_file for d in s.to_dict()["dependencies"])
    masters = [s for s in specs if s.version == "master"]
    assert len(masters) == 2 and masters[0].spack_string() != masters[1].spack_string()
    problem = catalog.problems[0].reason
    assert "spec 1: spec-0.json" in problem and "spec 2: spec-1.json" in problem  # a note per spec, not the page


def test_a_spec_file_beside_the_page_gives_the_hash_and_the_dependencies_hashes():
    digest, deps = spec_file("spec-2.json")
    catalog = load_catalog([LEGACY], use_cache=False)
    (spec,) = catalog.lookup_hash(digest[:7])
    assert spec.hash == digest and spec.package == "tioga" and spec.version == "master"
    assert [(d.name, d.version, d.hash) for d in spec.dependencies] == deps
    assert [d.binary for d in spec.dependencies] == [False]  # spectrum-mpi's binary is in no page here
    assert "spec 3" not in catalog.problems[0].reason


def test_a_dependency_term_finds_the_binary_built_with_it(tmp_path):
    catalog = load_catalog([LEGACY], use_cache=False)
    found = catalog.query(parse_query("^spectrum-mpi")).specs()
    assert [(s.version, [d.name for d in s.dependencies]) for s in found] == [("master", ["spectrum-mpi"])]
    assert found[0].hash == spec_file("spec-2.json")[0]
    assert len(catalog.query(parse_query("tioga ^mpich@3.3")).specs()) == 1
    assert len(catalog.query(parse_query("^zlib")).specs()) == 2


def test_a_warm_snapshot_keeps_what_the_page_named(tmp_path):
    cold = load_catalog([LEGACY], use_cache=False)
    load_catalog([LEGACY], cache_dir=tmp_path)
    warm = load_catalog([LEGACY], cache_dir=tmp_path)
    assert warm.load_report.from_snapshot
    every = np.arange(cold.num_specs)
    assert [s.to_dict() for s in warm.specs(every)] == [s.to_dict() for s in cold.specs(every)]


def test_a_page_that_wrote_arches_as_one_string_is_read_into_platform_os_and_target(tmp_path):
    from .helpers import make_spec, page_text, write_page

    arched = make_spec(platform=None, os=None, target=None, arches="linux-ubuntu18.04-x86_64")
    plain = make_spec(versions=["2.0"])
    write_page(tmp_path, "develop/pkg/specs.md", page_text("pkg", specs=[arched, plain]))
    catalog = load_catalog([tmp_path], use_cache=False)
    specs = {s.version: s for s in catalog.specs(np.arange(catalog.num_specs))}
    assert (specs["1.0"].platform, specs["1.0"].os, specs["1.0"].target) == ("linux", "ubuntu18.04", "x86_64")
    assert specs["2.0"].arch == "linux-ubuntu22.04-x86_64_v3" and catalog.problems == []
    assert len(catalog.query(parse_query("os=ubuntu18.04")).specs()) == 1


def test_a_spec_file_given_by_name_is_said_to_be_no_source():
    spec_json = TIOGA.parent / "spec-2.json"
    catalog = load_catalog([spec_json], use_cache=False)
    assert catalog.num_specs == 0
    assert [(p.path, p.reason.split(":")[0]) for p in catalog.problems] == [
        (str(spec_json), "a Spack spec file, not a catalog source")
    ]


GUST = SITE / "install-tree" / "gust" / ".spack-db" / "index.json"


def test_an_install_trees_database_lists_its_installed_specs_as_installed():
    installs = json.loads(GUST.read_text())["database"]["installs"]
    expected = {
        digest: record
        for digest, record in installs.items()
        if record["installed"] and "external" not in record["spec"]
    }
    catalog = load_catalog([GUST], use_cache=False)
    specs = catalog.specs(np.arange(catalog.num_specs))
    assert {s.hash for s in specs} == set(expected) and catalog.tags == ["gust"]  # named by the install tree
    for spec in specs:
        record = expected[spec.hash]
        assert spec.package == record["spec"]["name"] and spec.version == record["spec"]["version"]
        assert spec.kind == "installed" and spec.to_dict()["kind"] == "installed"
        assert spec.root is record["explicit"]
        assert {d.hash for d in spec.dependencies} == {d["hash"] for d in record["spec"].get("dependencies", [])}
    named = load_catalog([f"site={GUST}"], use_cache=False)
    assert named.tags == ["site"]


def test_a_build_caches_specs_stay_binaries():
    catalog = load_catalog([FIXTURES / "index"], use_cache=False)
    assert catalog.num_specs and {s.kind for s in catalog.specs(np.arange(catalog.num_specs))} == {"binary"}


def test_a_2022_page_pairs_its_spec_names_with_its_spec_files_in_order():
    page = SITE / "legacy-2022" / "byacc" / "specs.md"
    names = re.findall(r"^ - '(.*)'$", page.read_text(), re.M)
    files = re.findall(r"^ - (spec-\d+\.json)$", page.read_text(), re.M)
    digest = json.loads((page.parent / files[0]).read_text())["spec"]["nodes"][0]["hash"]
    catalog = load_catalog([page.parent.parent], use_cache=False)
    specs = {s.target: s for s in catalog.specs(np.arange(catalog.num_specs))}
    assert len(names) == len(files) == 2 == catalog.num_specs
    assert specs["x86_64"].hash == digest and specs["ppc64le"].hash is None  # spec-1.json is not in the fixture
    assert "spec 2: spec-1.json: no such file" in catalog.problems[0].reason
