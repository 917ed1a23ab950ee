"""A user's concrete specs against the catalog: which are binaries here, and for the others the nearest ones.

Invariants: a spec is cached when a binary (not an install tree's spec) of its exact hash is in some
source; externals are never missing; nearest binaries are of the same package, at most ``limit``, one
per hash (its newest tag), fewest differing fields first, and each names every field that differs
among version, compiler, platform, os, target, variants and dependencies (the last only when both
sides know their dependencies). How the ranking works: ``docs/check.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from .catalog import Catalog
from .sources.concrete import ConcreteSpec, Environment
from .sources.spack_index.pages import is_install_tree_format
from .spack.microarch import Host, why_not
from .spack.records import Spec, compiler_name, split_dependency_label
from .store.spec_store import ROOT_UNKNOWN

SCALAR_FIELDS = ("version", "compiler", "platform", "os", "target")
FIELDS = (*SCALAR_FIELDS, "variants", "dependencies")  # the order differences are listed in
NEAREST = 3
_WIDEN = 64  # after the best are found, binaries tied with the worst of them that are still compared


@dataclass(frozen=True)
class Nearest:
    """A binary of the same package that is not the spec, and what differs (``FIELD: (mine, theirs)``)."""

    spec: Spec
    differs: dict[str, tuple[object, object]]
    dependencies_known: bool = True  # False for a page's spec: its dependencies were not compared

    @property
    def distance(self) -> int:
        return len(self.differs)

    def to_dict(self) -> dict[str, object]:
        return {
            "hash": self.spec.hash,
            "tag": self.spec.tag,
            "differs": {k: list(v) for k, v in self.differs.items()},
            "dependencies_known": self.dependencies_known,
        }

    def text(self) -> str:
        """``compiler gcc@12.3.0 -> gcc@13.2.0, variants +mpi -> ~mpi`` (or why nothing is listed)."""
        if not self.differs and not self.dependencies_known:
            return "has the same fields; its dependencies are not listed (a page), so one of them differs"
        if not self.differs:
            return "differs in no field cachetui compares (the package recipe or a patch, perhaps)"
        parts = []
        for name, (mine, theirs) in self.differs.items():
            if name == "dependencies":
                parts.append(_dependencies_text(mine, theirs))
            else:
                parts.append(f"{name} {_shown(mine)} -> {_shown(theirs)}")
        return "differs in " + ", ".join(parts)


def _dependencies_text(mine: object, theirs: object, shown: int = 3) -> str:
    """``dependencies zlib /abc1234 -> /xyz7890, boost (none) -> /azybqfa and 2 more``."""
    ours = dict(str(d).split("/", 1) for d in mine) if isinstance(mine, list) else {}
    others = dict(str(d).split("/", 1) for d in theirs) if isinstance(theirs, list) else {}
    names = sorted(set(ours) | set(others))
    words = [
        f"{n} {'/' + ours[n][:7] if n in ours else '(none)'} -> {'/' + others[n][:7] if n in others else '(none)'}"
        for n in names[:shown]
    ]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return "dependencies " + ", ".join(words) + more


def _shown(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value) or "(none)"
    return str(value) or "(none)"


@dataclass(frozen=True)
class SpecCheck:
    """One concrete spec: where its binary is, whether it runs on the host, and the nearest when missing."""

    spec: ConcreteSpec
    binaries: list[Spec]  # its binaries, newest tag first ([] when not cached)
    needed: bool  # Spack would install it: a root, a link or run dependency of one, or what a source build needs
    runs_here: bool | None  # None without a host
    why_not_here: str | None
    nearest: list[Nearest] = field(default_factory=list)  # only for a spec that is not cached

    @property
    def cached(self) -> bool:
        return bool(self.binaries)

    @property
    def tags(self) -> list[str]:
        return list(dict.fromkeys(b.tag for b in self.binaries))

    @property
    def missing(self) -> bool:
        return not self.cached and not self.spec.is_external

    def to_dict(self) -> dict[str, object]:
        """One line of ``check --json`` (its schema: ``docs/check.md``)."""
        return {
            "hash": self.spec.hash,
            "name": self.spec.name,
            "version": self.spec.version,
            "root": self.spec.root,
            "external": self.spec.external or None,
            "cached": self.cached,
            "tags": self.tags,
            "runs_here": self.runs_here,
            "needed": self.needed,
            "nearest": [n.to_dict() for n in self.nearest] if self.missing else None,
        }


@dataclass
class CheckReport:
    """Every concrete spec of an environment checked, in the environment's order."""

    environment: Environment
    checks: list[SpecCheck]
    host: Host | None

    @property
    def installable(self) -> list[SpecCheck]:
        return [c for c in self.checks if not c.spec.is_external]

    @property
    def missing(self) -> list[SpecCheck]:
        """Specs with no binary, most useful first: what Spack would build, roots first, nearest first."""
        found = [c for c in self.checks if c.missing]
        return sorted(
            found,
            key=lambda c: (
                not c.needed,
                not c.spec.root,
                c.nearest[0].distance if c.nearest else len(FIELDS) + 1,
                c.spec.name,
                c.spec.hash,
            ),
        )

    @property
    def all_cached(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        """``17 of 20 specs cached (3 roots); 3 would build from source`` (+ externals, build-only ones)."""
        specs = self.installable
        cached = sum(c.cached for c in specs)
        roots = sum(c.spec.root for c in specs)
        missing = self.missing
        build = sum(c.needed for c in missing)
        text = f"{cached} of {len(specs)} specs cached ({roots} root{'s' if roots != 1 else ''})"
        text += f"; {build} would build from source" if build or not missing else ""
        if len(missing) > build:
            text += f"; {len(missing) - build} more not cached but only needed to build cached specs"
        externals = len(self.checks) - len(specs)
        if externals:
            text += f"; {externals} external{'s' if externals != 1 else ''}"
        return text


def check_environment(
    catalog: Catalog, environment: Environment, host: Host | None = None, limit: int = NEAREST
) -> CheckReport:
    """Check every spec of ``environment`` against ``catalog`` (see the module's invariants)."""
    binaries = {spec.hash: _binaries(catalog, spec.hash) for spec in environment.specs}
    needed = _needed(environment.specs, {h for h, found in binaries.items() if found})
    finder = _NearestFinder(catalog)
    checks = []
    for spec in environment.specs:
        found = binaries[spec.hash]
        reason = why_not(spec.platform, spec.os, spec.target, host) if host is not None else None
        missing = not found and not spec.is_external
        checks.append(
            SpecCheck(
                spec=spec,
                binaries=found,
                needed=spec.hash in needed,
                runs_here=None if host is None or spec.is_external else reason is None,
                why_not_here=reason,
                nearest=finder.nearest(spec, limit) if missing else [],
            )
        )
    return CheckReport(environment, checks, host)


def _binaries(catalog: Catalog, digest: str) -> list[Spec]:
    rows = catalog.hash_index.lookup(digest) if len(digest) == 32 else np.zeros(0, np.int64)
    specs = [s for s in catalog.specs(rows) if s.hash == digest and s.kind == "binary"]
    specs.sort(key=lambda s: catalog.tag_rank(s.tag))
    return specs


def _needed(specs: list[ConcreteSpec], cached: set[str]) -> set[str]:
    """Hashes Spack installs for the roots: link and run dependencies, and the build ones of a source build."""
    by_hash = {s.hash: s for s in specs}
    todo = [s.hash for s in specs if s.root]
    seen: set[str] = set()
    while todo:
        digest = todo.pop()
        spec = by_hash.get(digest)
        if digest in seen or spec is None or spec.is_external:
            continue
        seen.add(digest)
        from_source = digest not in cached
        for _, dep, types in spec.dependencies:
            if not types or "link" in types or "run" in types or (from_source and "build" in types):
                todo.append(dep)
    return seen


class _NearestFinder:
    """Nearest binaries of a package: scalar fields compared column-wise, then dependencies for the best few."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        store = catalog.store
        self.store = store
        self._variants: dict[int, frozenset[str]] = {}
        self._luts: dict[tuple[str, str], np.ndarray] = {}

    def _candidates(self, package: str) -> np.ndarray:
        """Rows of the package's binaries with a hash, one per hash (its newest tag's)."""
        catalog, store = self.catalog, self.store
        rows = catalog.rows_of(package=package)  # newest tag first (page order of the package)
        if not len(rows):
            return rows
        rows = rows[store.hashes[rows] != b""]
        pages, which = np.unique(store.page[rows], return_inverse=True)
        formats = [catalog.pages[page].format for page in pages.tolist()]
        rows = rows[np.array([not is_install_tree_format(f) for f in formats], dtype=bool)[which]]
        _, first = np.unique(store.hashes[rows], return_index=True)
        found: np.ndarray = rows[np.sort(first)]
        return found

    def _equal_lut(self, name: str, value: str) -> np.ndarray:
        """Per interned value of a column: equal to ``value`` (a compiler's ``@=`` is its ``@``)."""
        key = (name, value)
        known = self._luts.get(key)
        if known is not None:
            return known
        lut = self._luts[key] = self._make_lut(name, value)
        return lut

    def _make_lut(self, name: str, value: str) -> np.ndarray:
        items = self.store.tables[name].items
        if name != "compiler":
            lut = np.zeros(len(items), dtype=bool)
            found = self.store.tables[name].index.get(value)
            if found is not None:
                lut[found] = True
            return lut
        wanted = _same_compiler(value)
        return np.array([_same_compiler(str(item)) == wanted for item in items], dtype=bool)

    def _variant_set(self, variants_id: int) -> frozenset[str]:
        found = self._variants.get(variants_id)
        if found is None:
            found = self._variants[variants_id] = frozenset(self.store.tables["variants"].items[variants_id])
        return found

    def nearest(self, spec: ConcreteSpec, limit: int) -> list[Nearest]:
        rows = self._candidates(spec.name)
        rows = rows[self.store.hashes[rows] != spec.hash.encode("ascii", "replace")]
        if not len(rows) or limit <= 0:
            return []
        store = self.store
        scalar = np.zeros(len(rows), np.int64)
        for name in SCALAR_FIELDS:
            scalar += ~self._equal_lut(name, getattr(spec, name))[store.columns[name][rows]]
        mine_variants = frozenset(spec.variants)
        variant_ids = store.columns["variants"][rows]
        variant_count = np.array(
            [len(self._variant_set(int(v)) ^ mine_variants) for v in variant_ids.tolist()], dtype=np.int64
        )
        bound = scalar + (variant_count > 0)
        order = np.lexsort((np.arange(len(rows)), variant_count, bound))
        best: list[tuple[tuple[int, int, int, int, str], int, dict[str, tuple[object, object]]]] = []
        extra = 0
        for i in order.tolist():
            if len(best) >= limit:
                worst = best[limit - 1][0][0]
                if bound[i] > worst or extra >= _WIDEN:
                    break
                extra += 1
            row = int(rows[i])
            differs = self._differs(spec, row)
            deps = differs.get("dependencies", ([], []))
            dep_count = sum(len(side) for side in deps if isinstance(side, list))
            rank = self.catalog.tag_rank(self.catalog.pages[int(store.page[row])].tag)
            key = (len(differs), int(variant_count[i]), dep_count, rank, bytes(store.hashes[row]).decode("ascii"))
            best.append((key, row, differs))
            best.sort(key=lambda item: item[0])
            del best[limit + _WIDEN :]
        return [
            Nearest(self.catalog.spec(row), differs, int(store.root[row]) != ROOT_UNKNOWN)
            for _, row, differs in best[:limit]
        ]

    def _differs(self, spec: ConcreteSpec, row: int) -> dict[str, tuple[object, object]]:
        store = self.store
        theirs = {name: store.value(name, row) for name in SCALAR_FIELDS}
        differs: dict[str, tuple[object, object]] = {}
        for name in SCALAR_FIELDS:  # "the same" as the ranking had it (``_equal_lut``)
            if not self._equal_lut(name, getattr(spec, name))[store.columns[name][row]]:
                differs[name] = (getattr(spec, name), theirs[name])
        their_variants = self._variant_set(int(store.columns["variants"][row]))
        if frozenset(spec.variants) != their_variants:
            differs["variants"] = (
                sorted(set(spec.variants) - their_variants, key=_variant_name),
                sorted(their_variants - set(spec.variants), key=_variant_name),
            )
        if int(store.root[row]) != ROOT_UNKNOWN:  # a page's spec: its dependencies are not known
            mine = spec.dependency_hashes()
            their_compiler = compiler_name(theirs["compiler"])
            others = {}
            for digest, label, _ in store.dependencies_of(row):
                name = split_dependency_label(label)[0]
                if name != their_compiler:
                    others[name] = digest
            names = sorted(n for n in set(mine) | set(others) if mine.get(n) != others.get(n))
            if names:
                differs["dependencies"] = (
                    [f"{n}/{mine[n]}" for n in names if n in mine],
                    [f"{n}/{others[n]}" for n in names if n in others],
                )
        return differs


def _same_compiler(text: str) -> str:
    """A compiler as compared: ``gcc@=11.4.0`` (an exact version, as Spack 0.21+ writes it) is ``gcc@11.4.0``."""
    return text.replace("@=", "@")


def _variant_name(text: str) -> str:
    return text.lstrip("+~").partition("=")[0]


def cached_binaries(report: CheckReport) -> Iterable[Spec]:
    """The newest binary of each cached spec (for an export of what can be installed from caches)."""
    for check in report.checks:
        if check.binaries:
            yield check.binaries[0]
