"""What a new user trips over on the command line: silent failures, floods of output, misleading usage."""

from __future__ import annotations

from conftest import page_text


def test_find_says_when_nothing_matches_and_suggests_names(cli):
    typo = cli("find", "zlb")
    assert typo.code == 0  # fuzzy: zlib is found
    none = cli("find", "zlib@9.9")
    assert none.code == 1 and none.out == "" and "cachetui: note: no spec matches 'zlib@9.9'" in none.err
    unknown = cli("find", "qqqzzz")
    assert unknown.code == 1 and "cachetui: note: no package named 'qqqzzz'" in unknown.err


def test_a_plain_unknown_target_is_the_same_error_as_a_range_of_it(cli):
    plain = cli("find", "zlib", "target=zen33")
    ranged = cli("find", "zlib", "target=zen33:")
    assert plain.code == ranged.code == 2
    assert (
        plain.err_lines[-1]
        == "cachetui: bad term 'target=zen33': unknown target 'zen33'; did you mean zen3, zen, zen6?"
    )
    assert ranged.err_lines[-1].endswith("unknown target 'zen33'; did you mean zen3, zen, zen6?")


def test_hash_shows_every_occurrence_of_a_limited_number_of_specs_by_default(cli):
    many = cli("hash", "a", "--limit", "0")
    distinct = sorted({line.split()[0] for line in many.lines})
    assert many.code == 0 and len(distinct) > 3
    few = cli("hash", "a", "--limit", "2")
    assert sorted({line.split()[0] for line in few.lines}) == distinct[:2]
    assert few.lines == [line for line in many.lines if line.split()[0] in distinct[:2]]
    assert f"{len(distinct) - 2} more specs not shown" in few.err


def test_the_optional_query_of_diff_and_history_is_not_called_required(cli):
    diff = cli("diff", "v0.23.0")
    assert diff.code == 2 and "required: TAG_B (" in diff.err and "QUERY" not in diff.err
    history = cli("history")
    assert history.code == 2 and "required: PACKAGE (" in history.err and "QUERY" not in history.err


def _age(path, days: float) -> None:
    import os
    import time

    old = time.time() - days * 86400
    os.utime(path, (old, old))


def test_index_lists_and_prunes_old_snapshots_and_nothing_else(cli, cache_dir, tmp_path):
    from cachetui.catalog import sample_catalog_path

    sample = sample_catalog_path()
    assert cli("index", "-q").code == 0
    assert cli("-C", f"{sample}/develop", "index", "-q").code == 0
    (cache_dir / "notes.txt").write_text("mine")  # not cachetui's: never touched
    listed = cli("index", "--list")
    assert listed.code == 0 and len(listed.lines) == 2 and "2 snapshots" in listed.err
    develop = next(line.split()[-2] for line in listed.lines if line.endswith("/develop"))
    _age(develop, 40)
    pruned = cli("index", "--prune")
    assert pruned.code == 0 and "removed 1 snapshot" in pruned.err
    assert [line.split()[-1] for line in pruned.lines] == [sample]
    assert (cache_dir / "notes.txt").read_text() == "mine"
    assert sorted(p.suffix for p in cache_dir.iterdir() if p.name.startswith("catalog-")) == [".fresh", ".snap"]


def test_writing_a_snapshot_keeps_only_the_most_recent_few(cli, cache_dir, tmp_path, monkeypatch):
    import os

    from cachetui.catalog import sample_catalog_path

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    (tmp_path / "cfg" / "cachetui").mkdir(parents=True)
    (tmp_path / "cfg" / "cachetui" / "config.toml").write_text("snapshot_keep = 2\n")
    sample = sample_catalog_path()
    tags = sorted(os.listdir(sample))[:4]
    import time

    for i, tag in enumerate(tags):
        assert cli("-C", f"{sample}/{tag}", "index", "-q").code == 0
        for snap in cache_dir.glob("*.snap"):
            if snap.stat().st_mtime > time.time() - 60:  # the one just written: opened (len - i) days ago
                _age(snap, len(tags) - i)
    kept = [line.split()[-1] for line in cli("index", "--list").lines]
    assert kept == [f"{sample}/{tags[-1]}", f"{sample}/{tags[-2]}"]


def test_history_is_compact_unless_asked_for_every_tag(cli, tmp_path):
    root = tmp_path / "pages"
    for i in range(8):
        page = root / f"develop-2025-0{i + 1}-01" / "zlib" / "specs.md"
        page.parent.mkdir(parents=True)
        page.write_text(page_text(f"develop-2025-0{i + 1}-01", "zlib", [{}]))
    compact = cli("-C", str(root), "history", "zlib")
    assert compact.code == 0 and "8 tags, 8 specs (--all lists them)" in compact.out
    assert all(len(line) < 120 for line in compact.lines)
    full = cli("-C", str(root), "history", "zlib", "--all")
    assert full.code == 0 and "develop-2025-01-01 (1)" in full.out and "--all lists them" not in full.out
