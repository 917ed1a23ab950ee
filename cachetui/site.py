"""Getting the site's pages: a shallow, sparse, blob-filtered git clone holding only ``_cache/``.

The site's repository is several GB with its history; the pages of every tag
are ~1.5 GB and a single tag ~15 MB. ``git clone --depth 1 --filter=blob:none
--sparse`` fetches the newest commit's tree only, and the sparse checkout then
fetches the blobs of ``_cache/`` (or of the named tags) alone. Updating is a
shallow fetch of the newest commit and a hard reset to it: the clone is a
read-only copy, never edited by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

DEFAULT_REPO = "https://github.com/spack/cache.spack.io"
ENV_REPO = "CACHETUI_SITE_REPO"


class SyncError(Exception):
    """git is missing or failed; the message is one line."""


def default_site_dir() -> str | None:
    """``$XDG_DATA_HOME/cachetui/site`` (``~/.local/share/cachetui/site``); None without a usable home."""
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "cachetui", "site")
    home = os.environ.get("HOME", "")
    return os.path.join(home, ".local", "share", "cachetui", "site") if os.path.isabs(home) else None


def synced_pages(directory: str | None = None) -> str | None:
    """The ``_cache`` directory of a synced site, if there is one."""
    directory = directory or default_site_dir()
    if directory is None:
        return None
    pages = os.path.join(directory, "_cache")
    return pages if os.path.isdir(pages) and os.path.isdir(os.path.join(directory, ".git")) else None


def repo_url(config: dict[str, object] | None = None) -> str:
    """``$CACHETUI_SITE_REPO``, else ``site_repo`` in the config file, else the public site's repository."""
    return os.environ.get(ENV_REPO) or str((config or {}).get("site_repo") or DEFAULT_REPO)


def sync(directory: str, url: str, tags: Sequence[str] = (), *, quiet: bool = False) -> str:
    """Clone or update the site in ``directory``; return what was done, in a few words.

    git's own progress goes to stderr (unless ``quiet``); failures raise SyncError.
    """
    git = shutil.which("git")
    if git is None:
        raise SyncError(f"git is not installed; sync needs it (or clone {url} yourself and open its _cache)")
    patterns = [f"/_cache/{tag}/" for tag in tags] or ["/_cache/"]  # not cone mode: no top-level files either
    if not os.path.isdir(os.path.join(directory, ".git")):
        if os.path.exists(directory) and os.listdir(directory):
            raise SyncError(f"{directory} exists and is not a synced site; give an empty or new directory")
        os.makedirs(os.path.dirname(os.path.abspath(directory)) or ".", exist_ok=True)
        _git(git, ["clone", "--depth", "1", "--filter=blob:none", "--sparse", "--no-checkout", url, directory], quiet)
        _git(git, ["-C", directory, "sparse-checkout", "set", "--no-cone", *patterns], quiet)
        _git(git, ["-C", directory, "checkout"], quiet)
        return "cloned"
    _git(git, ["-C", directory, "sparse-checkout", "set", "--no-cone", *patterns], quiet)
    _git(git, ["-C", directory, "fetch", "--depth", "1", "origin", "HEAD"], quiet)
    _git(git, ["-C", directory, "reset", "--hard", "FETCH_HEAD"], quiet)
    return "updated"


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
