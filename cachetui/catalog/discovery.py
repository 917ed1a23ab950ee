"""Find page files under the paths a user gives, without hanging or giving up.

Directories are walked recursively following symlinks, each real directory
once (so symlink loops end); hidden directories are skipped; entries that
cannot be read become problems and the walk goes on.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from .model import Problem
from .parser import looks_like_page

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
    problems: list  # Problem
    missing: list  # sources that do not exist


def _head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8)


def discover(sources, known: dict | None = None) -> Discovery:
    """Walk ``sources``; ``known`` maps path -> (size, mtime_ns) of pages already identified."""
    known = known or {}
    files: list[FileInfo] = []
    problems: list[Problem] = []
    missing: list[str] = []
    seen_files: set = set()
    seen_dirs: set = set()

    def consider(path: str, st: os.stat_result, explicit: bool) -> None:
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            return
        seen_files.add(key)
        info = FileInfo(path, st.st_size, st.st_mtime_ns)
        if known.get(path) == (info.size, info.mtime_ns):
            files.append(info)
            return
        try:
            head = _head(path)
        except OSError as exc:
            problems.append(Problem(path, f"cannot read: {exc.strerror or exc}"))
            return
        if looks_like_page(head):
            files.append(info)
        elif explicit or os.path.basename(path) in PAGE_NAMES:
            reason = "empty file" if st.st_size == 0 else "not a page: no front matter (file does not start with '---')"
            problems.append(Problem(path, reason))

    def walk(root: str) -> None:
        stack = [root]
        while stack:
            directory = stack.pop()
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
    return Discovery(files, problems, missing)
