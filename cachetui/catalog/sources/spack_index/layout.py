"""Spack's own build-cache indexes: the Database JSON (DB 5 to 9) and where mirrors keep it.

A mirror's build cache has one index listing every spec in the cache (each
pushed spec and its dependencies), keyed by DAG hash; Spack keeps a copy of
every mirror's index it has used. The formats, with their sources, are
described in the project's index format note; in short:

* layouts: ``build_cache/index.json`` (+ ``index.json.hash``, sha256 of it) up
  to Spack 0.23; ``v3/manifests/index/index.manifest.json`` naming a blob
  ``blobs/sha256/<2>/<checksum>`` from Spack 1.0 (the newest DB media type we
  read is taken); Spack's cache ``indices/contents.json`` naming cached files;
* nodes: a one-key dict ``{name: node}`` (DB 5) or a dict with ``name``;
* dependencies: a dict (DB 5), a list with ``type`` (DB 6) or with
  ``parameters`` (DB 7+);
* compilers: a ``compiler`` attribute (DB <= 7) or, from Spack 1.0, the
  dependency whose edge provides ``c``, then ``cxx``, then ``fortran``;
  converted records keep it in ``annotations.compiler`` (``gcc@=10.2.1``);
* targets: a string, or a dict with ``name``.

Only records whose binary is in the cache (``in_buildcache``, not external)
are specs; the others give their names to the dependency lists.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import mmap
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import msgspec

from ....files import open_regular
from ...spack.records import HASH_LENGTH, external_text, is_valid_hash, name_at
from .split import IndexText

FLAG_KEYS = frozenset({"cflags", "cppflags", "cxxflags", "fflags", "ldflags", "ldlibs"})
COMPILER_VIRTUALS = ("c", "cxx", "fortran")
DB_MEDIA = re.compile(r"application/vnd\.spack\.db\.v([0-9]+)\+json\Z")
SUPPORTED_DB = frozenset({"5", "6", "7", "8", "9"})
V3_MANIFEST = os.path.join("v3", "manifests", "index", "index.manifest.json")
V2_INDEX = os.path.join("build_cache", "index.json")
CACHE_CONTENTS = "contents.json"
_KEY_SUFFIX = re.compile(r"__v[0-9]+(?:__.*)?\Z")


class IndexReadError(ValueError):
    """An index that cannot be read; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Dependency:
    hash: str
    name: str  # "" when the index does not hold the dependency's record
    version: str
    binary: bool  # its binary is in this cache
    external: str = ""  # an external: where it is (``external_text``)


@dataclass(frozen=True, slots=True)
class IndexRecord:
    hash: str
    name: str
    version: str
    compiler: str | None
    platform: str
    os: str
    target: str
    variants: tuple[str, ...]
    root: bool  # no other record of the index depends on it
    dependencies: tuple[Dependency, ...]
    in_buildcache: bool
    external: bool
    installed: bool = False  # an install tree's database: installed in its prefix
    explicit: bool = False  # an install tree's database: installed on request (a root)

    @property
    def is_binary(self) -> bool:
        """A binary one can install from this cache."""
        return self.in_buildcache and not self.external


def read_database(data: bytes | IndexText) -> tuple[str, dict[str, Any]]:
    """(DB version, installs) of a Database JSON; IndexReadError says what is wrong."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise IndexReadError(f"index is gzip data but cannot be decompressed: {exc}") from None
    try:
        with gc_paused():  # millions of small containers: the cyclic GC would run over them again and again
            doc = msgspec.json.decode(data)  # 2.5x json.loads on a 255 MB index
    except (msgspec.DecodeError, ValueError) as exc:
        raise IndexReadError(f"index is not valid JSON: {exc}") from None
    database = doc.get("database") if isinstance(doc, dict) else None
    if not isinstance(database, dict) or not isinstance(database.get("installs"), dict):
        raise IndexReadError("not a Spack database (no database.installs)")
    version = str(database.get("version", ""))
    if version not in SUPPORTED_DB:
        raise IndexReadError(f"database version {version or '?'} is not one of {', '.join(sorted(SUPPORTED_DB))}")
    return version, database["installs"]


def node_of(record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(name, node) of a record, in either shape (DB 5's ``{name: node}``, or a node with ``name``)."""
    spec = record.get("spec")
    if not isinstance(spec, dict):
        raise ValueError("no spec")
    if "name" in spec:
        return str(spec["name"]), spec
    if len(spec) == 1:  # DB 5: {"<name>": {...}}
        name, node = next(iter(spec.items()))
        if isinstance(node, dict):
            return str(name), node
    raise ValueError("spec has no name")


def as_list(value: object) -> list[Any]:
    """A list field of an edge (deptypes, virtuals) as a list: a string is taken as its characters, as
    ``list()`` takes it; anything else that is not a list (a number, a mapping, null) as empty."""
    return list(value) if isinstance(value, (list, str)) else []


def edges(node: dict[str, Any]) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """(name, hash, deptypes, virtuals) of each dependency edge, in any DB version's shape."""
    deps = node.get("dependencies")
    if isinstance(deps, dict):  # DB 5
        for name, dep in deps.items():
            if isinstance(dep, dict):
                digest = dep.get("hash") or dep.get("full_hash") or dep.get("build_hash") or ""
                yield str(name), str(digest), as_list(dep.get("type")), []
    elif isinstance(deps, list):
        for dep in deps:
            if not isinstance(dep, dict):
                continue
            digest = dep.get("hash") or dep.get("full_hash") or dep.get("build_hash") or ""
            params = dep.get("parameters")
            if isinstance(params, dict):
                types, virtuals = as_list(params.get("deptypes")), as_list(params.get("virtuals"))
            else:
                types, virtuals = as_list(dep.get("type")), []
            yield str(dep.get("name", "")), str(digest), types, virtuals


def variant_strings(parameters: object) -> tuple[str, ...]:
    """Variants as Spack writes them (``+mpi``, ``~shared``, ``build_type=Release``, ``libs=shared,static``,
    patches as 7-character prefixes), sorted by variant name as the site lists them."""
    if not isinstance(parameters, dict):
        return ()
    found = []
    for name, value in parameters.items():
        if name in FLAG_KEYS:
            continue
        if isinstance(value, bool):
            found.append((name, ("+" if value else "~") + name))
        elif isinstance(value, list):
            values = [str(v)[:7] if name == "patches" else str(v) for v in value]
            found.append((name, f"{name}={','.join(sorted(values) if name != 'patches' else values)}"))
        else:
            found.append((name, f"{name}={value}"))
    return tuple(text for _, text in sorted(found))


def arch_fields(arch: object) -> tuple[str, str, str]:
    """(platform, os, target) of a node's ``arch``; anything but a mapping is no arch. Targets are names or
    (newer) ``{"name": ...}`` mappings. Both readers take this."""
    if not isinstance(arch, dict):
        return "", "", ""
    target = arch.get("target", "")
    target_name = str(target.get("name", "")) if isinstance(target, dict) else str(target)
    return str(arch.get("platform", "")), str(arch.get("platform_os", "")), target_name


def declared_compiler(name: object, version: object, annotations: object) -> str | None:
    """The compiler a record names itself: the DB <= 7 attribute (an exact version's ``=`` dropped), else a
    converted record's ``annotations.compiler``; None when it names none (Spack 1.0: see its edges).
    Both readers take this."""
    if name:
        return name_at(str(name), str(version).lstrip("="))
    converted = annotations.get("compiler") if isinstance(annotations, dict) else None
    return converted.replace("@=", "@") if isinstance(converted, str) else None


def is_install_tree(records: Iterable[Any]) -> bool:
    """The database's records are an install tree's: none in a build cache, some installed (its
    installed, non-external records are then its specs, and its roots the ``explicit`` ones)."""
    records = [r for r in records if isinstance(r, dict)]
    return not any(r.get("in_buildcache") for r in records) and any(r.get("installed") is True for r in records)


def records(installs: dict[str, Any]) -> tuple[list[IndexRecord], list[str]]:
    """Every record of an index, and notes on records that could not be read (skipped)."""
    with gc_paused():
        return _records(installs)


def _records(installs: dict[str, Any]) -> tuple[list[IndexRecord], list[str]]:
    nodes: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}
    notes: list[str] = []
    for digest, record in installs.items():
        if not is_valid_hash(str(digest)):
            shown = str(digest)[:40].encode("unicode_escape").decode("ascii")
            notes.append(f"record '{shown}' is not keyed by a {HASH_LENGTH}-character base32 hash (skipped)")
            continue
        try:
            name, node = node_of(record)
        except (ValueError, AttributeError):
            notes.append(f"record {str(digest)[:7]} has no readable spec")
            continue
        nodes[str(digest)] = (name, node, record)
    edges_of = {digest: list(edges(node)) for digest, (_, node, _) in nodes.items()}
    depended = {dep for edges in edges_of.values() for _, dep, _, _ in edges}
    # What a dependency looks like from its dependents: computed once per record, not once per edge.
    # Available here: its binary is in the build cache, or (an install tree's database) it is installed.
    install_tree = is_install_tree(installs.values())  # as the page reader decides it (spack_index.pages)
    as_dependency = {
        digest: (
            name,
            str(node.get("version", "")),
            bool(record.get("in_buildcache") or (install_tree and record.get("installed") is True))
            and not node.get("external"),
            external_text(node.get("external")),
        )
        for digest, (name, node, record) in nodes.items()
    }
    found = []
    for digest, (name, node, record) in nodes.items():
        platform, os_, target = arch_fields(node.get("arch"))
        node_edges = edges_of[digest]
        dependencies = tuple(
            Dependency(dep_hash, *known)
            if (known := as_dependency.get(dep_hash))
            else Dependency(dep_hash, dep_name, "", False)
            for dep_name, dep_hash, _, _ in node_edges
        )
        ref_count = record.get("ref_count")
        root = ref_count == 0 if isinstance(ref_count, int) else digest not in depended
        found.append(
            IndexRecord(
                hash=digest,
                name=name,
                version=str(node.get("version", "")),
                compiler=_compiler(node, node_edges, nodes),
                platform=platform,
                os=os_,
                target=target,
                variants=variant_strings(node.get("parameters")),
                root=root,
                dependencies=dependencies,
                in_buildcache=bool(record.get("in_buildcache")),
                external=bool(node.get("external")),
                installed=record.get("installed") is True,
                explicit=record.get("explicit") is True,
            )
        )
    return found, notes


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small containers (nothing here is cyclic)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compiler(
    node: dict[str, Any],
    edges: list[tuple[str, str, list[str], list[str]]],
    nodes: dict[str, tuple[str, dict[str, Any], dict[str, Any]]],
) -> str | None:
    compiler = node.get("compiler")
    attribute = compiler if isinstance(compiler, dict) else {}
    declared = declared_compiler(attribute.get("name"), attribute.get("version", ""), node.get("annotations"))
    if declared is not None:
        return declared
    for virtual in COMPILER_VIRTUALS:
        for _, digest, _, virtuals in edges:
            if virtual in virtuals and digest in nodes:
                dep_name, dep_node, _ = nodes[digest]
                version = str(dep_node.get("version", ""))
                return name_at(dep_name, version)
    return None


# --- where an index is ---------------------------------------------------------------------


def looks_like_index_cache(directory: str) -> bool:
    """``contents.json`` here is Spack's index cache table (a mapping of keys to index files)."""
    try:
        with open_regular(os.path.join(directory, CACHE_CONTENTS)) as handle:
            doc = json.loads(handle.read(1 << 20))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and all(isinstance(v, dict) and "index_path" in v for v in doc.values())


def mirror_name_of_url(url: str) -> str:
    """A cache key as a tag: ``https://binaries.spack.io/develop__v3`` -> ``binaries.spack.io/develop``,
    ``file:///srv/m`` -> ``/srv/m``; any other scheme (``http``, ``s3``, ``oci``, ``gs``) is kept, so the
    URL can be given back to Spack exactly (``shell.index_mirror_url``)."""
    text = _KEY_SUFFIX.sub("", url).rstrip("/")
    for scheme in ("https://", "file://"):
        if text.startswith(scheme) and len(text) > len(scheme):
            return text[len(scheme) :]
    return text or url


def cache_layout(url: str) -> str:
    """The layout a cache key names (``__v3`` -> ``v3``), or ``""``."""
    found = re.search(r"__(v[0-9]+)(?:__.*)?\Z", url)
    return found.group(1) if found else ""


def read_whole(path: str, limit: int | None = None) -> IndexText:
    """A regular file's bytes (up to ``limit`` and one more, to tell a file over it) in memory the fast
    decoder may cut in place (``indexsplit``), and a forked child in its own copy.

    The file is read, never mapped: a file someone else may cut short (Spack copies a v2 ``index.json``
    over the old in place; ``cp`` rewrites a blob) would kill a reader that mapped it with SIGBUS, while
    a read one gives text the decoder calls truncated. It is read into private anonymous memory, which
    the kernel fills with zeros page by page as the read reaches it (a ``bytearray`` is zeroed whole).
    A FIFO, a device or a directory raises NotRegularFile, without blocking.
    """
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if not size or not hasattr(mmap, "MAP_PRIVATE"):  # an empty file, or Windows: as it comes
            return bytearray(handle.read() if limit is None else handle.read(limit + 1))
        size = size if limit is None else min(size, limit + 1)
        data = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)
        view, got = memoryview(data), 0
        while got < size:
            step = handle.readinto(view[got:])
            if not step:  # the file shrank meanwhile
                break
            got += step
        view.release()
    if got < size:
        return bytearray(data[:got])
    return data


def read_v3_manifest(root: str, manifest: bytes) -> tuple[IndexText, str, BlobCheck]:
    """The index blob a v3 manifest names (newest DB media type we read first), its DB version, and
    its check, not started: the caller must ``wait()`` for it before using what it made of the blob."""
    blob_path, version, checksum, length = v3_blob(root, manifest)
    try:
        blob = read_whole(blob_path, length)  # never more than the manifest declares (and one byte)
    except OSError as exc:
        raise IndexReadError(f"index blob {blob_path}: {exc.strerror or exc}") from None
    return blob, version, BlobCheck(blob, checksum, length)


def v3_blob(root: str, manifest: bytes) -> tuple[str, str, str, int | None]:
    """The blob a v3 manifest names (newest DB media type we read first): its path, DB version,
    sha256 and declared length; IndexReadError if it names none we can read."""
    text = manifest.decode("utf-8", "replace")
    if text.lstrip().startswith("-----BEGIN PGP SIGNED MESSAGE-----"):
        text = _strip_clearsign(text)
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise IndexReadError(f"index manifest is not valid JSON: {exc}") from None
    entries = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise IndexReadError("index manifest lists no data")
    candidates = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        match = DB_MEDIA.match(str(entry.get("mediaType", "")))
        if match and match.group(1) in SUPPORTED_DB:
            candidates.append((int(match.group(1)), entry))
    if not candidates:
        raise IndexReadError("index manifest names no database version this reader knows (5 to 9)")
    candidates.sort(key=lambda item: -item[0])
    version, entry = candidates[0]
    algorithm, checksum = str(entry.get("checksumAlgorithm", "sha256")), str(entry.get("checksum", ""))
    if algorithm != "sha256" or not re.fullmatch(r"[0-9a-f]{64}", checksum):
        raise IndexReadError(f"index manifest names a blob by {algorithm} {checksum[:16]!r}; expected sha256")
    length = entry.get("contentLength")
    blob_path = os.path.join(root, "blobs", "sha256", checksum[:2], checksum)
    return blob_path, str(version), checksum, length if isinstance(length, int) else None


class BlobCheck:
    """A v3 index blob checked against its manifest (sha256, then length) in a thread of its own.

    hashlib releases the interpreter lock on large buffers, so the check of a large blob
    runs on another core while the blob is decoded. ``start(commas)`` starts it: the decoder cuts the
    text in place at those positions (``indexsplit``), so the check reads each of them as the comma it
    was, never the byte there now. A thread must not run while a child is forked: the decoder starts
    it after the fork. ``wait()`` starts it if nobody has, joins it, and raises ``IndexReadError`` if the
    blob is not the one the manifest names; it may be called more than once.
    """

    def __init__(self, blob: IndexText, checksum: str, length: int | None) -> None:
        self._blob, self._checksum, self._length, self._size = blob, checksum, length, len(blob)
        self._digest = ""
        self._thread: threading.Thread | None = None

    def start(self, commas: Sequence[int] = ()) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, args=(sorted(commas),), name="cachetui-blob-check", daemon=True
            )
            self._thread.start()

    def _run(self, commas: list[int]) -> None:
        digest, view, at = hashlib.sha256(), memoryview(self._blob), 0
        for comma in commas:
            digest.update(view[at:comma])
            digest.update(b",")
            at = comma + 1
        digest.update(view[at:])
        self._digest = digest.hexdigest()

    def wait(self) -> None:
        self.start()
        assert self._thread is not None
        self._thread.join()
        short = self._checksum[:12]
        if self._digest != self._checksum:
            raise IndexReadError(f"index blob {short}… does not match its sha256 (damaged or partial download)")
        if self._length is not None and self._length != self._size:
            raise IndexReadError(f"index blob {short}… has {self._size} bytes, the manifest says {self._length}")


def _strip_clearsign(text: str) -> str:
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text
    return body.split("-----BEGIN PGP SIGNATURE-----", 1)[0]


def check_v2_hash(index_path: str, data: bytes | IndexText) -> str | None:
    """A note if ``index.json.hash`` exists and does not match (Spack >= 1.0 ignores that for v2, as we do)."""
    try:
        with open_regular(index_path + ".hash") as handle:
            recorded = handle.read(64).decode("ascii", "replace").strip()
    except OSError:
        return None
    if re.fullmatch(r"[0-9a-f]{64}", recorded) and recorded != hashlib.sha256(data).hexdigest():
        return "index.json.hash does not match index.json (an index being updated?); read anyway"
    return None
