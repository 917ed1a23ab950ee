"""Find page files under the paths a user gives, without hanging or giving up.

Directories are walked recursively following symlinks, each real directory
once (so symlink loops end); hidden directories are skipped; entries that
cannot be read become problems and the walk goes on.

A warm start must not list 100k directories again: given the directories
(and their mtimes) seen last time, a directory whose mtime is unchanged has
the same entries, so only its known files and subdirectories are stat'ed.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field

from .model import Problem
from .parser import EMPTY_FILE, NO_FRONT_MATTER, looks_like_page

# Names the site uses for pages; a file so named that is not a page is worth reporting.
PAGE_NAMES = frozenset({"specs.md", "index.md"})


@dataclass(frozen=True, slots=True)
class FileInfo:
    path: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Discovery:
    files: list  # FileInfo of every candidate page, in walk order
    problems: list  # Problem (including those of problem_files)
    missing: list  # sources that do not exist
    problem_files: list = field(default_factory=list)  # (FileInfo, reason): files that are not pages
    dirs: list = field(default_factory=list)  # (path, mtime_ns) of directories safe to trust next time
    complete: bool = False  # every directory walked is in `dirs` and nothing went wrong
    ignored: list = field(default_factory=list)  # FileInfo of files looked at and skipped silently


def still_same(dirs, dir_mtime, paths, sizes, mtimes) -> bool:
    """True if every directory and file seen last time is exactly as it was.

    An unchanged directory mtime means no entry was added, removed or renamed
    in it; an unchanged (size, mtime) means a file was not rewritten. Together
    they prove a complete walk would find the same files, at 1/10 of its cost.
    """
    stat_ = os.stat
    try:
        for path, mtime in zip(dirs, dir_mtime):
            if stat_(path).st_mtime_ns != mtime:
                return False
        for path, size, mtime in zip(paths, sizes, mtimes):
            st = stat_(path)
            if st.st_mtime_ns != mtime or st.st_size != size:
                return False
    except OSError:
        return False
    return True


def _head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8)


def _children(known_dirs: dict, *file_maps: dict) -> dict:
    """directory -> (known subdirectories, known files), from last time's paths."""
    children: dict = {}
    sep = os.sep
    for directory in known_dirs:  # str.rpartition: os.path.dirname is 10x slower here
        children.setdefault(directory.rpartition(sep)[0] or sep, ([], []))[0].append(directory)
    for file_map in file_maps:
        for path in file_map:
            children.setdefault(path.rpartition(sep)[0] or sep, ([], []))[1].append(path)
    return children


def discover(sources, known: dict | None = None, known_dirs: dict | None = None,
             known_ignored: dict | None = None, exclude: str | None = None, progress=None) -> Discovery:
    """Walk ``sources``.

    ``known`` maps path -> (size, mtime_ns) of files identified last time (they are
    not opened again if unchanged); ``known_dirs`` maps directory -> mtime_ns;
    ``known_ignored`` maps path -> (size, mtime_ns) of files skipped last time;
    ``exclude`` is a directory not to walk (our own snapshot directory);
    ``progress(files_seen)`` is called every few thousand files (and may raise to cancel).
    """
    known = known or {}
    known_dirs = known_dirs or {}
    known_ignored = known_ignored or {}
    children = _children(known_dirs, known, known_ignored) if known_dirs else {}
    ignored: list[FileInfo] = []
    files: list[FileInfo] = []
    problems: list[Problem] = []
    problem_files: list = []
    missing: list[str] = []
    seen_files: set = set()
    seen_dirs: set = set()
    scanned: list = []  # (path, mtime_ns) of every directory walked

    def consider(path: str, st: os.stat_result, explicit: bool) -> None:
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return
        seen_files.add(key)
        if progress is not None and len(seen_files) % 2000 == 0:
            progress(len(seen_files))
        info = FileInfo(path, st.st_size, st.st_mtime_ns)
        if known.get(path) == (info.size, info.mtime_ns):
            files.append(info)
            return
        if not explicit:
            if known_ignored.get(path) == (info.size, info.mtime_ns):
                ignored.append(info)
            else:
                # A candidate: the parser reads it anyway, so opening it here too would
                # double the cost of a cold start. The loader ignores non-pages it finds.
                files.append(info)
            return
        try:
            head = _head(path)
        except OSError as exc:
            problems.append(Problem(path, f"cannot read: {exc.strerror or exc}"))
            return
        if looks_like_page(head):
            files.append(info)
        else:
            reason = EMPTY_FILE if st.st_size == 0 else NO_FRONT_MATTER
            problems.append(Problem(path, reason))
            problem_files.append((info, reason))

    def walk(root: str) -> None:
        stack = [root]
        while stack:
            directory = stack.pop()
            if directory == exclude:
                continue
            try:
                st = os.stat(directory)
            except OSError as exc:
                problems.append(Problem(directory, f"cannot read directory: {exc.strerror or exc}"))
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                if os.path.islink(directory):
                    problems.append(Problem(directory, "symlink loop or repeated directory; skipped"))
                continue
            seen_dirs.add(key)
            scanned.append((directory, st.st_mtime_ns))
            if known_dirs.get(directory) == st.st_mtime_ns:
                # Same entries as last time: stat only what was there.
                subdirs, known_files = children.get(directory, ((), ()))
                for path in sorted(known_files):
                    try:
                        fst = os.stat(path)
                    except FileNotFoundError:
                        continue
                    except OSError as exc:
                        problems.append(Problem(path, f"cannot read: {exc.strerror or exc}"))
                        continue
                    if stat.S_ISREG(fst.st_mode):
                        consider(path, fst, explicit=False)
                stack.extend(sorted(subdirs, reverse=True))
                continue
            try:
                with os.scandir(directory) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                problems.append(Problem(directory, f"cannot read directory: {exc.strerror or exc}"))
                continue
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    st = entry.stat()  # follows symlinks
                except OSError as exc:
                    problems.append(Problem(entry.path, f"cannot read: {exc.strerror or exc}"))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    subdirs.append(entry.path)
                elif stat.S_ISREG(st.st_mode):
                    consider(entry.path, st, explicit=False)
            stack.extend(reversed(subdirs))

    for source in sources:
        source = os.path.abspath(os.path.expanduser(str(source)))
        try:
            st = os.stat(source)
        except FileNotFoundError:
            missing.append(source)
            continue
        except OSError as exc:
            problems.append(Problem(source, f"cannot read: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk(source)
        elif stat.S_ISREG(st.st_mode):
            consider(source, st, explicit=True)
        else:
            problems.append(Problem(source, "not a regular file or directory"))
    # A directory with a problem inside (loop, unreadable entry) is walked again next time.
    # A directory changed within the last seconds may change again within the same mtime tick.
    troubled = {os.path.dirname(p.path) for p in problems} | {p.path for p in problems}
    settled = time.time_ns() - 2_000_000_000
    dirs = [(path, mtime) for path, mtime in scanned if path not in troubled and mtime < settled]
    complete = not problems and not missing and len(dirs) == len(scanned)
    return Discovery(files, problems, missing, problem_files, dirs, complete, ignored)
