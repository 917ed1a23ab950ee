"""The catalog's data model: immutable records handed to callers.

Specs are stored column-wise in a ``SpecStore``; ``Spec`` objects are built on
demand for the rows a caller asks for, so millions of specs cost tens of
bytes each rather than a Python object each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

HASH_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz234567")
HASH_LENGTH = 32


@dataclass(frozen=True, slots=True)
class Problem:
    """A page (or snapshot) that could not be read fully, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Page(NamedTuple):
    """One (tag, package) page and the rows of its specs in the store.

    A NamedTuple, not a dataclass: a catalog holds ~100k of them and builds
    them on every start, where tuple construction is several times cheaper.
    """

    id: int
    tag: str
    package: str
    source: str
    format: str  # "current", "mid", "hybrid", "legacy-index", "legacy-specs"
    start: int  # first spec row
    stop: int  # one past the last spec row
    declared_specs: int | None = None  # meta.num_specs, when the page has one

    @property
    def num_specs(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True, slots=True)
class DependencyRef:
    """A dependency of a spec from a Spack index; name and version are empty when the index lacks its record."""

    hash: str
    name: str
    version: str
    binary: bool  # its binary is in the same cache
    external: str = ""  # an external of the index: where it is (see ``external_text``)

    @property
    def label(self) -> str:
        return name_at(self.name, self.version) or "?"

    @property
    def reference(self) -> str:
        """``zlib@1.3 /abc1234``, or ``zlib@1.3`` for a dependency a page's spec string names without a hash."""
        return f"{self.label} /{self.hash[:7]}" if self.hash else self.label

    @property
    def note(self) -> str:
        """What a reader should know beside the reference ("" for a binary in the same cache)."""
        if not self.hash:
            return "(named by the page's spec string; no hash)"
        if self.external:
            return f"(external: {self.external})"
        return "" if self.binary else "(no binary in this cache)"

    def to_dict(self) -> dict[str, object]:
        """``binary`` is null when unknown: a spec string names a dependency without its hash."""
        return {
            "name": self.name or None,
            "version": self.version or None,
            "hash": self.hash or None,
            "binary": self.binary if self.hash else None,
            "external": self.external or None,
        }


@dataclass(frozen=True, slots=True)
class Spec:
    """One binary in one tag. ``hash`` is None for legacy pages, which have none."""

    row: int
    hash: str | None
    package: str
    tag: str
    version: str
    compiler: str
    platform: str
    os: str
    target: str
    variants: tuple[str, ...]
    stacks: tuple[str, ...]
    size: int | None
    tarball: str | None
    source: str = field(default="", compare=False)
    root: bool | None = field(default=None, compare=False)  # None: a page's spec (pages do not say)
    dependencies: tuple[DependencyRef, ...] | None = field(default=None, compare=False)  # None: a page's spec
    kind: str = field(default="binary", compare=False)  # "binary" (in a build cache) or "installed" (install tree)

    @property
    def short_hash(self) -> str:
        return self.hash[:7] if self.hash else ""

    @property
    def arch(self) -> str:
        return f"{self.platform}-{self.os}-{self.target}"

    @property
    def compiler_name(self) -> str:
        return compiler_name(self.compiler)

    def spack_string(self) -> str:
        """``pkg@version %compiler variants arch=platform-os-target``, as Spack prints it.

        A legacy page's spec also ends with the ``^name@version`` its spec string
        named: two such binaries may differ only there (an index's dependencies
        carry hashes and are listed apart).
        """
        parts = [name_at(self.package, self.version)]
        if self.compiler and self.compiler != "none":
            parts.append(f"%{self.compiler}")
        parts.extend(self.variants)
        parts.append(f"arch={self.arch}")
        parts.extend(f"^{dep.label}" for dep in self.dependencies or () if not dep.hash)
        return " ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The CLI's ``--json`` object: exact strings, nothing escaped but by JSON."""
        return {
            "tag": self.tag,
            "package": self.package,
            "hash": self.hash,
            "version": self.version,
            "compiler": self.compiler,
            "platform": self.platform,
            "os": self.os,
            "target": self.target,
            "variants": list(self.variants),
            "stacks": list(self.stacks),
            "size": self.size,
            "tarball": self.tarball,
            "source": self.source,
            "root": self.root,
            "dependencies": None if self.dependencies is None else [d.to_dict() for d in self.dependencies],
            "kind": self.kind,
        }


def compiler_name(compiler: str) -> str:
    """``gcc@=11.4.0`` -> ``gcc``."""
    return compiler.partition("@")[0]


def compiler_version(compiler: str) -> str:
    """``gcc@=11.4.0`` -> ``11.4.0``; ``none`` -> ``""``."""
    return compiler.partition("@")[2].lstrip("=")


def is_valid_hash(value: str) -> bool:
    return len(value) == HASH_LENGTH and set(value) <= HASH_ALPHABET


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


EXTERNAL_MARK = "\texternal "  # in a dependency's label: what follows is where the external is


def dependency_label(name: str, version: str, external: str = "") -> str:
    """``cmake@3.27.0``, or ``cmake@3.27.0<tab>external /usr`` for an external (tabs in its text become spaces)."""
    label = name_at(name, version)
    return label + EXTERNAL_MARK + external.replace("\t", " ") if external else label


def split_dependency_label(label: str) -> tuple[str, str, str]:
    """(name, version, external) of a dependency's label (see ``dependency_label``)."""
    head, _, external = label.partition(EXTERNAL_MARK)
    name, _, version = head.partition("@")
    return name, version, external


def external_text(value: object) -> str:
    """Where an index's external is, from its node's ``external``: ``/usr``, ``/usr (module gcc/12)``;
    ``external`` when it says no more (old indexes: ``true``); "" when the node is no external."""
    if not value:
        return ""
    if not isinstance(value, dict):
        return "external"
    path = value.get("path")
    module = value.get("module")
    text = path if isinstance(path, str) and path else "external"
    if isinstance(module, list):
        module = " ".join(m for m in module if isinstance(m, str))
    return f"{text} (module {module})" if isinstance(module, str) and module else text


def name_at(name: str, version: str) -> str:
    """``gcc@13.2.0``, or the name alone without a version: how a compiler or a dependency is labelled."""
    return f"{name}@{version}" if version else name
