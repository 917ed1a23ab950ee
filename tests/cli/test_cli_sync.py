"""`cachetui sync` against a local git repository made here (never the network)."""

from __future__ import annotations

import shutil

import pytest
from conftest import page_text
from gitrepo import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def site(tmp_path):
    """A site repository: pages under _cache/ for two tags, and files that are not pages."""
    repo = tmp_path / "site-repo"
    for tag, package in (("develop", "alpha"), ("v1.0", "beta")):
        page = repo / "_cache" / tag / package / "specs.md"
        page.parent.mkdir(parents=True)
        page.write_text(page_text(tag, package, [{}]))
    (repo / "README.md").parent.mkdir(parents=True, exist_ok=True)
    (repo / "README.md").write_text("# the site\n")
    git(repo, "init", "-q")
    git(repo, "config", "uploadpack.allowFilter", "true")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "pages")
    return repo


def test_sync_clones_only_the_pages_then_updates(cli, site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    run = cli("sync", "--repo", f"file://{site}", "-q")
    target = tmp_path / "data" / "cachetui" / "site"
    assert run.code == 0 and run.lines == [f"cloned: {target / '_cache'}"]
    assert not (target / "README.md").exists() and (target / "_cache" / "develop" / "alpha" / "specs.md").exists()
    found = cli("find", "alpha")  # no catalog given: the synced site, not the sample
    assert found.code == 0 and found.lines[0].endswith("[develop]")
    page = site / "_cache" / "develop" / "gamma" / "specs.md"
    page.parent.mkdir(parents=True)
    page.write_text(page_text("develop", "gamma", [{}]))
    git(site, "add", ".")
    git(site, "commit", "-qm", "more pages")
    again = cli("sync", "--repo", f"file://{site}", "-q")
    assert again.code == 0 and again.lines[0].startswith("updated: ")
    assert cli("--refresh", "find", "gamma").code == 0


def test_sync_of_named_tags_into_a_directory(cli, site, tmp_path):
    target = tmp_path / "only-v1"
    run = cli("sync", str(target), "--tag", "v1.0", "--repo", f"file://{site}", "-q")
    assert run.code == 0 and run.lines == [f"cloned: {target / '_cache'}"]
    assert (target / "_cache" / "v1.0" / "beta" / "specs.md").exists()
    assert not (target / "_cache" / "develop").exists()


def test_sync_failures_are_one_line(cli, tmp_path, monkeypatch):
    failed = cli("sync", str(tmp_path / "x"), "--repo", f"file://{tmp_path / 'no-such-repo'}", "-q")
    assert failed.code == 1 and failed.err.startswith("cachetui: git clone failed: ") and failed.err.count("\n") == 1
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    nogit = cli("sync", str(tmp_path / "y"), "--repo", "file:///nowhere", "-q")
    assert nogit.code == 1 and nogit.err.startswith("cachetui: git is not installed; sync needs it")
