"""``cachetui check FILE``: a user's concrete specs against generated mirrors and real lock files.

Locks are built here from a generated mirror's own records (the node shapes of each Spack era: DB 6
nodes in a version 4 lock, DB 7 in version 5, DB 9 in version 6), so what is cached is known exactly.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "tests" / "fixtures" / "locks"
SITE = ROOT / "tests" / "fixtures" / "site"
LOCK_OF_DB = {6: 4, 7: 5, 9: 6}  # the lockfile version of the Spack era whose nodes the DB version has


def _generate(out: Path, db: int) -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_index import generate

    generate(str(out), 1500, db, "v3" if db >= 8 else "v2", seed=db)
    if db >= 8:
        manifest = json.loads((out / "v3/manifests/index/index.manifest.json").read_text())
        digest = manifest["data"][0]["checksum"]
        text = (out / "blobs/sha256" / digest[:2] / digest).read_text()
    else:
        text = (out / "build_cache/index.json").read_text()
    return json.loads(text)["database"]["installs"]


@pytest.fixture(scope="module")
def mirrors(tmp_path_factory) -> dict[int, tuple[Path, dict]]:
    base = tmp_path_factory.mktemp("mirrors")
    return {db: (base / f"db{db}", _generate(base / f"db{db}", db)) for db in LOCK_OF_DB}


def _node(record: dict) -> dict:
    spec = record["spec"]
    return copy.deepcopy(spec if "name" in spec else next(iter(spec.values())))


def _closure(installs: dict, digest: str) -> set[str]:
    seen, todo = set(), [digest]
    while todo:
        h = todo.pop()
        if h not in seen:
            seen.add(h)
            todo.extend(d["hash"] for d in _node(installs[h]).get("dependencies", []))
    return seen


def _cached_root(installs: dict) -> str:
    """A root binary whose dependencies are all binaries or externals, with at least three of them."""
    for digest, record in installs.items():
        if record.get("ref_count") == 0 and record.get("in_buildcache"):
            found = _closure(installs, digest)
            if len(found) > 3 and all(
                installs[h].get("in_buildcache") or _node(installs[h]).get("external") for h in found
            ):
                return digest
    raise AssertionError("the generated mirror has no fully cached root")


def _lock(installs: dict, root: str, version: int) -> dict:
    return {
        "_meta": {"file-type": "spack-lockfile", "lockfile-version": version, "specfile-version": 4},
        "spack": {"version": "0.23.1", "type": "release"},
        "roots": [{"hash": root, "spec": _node(installs[root])["name"]}],
        "concrete_specs": {h: {**_node(installs[h]), "hash": h} for h in sorted(_closure(installs, root))},
    }


def _write(tmp_path: Path, doc: dict, name: str = "spack.lock") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def _renamed_root(lock: dict, change) -> tuple[dict, str]:
    """The lock with its root changed by ``change(node)`` under a new hash; (lock, the root's old hash)."""
    lock = copy.deepcopy(lock)
    old = lock["roots"][0]["hash"]
    node = lock["concrete_specs"].pop(old)
    change(node)
    new = "a" * 32
    node["hash"] = new
    lock["concrete_specs"][new] = node
    lock["roots"][0]["hash"] = new
    return lock, old


def _by_hash(run) -> dict[str, dict]:
    return {line["hash"]: line for line in run.json_lines()}


@pytest.mark.parametrize("db", sorted(LOCK_OF_DB))
def test_a_lock_of_binaries_is_all_cached(cli, mirrors, tmp_path, db):
    mirror, installs = mirrors[db]
    root = _cached_root(installs)
    lock = _lock(installs, root, LOCK_OF_DB[db])
    path = _write(tmp_path, lock)
    run = cli("check", path, "-C", str(mirror))
    externals = sum(1 for n in lock["concrete_specs"].values() if n.get("external"))
    specs = len(lock["concrete_specs"]) - externals
    assert run.code == 0, run.err
    assert run.lines[0].startswith(f"{specs} of {specs} specs cached (1 root); 0 would build from source")
    assert len(run.lines) == 1
    lines = _by_hash(cli("check", path, "-C", str(mirror), "--json"))
    assert set(lines) == set(lock["concrete_specs"])
    assert lines[root]["root"] is True and lines[root]["cached"] is True
    assert lines[root]["tags"] == [mirror.name] and lines[root]["nearest"] is None
    for digest, node in lock["concrete_specs"].items():
        assert (lines[digest]["external"] is not None) == bool(node.get("external"))
        assert lines[digest]["cached"] is not bool(node.get("external"))
        assert lines[digest]["runs_here"] is None  # no host asked for


def _set_compiler(node: dict) -> None:
    node["compiler"] = {"name": "gcc", "version": "99.1.0"}


def _flip_mpi(node: dict) -> None:
    node["parameters"]["mpi"] = not node["parameters"]["mpi"]


def _set_target(node: dict) -> None:
    node["arch"]["target"] = "skylake_avx512"


@pytest.mark.parametrize(
    ("db", "change", "field", "mine_theirs"),
    [
        (7, _set_compiler, "compiler", lambda old: ["gcc@99.1.0", "gcc@11.4.0"]),
        (
            9,
            _flip_mpi,
            "variants",
            lambda old: [["+mpi" if not old["mpi"] else "~mpi"], ["+mpi" if old["mpi"] else "~mpi"]],
        ),
        (6, _set_target, "target", lambda old: ["skylake_avx512", old["target"]]),
    ],
    ids=["compiler", "variant", "target"],
)
def test_a_root_changed_in_one_field_is_not_cached_and_its_binary_is_nearest(
    cli, mirrors, tmp_path, db, change, field, mine_theirs
):
    mirror, installs = mirrors[db]
    root = _cached_root(installs)
    lock, old = _renamed_root(_lock(installs, root, LOCK_OF_DB[db]), change)
    original = _node(installs[root])
    target = original["arch"]["target"]
    old_values = {"mpi": original["parameters"]["mpi"], "target": target if isinstance(target, str) else target["name"]}
    path = _write(tmp_path, lock)

    run = cli("check", path, "-C", str(mirror), "--json")
    assert run.code == 1
    line = _by_hash(run)["a" * 32]
    assert line["root"] is True and line["cached"] is False and line["tags"] == []
    assert line["nearest"][0]["hash"] == old
    assert line["nearest"][0]["tag"] == mirror.name
    assert line["nearest"][0]["differs"] == {field: mine_theirs(old_values)}
    assert len(line["nearest"]) <= 3
    distances = [len(n["differs"]) for n in line["nearest"]]
    assert distances == sorted(distances)

    plain = cli("check", path, "-C", str(mirror))
    assert plain.code == 1
    assert plain.lines[1].startswith(f"{original['name']}@{original['version']} /aaaaaaa (root): nearest /{old[:7]}")
    assert f"differs in {field} " in plain.lines[1]


def test_a_package_absent_from_every_source_has_no_nearest(cli, mirrors, tmp_path):
    mirror, installs = mirrors[7]
    root = _cached_root(installs)
    lock, _ = _renamed_root(_lock(installs, root, 5), lambda node: node.update(name="no-such-package"))
    path = _write(tmp_path, lock)
    run = cli("check", path, "-C", str(mirror), "--json")
    assert run.code == 1
    assert _by_hash(run)["a" * 32]["nearest"] == []
    plain = cli("check", path, "-C", str(mirror))
    assert "no binary of no-such-package in any source" in plain.lines[1]


def test_a_spec_file_is_checked_from_its_first_node(cli, mirrors, tmp_path):
    mirror, installs = mirrors[9]
    root = _cached_root(installs)
    order = [root, *sorted(_closure(installs, root) - {root})]
    doc = {"spec": {"_meta": {"version": 5}, "nodes": [{**_node(installs[h]), "hash": h} for h in order]}}
    run = cli("check", _write(tmp_path, doc, "spec.json"), "-C", str(mirror), "--json")
    assert run.code == 0, run.err
    lines = _by_hash(run)
    assert set(lines) == set(order)
    assert [h for h, line in lines.items() if line["root"]] == [root]


def test_here_says_whether_each_spec_runs_on_the_host(cli, mirrors, tmp_path):
    mirror, installs = mirrors[7]
    root = _cached_root(installs)
    lock = _lock(installs, root, 5)
    path = _write(tmp_path, lock)
    run = cli("check", path, "-C", str(mirror), "--json", "--here", "--host", "linux-ubuntu22.04-x86_64")
    for digest, line in _by_hash(run).items():
        node = lock["concrete_specs"][digest]
        if node.get("external"):
            assert line["runs_here"] is None
            continue
        target = node["arch"]["target"]
        target = target if isinstance(target, str) else target["name"]
        fits = node["arch"]["platform_os"] == "ubuntu22.04" and target == "x86_64"
        assert line["runs_here"] is fits, (node["arch"], line)


def test_an_install_tree_database_is_checked_with_its_explicit_roots(cli):
    db = SITE / "install-tree" / "gust" / ".spack-db" / "index.json"
    installs = json.loads(db.read_text())["database"]["installs"]
    run = cli("check", str(db), "--json")
    lines = _by_hash(run)
    assert set(lines) == set(installs)
    for digest, record in installs.items():
        assert lines[digest]["root"] is record["explicit"]
        assert (lines[digest]["external"] is not None) == bool(record["spec"].get("external"))
    assert run.code == (1 if any(line["nearest"] is not None for line in lines.values()) else 0)


@pytest.mark.parametrize("name", ["v4-mpigdb.lock", "v5-wrf.lock", "v6-all-pythons.lock"])
def test_real_lock_files_are_read_whole(cli, name):
    lock = json.loads((LOCKS / name).read_text())
    run = cli("check", str(LOCKS / name), "--json")
    assert run.code == 1  # nothing of these is in the bundled sample
    assert name not in run.err  # no note on the file: every record was read
    lines = _by_hash(run)
    assert set(lines) == set(lock["concrete_specs"])
    assert {h for h, line in lines.items() if line["root"]} == {r["hash"] for r in lock["roots"]}
    for digest, node in lock["concrete_specs"].items():
        assert lines[digest]["name"] == node["name"] and lines[digest]["version"] == str(node["version"])
        assert (lines[digest]["external"] is not None) == bool(node.get("external"))
        assert lines[digest]["cached"] is False
        assert (lines[digest]["nearest"] is None) == bool(node.get("external"))


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"_meta": {"file-type": "spack-lockfile", "lockfile-version": 3}, "roots": [], "concrete_specs": {}}',
        '{"_meta": {"file-type": "spack-lockfile"}, "roots": [], "concrete_specs": {}}',
        '{"spec": {"nodes": []}}',
        '{"something": "else"}',
        "",
    ],
    ids=["not-json", "lockfile-3", "no-version", "no-nodes", "other-json", "empty"],
)
def test_a_broken_file_exits_2_with_one_line(cli, tmp_path, content):
    path = tmp_path / "spack.lock"
    path.write_text(content)
    run = cli("check", str(path))
    assert run.code == 2
    assert run.out == ""
    assert len(run.err_lines) == 1 and run.err_lines[0].startswith("cachetui: ")
    assert "Traceback" not in run.err


def test_a_missing_file_or_a_directory_exits_2(cli, tmp_path):
    for path in (tmp_path / "nothing.lock", tmp_path):
        run = cli("check", str(path))
        assert run.code == 2 and len(run.err_lines) == 1


def test_export_writes_the_cached_specs_for_spack(cli, mirrors, tmp_path):
    mirror, installs = mirrors[7]
    root = _cached_root(installs)
    lock = _lock(installs, root, 5)
    path = _write(tmp_path, lock)
    cached = {h for h, n in lock["concrete_specs"].items() if not n.get("external")}

    run = cli("check", path, "-C", str(mirror), "--export", "spack.yaml")
    assert run.code == 0
    doc = yaml.safe_load(run.out)
    assert {s.lstrip("/") for s in doc["spack"]["specs"]} == cached
    assert doc["spack"]["mirrors"] == {mirror.name: str(mirror)}
    assert "specs cached" in run.err  # the summary goes to stderr

    script = cli("check", path, "-C", str(mirror), "--export", "script").out
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
    assert {line.split()[-1].lstrip("/") for line in script.splitlines() if "spack install" in line} == cached

    lines = cli("check", path, "-C", str(mirror), "--export", "jsonl").json_lines()
    assert {line["hash"] for line in lines} == cached

    bad = cli("check", path, "-C", str(mirror), "--export", "yaml")
    assert bad.code == 2 and "one of spack.yaml, script, jsonl" in bad.err


def test_an_exported_script_runs_each_word_as_given(cli, mirrors, tmp_path):
    """A mirror whose directory name is shell syntax reaches spack as that text, and runs nothing."""
    mirror, installs = mirrors[7]
    hostile = tmp_path / "$(touch pwned); `touch pwned2` 'q"
    shutil.copytree(mirror, hostile)
    root = _cached_root(installs)
    path = _write(tmp_path, _lock(installs, root, 5))
    script = cli("check", path, "-C", str(hostile), "--export", "script").out
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    fake = bin_dir / "spack"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a" >> "{log}"; done; echo "--" >> "{log}"\n')
    fake.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(["sh", "-c", script], cwd=work, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not list(work.iterdir())  # nothing was run but spack
    calls = log.read_text().split("--\n")
    assert calls[0].splitlines()[:3] == ["mirror", "add", calls[0].splitlines()[2]]
    assert calls[0].splitlines()[3] == str(hostile)


def test_find_export_is_what_find_found(cli):
    found = cli("find", "bc", "--json").json_lines()
    exported = cli("find", "bc", "--export", "jsonl").json_lines()
    assert exported == found
    doc = yaml.safe_load(cli("find", "bc", "--export", "spack.yaml").out)
    assert doc["spack"]["specs"] == list(dict.fromkeys("/" + s["hash"] for s in found if s["hash"]))


def test_a_dependency_rebuilt_differently_shows_in_its_dependents_nearest(cli, mirrors, tmp_path):
    mirror, installs = mirrors[7]
    root = _cached_root(installs)
    lock = _lock(installs, root, 5)
    edges = lock["concrete_specs"][root]["dependencies"]
    edge = next(e for e in edges if not lock["concrete_specs"][e["hash"]].get("external"))
    old_dep, new_dep = edge["hash"], "b" * 32
    dep = copy.deepcopy(lock["concrete_specs"][old_dep])
    dep["parameters"]["shared"] = not dep["parameters"]["shared"]
    dep["hash"] = new_dep
    lock["concrete_specs"][new_dep] = dep
    edge["hash"] = new_dep
    lock, old_root = _renamed_root(lock, lambda node: None)
    lines = _by_hash(cli("check", _write(tmp_path, lock), "-C", str(mirror), "--json"))
    name = edge["name"]
    assert lines["a" * 32]["nearest"][0]["hash"] == old_root
    assert lines["a" * 32]["nearest"][0]["differs"] == {"dependencies": [[f"{name}/{new_dep}"], [f"{name}/{old_dep}"]]}
    shared = "+shared" if dep["parameters"]["shared"] else "~shared"
    unshared = "~shared" if dep["parameters"]["shared"] else "+shared"
    assert lines[new_dep]["nearest"][0]["hash"] == old_dep
    assert lines[new_dep]["nearest"][0]["differs"] == {"variants": [[shared], [unshared]]}


def test_strings_from_the_file_reach_the_terminal_as_text(cli, tmp_path):
    """A lock whose package name and version hold escape sequences: printed escaped, exit 1, no traceback."""
    node = {
        "name": "evil\x1b]52;c;ZXZpbA==\x07pkg",
        "version": "1.0\x1b[2J",
        "arch": {"platform": "linux", "platform_os": "ubuntu22.04", "target": "x86_64"},
        "compiler": {"name": "gcc", "version": "11.4.0"},
        "parameters": {"mode": "$(touch pwned)"},
    }
    lock = {
        "_meta": {"file-type": "spack-lockfile", "lockfile-version": 5},
        "roots": [{"hash": "c" * 32}],
        "concrete_specs": {"c" * 32: node},
    }
    run = cli("check", _write(tmp_path, lock))
    assert run.code == 1
    assert "\x1b" not in run.out and "\x07" not in run.out and "\\x1b" in run.out
    as_json = cli("check", _write(tmp_path, lock), "--json").json_lines()[0]
    assert as_json["name"] == node["name"]  # exact in JSON, escaped by JSON
