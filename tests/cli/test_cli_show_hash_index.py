"""cachetui show / hash / index on the bundled sample and small hand-made catalogs."""

import json

SUMMARY_KEYS = {"num_specs", "versions", "compilers", "platforms", "oss", "targets", "arches", "stacks", "total_size"}
BC_V023 = "jasonjuuhs7lgkf5ojybu2sxxalclmxa"


# --- show ---------------------------------------------------------------------------------


def test_show_plain(cli):
    run = cli("show", "bc")
    assert run.code == 0
    assert run.lines[0] == "bc: 3 specs in 2 tags"
    headers = [line for line in run.lines if line.startswith("[")]
    assert headers == ["[v0.23.0]  1 spec", "[develop-2025-07-13]  2 specs"]
    assert "  versions:  1.07.1 (1)" in run.lines
    assert "  compilers: gcc@11.4.0 (2)" in run.lines
    assert "  targets:   neoverse_v2 (1), x86_64_v3 (1)" in run.lines
    assert "  stacks:    root (2), e4s (1), e4s-neoverse-v2 (1), tutorial (1)" in run.lines
    assert "  mirror:    spack mirror add spack-build-cache-v0.23.0 https://binaries.spack.io/v0.23.0" in run.lines
    assert "    /jasonju  bc@1.07.1 %gcc@=11.4.0 build_system=autotools arch=linux-ubuntu22.04-x86_64_v3" in run.lines


def test_show_json(cli):
    run = cli("show", "bc", "--json")
    assert run.code == 0
    doc = json.loads(run.out)
    assert set(doc) == {"package", "tags"} and doc["package"] == "bc"
    assert [t["tag"] for t in doc["tags"]] == ["v0.23.0", "develop-2025-07-13"]
    for block in doc["tags"]:
        assert set(block) == {"tag", "summary", "specs"}
        assert set(block["summary"]) == SUMMARY_KEYS
        assert block["summary"]["num_specs"] == len(block["specs"])
        assert all(spec["tag"] == block["tag"] and spec["package"] == "bc" for spec in block["specs"])
    assert doc["tags"][0]["specs"][0]["hash"] == BC_V023
    assert doc["tags"][1]["summary"]["stacks"] == {"root": 2, "e4s": 1, "e4s-neoverse-v2": 1, "tutorial": 1}


def test_show_tag_filter(cli):
    doc = json.loads(cli("show", "bc", "--tag", "develop-2025-07-13", "--json").out)
    assert [t["tag"] for t in doc["tags"]] == ["develop-2025-07-13"]
    doc = json.loads(cli("show", "bc", "--tag", "develop-*", "--json").out)
    assert [t["tag"] for t in doc["tags"]] == ["develop-2025-07-13"]
    run = cli("show", "bc", "--tag", "develop")
    assert run.code == 1 and run.out == ""
    assert run.err_lines[-1] == "cachetui: bc has no page in tag 'develop' (its tags: v0.23.0, develop-2025-07-13)"


def test_show_versions_newest_first(cli):
    doc = json.loads(cli("show", "zlib-ng", "--json").out)
    versions = [s["version"] for s in doc["tags"][0]["specs"]]
    assert versions[0] == "2.2.4" and versions[-1] == "2.0.7"
    assert list(doc["tags"][0]["summary"]["versions"]) == ["2.2.4", "2.0.7"]


def test_show_unknown_package_suggests(cli):
    run = cli("show", "hdf")
    assert run.code == 1 and run.out == ""
    last = run.err_lines[-1]
    assert last.startswith("cachetui: no package named 'hdf' (did you mean: hdf5")
    assert "Traceback" not in run.err


def test_show_is_case_insensitive(cli):
    assert cli("show", "BC").lines[0] == "bc: 3 specs in 2 tags"


# --- hash ---------------------------------------------------------------------------------


def test_hash_exact_line(cli):
    expected = [f"{BC_V023}  bc@1.07.1 %gcc@=11.4.0 build_system=autotools arch=linux-ubuntu22.04-x86_64_v3  [v0.23.0]"]
    for prefix in ("jasonjuuhs", "/jasonju", "JASONJUUHS", BC_V023):
        run = cli("hash", prefix)
        assert run.code == 0, prefix
        assert run.lines == expected


def test_hash_every_occurrence_across_tags(cli, tmp_path, write_page):
    shared = {"hash": "abcdefghijklmnopqrstuvwxyz234567"}
    for tag in ("develop-2025-01-05", "develop", "v1.0.0"):
        write_page(tmp_path / "c", tag, "foo", [shared, {}])
    run = cli("hash", "-C", str(tmp_path / "c"), "abcdefg")
    assert run.code == 0
    assert [line.rsplit(" ", 1)[1] for line in run.lines] == ["[develop]", "[v1.0.0]", "[develop-2025-01-05]"]
    assert all(line.startswith("abcdefghijklmnopqrstuvwxyz234567  foo@1.0 ") for line in run.lines)
    assert "ambiguous" not in run.err


def test_hash_ambiguous_lists_all(cli):
    run = cli("hash", "a")
    assert run.code == 0
    hashes = {line.split()[0] for line in run.lines}
    assert len(hashes) > 1 and all(h.startswith("a") for h in hashes)
    assert f"cachetui: note: 'a' is ambiguous: {len(hashes)} specs match" in run.err_lines


def test_hash_json(cli):
    run = cli("hash", "jasonjuuhs", "--json")
    (obj,) = run.json_lines()
    assert obj["hash"] == BC_V023 and obj["tag"] == "v0.23.0" and obj["package"] == "bc"


def test_hash_none(cli):
    run = cli("hash", "zzzzzzz")
    assert run.code == 1 and run.out == ""
    assert run.err_lines[-1] == "cachetui: no spec with hash prefix 'zzzzzzz'"
    run = cli("hash", "/0189")
    assert run.code == 1 and "a-z and 2-7" in run.err
    run = cli("hash", "/")
    assert run.code == 2


# --- index --------------------------------------------------------------------------------


def test_index_plain_sample(cli, cache_dir):
    run = cli("index")
    assert run.code == 0
    assert run.lines[:4] == ["pages: 35", "specs: 723", "tags: 8", "packages: 31"]
    assert run.lines[4].startswith("seconds: ")
    assert run.lines[5].startswith(f"snapshot: {cache_dir}") and run.lines[5].endswith("(written)")
    assert run.lines[6] == "problems: 0" and len(run.lines) == 7
    # plain progress lines (not a terminal), a few of them
    assert "scanning sources" in run.err_lines and len(run.err_lines) < 20
    again = cli("index")
    assert again.lines[5].endswith("(up to date)")


def test_index_json_with_problems(cli, tmp_path, write_page):
    root = tmp_path / "c"
    write_page(root, "develop", "foo", [{}, {}])
    write_page(root, "v1.0.0", "foo", [{}])
    write_page(root, "v1.0.0", "bar", [{}])
    (root / "develop" / "broken").mkdir()
    (root / "develop" / "broken" / "specs.md").write_text("---\ntitle: [unclosed\n---")
    (root / "develop" / "empty").mkdir()
    (root / "develop" / "empty" / "specs.md").write_text("")
    run = cli("index", str(root), "--json")
    assert run.code == 0
    doc = json.loads(run.out)
    assert set(doc) == {"pages", "specs", "tags", "packages", "problems", "seconds"}
    assert (doc["pages"], doc["specs"], doc["tags"], doc["packages"]) == (3, 4, 2, 2)
    assert isinstance(doc["seconds"], float)
    paths = sorted(p["path"] for p in doc["problems"])
    assert paths == [str(root / "develop" / "broken" / "specs.md"), str(root / "develop" / "empty" / "specs.md")]
    assert all(set(p) == {"path", "reason"} and p["reason"] for p in doc["problems"])
    plain = cli("index", "-C", str(root), "-q")
    assert "problems: 2" in plain.lines
    assert f"{root / 'develop' / 'empty' / 'specs.md'}: empty file" in plain.lines
    assert plain.err == ""


def test_index_no_source_exit_2(cli):
    run = cli("index", "nowhere-1", "nowhere-2")
    assert run.code == 2 and run.out == ""
    assert run.err == "cachetui: no such file or directory: nowhere-1, nowhere-2\n"


def test_index_no_cache(cli, cache_dir):
    run = cli("index", "--no-cache")
    assert run.code == 0 and "snapshot: not used (--no-cache)" in run.lines
    assert not cache_dir.exists()
