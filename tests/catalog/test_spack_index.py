"""Spack build-cache indexes as sources: every sample loads with exactly the binaries it lists."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachetui.catalog import QueryError, load_catalog, parse_query
from cachetui.catalog.sources.spack_index.layout import read_database, records, variant_strings
from tests.catalog.helpers import REAL

INDEX = Path(__file__).resolve().parent.parent / "fixtures" / "index"


def binaries_expected(mirror: Path) -> dict[str, dict]:
    specs = json.loads((mirror / "expected.json").read_text())["specs"]
    return {h: s for h, s in specs.items() if s["in_buildcache"] and not s["external"]}


@pytest.mark.parametrize("name", ["v3-mirror", "v3-mirror-db9"])
def test_v3_mirrors_load_exactly_the_expected_binaries(name):
    mirror = INDEX / name
    cat = load_catalog([mirror], use_cache=False)
    expected = binaries_expected(mirror)
    specs = {s.hash: s for s in cat.specs(range(cat.num_specs))}
    assert set(specs) == set(expected) and cat.problems == []
    for digest, want in expected.items():
        got = specs[digest]
        assert (got.package, got.version, got.platform, got.os, got.target, list(got.variants)) == (
            want["name"],
            want["version"],
            want["platform"],
            want["os"],
            want["target"],
            want["variants"],
        )
        assert got.compiler == (want["compiler"] or "none") and got.tag == name and got.root == want["root"]
        assert sorted(d.hash for d in got.dependencies) == sorted(want["dependencies"])


def independent_binaries(index: Path) -> set[str]:
    """Binaries of an index read with plain json, not the reader under test."""
    installs = json.loads(index.read_bytes())["database"]["installs"]

    def node(rec):
        spec = rec["spec"]
        return spec if "name" in spec else next(iter(spec.values()))

    return {h for h, rec in installs.items() if rec.get("in_buildcache") and not node(rec).get("external")}


@pytest.mark.parametrize(
    "path,db",
    [
        ("clingo-bootstrap", "5"),
        ("spack-testdata/legacy_yaml-db6", "6"),
        ("spack-testdata/v2_layout-unsigned-db7", "7"),
        ("spack-testdata/v2_layout-unsigned-db8", "8"),
    ],
)
def test_v2_mirrors_of_every_db_version(path, db):
    mirror = INDEX / path
    index = mirror / "build_cache" / "index.json"
    assert read_database(index.read_bytes())[0] == db
    cat = load_catalog([mirror], use_cache=False)
    assert {s.hash for s in cat.specs(range(cat.num_specs))} == independent_binaries(index)
    assert cat.tags == [mirror.name]


def test_clingo_bootstrap_counts():
    installs = read_database((INDEX / "clingo-bootstrap/build_cache/index.json").read_bytes())[1]
    found, notes = records(installs)
    assert (len(found), sum(r.is_binary for r in found), sum(r.external for r in found), notes) == (82, 59, 23, [])


def test_a_bare_index_file_and_a_named_source(tmp_path):
    index = INDEX / "spack-testdata/v2_layout-unsigned-db8/build_cache/index.json"
    bare = load_catalog([index], use_cache=False)
    assert bare.tags == ["v2_layout-unsigned-db8"] and bare.num_specs == len(independent_binaries(index))
    named = load_catalog([f"site-mirror={INDEX / 'v3-mirror'}"], use_cache=False)
    assert named.tags == ["site-mirror"]


@pytest.mark.parametrize(
    "cache,tags",
    [
        ("spack-user-cache", ["/srv/mirror", "binaries.spack.io/develop", "mirror.example.org/bootstrap"]),
        ("spack-user-cache-v0.2x", ["/srv/mirror", "binaries.spack.io/v0.23.0"]),
    ],
)
def test_spack_index_caches(cache, tags):
    cat = load_catalog([INDEX / cache / "indices"], use_cache=False)
    assert sorted(cat.tags) == sorted(tags) and cat.problems == []


def test_dependency_queries():
    cat = load_catalog([INDEX / "v3-mirror"], use_cache=False)
    expected = binaries_expected(INDEX / "v3-mirror")
    all_specs = json.loads((INDEX / "v3-mirror" / "expected.json").read_text())["specs"]
    having = {
        h
        for h, s in expected.items()
        if any(all_specs.get(d, {}).get("name") == "gcc-runtime" for d in s["dependencies"])
    }
    assert {s.hash for s in cat.query("^gcc-runtime").specs()} == having and having
    assert {s.hash for s in cat.query("^zlib-ng@2.2").specs()} <= having
    assert len(cat.query("^no-such-package")) == 0
    # Current pages name no dependencies (legacy pages' spec strings do): asking is an error, not "none".
    current = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "develop"
    sample = load_catalog([current], use_cache=False)
    with pytest.raises(QueryError, match="pages list root specs only"):
        sample.query(parse_query("^mpich"))


def test_dependencies_survive_the_snapshot(tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(INDEX / "v3-mirror", mirror)
    cold = load_catalog([mirror], cache_dir=tmp_path / "cache")
    warm = load_catalog([mirror], cache_dir=tmp_path / "cache")
    assert warm.load_report.from_snapshot
    dump = lambda cat: sorted(json.dumps(s.to_dict(), sort_keys=True) for s in cat.specs(range(cat.num_specs)))  # noqa: E731
    assert dump(warm) == dump(cold)
    assert any(s["dependencies"] for s in map(json.loads, dump(warm)))


def test_variant_strings_follow_spack():
    assert variant_strings(
        {
            "shared": True,
            "mpi": False,
            "libs": ["static", "shared"],
            "patches": ["abcdef0123", "9"],
            "cflags": [],
            "build_type": "Release",
        }
    ) == ("build_type=Release", "libs=shared,static", "~mpi", "patches=abcdef0,9", "+shared")


def test_damaged_indexes_are_problems_not_crashes(tmp_path):
    mirror = tmp_path / "m"
    shutil.copytree(INDEX / "v3-mirror", mirror)
    blob = next((mirror / "blobs").rglob("*"))
    while blob.is_dir():
        blob = next(blob.iterdir())
    blob.write_bytes(blob.read_bytes()[:-10])
    cat = load_catalog([mirror], use_cache=False)
    (problem,) = cat.problems
    assert "does not match its sha256" in problem.reason and cat.num_specs == 0
    v2 = tmp_path / "v2" / "build_cache"
    v2.mkdir(parents=True)
    (v2 / "index.json").write_text('{"database": {"version": "4", "installs": {}}}')
    (problem,) = load_catalog([tmp_path / "v2"], use_cache=False).problems
    assert "database version 4 is not one of 5, 6, 7, 8, 9" in problem.reason


@pytest.mark.parametrize("layout", ["v2", "v3"])
@pytest.mark.parametrize("db", [5, 6, 7, 8, 9])
def test_generated_indexes_of_every_db_version_and_layout(tmp_path, db, layout):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from make_index import generate

    summary = generate(str(tmp_path / "mirror"), 400, db, layout, seed=db)
    cat = load_catalog([tmp_path / "mirror"], use_cache=False)
    specs = cat.specs(range(cat.num_specs))
    assert cat.problems == [] and len(specs) == summary["binaries"]
    assert sum(1 for s in specs if s.root) == summary["roots"]
    assert all(s.compiler == "gcc@11.4.0" for s in specs)  # from the attribute (<= 7) or the c/cxx edge (8+)


def _everything(catalog) -> list[tuple]:
    """Every spec with its dependencies, in a comparable form (independent of interning order)."""
    specs = catalog.specs(range(catalog.num_specs))
    return sorted(
        (
            s.tag,
            s.package,
            s.hash,
            s.version,
            s.compiler,
            s.arch,
            tuple(s.variants),
            s.root,
            tuple((d.hash, d.label, d.binary) for d in s.dependencies or ()),
        )
        for s in specs
    )


FAST_PATH_CASES = [
    "v3-mirror",
    "v3-mirror-db9",
    "clingo-bootstrap",
    "spack-testdata/legacy_yaml-db6",
    "spack-testdata/v2_layout-unsigned-db7",
    "spack-testdata/v2_layout-unsigned-db8",
]


@pytest.mark.parametrize("source", [*FAST_PATH_CASES, *(f"generated-db{db}" for db in (5, 6, 7, 8, 9))])
def test_the_typed_fast_path_reads_what_the_general_reader_reads(tmp_path, monkeypatch, source):
    """Each index read twice: by the typed decoder (when its structs fit) and by the general reader."""
    from cachetui.catalog.sources.spack_index import decode as indexdecode
    from cachetui.catalog.sources.spack_index import pages as indexsource

    if source.startswith("generated-db"):
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
        from make_index import generate

        db = int(source[-1])
        generate(str(tmp_path / "mirror"), 300, db, "v3" if db >= 8 else "v2", seed=db)
        path = tmp_path / "mirror"
    else:
        path = INDEX / source
    used = []
    real = indexdecode.decode_index

    def spy(*args):
        found = real(*args)
        used.append(found is not None)
        return found

    monkeypatch.setattr(indexsource, "decode_index", spy)
    fast = load_catalog([path], use_cache=False)
    monkeypatch.setattr(indexsource, "decode_index", lambda *args: None)
    general = load_catalog([path], use_cache=False)
    assert _everything(fast) == _everything(general) and fast.problems == general.problems == []
    is_db5 = source in ("clingo-bootstrap", "generated-db5")
    assert used and all(used) != is_db5  # DB 5 takes the general reader; the rest the fast path


def test_odd_arch_and_parameters_read_the_same_on_both_paths(tmp_path, monkeypatch):
    """null or non-dict arch and parameters: the fast path gives what the general reader gives (no crash)."""
    from cachetui.catalog.sources.spack_index import pages as indexsource

    blobs = [p for p in (INDEX / "v3-mirror-db9" / "blobs").rglob("*") if p.is_file()]
    doc = max((json.loads(p.read_bytes()) for p in blobs), key=lambda d: len(d.get("database", {}).get("installs", {})))
    installs = doc["database"]["installs"]
    odd = [None, [], "linux", {"platform": "linux", "platform_os": "rhel8", "target": {"name": "zen2"}}]
    for i, record in enumerate(installs.values()):
        record["spec"]["arch"] = odd[i % len(odd)]
        record["spec"]["parameters"] = [None, {"shared": True, "cflags": []}, "x"][i % 3]
    index = tmp_path / "index.json"
    index.write_text(json.dumps(doc))
    fast = load_catalog([index], use_cache=False)
    monkeypatch.setattr(indexsource, "decode_index", lambda *args: None)
    general = load_catalog([index], use_cache=False)
    assert _everything(fast) == _everything(general) and fast.num_specs > 0


def test_the_compiler_is_the_c_provider_first_on_both_paths(tmp_path, monkeypatch):
    """DB 9: compilers are dependencies; the edge providing c wins over an earlier one providing cxx only."""
    from cachetui.catalog.sources.spack_index import pages as indexsource

    def record(name, version, deps=(), binary=True):
        edges = [{"name": d, "hash": h, "parameters": {"deptypes": ["build"], "virtuals": list(v)}} for d, h, v in deps]
        spec = {
            "name": name,
            "version": version,
            "arch": {"platform": "linux", "platform_os": "rhel8", "target": "x86_64"},
            "parameters": {},
            "dependencies": edges,
        }
        return {"spec": spec, "ref_count": 0, "in_buildcache": binary}

    h = {n: (n * 32)[:32] for n in ("a", "b", "c", "d", "e")}
    installs = {
        h["a"]: record("llvm", "18.1.0", binary=False),
        h["b"]: record("gcc", "13.2.0", binary=False),
        h["c"]: record("zlib", "1.3", [("llvm", h["a"], ["cxx"]), ("gcc", h["b"], ["c"])]),
        h["d"]: record("bzip2", "1.0", [("llvm", h["a"], ["cxx", "fortran"]), ("unknown", "x" * 32, ["c"])]),
        h["e"]: record("xz", "5.4", [("gcc", h["b"], ["fortran"]), ("llvm", h["a"], ["cxx"])]),
    }
    index = tmp_path / "index.json"
    index.write_text(json.dumps({"database": {"version": "9", "installs": installs}}))
    fast = load_catalog([index], use_cache=False)
    monkeypatch.setattr(indexsource, "decode_index", lambda *args: None)
    general = load_catalog([index], use_cache=False)
    assert _everything(fast) == _everything(general)
    compilers = {s.package: s.compiler for s in fast.specs(range(fast.num_specs))}
    assert compilers == {"zlib": "gcc@13.2.0", "bzip2": "llvm@18.1.0", "xz": "llvm@18.1.0"}


def _columns_of(found):
    """Everything an index read as columns holds, each id replaced by its value (comparable across reads)."""
    assert found is not None
    values = {name: [found.values[name][i] for i in found.ids[name].tolist()] for name in found.ids}
    return (
        found.tag,
        found.format,
        found.records,
        found.packages,
        found.page_rows,
        found.hashes.tolist(),
        found.dep_hashes.tolist(),
        found.dep_counts.tolist(),
        found.dep_binary.tolist(),
        found.roots.tolist(),
        values,
    )


def _generated(tmp_path, db, records=400, layout="v2"):
    """A generated mirror at tmp_path/mirror; its v2 index.json's bytes (v3: None)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from make_index import generate

    generate(str(tmp_path / "mirror"), records, db, layout, seed=db)
    return (tmp_path / "mirror" / "build_cache" / "index.json").read_bytes() if layout == "v2" else None


@pytest.mark.parametrize("db", [6, 7, 8, 9])
@pytest.mark.parametrize(("segment_bytes", "indent"), [(1 << 30, None), (50_000, None), (4_000, 2), (500, None)])
def test_an_index_read_in_segments_is_the_index_read_whole(tmp_path, monkeypatch, db, segment_bytes, indent):
    """The segments an index's text is cut into (shared out between processes) join into exactly the
    whole index's columns, however small they are and however the JSON is laid out; the text is put back."""
    from cachetui.catalog.sources.spack_index.decode import decode_index, decode_index_in_parts

    doc = json.loads(_generated(tmp_path, db))
    installs = doc["database"]["installs"]
    for digest in list(installs)[::7]:  # edges to records missing from the index: labelled by their own name
        del installs[digest]
    data = bytearray(json.dumps(doc, indent=indent).encode())
    original = bytes(data)
    whole = decode_index(bytearray(data), "index.json", "m")
    split = decode_index_in_parts(data, "index.json", "m", processes=1, segment_bytes=segment_bytes)
    assert data == original
    assert _columns_of(split) == _columns_of(whole)
    assert len(whole) > 0 and len(whole.packages) > 1
    index = tmp_path / "index.json"
    index.write_bytes(original)
    fast = load_catalog([index], use_cache=False)
    missing = [d for s in fast.specs(range(fast.num_specs)) for d in s.dependencies if not d.binary and not d.version]
    assert missing and all(d.name for d in missing)  # edges out of the index keep their name
    from cachetui.catalog.sources.spack_index import pages as indexsource

    monkeypatch.setattr(indexsource, "decode_index", lambda *args: None)
    assert _everything(load_catalog([index], use_cache=False)) == _everything(fast)


@pytest.mark.parametrize(("layout", "child"), [("v2", "works"), ("v3", "works"), ("v3", "dies")])
def test_a_large_index_is_split_over_a_forked_child(tmp_path, layout, child):
    """From the command line a large index is read by two processes, sharing its blocks of records out as
    they go: the same specs, every field. (v3: the blob's checksum runs in a thread meanwhile, and has ended
    when the child is forked.) A child that dies after taking a block leaves its blocks to the parent."""
    import subprocess
    import sys

    _generated(tmp_path, 9, records=1500, layout=layout)
    script = f"""
import os, sys
from cachetui.catalog.procs import forked
from cachetui.catalog.sources.spack_index import decode as indexdecode
indexdecode.SPLIT_MIN_BYTES = int(sys.argv[1])
indexdecode.SEGMENT_BYTES = 20_000  # ~20 segments, shared out between the two
started = []
real = forked.ForkedCall
indexdecode.ForkedCall = lambda func, **kw: started.append(1) or real(func, **kw)
if {child == "dies"}:
    real_run = indexdecode._run_of_segments
    def dying(data, segments, taken, backwards=False):
        if backwards:
            next(iter(taken))
            os._exit(3)
        return real_run(data, segments, taken, backwards)
    indexdecode._run_of_segments = dying
from cachetui.cli import main
code = main(["--no-cache", "-C", sys.argv[2], "find", "--json", "--limit", "0"])
print(len(started), file=sys.stderr)
sys.exit(code)
"""
    runs = {
        threshold: subprocess.run(
            [sys.executable, "-c", script, str(threshold), str(tmp_path / "mirror")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        for threshold in (0, 1 << 40)
    }
    split, whole = runs[0], runs[1 << 40]
    assert split.returncode == whole.returncode == 0, split.stderr + whole.stderr
    assert split.stderr.split()[-1] == "1" and whole.stderr.split()[-1] == "0"  # a child only for the split run
    specs = [json.loads(line) for line in split.stdout.splitlines()]
    assert specs == [json.loads(line) for line in whole.stdout.splitlines()] and len(specs) > 1000
    assert any(spec["dependencies"] for spec in specs)


def test_a_record_not_keyed_by_a_hash_is_skipped_and_said(tmp_path):
    """A short or non-base32 key cannot be a spec's hash: that record is a problem, every other binary loads."""
    blobs = [p for p in (INDEX / "v3-mirror-db9" / "blobs").rglob("*") if p.is_file()]
    doc = max((json.loads(p.read_bytes()) for p in blobs), key=lambda d: len(d.get("database", {}).get("installs", {})))
    installs = doc["database"]["installs"]
    binaries = [h for h, r in installs.items() if r["in_buildcache"] and not r["spec"].get("external")]
    installs["short"] = installs.pop(binaries[0])
    installs["\u00fc" + "x" * 31] = installs.pop(binaries[1])
    index = tmp_path / "index.json"
    index.write_text(json.dumps(doc))
    cat = load_catalog([index], use_cache=False)
    assert sorted(s.hash for s in cat.specs(range(cat.num_specs))) == sorted(binaries[2:])
    [problem] = cat.problems
    assert "record 'short' is not keyed by a 32-character base32 hash (skipped)" in problem.reason
    assert "record '\\xfcxxx" in problem.reason and problem.path == str(index)


@pytest.mark.parametrize("db", [6, 9])
def test_odd_edge_lists_read_the_same_on_both_paths(tmp_path, monkeypatch, db):
    """A number where an edge's deptypes or virtuals belong crashed the general reader (`list(1)`)."""
    from cachetui.catalog.sources.spack_index import pages as indexsource

    doc = json.loads(_generated(tmp_path, db))
    edges = [e for r in doc["database"]["installs"].values() for e in r["spec"].get("dependencies", [])]
    for i, edge in enumerate(edges[:40]):
        if "parameters" in edge:
            edge["parameters"] = {"deptypes": 3, "virtuals": [7, "c"] if i % 2 else 5}
        else:
            edge["type"] = 1
    index = tmp_path / "index.json"
    index.write_text(json.dumps(doc))
    fast = load_catalog([index], use_cache=False)
    monkeypatch.setattr(indexsource, "decode_index", lambda *args: None)
    general = load_catalog([index], use_cache=False)
    assert _everything(fast) == _everything(general) and fast.num_specs > 0 and fast.problems == []


_ODD = [None, 0, 1, -1, True, "", "x", "c", 3.5, [], {}, ["c"], [7, "cxx"], {"name": "zen2"}]
_SPOTS = ["ref_count", "in_buildcache", "version", "external", "parameters", "arch", "compiler", "annotations"]
_EDGE_SPOTS = ["name", "hash", "type", "parameters", "full_hash", "virtuals", "deptypes"]


@pytest.fixture(scope="module")
def small_indexes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small")
    return {db: json.loads(_generated(tmp / str(db), db, records=40)) for db in (6, 7, 8, 9)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    db=st.sampled_from([6, 7, 8, 9]),
    changes=st.lists(
        st.tuples(st.integers(0, 39), st.sampled_from(_SPOTS + _EDGE_SPOTS), st.sampled_from(range(len(_ODD)))),
        min_size=1,
        max_size=4,
    ),
)
def test_both_readers_agree_on_odd_values(small_indexes, tmp_path, monkeypatch, db, changes):
    """Any field of any record set to an odd value: the fast path reads what the general reader reads
    (or leaves the index to it), and neither raises."""
    from cachetui.catalog.sources.spack_index import pages as indexsource

    doc = copy.deepcopy(small_indexes[db])
    records = list(doc["database"]["installs"].values())
    for at, spot, odd in changes:
        record = records[at]
        value = copy.deepcopy(_ODD[odd])
        if spot in ("ref_count", "in_buildcache"):
            record[spot] = value
        elif spot in _SPOTS:
            record["spec"][spot] = value
        elif record["spec"].get("dependencies"):
            edge = record["spec"]["dependencies"][0]
            if spot in ("virtuals", "deptypes"):
                params = edge.get("parameters")
                edge["parameters"] = {**(params if isinstance(params, dict) else {}), spot: value}
            else:
                edge[spot] = value
    index = tmp_path / "index.json"
    index.write_text(json.dumps(doc))
    fast = load_catalog([index], use_cache=False)
    with monkeypatch.context() as patch:
        patch.setattr(indexsource, "decode_index", lambda *args: None)
        general = load_catalog([index], use_cache=False)
    assert _everything(fast) == _everything(general)
    assert [p.reason for p in fast.problems] == [p.reason for p in general.problems]


@pytest.mark.parametrize("private_memory", [True, False], ids=["private-memory", "no-MAP_PRIVATE"])
def test_read_whole_gives_the_bytes_in_writable_memory_up_to_one_over_the_limit(tmp_path, monkeypatch, private_memory):
    """An index's text is read (never mapped: someone else may cut the file short) into memory the fast
    decoder may cut in place without touching the file; where private maps do not exist (Windows), into
    a bytearray. A file over the limit gives the limit and one more byte."""
    import mmap

    from cachetui.catalog.sources.spack_index.layout import read_whole

    if not private_memory:
        monkeypatch.delattr(mmap, "MAP_PRIVATE")
    path = tmp_path / "index.json"
    path.write_bytes(b'{"database": {}}' * 1000)
    whole = read_whole(str(path))
    assert bytes(whole) == path.read_bytes() and isinstance(whole, mmap.mmap if private_memory else bytearray)
    whole[0] = ord("[")  # writable: the decoder cuts segments in place
    assert bytes(whole[:2]) == b'["'
    assert path.read_bytes()[0:1] == b"{"  # and the file is untouched
    assert bytes(read_whole(str(path), limit=100)) == path.read_bytes()[:101]
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert bytes(read_whole(str(empty))) == b""


def _loaded_in_a_thread(sources: list[Path]):
    """The catalog loaded as the browser loads it: in a thread of its own (where forking is unsafe)."""
    import threading

    found = []
    thread = threading.Thread(target=lambda: found.append(load_catalog(sources, use_cache=False, workers=2)))
    thread.start()
    thread.join()
    (catalog,) = found
    return catalog


def test_a_large_index_loaded_in_a_thread_is_read_by_a_helper_process_with_the_same_result(monkeypatch):
    """The browser loads in a thread, where forking a second reader is unsafe: a large index is then read
    in a spawned process (which may fork), and the catalog is the one a load in the main thread makes,
    pages and their order included."""
    from cachetui.catalog import loader
    from cachetui.catalog.procs import spawned

    sources = [INDEX / "clingo-bootstrap", INDEX / "v3-mirror-db9", INDEX / "spack-user-cache" / "indices", REAL]
    here = load_catalog(sources, use_cache=False)
    helped: list[list[str]] = []
    in_fresh_process = spawned.in_fresh_process

    def spy(func, items):
        result = in_fresh_process(func, items)  # a helper that failed would leave the index to this process
        helped.append([os.path.relpath(path, INDEX) for path, _ in items])
        return result

    monkeypatch.setattr(loader, "HELPER_MIN_BYTES", 1)
    monkeypatch.setattr(spawned, "in_fresh_process", spy)
    threaded = _loaded_in_a_thread(sources)
    assert sorted(helped) == [
        ["clingo-bootstrap/build_cache/index.json"],
        ["spack-user-cache/indices/contents.json"],
        ["v3-mirror-db9/v3/manifests/index/index.manifest.json"],
    ]
    assert _everything(threaded) == _everything(here) and threaded.num_specs == here.num_specs
    assert [(p.tag, p.package, p.source, p.start, p.stop) for p in threaded.pages] == [
        (p.tag, p.package, p.source, p.start, p.stop) for p in here.pages
    ]
    assert threaded.problems == here.problems


def test_the_index_text_a_source_decodes_is_measured_through_manifests_and_caches(tmp_path):
    from cachetui.catalog.sources.spack_index.pages import index_text_bytes

    manifest = INDEX / "v3-mirror-db9" / "v3" / "manifests" / "index" / "index.manifest.json"
    newest = json.loads(manifest.read_text())["data"][0]  # DB 9, then DB 8: the newest is read
    assert newest["mediaType"] == "application/vnd.spack.db.v9+json"
    blob = INDEX / "v3-mirror-db9" / "blobs" / "sha256" / newest["checksum"][:2] / newest["checksum"]
    assert index_text_bytes(str(manifest)) == blob.stat().st_size
    cache = INDEX / "spack-user-cache" / "indices"
    assert index_text_bytes(str(cache / "contents.json")) == sum(
        p.stat().st_size for p in cache.glob("*.json") if p.name != "contents.json"
    )
    plain = INDEX / "clingo-bootstrap" / "build_cache" / "index.json"
    assert index_text_bytes(str(plain)) == plain.stat().st_size
    broken = tmp_path / "v3" / "manifests" / "index" / "index.manifest.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    assert index_text_bytes(str(broken)) == 0 and index_text_bytes(str(tmp_path / "missing.json")) == 0


@pytest.mark.parametrize("damaged", [False, True], ids=["intact", "one-letter-changed"])
def test_a_blob_read_by_two_processes_is_checked_before_anything_is_used(tmp_path, damaged):
    """Where two processes decode (forced here), the blob's sha256 runs while their runs are joined: a blob
    that still decodes but is not the one the manifest names gives no spec, only the problem."""
    import subprocess
    import sys

    mirror = tmp_path / "m"
    shutil.copytree(INDEX / "v3-mirror-db9", mirror)
    manifest = mirror / "v3" / "manifests" / "index" / "index.manifest.json"
    checksum = json.loads(manifest.read_text())["data"][0]["checksum"]
    blob = mirror / "blobs" / "sha256" / checksum[:2] / checksum
    if damaged:
        text = blob.read_bytes()
        at = text.index(b'"name":"') + len(b'"name":"')
        blob.write_bytes(text[:at] + (b"q" if text[at : at + 1] != b"q" else b"r") + text[at + 1 :])
    script = (
        "import sys\n"
        "from cachetui.catalog import load_catalog\n"
        "from cachetui.catalog.procs import forked\n"
        "from cachetui.catalog.sources.spack_index import decode as indexdecode\n"
        "indexdecode.SPLIT_MIN_BYTES, indexdecode.SEGMENT_BYTES = 1, 400\n"
        "assert forked.can_fork()\n"
        "two = indexdecode._in_two_processes\n"
        "indexdecode._in_two_processes = lambda *args: print('two processes', end=' ') or two(*args)\n"
        f"cat = load_catalog([{str(mirror)!r}], use_cache=False)\n"
        "print(cat.num_specs, [p.reason for p in cat.problems])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("two processes ")
    specs, reasons = done.stdout.removeprefix("two processes ").split(" ", 1)
    if damaged:
        assert specs == "0" and "does not match its sha256" in reasons
    else:
        assert int(specs) == load_catalog([INDEX / "v3-mirror-db9"], use_cache=False).num_specs > 0
        assert reasons.strip() == "[]"


def test_a_helper_that_fails_leaves_the_index_to_the_loading_thread(monkeypatch):
    """No helper process (it cannot start, or dies): the index is read where the load runs, the same."""
    from cachetui.catalog import loader
    from cachetui.catalog.procs import spawned

    sources = [INDEX / "v3-mirror-db9"]
    here = load_catalog(sources, use_cache=False)

    def no_helper(func, items):
        raise spawned.SpawnError("the helper process gave no result (exit code 1)")

    monkeypatch.setattr(loader, "HELPER_MIN_BYTES", 1)
    monkeypatch.setattr(spawned, "in_fresh_process", no_helper)
    threaded = _loaded_in_a_thread(sources)
    assert _everything(threaded) == _everything(here) and threaded.num_specs == here.num_specs > 0
    assert threaded.problems == here.problems == []


_ENVELOPES = ["as-is", "installs-top-level", "installs-under-another-key", "database-twice", "installs-twice"]
_KEYS = ["as-is", "nul", "short", "long", "upper", "unicode", "empty-edge-hash", "nul-edge-hash"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    db=st.sampled_from([6, 7, 8, 9]),
    envelope=st.sampled_from(_ENVELOPES),
    keys=st.lists(st.tuples(st.integers(0, 39), st.sampled_from(_KEYS)), max_size=3),
    indent=st.sampled_from([None, 1]),
)
def test_both_readers_agree_on_odd_envelopes_and_keys(small_indexes, tmp_path, monkeypatch, db, envelope, keys, indent):
    """Where the installs object sits and what its keys are: the fast path reads what json.loads and the
    general reader read (or leaves the index to it)."""
    from cachetui.catalog.sources.spack_index import pages as indexsource

    doc = copy.deepcopy(small_indexes[db])
    installs = doc["database"]["installs"]
    hashes = list(installs)
    for at, how in keys:
        old = hashes[at]
        if old not in installs:
            continue
        new = {
            "as-is": old,
            "nul": "\0" * 32,
            "short": old[:31],
            "long": old + "a",
            "upper": old.upper(),
            "unicode": "\u00e9" + old[1:],
        }.get(how)
        if new is not None:
            installs[new] = installs.pop(old)
        else:
            edges = installs[old]["spec"].get("dependencies") or []
            if edges and isinstance(edges, list):
                edges[0]["hash"] = "" if how == "empty-edge-hash" else "\0" * 32
    text = json.dumps(doc, indent=indent)
    body = json.dumps(installs, indent=indent)
    empty = f'{{"version": "{db}", "installs": {{}}}}'
    if envelope == "installs-top-level":
        text = f'{{"installs": {body}, "database": {empty}}}'
    elif envelope == "installs-under-another-key":
        text = f'{{"database": {{"version": "{db}", "other": {{"installs": {body}}}, "installs": {{}}}}}}'
    elif envelope == "database-twice":
        text = f'{{"database": {{"version": "{db}", "installs": {body}}}, "database": {empty}}}'
    elif envelope == "installs-twice":
        text = f'{{"database": {{"version": "{db}", "installs": {body}, "installs": {{}}}}}}'
    index = tmp_path / f"index-{db}-{envelope}.json"
    index.write_text(text)
    fast = load_catalog([index], use_cache=False)
    with monkeypatch.context() as patch:
        patch.setattr(indexsource, "decode_index", lambda *args: None)
        general = load_catalog([index], use_cache=False)
    assert _everything(fast) == _everything(general)
    assert [p.reason for p in fast.problems] == [p.reason for p in general.problems]
    if envelope != "as-is":
        assert fast.num_specs == 0  # json.loads finds an empty database
