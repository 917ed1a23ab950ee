"""The snapshot's TTL: trusted without a scan while the O(1) evidence holds; what it catches and what it cannot."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from gitrepo import git
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from cachetui.catalog import load_catalog
from cachetui.config import DEFAULT_TTL, read_config, ttl_seconds
from tests.catalog.helpers import make_spec, page_text, write_page
from tests.catalog.test_freshness import observed

pytestmark = pytest.mark.ttl


def page(root, tag, package, version="1.0"):
    return write_page(
        root,
        f"{tag}/{package}/specs.md",
        page_text(package, tag, [make_spec(versions=[version], hash=None) | {"hash": _hash(tag, package, version)}]),
    )


def _hash(*parts):
    from tests.catalog.helpers import fake_hash

    return fake_hash("/".join(parts))


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "pages"
    page(root, "develop", "a")
    page(root, "develop", "b")
    page(root, "v1.0", "a")
    return root


def load(root, cache, **kwargs):
    return load_catalog([root], cache_dir=cache, ttl=kwargs.pop("ttl", 600), **kwargs)


def test_within_the_ttl_nothing_is_walked(tree, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = load(tree, cache)
    import cachetui.catalog.loader as loader

    monkeypatch.setattr(loader, "discover", lambda *a, **k: pytest.fail("walked"))
    monkeypatch.setattr(loader, "still_same", lambda *a, **k: pytest.fail("stat'ed every page"))
    again = load(tree, cache)
    assert again.load_report.trusted_by_ttl and observed(again) == observed(first)


@pytest.mark.parametrize("change", ["add package", "remove package", "add tag", "remove tag"])
def test_the_ttl_catches_pages_added_and_removed(tree, tmp_path, change):
    cache = tmp_path / "cache"
    load(tree, cache)
    if change == "add package":
        page(tree, "develop", "c")
    elif change == "remove package":
        shutil.rmtree(tree / "develop" / "b")
    elif change == "add tag":
        page(tree, "v2.0", "a")
    else:
        shutil.rmtree(tree / "v1.0")
    warm = load(tree, cache)
    assert not warm.load_report.trusted_by_ttl
    assert observed(warm) == observed(load_catalog([tree], use_cache=False))


def test_an_edit_in_place_waits_for_the_ttl_or_refresh(tree, tmp_path):
    """Documented: a page edited in place is not seen within the TTL, unless --refresh (or index)."""
    cache = tmp_path / "cache"
    load(tree, cache)
    target = tree / "develop" / "a" / "specs.md"
    target.write_text(target.read_text().replace('"1.0"', '"2.0"'))
    assert load(tree, cache).load_report.trusted_by_ttl  # within the TTL: the old answer
    refreshed = load(tree, cache, refresh=True)
    assert observed(refreshed) == observed(load_catalog([tree], use_cache=False))
    assert "2.0" in {s.version for s in refreshed.specs(refreshed.rows_of("develop", "a"))}
    assert load(tree, cache).load_report.trusted_by_ttl  # the refresh restarted the TTL with the new answer


def test_the_ttl_runs_out(tree, tmp_path):
    cache = tmp_path / "cache"
    load(tree, cache, ttl=0.2)
    target = tree / "develop" / "a" / "specs.md"
    target.write_text(target.read_text().replace('"1.0"', '"2.0"'))
    time.sleep(0.3)
    warm = load(tree, cache, ttl=0.2)
    assert not warm.load_report.trusted_by_ttl and observed(warm) == observed(load_catalog([tree], use_cache=False))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_git_pull_is_seen_within_the_ttl(tmp_path):
    work = tmp_path / "site"
    root = work / "_cache"
    page(root, "develop", "a")

    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-qm", "one")
    cache = tmp_path / "cache"
    load(root, cache)
    target = root / "develop" / "a" / "specs.md"
    target.write_text(target.read_text().replace('"1.0"', '"2.0"'))  # in place: no directory moves
    git(work, "commit", "-qam", "two")  # as a `git pull` brings it
    warm = load(root, cache)
    assert not warm.load_report.trusted_by_ttl
    assert "2.0" in {s.version for s in warm.specs(warm.rows_of("develop", "a"))}


def test_problems_of_the_walk_survive_a_trusted_start(tree, tmp_path):
    os.symlink(tree / "nowhere", tree / "develop" / "dangling")
    cache = tmp_path / "cache"
    first = load(tree, cache)
    again = load(tree, cache)
    assert again.load_report.trusted_by_ttl and observed(again) == observed(first) and len(first.problems) == 1


def test_ttl_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("CACHETUI_TTL", raising=False)
    assert ttl_seconds({}) == (DEFAULT_TTL, None)
    assert ttl_seconds({"ttl": 30}) == (30.0, None)
    monkeypatch.setenv("CACHETUI_TTL", "5")
    assert ttl_seconds({"ttl": 30}) == (5.0, None)
    monkeypatch.setenv("CACHETUI_TTL", "soon")
    value, problem = ttl_seconds({})
    assert value == DEFAULT_TTL and "CACHETUI_TTL is not a number of seconds" in problem
    config = tmp_path / "config.toml"
    config.write_text("ttl = 120\n")
    assert read_config(str(config)) == ({"ttl": 120}, None)
    config.write_text("ttl = = 1\n")
    assert read_config(str(config))[1].startswith(f"ignoring {config}")


# --- the model, under the TTL: every change the O(1) checks are documented to catch --------------

TAGS, PACKAGES = ("develop", "v1.0", "v2.0"), ("a", "b", "c")


class CaughtChanges(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        import tempfile
        from pathlib import Path

        self.base = Path(tempfile.mkdtemp(prefix="cachetui-ttl-"))
        self.root, self.cache = self.base / "pages", self.base / "cache"
        self.root.mkdir()

    def teardown(self) -> None:
        shutil.rmtree(getattr(self, "base", "/nonexistent"), ignore_errors=True)

    @rule(tag=st.sampled_from(TAGS), package=st.sampled_from(PACKAGES), version=st.sampled_from(["1", "2"]))
    def add_package(self, tag, package, version):
        if not (self.root / tag / package).exists():
            page(self.root, tag, package, version)

    @rule(tag=st.sampled_from(TAGS), package=st.sampled_from(PACKAGES))
    def remove_package(self, tag, package):
        shutil.rmtree(self.root / tag / package, ignore_errors=True)

    @rule(tag=st.sampled_from(TAGS))
    def remove_tag(self, tag):
        shutil.rmtree(self.root / tag, ignore_errors=True)

    @invariant()
    def warm_equals_fresh(self):
        if hasattr(self, "root"):
            assert observed(load(self.root, self.cache)) == observed(load_catalog([self.root], use_cache=False))


@pytest.mark.slow
def test_within_the_ttl_warm_equals_fresh_for_every_change_it_catches():
    examples = int(os.environ.get("CACHETUI_STATEFUL_EXAMPLES", "20"))
    machine = settings(
        max_examples=examples, stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck)
    )(CaughtChanges)
    machine.TestCase().runTest()
