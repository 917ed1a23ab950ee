"""Walking page trees: loops, odd entries, unreadable files."""

from __future__ import annotations

import builtins
import os

import pytest

from cachetui.catalog import load_catalog
from cachetui.catalog.scan.discovery import discover
from tests.catalog.helpers import make_spec, page_text, problems_for, write_page


@pytest.fixture
def tree(tmp_path):
    for tag, pkg in (("develop", "a"), ("develop", "b"), ("v0.23.0", "a")):
        write_page(tmp_path, f"{tag}/{pkg}/specs.md", page_text(pkg, tag, [make_spec(versions=[tag])]))
    return tmp_path


def test_symlink_loop_terminates_and_is_reported(tree):
    os.symlink(tree, tree / "develop" / "loop")
    os.symlink(tree / "develop", tree / "v0.23.0" / "back")
    cat = load_catalog([tree], use_cache=False)
    assert cat.num_specs == 3 and len(cat.pages) == 3
    reasons = {p.path: p.reason for p in cat.problems}
    assert "symlink loop" in reasons[str(tree / "develop" / "loop")]


def test_symlinked_page_file_loaded_once(tree):
    os.symlink(tree / "develop" / "a" / "specs.md", tree / "develop" / "alias.md")
    cat = load_catalog([tree], use_cache=False)
    assert cat.num_specs == 3 and cat.problems == []


def test_dangling_symlink_reported(tree):
    os.symlink(tree / "nowhere", tree / "develop" / "dangling")
    cat = load_catalog([tree], use_cache=False)
    assert cat.num_specs == 3
    (problem,) = cat.problems
    assert problem.path == str(tree / "develop" / "dangling") and "No such file" in problem.reason


def test_directory_named_specs_md_is_walked_like_any_directory(tree):
    weird = tree / "develop" / "c" / "specs.md"
    weird.mkdir(parents=True)
    cat = load_catalog([tree], use_cache=False)
    assert cat.num_specs == 3 and cat.problems == []
    inner = write_page(weird, "inner/specs.md", page_text("inner", "develop", [make_spec(versions=["inner"])]))
    cat = load_catalog([tree], use_cache=False)
    assert [p.source for p in cat.pages if p.package == "inner"] == [str(inner)]


def test_hidden_directories_are_skipped(tree):
    write_page(tree, ".git/develop/x/specs.md", page_text("x", "develop", [make_spec()]))
    cat = load_catalog([tree], use_cache=False)
    assert "x" not in cat.packages and cat.problems == []


def test_unreadable_file_reported_walk_goes_on(tree, monkeypatch):
    bad = write_page(tree, "develop/locked/specs.md", page_text("locked", "develop", [make_spec()]))
    if os.geteuid() != 0:
        os.chmod(bad, 0)
    else:  # root reads anything: simulate the permission error
        real_open = builtins.open

        def guarded_open(file, *args, **kwargs):
            if os.fspath(file) == str(bad):
                raise PermissionError(13, "Permission denied", str(bad))
            return real_open(file, *args, **kwargs)

        real_os_open = os.open

        def guarded_os_open(file, *args, **kwargs):
            if os.fspath(file) == str(bad):
                raise PermissionError(13, "Permission denied", str(bad))
            return real_os_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
    try:
        cat = load_catalog([tree], use_cache=False)
    finally:
        os.chmod(bad, 0o644)
    assert cat.num_specs == 3 and "locked" not in cat.packages
    (problem,) = problems_for(cat, bad)
    assert "Permission denied" in problem.reason


def test_unreadable_directory_reported(tree, monkeypatch):
    locked = tree / "v0.23.0"
    real_scandir = os.scandir

    def guarded_scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    cat = load_catalog([tree], use_cache=False)
    assert cat.num_specs == 2 and cat.tags == ["develop"]
    (problem,) = problems_for(cat, locked)
    assert "cannot read directory" in problem.reason and "Permission denied" in problem.reason


def test_unreadable_file_between_scan_and_parse(tree, monkeypatch):
    """A file that vanishes after the walk becomes a problem, not a crash."""
    import cachetui.catalog.loader as loader

    real_discover = loader.discover

    def discover_then_delete(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        os.unlink(tree / "develop" / "b" / "specs.md")
        return found

    monkeypatch.setattr(loader, "discover", discover_then_delete)
    cat = load_catalog([tree], use_cache=False)
    assert cat.num_specs == 2
    (problem,) = cat.problems
    assert problem.path == str(tree / "develop" / "b" / "specs.md") and "No such file" in problem.reason


def test_fifo_given_explicitly_is_reported(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    good = write_page(tmp_path, "good.md", page_text("good", "develop", [make_spec()]))
    cat = load_catalog([fifo, good], use_cache=False)
    assert cat.packages == ["good"]
    (problem,) = cat.problems
    assert problem.path == str(fifo) and "not a regular file" in problem.reason


def test_fifo_inside_tree_is_skipped_without_blocking(tree):
    os.mkfifo(tree / "develop" / "specs.md")
    cat = load_catalog([tree], use_cache=False)
    assert cat.num_specs == 3


def test_discover_reuses_known_files_without_reading(tree, monkeypatch):
    first = discover([str(tree)])
    assert len(first.files) == 3 and first.problems == [] and first.missing == []
    import cachetui.catalog.scan.discovery as discovery

    known = discovery.Previous(files={f.path: f.stamp for f in first.files})
    monkeypatch.setattr(discovery, "_head", lambda path: (_ for _ in ()).throw(AssertionError(path)))
    again = discover([str(tree)], known)
    assert [f.path for f in again.files] == [f.path for f in first.files]


def test_walk_order_is_deterministic(tree):
    paths = [f.path for f in discover([str(tree)]).files]
    assert paths == sorted(paths)


def test_overlapping_sources_load_each_file_once(tree):
    cat = load_catalog([tree, tree / "develop", tree / "develop" / "a" / "specs.md"], use_cache=False)
    assert cat.num_specs == 3 and cat.problems == []


def _age_directories(root, seconds=100):
    """Make every directory's mtime old, as in a checkout that has not changed for a while."""
    import time

    old = time.time() - seconds
    for dirpath, _, _ in os.walk(root):
        os.utime(dirpath, (old, old))


def test_warm_start_sees_new_and_changed_pages(tree, tmp_path):
    cache = tmp_path / "cache"
    _age_directories(tree)
    assert load_catalog([tree], cache_dir=cache).num_specs == 3
    assert load_catalog([tree], cache_dir=cache).load_report.from_snapshot
    write_page(tree, "develop/c/specs.md", page_text("c", "develop", [make_spec(versions=["c"])]))  # new dir
    changed = tree / "develop" / "a" / "specs.md"
    changed.write_text(page_text("a", "develop", [make_spec(versions=["a2"])]))
    from tests.catalog.helpers import bump_mtime

    bump_mtime(changed)
    (tree / "v0.23.0" / "a" / "specs.md").unlink()
    cat = load_catalog([tree], cache_dir=cache)
    assert sorted(cat.summary(cat.rows_of(tag="develop")).versions) == ["a2", "c", "develop"]
    assert cat.tags == ["develop"] and cat.num_specs == 3
    again = load_catalog([tree], cache_dir=cache)
    assert sorted(s.version for s in again.specs(range(again.num_specs))) == ["a2", "c", "develop"]


def test_warm_start_sees_file_that_became_a_page(tree, tmp_path):
    cache = tmp_path / "cache"
    notes = write_page(tree, "develop/notes.md", b"# notes, not a page yet\n")
    _age_directories(tree)
    assert load_catalog([tree], cache_dir=cache).packages == ["a", "b"]
    notes.write_text(page_text("late", "develop", [make_spec(versions=["late"])]))
    cat = load_catalog([tree], cache_dir=cache)
    assert "late" in cat.packages
