"""Getting the site's pages: a shallow, sparse, blob-filtered git clone holding only ``_cache/``.

Invariants:

* Only a clone cachetui made is ever updated: it carries ``.git/cachetui-site`` (the URL it was
  cloned from), written before the clone is moved into place. Any other directory is refused
  with one line and left exactly as it was.
* A clone is made in a private directory beside the destination and renamed into place only when
  complete, so an interrupted first sync leaves no half clone where the next one looks.
* A URL is always passed after ``--``; one that begins with ``-`` is refused before git runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence

from .config import ENV_SITE_REPO

DEFAULT_REPO = "https://github.com/spack/cache.spack.io"
MARKER = "cachetui-site"  # in .git: the URL this clone was made from
PARTIAL = ".cachetui-partial"  # in a private clone directory that never finished
_LOCK = "cachetui-sync.lock"
_STALE_GIT_LOCKS = ("index.lock", "shallow.lock", "HEAD.lock", "config.lock", "packed-refs.lock")


class SyncError(Exception):
    """git is missing or failed, or the destination is not ours; the message is one line."""


def default_site_dir() -> str | None:
    """``$XDG_DATA_HOME/cachetui/site`` (``~/.local/share/cachetui/site``); None without a usable home."""
    from .config import data_dir

    base = data_dir()
    return os.path.join(base, "site") if base else None


def synced_pages(directory: str | None = None) -> str | None:
    """The ``_cache`` directory of a site cachetui synced, if there is one."""
    directory = directory or default_site_dir()
    if directory is None:
        return None
    pages = os.path.join(directory, "_cache")
    return pages if os.path.isdir(pages) and os.path.isdir(os.path.join(directory, ".git")) else None


def repo_url(config: dict[str, object] | None = None) -> str:
    """``$CACHETUI_SITE_REPO``, else ``site_repo`` in the config file, else the public site's repository."""
    return os.environ.get(ENV_SITE_REPO) or str((config or {}).get("site_repo") or DEFAULT_REPO)


def check_url(url: str) -> str:
    """The URL, or SyncError when git could read it as an option or it is empty."""
    if not url.strip():
        raise SyncError("the site repository URL is empty")
    if url.startswith("-"):
        raise SyncError(f"refusing repository URL {url!r}: it begins with '-' (git would read it as an option)")
    return url


def sync(directory: str, url: str, tags: Sequence[str] = (), *, quiet: bool = False) -> str:
    """Clone or update the site in ``directory``; return what was done, in a few words.

    git's own progress goes to stderr (unless ``quiet``); failures raise SyncError.
    """
    check_url(url)
    git = shutil.which("git")
    if git is None:
        raise SyncError(f"git is not installed; sync needs it (or clone {url} yourself and open its _cache)")
    patterns = [f"/_cache/{tag}/" for tag in tags] or ["/_cache/"]  # not cone mode: no top-level files either
    if os.path.lexists(directory) and not os.path.isdir(directory):
        raise SyncError(f"{directory}: not a directory; give a new or empty directory for the site")
    if os.path.isdir(os.path.join(directory, ".git")):
        _check_ours(git, directory, url)
        with _locked(directory):
            _clear_stale_locks(directory)
            _git(git, ["-C", directory, "sparse-checkout", "set", "--no-cone", *patterns], quiet)
            _git(git, ["-C", directory, "fetch", "--depth", "1", "origin", "HEAD"], quiet)
            _git(git, ["-C", directory, "reset", "--hard", "FETCH_HEAD"], quiet)
        return "updated"
    if os.path.isdir(directory) and os.listdir(directory):
        raise SyncError(f"{directory} exists and is not a site cachetui synced; give an empty or new directory")
    _clone(git, directory, url, patterns, quiet)
    return "cloned"


def _clone(git: str, directory: str, url: str, patterns: list[str], quiet: bool) -> None:
    """Clone into a private directory beside ``directory``, mark it, then rename it into place."""
    parent = os.path.dirname(os.path.abspath(directory)) or "."
    try:
        os.makedirs(parent, exist_ok=True)
        _remove_partials(parent, os.path.basename(directory))
        work = tempfile.mkdtemp(prefix=f".{os.path.basename(directory)}.sync-", dir=parent)
    except OSError as exc:
        raise SyncError(f"{parent}: cannot create the site here ({exc.strerror or exc})") from None
    open(os.path.join(work, PARTIAL), "w").close()
    clone = os.path.join(work, "site")
    try:
        _git(git, ["clone", "--depth", "1", "--filter=blob:none", "--sparse", "--no-checkout", "--", url, clone], quiet)
        _git(git, ["-C", clone, "sparse-checkout", "set", "--no-cone", *patterns], quiet)
        _git(git, ["-C", clone, "checkout"], quiet)
        with open(os.path.join(clone, ".git", MARKER), "w", encoding="utf-8") as marker:
            marker.write(url + "\n")
        if os.path.isdir(directory):
            os.rmdir(directory)  # empty (checked above): the rename needs it gone
        os.rename(clone, directory)
    except OSError as exc:
        raise SyncError(f"{directory}: cannot put the clone in place ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)  # ours: made by mkdtemp above


def _remove_partials(parent: str, name: str) -> None:
    """Remove what an interrupted clone of ours left beside ``name`` (marked by PARTIAL)."""
    prefix = f".{name}.sync-"
    for entry in os.listdir(parent):
        path = os.path.join(parent, entry)
        if entry.startswith(prefix) and os.path.isfile(os.path.join(path, PARTIAL)) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)


def _check_ours(git: str, directory: str, url: str) -> None:
    """SyncError unless ``directory`` is a clone cachetui made from ``url``."""
    marker = os.path.join(directory, ".git", MARKER)
    try:
        with open(marker, encoding="utf-8") as f:
            recorded = f.read().strip()
    except OSError:
        raise SyncError(
            f"{directory} is a git repository cachetui did not create; refusing to change it "
            "(give a new or empty directory)"
        ) from None
    origin = subprocess.run(
        [git, "-C", directory, "config", "--get", "remote.origin.url"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if recorded != url or origin != url:
        raise SyncError(
            f"{directory} is a clone of {recorded or origin or 'an unknown repository'}, not of {url}; "
            "give another directory for this repository"
        )


@contextlib.contextmanager
def _locked(directory: str) -> Iterator[None]:
    """Hold cachetui's own lock on the clone, so git lock files found meanwhile are stale (ours, interrupted)."""
    path = os.path.join(directory, ".git", _LOCK)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SyncError(f"another cachetui sync is updating {directory}; try again when it has finished") from None
        yield
    finally:
        os.close(fd)


def _clear_stale_locks(directory: str) -> None:
    """Remove git's lock files left by an interrupted sync of ours (we hold the clone's sync lock)."""
    git_dir = os.path.join(directory, ".git")
    for name in _STALE_GIT_LOCKS:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(git_dir, name))


def _git(git: str, args: list[str], quiet: bool) -> None:
    """Run git; its progress reaches stderr unless ``quiet`` (then its last error line is the message)."""
    step = args[2] if args[0] == "-C" else args[0]
    try:
        result = subprocess.run(
            [git, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE if quiet else None,
            text=True,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except OSError as exc:
        raise SyncError(f"cannot run git: {exc.strerror or exc}") from None
    if result.returncode != 0:
        lines = (result.stderr or "").strip().splitlines()
        detail = lines[-1] if lines else "see git's message above"
        raise SyncError(f"git {step} failed: {detail}")
