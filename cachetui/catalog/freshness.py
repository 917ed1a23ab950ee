"""When a snapshot may be trusted without walking the sources: a TTL and O(1) evidence.

Proving that nothing changed under 130,000 pages costs a ``stat`` per page and
per directory (about 0.7 s on a local disk, far more on NFS). Spack faces the
same question for its binary indexes and answers it with a time to live
(``binary_index_ttl``); cachetui does the same: a snapshot younger than the TTL
(default 600 s) is trusted after a few O(1) checks, recorded when it was
written:

* when a source is inside a git work tree: the ``HEAD`` commit and the stamp of
  the git index file (a ``git pull`` or checkout changes them);
* the stamp of every source directory and of each directory directly inside
  it (the tag directories of a ``_cache`` tree): a tag or package directory
  added, removed or renamed changes them.

What the TTL can miss, until it runs out or ``--refresh`` is given: a page
edited in place, or a file added to or removed from a directory two or more
levels below a source (a new ``specs.md`` in an existing package directory),
when no git commit recorded the change. ``cachetui index`` always checks
everything.
"""

from __future__ import annotations

import os
import sys
from typing import Any

DEFAULT_TTL = 600.0  # seconds, as Spack's binary_index_ttl
ENV_TTL = "CACHETUI_TTL"

Evidence = dict[str, Any]


def config_path() -> str | None:
    """``$XDG_CONFIG_HOME/cachetui/config.toml`` (``~/.config/...``); None without a usable home."""
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "cachetui", "config.toml")
    home = os.environ.get("HOME", "")
    return os.path.join(home, ".config", "cachetui", "config.toml") if os.path.isabs(home) else None


def read_config(path: str | None = None) -> tuple[dict[str, Any], str | None]:
    """The config file as a dict, and a one-line problem if it could not be read (the dict is then empty)."""
    path = path or config_path()
    if path is None or not os.path.exists(path):
        return {}, None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle), None
    except (OSError, ValueError) as exc:
        return {}, f"ignoring {path}: {exc}"


def ttl_seconds(config: dict[str, Any] | None = None) -> tuple[float, str | None]:
    """The TTL: ``$CACHETUI_TTL``, else ``ttl`` in the config file, else 600 s; and a problem, if any."""
    raw: object = os.environ.get(ENV_TTL)
    where = ENV_TTL
    if raw is None or raw == "":
        raw, where = (config or {}).get("ttl"), "ttl in the config file"
    if raw is None:
        return DEFAULT_TTL, None
    try:
        value = float(raw)  # type: ignore[arg-type]  # a str from the environment or a number from TOML
    except (TypeError, ValueError):
        return DEFAULT_TTL, f"{where} is not a number of seconds ({raw!r}); using {DEFAULT_TTL:.0f}"
    if value != value or value < 0:
        return DEFAULT_TTL, f"{where} must be 0 or more seconds; using {DEFAULT_TTL:.0f}"
    return value, None


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _git_dir(start: str) -> str | None:
    """The ``.git`` directory of the work tree holding ``start``, if any (a ``.git`` file is followed)."""
    directory = start if os.path.isdir(start) else os.path.dirname(start)
    while True:
        candidate = os.path.join(directory, ".git")
        if os.path.isdir(candidate):
            return candidate
        if os.path.isfile(candidate):
            try:
                with open(candidate, encoding="utf-8") as handle:
                    line = handle.readline().strip()
            except OSError:
                return None
            if line.startswith("gitdir:"):
                target = line[len("gitdir:") :].strip()
                return target if os.path.isabs(target) else os.path.normpath(os.path.join(directory, target))
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _head_commit(git_dir: str) -> str | None:
    """The commit ``HEAD`` points to, read from the files git keeps (no git process)."""
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as handle:
            head = handle.read().strip()
    except OSError:
        return None
    if not head.startswith("ref:"):
        return head or None
    ref = head[4:].strip()
    try:
        with open(os.path.join(git_dir, ref), encoding="utf-8") as handle:
            return handle.read().strip() or None
    except OSError:
        pass
    try:
        with open(os.path.join(git_dir, "packed-refs"), encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 2 and parts[1] == ref:
                    return parts[0]
    except OSError:
        pass
    return None


def evidence(sources: list[str]) -> Evidence:
    """What the O(1) checks compare: git HEAD and index per work tree, stamps of the top directories."""
    found: Evidence = {"dirs": {}, "git": {}}
    for source in sources:
        stamp = _stamp(source)
        found["dirs"][source] = stamp
        if stamp is not None and os.path.isdir(source):
            try:
                with os.scandir(source) as entries:
                    children = sorted(e.path for e in entries if not e.name.startswith(".") and e.is_dir())
            except OSError:
                children = []
            for child in children:
                found["dirs"][child] = _stamp(child)
        git_dir = _git_dir(source)
        if git_dir is not None and git_dir not in found["git"]:
            found["git"][git_dir] = [_head_commit(git_dir), _stamp(os.path.join(git_dir, "index"))]
    return found


def settled_before(recorded: object, settled_ns: int) -> bool:
    """True if every stamp in the evidence is older than ``settled_ns`` (a change within the same
    clock tick would not move a stamp, so a recent one proves nothing)."""
    if not isinstance(recorded, dict):
        return False
    stamps = list(recorded.get("dirs", {}).values()) + [git[1] for git in recorded.get("git", {}).values()]
    return all(stamp is None or max(stamp[0], stamp[1]) < settled_ns for stamp in stamps)


def still_fresh(recorded: object, sources: list[str]) -> bool:
    """True if the evidence recorded with the snapshot is what the sources show now."""
    return isinstance(recorded, dict) and recorded == evidence(sources)
