"""Spack indexes from the command line: sources, --spack-cache, show /HASH, ^dep, find --json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

INDEX = Path(__file__).resolve().parent.parent / "fixtures" / "index"


def test_find_json_has_roots_and_dependencies(cli):
    objects = cli("find", "cmake", "-C", str(INDEX / "v3-mirror"), "--json").json_lines()
    (cmake,) = objects
    assert cmake["root"] is False and cmake["tag"] == "v3-mirror"
    names = {d["name"]: d["binary"] for d in cmake["dependencies"]}
    assert names["gcc"] is False and names["gcc-runtime"] is True  # the compiler is an external: no binary
    page = cli("find", "bc", "--json", "--limit", "1").json_lines()[0]
    assert page["root"] is None and page["dependencies"] is None


def test_show_hash_lists_dependencies(cli):
    run = cli("show", "/xlibjr2", "-C", str(INDEX / "v3-mirror"))
    assert run.code == 0
    assert run.lines[0].startswith("xlibjr2bzjo2f6trhfhgvkyf45w6onnt  cmake@3.31.6 %gcc@11.4.0 ")
    assert "  root: no" in run.lines
    assert "  ^ gcc@11.4.0 /fdedx7f  (external: /usr)" in run.lines  # the index says where the compiler is
    assert "  ^ gmake@4.4.1 /7hvb3nr" in run.lines
    assert cli("show", "/jasonju").lines[1] == "  dependencies: unknown (pages list root specs only)"


def test_dependency_term(cli):
    run = cli("find", "^gcc-runtime", "-C", str(INDEX / "v3-mirror"), "--limit", "0")
    assert run.code == 0 and run.lines and all("[v3-mirror]" in line for line in run.lines)
    pages = cli("find", "hdf5 ^mpich")  # hdf5's pages name no dependencies: the term cannot be answered
    assert pages.code == 2 and "pages list root specs only" in pages.err
    legacy = cli("find", "^mpich")  # the sample's legacy pages name some: none is mpich
    assert legacy.code == 1 and "current pages name no dependencies and were not searched" in legacy.err


def test_spack_cache_and_named_sources(cli, tmp_path, monkeypatch):
    user = tmp_path / "spackuser"
    (user / "cache").mkdir(parents=True)
    shutil.copytree(INDEX / "spack-user-cache" / "indices", user / "cache" / "indices")
    monkeypatch.setenv("SPACK_USER_CACHE_PATH", str(user))
    run = cli("--spack-cache", "show", "libiconv")
    assert run.code == 0
    assert "  mirror:    spack mirror add binaries.spack.io-develop https://binaries.spack.io/develop" in run.lines
    assert "  mirror:    spack mirror add srv-mirror file:///srv/mirror" in run.lines
    monkeypatch.setenv("SPACK_USER_CACHE_PATH", str(tmp_path / "none"))
    missing = cli("--spack-cache", "find", "x")
    assert missing.code == 2 and "no Spack index cache at" in missing.err
    named = cli("find", "-C", f"site={INDEX / 'v3-mirror'}", "cmake")
    assert named.code == 0 and named.lines[0].endswith("[site]")
    show = cli("show", "cmake", "-C", f"site={INDEX / 'v3-mirror'}")
    assert f"  mirror:    spack mirror add site {INDEX / 'v3-mirror'}" in show.lines


def test_progress_on_a_terminal_counts_files_and_does_not_count_one():
    """`parsing 0/1 files   0%` for the seconds a large index takes said nothing: one file is just named."""
    import io

    from cachetui.catalog import LoadProgress
    from cachetui.cli import Progress

    many, one = io.StringIO(), io.StringIO()
    Progress(tty=True, plain=False, stream=many)(LoadProgress("parse", 3, 10))
    Progress(tty=True, plain=False, stream=one)(LoadProgress("parse", 0, 1))
    assert many.getvalue().strip("\r ") == "parsing 3/10 files   30%"
    assert one.getvalue().strip("\r ") == "parsing 1 file"


def test_a_legacy_pages_dependencies_in_show_and_json(cli):
    site = str(Path(__file__).resolve().parent.parent / "fixtures" / "site")
    shown = cli("show", "tioga", "-C", site)
    assert shown.code == 0 and "^mpich@3.3.2" in shown.out  # named by a spec string (its spec file is not here)
    found = cli("find", "^spectrum-mpi", "-C", site, "--json")
    docs = [json.loads(line) for line in found.out.splitlines()]
    assert found.code == 0 and len(docs) == 1 and docs[0]["hash"] == "jvv2wofe26isbwhhjec4r6aq2rnoiyfy"
    assert docs[0]["dependencies"] == [
        {
            "name": "spectrum-mpi",
            "version": "10.3.1.2",
            "hash": "upwdia76chx5jmigqea27jk5y6gmbxlk",
            "binary": False,
            "external": "/autofs/nccs-svm1_sw/summit/.swci/1-compute/opt/spack/20180914/linux-rhel7-ppc64le/gcc-7.4.0/"
            "spectrum-mpi-10.3.1.2-20200121-eu2wh5ypz6ipvokwbng2m5ihug6doysh (module spectrum-mpi/10.3.1.2-20200121)",
        }
    ]
    by_hash = cli("show", "/jvv2wof", "-C", site)
    assert by_hash.code == 0 and "^ spectrum-mpi@10.3.1.2 /upwdia7  (external: /autofs/" in by_hash.out


def test_show_finds_a_record_an_index_names_only_as_a_dependency(cli):
    tree = str(
        Path(__file__).resolve().parent.parent
        / "fixtures"
        / "site"
        / "install-tree"
        / "gust"
        / ".spack-db"
        / "index.json"
    )
    shown = cli("show", "/7tzfex4", "-C", tree)  # glibc: an external every installed spec depends on
    assert shown.code == 0 and "glibc@2.38  (an external at /)" in shown.out
    assert "needed by 4 specs here: gcc-runtime, gmake, pigz, zlib" in shown.out
    doc = json.loads(cli("show", "/7tzfex4", "-C", tree, "--json").out)
    assert (doc["name"], doc["kind"], doc["external"], doc["binary"]) == ("glibc", "external", "/", False)
    assert {d["package"] for d in doc["dependents"]} == {"gcc-runtime", "gmake", "pigz", "zlib"}
    assert cli("show", "/zzzzzzz", "-C", tree).code != 0  # neither a spec nor a dependency
