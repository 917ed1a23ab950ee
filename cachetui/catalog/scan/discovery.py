"""Find page files under the paths a user gives, without hanging, giving up or losing any.

Directories are walked recursively following symlinks, each real directory
once (so symlink loops end); hidden directories are skipped; entries that
cannot be read become problems and the walk goes on.

A warm start must not list 100k directories again. What makes skipping a
listing safe is the rule git uses for its index: a directory whose stamp
(mtime, ctime, inode) is unchanged has the same entries, *provided* the
stamp was already older than the settle window when it was recorded (an
entry added within the same clock tick would not move it). Such a directory
is not listed: the entries it had last time (every subdirectory and every
file, whatever became of them) are stat'ed instead. Any directory that had a
problem inside, a repeated entry, or a recent stamp is listed again, and a
trusted listing that finds anything out of place falls back to a real one.
Subdirectories are always visited, trusted or not, so nothing falls out of
the walk because its parent was trusted.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ...files import open_regular, reason
from ..sources.formats import ROOT_FILES, looks_like_a_source, not_a_source, root_file_ok
from ..sources.parsed import EMPTY_FILE, NO_FRONT_MATTER
from ..spack.records import Problem

# A stamp must be at least this much older than the scan that records it before a
# later scan may trust it: coarse file-system clocks (FAT: 2 s, many kernels: a
# jiffy), NFS attribute caches and small clock skew all hide changes inside it.
SETTLE_NS = 2_000_000_000

Stamp = tuple[int, int, int, int]  # (size, mtime_ns, ctime_ns, inode) of a file
DirStamp = tuple[int, int, int]  # (mtime_ns, ctime_ns, inode) of a directory


@dataclass(frozen=True, slots=True)
class FileInfo:
    path: str
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    ino: int = 0

    @property
    def stamp(self) -> Stamp:
        return (self.size, self.mtime_ns, self.ctime_ns, self.ino)

    @classmethod
    def of(cls, path: str, st: os.stat_result) -> FileInfo:
        return cls(path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass(frozen=True, slots=True)
class DirInfo:
    path: str
    mtime_ns: int
    ctime_ns: int
    ino: int
    trusted: bool  # a later scan may skip listing it while its stamp stays the same

    @property
    def stamp(self) -> DirStamp:
        return (self.mtime_ns, self.ctime_ns, self.ino)


@dataclass(slots=True)
class Previous:
    """What the last scan saw, as the snapshot keeps it."""

    files: dict[str, Stamp | None] = field(default_factory=dict)  # candidate pages; None: read again
    ignored: dict[str, Stamp | None] = field(default_factory=dict)  # files skipped silently
    dirs: dict[str, DirStamp | None] = field(default_factory=dict)  # every directory walked; None: list again


@dataclass(slots=True)
class Discovery:
    files: list[FileInfo]  # every candidate page, in walk order
    problems: list[Problem]  # including those of problem_files
    missing: list[str]  # sources that do not exist
    problem_files: list[tuple[FileInfo, str]] = field(default_factory=list)  # files that are not pages
    dirs: list[DirInfo] = field(default_factory=list)  # every directory walked
    ignored: list[FileInfo] = field(default_factory=list)  # files looked at and skipped silently
    scan_ns: int = 0  # wall clock when the scan began: stamps after scan_ns - SETTLE_NS are not trusted

    @property
    def settled_ns(self) -> int:
        return self.scan_ns - SETTLE_NS

    @property
    def complete(self) -> bool:
        """Every directory is trusted and nothing went wrong: a stat pass can prove nothing changed."""
        return not self.problems and not self.missing and all(d.trusted for d in self.dirs)


def still_same(dirs: Iterable[tuple[str, DirStamp]], files: Iterable[tuple[str, Stamp]]) -> bool:
    """True if every directory and file seen last time is exactly as it was.

    Only meaningful for a complete scan whose stamps were all settled: then an
    unchanged directory stamp means no entry was added, removed or renamed in
    it, and an unchanged file stamp means the file was not rewritten.
    """
    stat_ = os.stat
    try:
        for path, (mtime, ctime, ino) in dirs:
            st = stat_(path)
            if st.st_mtime_ns != mtime or st.st_ctime_ns != ctime or st.st_ino != ino:
                return False
        for path, (size, mtime, ctime, ino) in files:
            st = stat_(path)
            if (
                st.st_mtime_ns != mtime
                or st.st_size != size
                or st.st_ctime_ns != ctime
                or st.st_ino != ino
                or not stat.S_ISREG(st.st_mode)
            ):
                return False
    except OSError:
        return False
    return True


def _head(path: str) -> bytes:
    with open_regular(path) as handle:
        return handle.read(64)  # enough for '{ "spec":' after some whitespace


def _children(previous: Previous) -> dict[str, tuple[list[str], list[str]]]:
    """directory -> (subdirectories, files) it held last time, from last time's paths."""
    children: dict[str, tuple[list[str], list[str]]] = {}
    sep = os.sep
    for directory in previous.dirs:  # str.rpartition: os.path.dirname is 10x slower here
        children.setdefault(directory.rpartition(sep)[0] or sep, ([], []))[0].append(directory)
    for file_map in (previous.files, previous.ignored):
        for path in file_map:
            children.setdefault(_listed_by(path), ([], []))[1].append(path)
    return children


_MIRROR_INDEXES = tuple(os.sep + name for name in ROOT_FILES if os.sep in name)


def _listed_by(path: str) -> str:
    """The directory whose listing gave ``path``: its parent, or for a mirror's index the mirror's root
    (``index_of_mirror`` lists it there, and the directories between are never walked)."""
    if path.endswith(_MIRROR_INDEXES):
        for suffix in _MIRROR_INDEXES:
            if path.endswith(suffix):
                return path[: -len(suffix)] or os.sep
    return path.rpartition(os.sep)[0] or os.sep


def discover(
    sources: Iterable[str],
    previous: Previous | None = None,
    exclude: str | None = None,
    progress: Callable[[int], None] | None = None,
    settled_under: tuple[str, ...] = (),
) -> Discovery:
    """Walk ``sources``, using ``previous`` (the last scan) to skip listing unchanged directories.

    ``exclude`` is a directory not to walk (our own snapshot directory);
    ``progress(files_seen)`` is called every few thousand files (and may raise to cancel);
    directories under ``settled_under`` (copies cachetui keeps, changed only by renames) are trusted at once.
    """
    return _Walk(previous or Previous(), exclude, progress, settled_under).run(sources)


class _Walk:
    """One scan: what it has found so far, and the directories to list again next time."""

    def __init__(
        self,
        previous: Previous,
        exclude: str | None,
        progress: Callable[[int], None] | None,
        settled_under: tuple[str, ...] = (),
    ) -> None:
        self.settled_under = tuple(root.rstrip(os.sep) for root in settled_under)
        self.scan_ns = time.time_ns()
        self.settled = self.scan_ns - SETTLE_NS
        self.known, self.known_ignored, self.known_dirs = previous.files, previous.ignored, previous.dirs
        self.children = _children(previous) if self.known_dirs else {}
        self.exclude_key = _dir_key(exclude)
        self.progress = progress
        self.ignored: list[FileInfo] = []
        self.files: list[FileInfo] = []
        self.problems: list[Problem] = []
        self.problem_files: list[tuple[FileInfo, str]] = []
        self.missing: list[str] = []
        self.seen_files: set[tuple[int, int]] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.troubled: set[str] = set()  # directories to list again next time
        self.scanned: list[tuple[str, os.stat_result]] = []

    def run(self, sources: Iterable[str]) -> Discovery:
        for source in sources:
            source = os.path.abspath(os.path.expanduser(str(source)))
            try:
                st = os.stat(source)
            except FileNotFoundError:
                self.missing.append(source)
                continue
            except OSError as exc:
                self.problems.append(Problem(source, f"cannot read: {reason(exc)}"))
                continue
            if stat.S_ISDIR(st.st_mode):
                self.walk(source)
            elif stat.S_ISREG(st.st_mode):
                self.consider(source, st, explicit=True)
            else:
                self.problems.append(Problem(source, "not a regular file or directory"))
        dirs = [
            DirInfo(
                path,
                st.st_mtime_ns,
                st.st_ctime_ns,
                st.st_ino,
                path not in self.troubled and (max(st.st_mtime_ns, st.st_ctime_ns) < self.settled or self._kept(path)),
            )
            for path, st in self.scanned
        ]
        return Discovery(self.files, self.problems, self.missing, self.problem_files, dirs, self.ignored, self.scan_ns)

    def _kept(self, path: str) -> bool:
        return any(path == root or path.startswith(root + os.sep) for root in self.settled_under)

    def trouble(self, path: str, why: str) -> None:
        self.problems.append(Problem(path, why))
        self.troubled.add(path)
        self.troubled.add(os.path.dirname(path))

    def consider(self, path: str, st: os.stat_result, explicit: bool) -> None:
        key = (st.st_dev, st.st_ino)
        if key in self.seen_files:
            # The same file under another name: skipped, and its directory listed again
            # next time, so the other name is found if this one goes away.
            self.troubled.add(os.path.dirname(path))
            return
        self.seen_files.add(key)
        if self.progress is not None and len(self.seen_files) % 2000 == 0:
            self.progress(len(self.seen_files))
        info = FileInfo.of(path, st)
        if self.known.get(path) == info.stamp:
            self.files.append(info)
            return
        if not explicit:
            if self.known_ignored.get(path) == info.stamp:
                self.ignored.append(info)
            else:
                # A candidate: the parser reads it anyway, so opening it here too would
                # double the cost of a cold start. The loader ignores non-pages it finds.
                self.files.append(info)
            return
        try:
            head = _head(path)
        except OSError as exc:
            self.problems.append(Problem(path, f"cannot read: {reason(exc)}"))
            return
        known_other = not_a_source(head)  # a file given by name that is something else of Spack's
        if known_other is None and looks_like_a_source(head):  # a page, a Spack index...
            self.files.append(info)
        else:
            why = known_other or (EMPTY_FILE if st.st_size == 0 else NO_FRONT_MATTER)
            self.problems.append(Problem(path, why))
            self.problem_files.append((info, why))

    def list_trusted(self, directory: str) -> tuple[list[str], list[tuple[str, os.stat_result]]] | None:
        """Last time's entries of an unchanged directory, stat'ed; None if any is out of place."""
        subdirs, known_files = self.children.get(directory, ([], []))
        found = []
        for path in sorted(known_files):
            try:
                fst = os.stat(path)
            except OSError:
                return None  # gone or unreadable although the directory did not change: list it
            if not stat.S_ISREG(fst.st_mode):
                return None
            found.append((path, fst))
        return sorted(subdirs), found

    def list_directory(self, directory: str) -> tuple[list[str], list[tuple[str, os.stat_result]]] | None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.trouble(directory, f"cannot read directory: {reason(exc)}")
            return None
        subdirs, found = [], []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                est = entry.stat()  # follows symlinks
            except OSError as exc:
                self.trouble(entry.path, f"cannot read: {reason(exc)}")
                continue
            if stat.S_ISDIR(est.st_mode):
                subdirs.append(entry.path)
            elif stat.S_ISREG(est.st_mode):
                found.append((entry.path, est))
        return subdirs, found

    def walk(self, root: str) -> None:
        stack = [root]
        while stack:
            directory = stack.pop()
            try:
                st = os.stat(directory)
            except OSError as exc:
                self.trouble(directory, f"cannot read directory: {reason(exc)}")
                continue
            key = (st.st_dev, st.st_ino)
            own = key == self.exclude_key  # our snapshot directory: never read our own files as pages
            if own and directory != root:
                continue
            if key in self.seen_dirs:
                self.troubled.add(os.path.dirname(directory))
                if os.path.islink(directory):
                    self.problems.append(Problem(directory, "symlink loop or repeated directory; skipped"))
                continue
            self.seen_dirs.add(key)
            self.scanned.append((directory, st))
            listing = None
            if self.known_dirs.get(directory) == (st.st_mtime_ns, st.st_ctime_ns, st.st_ino):
                listing = self.list_trusted(directory)
            if listing is None:
                listing = self.list_directory(directory)
                if listing is not None:
                    listing = index_of_mirror(directory, *listing) or listing
            if listing is None:
                continue
            subdirs, found = listing
            if own:
                found = [(p, f) for p, f in found if not _is_snapshot_name(os.path.basename(p))]
            for path, fst in found:
                self.consider(path, fst, explicit=False)
            stack.extend(reversed(subdirs))


def index_of_mirror(
    directory: str, subdirs: list[str], found: list[tuple[str, os.stat_result]]
) -> tuple[list[str], list[tuple[str, os.stat_result]]] | None:
    """For a Spack mirror root or index cache, only the file that names its index, and no descent.

    A mirror's ``build_cache`` or ``blobs`` may hold thousands of tarballs;
    they are not pages, and the index says everything about them.
    """
    names = {os.path.basename(d) for d in subdirs} | {os.path.basename(p) for p, _ in found}
    for relative in ROOT_FILES:  # the formats' index files, in their order of preference
        if relative.split(os.sep, 1)[0] not in names:
            continue
        path = os.path.join(directory, relative)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and root_file_ok(path):
            return [], [(path, st)]
    return None


def _is_snapshot_name(name: str) -> bool:
    return name.startswith("catalog-") and name.endswith((".snap", ".fresh"))


def _dir_key(path: str | None) -> tuple[int, int] | None:
    """(device, inode) of a directory, so it is recognised under any name (symlinks, '..')."""
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
