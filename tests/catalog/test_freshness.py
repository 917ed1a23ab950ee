"""A warm load always finds what a fresh (--no-cache) load finds, whatever happened to the tree.

The fixed cases are the ways a hostile pass lost pages; the state machine
applies random sequences of changes between runs and compares every warm run
with a fresh one. Run it longer by hand with, e.g.,
``CACHETUI_STATEFUL_EXAMPLES=2000 python -m pytest tests/catalog/test_freshness.py``.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cachetui.catalog import load_catalog
from cachetui.catalog.scan import discovery
from tests.catalog.helpers import make_spec, page_text, write_page


def observed(cat) -> tuple:
    """Everything a user can see of a catalog, independent of row and page numbering."""
    pages = sorted(
        (
            p.tag,
            p.package,
            p.source,
            p.format,
            p.num_specs,
            tuple(sorted(json.dumps(s.to_dict(), sort_keys=True) for s in cat.specs(range(p.start, p.stop)))),
        )
        for p in cat.pages
    )
    return pages, sorted((p.path, p.reason) for p in cat.problems)


def _page(root: Path, tag: str, package: str, version: str = "1.0") -> Path:
    spec = make_spec(versions=[version], hash=_hash(tag, package, version))
    return write_page(root, f"{tag}/{package}/specs.md", page_text(package, tag, [spec]))


def _hash(*parts: str) -> str:
    from tests.catalog.helpers import fake_hash

    return fake_hash("/".join(parts))


class Locks:
    """Permission errors for chosen paths, as a non-root user would get from chmod 000.

    Tests run as root in CI, where chmod does not stop reads: this makes
    ``os.scandir`` and ``open`` fail for locked paths in both the warm and the
    fresh run, as the kernel would.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.paths: set[str] = set()
        real_scandir, real_open = os.scandir, builtins.open

        def scandir(path=".", *args, **kwargs):
            if isinstance(path, (str, os.PathLike)) and os.fspath(path) in self.paths:
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_scandir(path, *args, **kwargs)

        def open_(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and os.fspath(file) in self.paths:
                raise PermissionError(13, "Permission denied", os.fspath(file))
            return real_open(file, *args, **kwargs)

        real_os_open = os.open

        def os_open(file, *args, **kwargs):
            if isinstance(file, (str, os.PathLike)) and os.fspath(file) in self.paths:
                raise PermissionError(13, "Permission denied", os.fspath(file))
            return real_os_open(file, *args, **kwargs)

        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr(builtins, "open", open_)
        monkeypatch.setattr(os, "open", os_open)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "pages"
    for tag, package in (("develop", "a"), ("develop", "b"), ("v1.0", "a")):
        _page(root, tag, package)
    return root


def age(root: Path, seconds: int = 100) -> None:
    """Move every directory's mtime back, as in a checkout untouched for a while (ctime stays: the kernel owns it)."""
    old = time.time() - seconds
    for dirpath, _, _ in os.walk(root):
        os.utime(dirpath, (old, old))


def runs(root: Path, cache: Path, n: int = 3) -> list[tuple]:
    return [observed(load_catalog([root], cache_dir=cache)) for _ in range(n)]


def test_page_added_just_before_the_first_index_is_never_lost(tree, tmp_path, monkeypatch):
    """`git pull && cachetui index`: a page written within the settle window of run 1."""
    monkeypatch.setattr(discovery, "SETTLE_NS", 200_000_000)
    time.sleep(0.25)
    _page(tree, "develop", "late")  # its directory and the tag directory change now
    first = observed(load_catalog([tree], cache_dir=tmp_path / "cache"))
    time.sleep(0.25)  # now everything is settled: run 2 trusts what it can
    later = runs(tree, tmp_path / "cache")
    fresh = observed(load_catalog([tree], use_cache=False))
    assert len(fresh[0]) == 4
    assert first == fresh and all(r == fresh for r in later)


def test_dangling_symlink_keeps_its_problem_and_its_neighbours(tree, tmp_path):
    os.symlink(tree / "nowhere", tree / "develop" / "a" / "dangling")
    age(tree)
    fresh = observed(load_catalog([tree], use_cache=False))
    assert len(fresh[0]) == 3 and len(fresh[1]) == 1
    assert all(r == fresh for r in runs(tree, tmp_path / "cache"))


def test_unreadable_package_directory_loses_nothing_else(tree, tmp_path, monkeypatch):
    locks = Locks(monkeypatch)
    _page(tree, "develop", "c")
    locks.paths.add(str(tree / "develop" / "b"))
    age(tree)
    fresh = observed(load_catalog([tree], use_cache=False))
    assert [p[1] for p in fresh[0]] == ["a", "c", "a"] or sorted(p[1] for p in fresh[0]) == ["a", "a", "c"]
    assert [r for r, _ in fresh[1]] == [str(tree / "develop" / "b")]
    assert all(r == fresh for r in runs(tree, tmp_path / "cache"))
    locks.paths.clear()  # fixed: b is back on the next run
    assert observed(load_catalog([tree], cache_dir=tmp_path / "cache")) == observed(
        load_catalog([tree], use_cache=False)
    )


def test_failed_read_is_not_remembered(tree, tmp_path, monkeypatch):
    """A page unreadable once (permissions, EIO) is read again on the next run, not cached as broken."""
    locks = Locks(monkeypatch)
    page = tree / "develop" / "b" / "specs.md"
    locks.paths.add(str(page))
    broken = load_catalog([tree], cache_dir=tmp_path / "cache")
    assert [(p.path, p.reason) for p in broken.problems] == [(str(page), "cannot read: Permission denied")]
    locks.paths.clear()  # chmod fixed it, or the NFS hiccup passed: size and mtime are unchanged
    fixed = load_catalog([tree], cache_dir=tmp_path / "cache")
    assert fixed.problems == [] and "b" in fixed.packages


def test_rewrite_with_same_size_and_restored_mtime_is_seen(tree, tmp_path):
    page = tree / "develop" / "a" / "specs.md"
    load_catalog([tree], cache_dir=tmp_path / "cache")
    before = os.stat(page)
    page.write_text(page.read_text().replace('"1.0"', '"2.0"'))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(page).st_size == before.st_size
    warm = load_catalog([tree], cache_dir=tmp_path / "cache")
    assert "2.0" in {s.version for s in warm.specs(warm.rows_of(tag="develop", package="a"))}


def test_index_after_churn_settles_on_the_fresh_answer(tmp_path, monkeypatch):
    """Pages rewritten and deleted while a load runs: the next loads agree with a fresh one."""
    root = tmp_path / "pages"
    for i in range(60):
        _page(root, f"t{i % 3}", f"p{i}")
    cache = tmp_path / "cache"
    calls = 0

    def churn(progress):
        nonlocal calls
        calls += 1
        if progress.phase == "parse" and calls % 2:
            victim = root / f"t{calls % 3}" / f"p{calls % 60}"
            shutil.rmtree(victim, ignore_errors=True)
            _page(root, f"t{(calls + 1) % 3}", f"n{calls}")

    import cachetui.catalog.loader as loader

    monkeypatch.setattr(
        loader, "_chunks", lambda files, size, names: [[(f.path, "")] for f in files]
    )  # a report per page
    load_catalog([root], cache_dir=cache, progress=churn)
    fresh = observed(load_catalog([root], use_cache=False))
    assert all(r == fresh for r in runs(root, cache))


# --- the model: random changes between runs -------------------------------------------------

TAGS = ("develop", "v1.0", "v2.0")
PACKAGES = ("a", "b", "c")
WINDOW_NS = 30_000_000  # a short settle window, so waiting past it is cheap


class TreeMachine(RuleBasedStateMachine):
    """Random changes to a page tree; after each step a warm load must equal a fresh one."""

    def __init__(self) -> None:
        super().__init__()
        self.root: Path
        self.cache: Path
        self.locks: Locks

    @initialize()
    def setup(self) -> None:
        import tempfile

        self.base = Path(tempfile.mkdtemp(prefix="cachetui-model-"))
        self.root, self.cache = self.base / "pages", self.base / "cache"
        self.root.mkdir()
        self.locks = MACHINE_LOCKS
        self.locks.paths.clear()
        self.version = 0

    def teardown(self) -> None:
        self.locks.paths.clear()
        shutil.rmtree(getattr(self, "base", "/nonexistent"), ignore_errors=True)

    def _pages(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("specs.md") if p.is_file() and not p.is_symlink())

    @rule(tag=st.sampled_from(TAGS), package=st.sampled_from(PACKAGES), version=st.sampled_from(["1.0", "2.0", "10.1"]))
    def add_or_replace_page(self, tag: str, package: str, version: str) -> None:
        path = self.root / tag / package / "specs.md"
        if path.is_dir():
            return
        _page(self.root, tag, package, version)

    @precondition(lambda self: bool(self._pages()))
    @rule(data=st.data())
    def remove_page(self, data: st.DataObject) -> None:
        data.draw(st.sampled_from(self._pages())).unlink()

    @precondition(lambda self: bool(self._pages()))
    @rule(data=st.data())
    def rewrite_same_size_restore_mtime(self, data: st.DataObject) -> None:
        page = data.draw(st.sampled_from(self._pages()))
        before = os.stat(page)
        text = page.read_text()
        swapped = text.replace('"1.0"', '"X.0"').replace('"2.0"', '"1.0"').replace('"X.0"', '"2.0"')
        page.write_text(swapped)
        os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))

    @precondition(lambda self: bool(self._pages()))
    @rule(data=st.data())
    def touch(self, data: st.DataObject) -> None:
        os.utime(data.draw(st.sampled_from(self._pages())))

    @rule(tag=st.sampled_from(TAGS), package=st.sampled_from(PACKAGES))
    def toggle_lock(self, tag: str, package: str) -> None:
        """chmod 000 / 755 on a package directory (or its page)."""
        for path in (self.root / tag / package, self.root / tag / package / "specs.md"):
            if path.exists():
                key = str(path)
                if key in self.locks.paths:
                    self.locks.paths.discard(key)
                    os.chmod(path, 0o755 if path.is_dir() else 0o644)
                else:
                    self.locks.paths.add(key)
                    os.chmod(path, 0o700 if path.is_dir() else 0o600)  # ctime moves, as with chmod 000
                return

    @rule(tag=st.sampled_from(TAGS), package=st.sampled_from(PACKAGES))
    def dangling_symlink(self, tag: str, package: str) -> None:
        link = self.root / tag / package / "dangling"
        if link.parent.is_dir() and not os.path.lexists(link):
            os.symlink(self.base / "nowhere", link)

    @rule(tag=st.sampled_from(TAGS))
    def looping_symlink(self, tag: str) -> None:
        link = self.root / tag / "loop"
        if link.parent.is_dir() and not os.path.lexists(link):
            os.symlink(self.root, link)

    @rule(tag=st.sampled_from(TAGS), package=st.sampled_from(PACKAGES))
    def remove_links(self, tag: str, package: str) -> None:
        for link in (self.root / tag / package / "dangling", self.root / tag / "loop"):
            if os.path.islink(link):
                link.unlink()

    @precondition(lambda self: bool(self._pages()))
    @rule(data=st.data())
    def page_becomes_directory(self, data: st.DataObject) -> None:
        page = data.draw(st.sampled_from(self._pages()))
        page.unlink()
        page.mkdir()

    @rule(tag=st.sampled_from(TAGS))
    def remove_tag(self, tag: str) -> None:
        self.locks.paths = {p for p in self.locks.paths if not p.startswith(str(self.root / tag))}
        shutil.rmtree(self.root / tag, ignore_errors=True)

    @rule(tag=st.sampled_from(TAGS))
    def add_readme(self, tag: str) -> None:
        path = self.root / tag / "README.md"
        if path.parent.is_dir() and not path.exists():
            path.write_text("# not a page\n")

    @rule()
    def wait_past_the_window(self) -> None:
        time.sleep(WINDOW_NS / 1e9 * 1.5)

    @invariant()
    def warm_equals_fresh(self) -> None:
        if not hasattr(self, "root"):
            return
        fresh = observed(load_catalog([self.root], use_cache=False))
        warm = observed(load_catalog([self.root], cache_dir=self.cache))
        assert warm == fresh


MACHINE_LOCKS: Locks


@pytest.mark.slow
def test_warm_load_always_equals_fresh_load(monkeypatch):
    global MACHINE_LOCKS
    MACHINE_LOCKS = Locks(monkeypatch)
    monkeypatch.setattr(discovery, "SETTLE_NS", WINDOW_NS)
    examples = int(os.environ.get("CACHETUI_STATEFUL_EXAMPLES", "30"))
    machine = settings(
        max_examples=examples, stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
    )(TreeMachine)
    machine.TestCase().runTest()
