"""A user's concrete specs: a Spack environment's ``spack.lock``, a spec file, or a Spack database.

Invariants: every node is read by the same helpers as a build-cache index's records (``spack_index.layout``),
so a lock's spec and the binary Spack pushed from it have equal fields; externals are marked and carry
where they are; a file that is none of the three, or a lock file older than version 4, raises
``ConcreteReadError`` with one line saying why. The formats and where real files come from:
``docs/check.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import msgspec

from ...files import open_regular, reason
from ..spack.records import compiler_name, external_text
from .spack_index.layout import IndexReadError, edges, gc_paused, is_install_tree, node_of, read_database, records

LOCK_VERSIONS = (4, 5, 6)  # lockfile versions this reader was written against (newer ones are read as 6)
MAX_FILE = 2 << 30  # larger than any lock or install tree's database


class ConcreteReadError(ValueError):
    """A file that is not a set of concrete specs this reader knows; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class ConcreteSpec:
    """One concrete spec of the user's file, with the fields a binary of the catalog is compared on."""

    hash: str
    name: str
    version: str
    compiler: str  # "name@version", or "none"
    platform: str
    os: str
    target: str
    variants: tuple[str, ...]
    dependencies: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, hash, deptypes) of each edge
    root: bool
    external: str  # where an external is ("" for a spec Spack installs)

    @property
    def is_external(self) -> bool:
        return bool(self.external)

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name

    def dependency_hashes(self) -> dict[str, str]:
        """Each dependency's hash by name (a compiler the spec is built with counts as its compiler, not here)."""
        return {name: digest for name, digest, _ in self.dependencies if name != compiler_name(self.compiler)}


@dataclass
class Environment:
    """The concrete specs of one file: roots first (in the file's order), then the others by name."""

    path: str
    kind: str  # "spack.lock v6", "spec file", "install-tree database", "build-cache index"
    specs: list[ConcreteSpec]
    notes: list[str]

    def by_hash(self) -> dict[str, ConcreteSpec]:
        return {spec.hash: spec for spec in self.specs}

    @property
    def roots(self) -> list[ConcreteSpec]:
        return [spec for spec in self.specs if spec.root]


def read_concrete(path: str) -> Environment:
    """The concrete specs of ``path`` (see the module's invariants)."""
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_FILE + 1)
    except OSError as exc:
        raise ConcreteReadError(f"{path}: {reason(exc)}") from None
    if len(data) > MAX_FILE:
        raise ConcreteReadError(f"{path}: larger than 2 GiB")
    try:
        with gc_paused():
            doc = msgspec.json.decode(data)
    except (msgspec.DecodeError, ValueError):
        doc = None
    if not isinstance(doc, dict):
        raise ConcreteReadError(f"{path}: not JSON; expected a spack.lock, a spec file (spec.json) or a Spack database")
    if "concrete_specs" in doc or _file_type(doc) == "spack-lockfile":
        return _lock(path, doc)
    if "database" in doc:
        return _database(path, data)
    spec = doc.get("spec")
    if isinstance(spec, dict) and isinstance(spec.get("nodes"), list):
        return _spec_file(path, spec["nodes"])
    raise ConcreteReadError(f"{path}: not a spack.lock, a spec file (spec.json) or a Spack database")


def _file_type(doc: dict[str, Any]) -> str:
    meta = doc.get("_meta")
    return str(meta.get("file-type", "")) if isinstance(meta, dict) else ""


def _lock(path: str, doc: dict[str, Any]) -> Environment:
    meta = doc.get("_meta")
    version = meta.get("lockfile-version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise ConcreteReadError(f"{path}: a lock file without a lockfile-version")
    if version < LOCK_VERSIONS[0]:
        raise ConcreteReadError(
            f"{path}: lockfile version {version} (Spack before 0.19) is not read; "
            "'spack concretize' with a newer Spack writes version 4 or later"
        )
    nodes, roots = doc.get("concrete_specs"), doc.get("roots")
    if not isinstance(nodes, dict) or not isinstance(roots, list):
        raise ConcreteReadError(f"{path}: a lock file without concrete_specs and roots")
    notes = []
    if version > LOCK_VERSIONS[-1]:
        notes.append(f"lockfile version {version} is newer than this reader knows ({LOCK_VERSIONS[-1]}); read as it")
    root_hashes = [str(r.get("hash", "")) for r in roots if isinstance(r, dict)]
    installs = {str(digest): {"spec": node} for digest, node in nodes.items()}
    return _environment(path, f"spack.lock v{version}", installs, root_hashes, notes)


def _spec_file(path: str, nodes: list[Any]) -> Environment:
    installs: dict[str, Any] = {}
    for node in nodes:
        if isinstance(node, dict):
            digest = node.get("hash") or node.get("full_hash") or node.get("build_hash") or ""
            installs[str(digest)] = {"spec": node}
    if not installs:
        raise ConcreteReadError(f"{path}: a spec file with no nodes")
    return _environment(path, "spec file", installs, [next(iter(installs))], [])


def _database(path: str, data: bytes) -> Environment:
    try:
        _, installs = read_database(data)
    except IndexReadError as exc:
        raise ConcreteReadError(f"{path}: {exc}") from None
    if is_install_tree(installs.values()):
        roots = [str(h) for h, r in installs.items() if isinstance(r, dict) and r.get("explicit") is True]
        return _environment(path, "install-tree database", installs, roots, [])
    return _environment(path, "build-cache index", installs, None, [])


def _environment(
    path: str, kind: str, installs: dict[str, Any], root_hashes: list[str] | None, notes: list[str]
) -> Environment:
    found, skipped = records(installs)
    notes.extend(skipped)
    if not found:
        raise ConcreteReadError(f"{path}: no concrete spec could be read ({'; '.join(skipped[:1]) or 'empty'})")
    roots = set(root_hashes) if root_hashes is not None else {r.hash for r in found if r.root}
    read = {r.hash for r in found}
    missing = [h for h in root_hashes or () if h not in read]
    if missing:
        notes.append(f"{len(missing)} root(s) not among the concrete specs: {', '.join(h[:7] for h in missing[:5])}")
    specs = []
    for record in found:
        _, node = node_of(installs[record.hash])
        specs.append(
            ConcreteSpec(
                hash=record.hash,
                name=record.name,
                version=record.version,
                compiler=record.compiler or "none",
                platform=record.platform,
                os=record.os,
                target=record.target,
                variants=record.variants,
                dependencies=tuple((name, digest, tuple(types)) for name, digest, types, _ in edges(node)),
                root=record.hash in roots,
                external=external_text(node.get("external")),  # "" for a spec Spack installs
            )
        )
    order = {digest: i for i, digest in enumerate(root_hashes or ())}
    specs.sort(key=lambda s: (not s.root, order.get(s.hash, 0), s.name, s.version, s.hash))
    return Environment(os.path.abspath(path), kind, specs, notes)
