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


def _tree(path):
    """Every file under path with its bytes (the .git directory included): what 'nothing changed' compares."""
    return {p.relative_to(path): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def users_repo(tmp_path, site):
    """A user's own work tree, cloned from the site repository itself, with a local commit and an uncommitted edit."""
    repo = tmp_path / "project"
    git(tmp_path, "clone", "-q", str(site), str(repo))
    (repo / "notes.txt").write_text("mine\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "local work")
    (repo / "README.md").write_text("edited, not committed\n")
    return repo


@pytest.mark.parametrize("how", ["dir", "cwd", "repo-url"])
def test_sync_never_touches_a_repository_it_did_not_create(cli, users_repo, site, monkeypatch, how):
    before = _tree(users_repo)
    if how == "cwd":
        monkeypatch.chdir(users_repo)
        run = cli("sync", ".", "-q")
    elif how == "repo-url":
        run = cli("sync", str(users_repo), "--repo", str(site), "-q")
    else:
        run = cli("sync", str(users_repo), "-q")
    assert run.code == 1 and run.out == ""
    assert run.err_lines == [
        f"cachetui: {users_repo} is a git repository cachetui did not create; refusing to change it "
        "(give a new or empty directory)"
    ]
    assert _tree(users_repo) == before


def test_sync_refuses_a_clone_of_another_repository(cli, site, tmp_path):
    target = tmp_path / "s"
    assert cli("sync", str(target), "--repo", f"file://{site}", "-q").code == 0
    before = _tree(target)
    other = cli("sync", str(target), "--repo", f"file://{tmp_path}/elsewhere", "-q")
    assert other.code == 1 and f"is a clone of file://{site}, not of file://{tmp_path}/elsewhere" in other.err
    assert _tree(target) == before


@pytest.mark.parametrize("where", ["option", "variable", "config"])
def test_a_repository_url_beginning_with_a_dash_is_refused_and_runs_nothing(cli, tmp_path, monkeypatch, where):
    target = tmp_path / "dest"
    git(tmp_path, "init", "-q", "--bare", str(tmp_path / "dest.git"))  # what git would take as the repository
    proof = tmp_path / "ran"
    url = f"--upload-pack=touch {proof};git-upload-pack"
    args = ["sync", str(target), "-q"]
    if where == "option":
        args += [f"--repo={url}"]
    elif where == "variable":
        monkeypatch.setenv("CACHETUI_SITE_REPO", url)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
        (tmp_path / "cfg" / "cachetui").mkdir(parents=True)
        (tmp_path / "cfg" / "cachetui" / "config.toml").write_text(f"site_repo = {url!r}\n".replace("'", '"'))
    run = cli(*args)
    assert run.code == 1 and run.err.count("\n") == 1
    assert "begins with '-' (git would read it as an option)" in run.err
    assert not proof.exists() and not target.exists()


def test_a_destination_that_is_a_file_is_named(cli, site, tmp_path):
    dest = tmp_path / "afile"
    dest.write_text("x")
    run = cli("sync", str(dest), "--repo", f"file://{site}", "-q")
    assert (
        run.code == 1 and run.err == f"cachetui: {dest}: not a directory; give a new or empty directory for the site\n"
    )
    assert dest.read_text() == "x"


def test_an_interrupted_first_sync_leaves_nothing_in_the_way(cli, site, tmp_path):
    target = tmp_path / "s"
    # What a SIGKILL during the clone leaves: a private directory beside the target, marked as ours.
    leftover = tmp_path / ".s.sync-abc123"
    (leftover / "site" / ".git").mkdir(parents=True)
    (leftover / ".cachetui-partial").write_text("")
    run = cli("sync", str(target), "--repo", f"file://{site}", "-q")
    assert run.code == 0 and run.lines == [f"cloned: {target / '_cache'}"]
    assert not leftover.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".s.")] == []


def test_an_interrupted_update_recovers(cli, site, tmp_path):
    target = tmp_path / "s"
    assert cli("sync", str(target), "--repo", f"file://{site}", "-q").code == 0
    for name in ("index.lock", "shallow.lock"):  # what a SIGKILL during fetch or reset leaves
        (target / ".git" / name).write_text("")
    again = cli("sync", str(target), "--repo", f"file://{site}", "-q")
    assert again.code == 0 and again.lines[0].startswith("updated: ")
    assert again.err == ""
