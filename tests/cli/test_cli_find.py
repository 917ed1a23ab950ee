"""cachetui find: Spack-style lines, ordering, --json schema, --limit, exit codes."""

import os

import pytest

from cachetui.catalog import sample_catalog_path

JSON_KEYS = {
    "tag",
    "kind",
    "root",
    "dependencies",
    "package",
    "hash",
    "version",
    "compiler",
    "platform",
    "os",
    "target",
    "variants",
    "stacks",
    "size",
    "tarball",
    "source",
}

BC_LINES = [
    "/jasonju  bc@1.07.1 %gcc@=11.4.0 build_system=autotools arch=linux-ubuntu22.04-x86_64_v3  [v0.23.0]",
    "/kegjoar  bc@1.07.1 %gcc@11.4.0 build_system=autotools arch=linux-ubuntu22.04-x86_64_v3  [develop-2025-07-13]",
    "/q6v22ff  bc@1.07.1 %gcc@11.4.0 build_system=autotools arch=linux-ubuntu22.04-neoverse_v2  [develop-2025-07-13]",
]


def test_find_exact_lines_newest_tag_first(cli):
    run = cli("find", "bc")
    assert run.code == 0
    assert run.lines == BC_LINES


def test_find_best_package_first_then_newest_tag(cli):
    run = cli("find", "zlib", "--limit", "0")
    assert run.code == 0
    packages = [line.split()[1].partition("@")[0] for line in run.lines]
    assert packages[0] == "zlib" and packages.count("zlib") == 3
    assert set(packages[3:]) == {"zlib-ng"}
    run = cli("find", "cmake", "--limit", "0")
    tags = [line.rsplit("[", 1)[1].rstrip("]") for line in run.lines]
    first_dev = tags.index("develop-2025-07-13")
    assert set(tags[:first_dev]) == {"v0.23.0"} and set(tags[first_dev:]) == {"develop-2025-07-13"}


def test_find_spec_terms(cli):
    run = cli("find", "hdf5", "+mpi", "os=ubuntu22.04", "--limit", "0")
    assert run.code == 0 and run.lines
    for line in run.lines:
        assert " hdf5@" in line and " +mpi " in line and "arch=linux-ubuntu22.04-" in line


def test_find_words_are_joined_into_one_query(cli):
    assert cli("find", "hdf5 ~mpi", "--limit", "0").lines == cli("find", "hdf5", "~mpi", "--limit", "0").lines
    # Spack's '-variant' spelling works without '--'
    assert cli("find", "hdf5", "-mpi", "--limit", "0").lines == cli("find", "hdf5", "~mpi", "--limit", "0").lines
    no_hl = cli("find", "hdf5", "-hl", "--limit", "0")
    assert no_hl.code == 0 and no_hl.lines and all(" ~hl " in line for line in no_hl.lines)


def test_find_legacy_specs_have_a_dash_for_the_hash(cli):
    run = cli("find", "byacc", "--limit", "1")
    assert run.lines == ["-         byacc@master %gcc@9.3.0 arch=linux-ubuntu20.04-x86_64  [legacy]"]


def test_find_json_schema(cli):
    run = cli("find", "bc", "--json")
    assert run.code == 0
    objects = run.json_lines()
    assert len(objects) == 3
    for obj in objects:
        assert set(obj) == JSON_KEYS
        assert isinstance(obj["variants"], list) and isinstance(obj["stacks"], list)
        assert obj["size"] is None or isinstance(obj["size"], int)
        assert obj["source"].startswith(sample_catalog_path())
    first = objects[0]
    assert first["hash"] == "jasonjuuhs7lgkf5ojybu2sxxalclmxa"
    assert (first["tag"], first["package"], first["version"], first["compiler"]) == (
        "v0.23.0",
        "bc",
        "1.07.1",
        "gcc@=11.4.0",
    )
    assert (first["platform"], first["os"], first["target"]) == ("linux", "ubuntu22.04", "x86_64_v3")
    assert first["variants"] == ["build_system=autotools"] and first["stacks"] == ["root", "tutorial"]
    assert first["tarball"].endswith("-jasonjuuhs7lgkf5ojybu2sxxalclmxa.spack")
    legacy = cli("find", "byacc", "--json", "--limit", "1").json_lines()[0]
    assert legacy["hash"] is None and legacy["tag"] == "legacy"


def test_find_limit_default_and_all(cli):
    run = cli("find", "tag=develop")
    assert run.code == 0
    assert len(run.lines) == 50
    assert "229 more not shown" in run.err and "--limit 0" in run.err
    run = cli("find", "tag=develop", "--limit", "0")
    assert len(run.lines) == 279 and "more not shown" not in run.err
    run = cli("find", "tag=develop", "--limit", "7", "--json")
    assert len(run.json_lines()) == 7 and "272 more not shown" in run.err


def test_find_empty_query_lists_every_spec(cli):
    assert len(cli("find", "--limit", "0").lines) == 723


def test_find_no_match_exit_1(cli):
    run = cli("find", "definitely-not-a-package-qqq", "%gcc")
    assert run.code == 1 and run.out == ""
    run = cli("find", "bc", "os=windows10")
    assert run.code == 1 and run.out == ""


@pytest.mark.parametrize(
    "query, token", [("hdf5 @", "'@'"), ("hdf5 ^mpi", "'^mpi'"), ("arch=linux", "'arch=linux'"), ("zlib os=", "'os='")]
)
def test_find_malformed_query_exit_2_names_token(cli, query, token):
    run = cli("find", query)
    assert run.code == 2
    assert run.out == ""
    assert len(run.err_lines) == 1
    assert run.err.startswith("cachetui: bad term ") and token in run.err


def test_find_query_notes(cli):
    run = cli("find", "/01")
    assert run.code == 1
    assert "cannot match" in run.err


def test_problem_note_on_stderr_and_quiet(cli, tmp_path, write_page):
    write_page(tmp_path / "cat", "develop", "good", [{}])
    (tmp_path / "cat" / "develop" / "bad").mkdir()
    (tmp_path / "cat" / "develop" / "bad" / "specs.md").write_text("not a page\n")
    run = cli("find", "-C", str(tmp_path / "cat"), "good")
    assert run.code == 0 and len(run.lines) == 1
    notes = [line for line in run.err_lines if "problem" in line]
    assert notes == [
        f"cachetui: note: 1 problem reading the catalog (run 'cachetui index -C {tmp_path / 'cat'}' to list it)"
    ]
    run = cli("find", "-q", "-C", str(tmp_path / "cat"), "good")
    assert run.code == 0 and run.err == ""


def test_catalog_option_and_environment(cli, tmp_path, write_page, monkeypatch):
    write_page(tmp_path / "a", "develop", "alpha", [{}])
    write_page(tmp_path / "b", "develop", "beta", [{}])
    run = cli("find", "-C", str(tmp_path / "a"), "-C", str(tmp_path / "b"), "--limit", "0")
    assert sorted(line.split()[1] for line in run.lines) == ["alpha@1.0", "beta@1.0"]
    monkeypatch.setenv("CACHETUI_CATALOG", f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    run = cli("find", "--limit", "0")
    assert sorted(line.split()[1] for line in run.lines) == ["alpha@1.0", "beta@1.0"]
    run = cli("-C", str(tmp_path / "a"), "find", "--limit", "0")  # -C wins over the environment
    assert [line.split()[1] for line in run.lines] == ["alpha@1.0"]


def test_missing_source(cli, tmp_path, write_page):
    run = cli("find", "-C", "no/such/dir", "x")
    assert run.code == 2 and run.out == ""
    assert run.err == "cachetui: no such file or directory: no/such/dir\n"
    write_page(tmp_path / "a", "develop", "alpha", [{}])
    run = cli("find", "-C", str(tmp_path / "a"), "-C", "no/such/dir", "alpha")
    assert run.code == 0 and len(run.lines) == 1
    assert "cachetui: note: no such file or directory: no/such/dir (skipped)" in run.err_lines


def test_no_cache_writes_nothing_and_cache_dir_gets_the_snapshot(cli, cache_dir):
    assert cli("find", "--no-cache", "bc").code == 0
    assert not cache_dir.exists()
    assert cli("find", "bc").code == 0
    assert sorted(p.suffix for p in cache_dir.iterdir()) == [".fresh", ".snap"]  # the snapshot, and when it was checked
