"""When a snapshot may be trusted without walking the sources: a TTL and O(1) evidence.

Proving that nothing changed under 130,000 pages costs a ``stat`` per page and
per directory (noticeable on a local disk, far more on NFS). Spack faces the
same question for its binary indexes and answers it with a time to live
(``binary_index_ttl``); cachetui does the same: a snapshot younger than the TTL
(``config.DEFAULT_TTL``, as Spack's) is trusted after a few O(1) checks, recorded when it was
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
from typing import Any

Evidence = dict[str, Any]


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


def settled_before(recorded: object, settled_ns: int, kept: tuple[str, ...] = ()) -> bool:
    """True if every stamp in the evidence is older than ``settled_ns`` (a change within the same
    clock tick would not move a stamp, so a recent one proves nothing); directories under ``kept``
    (copies cachetui writes by renames alone) are not asked to be."""
    if not isinstance(recorded, dict):
        return False
    roots = tuple(root.rstrip(os.sep) for root in kept)
    dirs = recorded.get("dirs", {})
    if roots and isinstance(dirs, dict):
        dirs = {p: st for p, st in dirs.items() if not any(p == r or p.startswith(r + os.sep) for r in roots)}
    stamps = list(dirs.values()) + [git[1] for git in recorded.get("git", {}).values()]
    return all(stamp is None or max(stamp[0], stamp[1]) < settled_ns for stamp in stamps)


def still_fresh(recorded: object, sources: list[str]) -> bool:
    """True if the evidence recorded with the snapshot is what the sources show now."""
    return isinstance(recorded, dict) and recorded == evidence(sources)
