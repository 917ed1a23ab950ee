"""Across tags: what changed between two tags, and a package's history.

Both are vectorised over the column store. A spec is identified by its hash;
specs of legacy pages have none, so they are identified by everything a spec
string holds (package, version, compiler, variants, platform, OS, target):
two identical legacy spec strings are the same binary as far as anyone can tell.
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass, field

import numpy as np

from .catalog import Catalog
from .query.language import SpecQuery
from .spack.tags import is_release, is_snapshot, time_key
from .spack.versions import version_key

LATEST_RELEASE = "latest-release"
LATEST_SNAPSHOT = "latest-snapshot"
TAG_KEYWORDS = (LATEST_RELEASE, LATEST_SNAPSHOT)


class UnknownTagError(ValueError):
    """A tag that names no tag of the catalog, or several; the message names the close ones."""


def resolve_tag(catalog: Catalog, wanted: str) -> str:
    """A tag name, a glob matching exactly one tag, or ``latest-release`` / ``latest-snapshot``."""
    tags = catalog.tags  # site order: develop, releases newest first, snapshots newest first
    if wanted in tags:
        return wanted
    if wanted in (LATEST_RELEASE, LATEST_SNAPSHOT):
        test = is_release if wanted == LATEST_RELEASE else is_snapshot
        found = [t for t in tags if test(t)]
        if not found:
            raise UnknownTagError(f"no {'release' if test is is_release else 'snapshot'} tag in this catalog")
        return found[0]
    if any(c in wanted for c in "*?["):
        matches = [t for t in tags if fnmatch.fnmatchcase(t, wanted)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            shown = ", ".join(matches[:5]) + (f" and {len(matches) - 5} more" if len(matches) > 5 else "")
            raise UnknownTagError(f"'{wanted}' matches {len(matches)} tags ({shown}); name one")
    close = difflib.get_close_matches(wanted, tags, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else f" (or {LATEST_RELEASE}, {LATEST_SNAPSHOT})"
    raise UnknownTagError(f"no tag '{wanted}' in this catalog{hint}")


def spec_keys(catalog: Catalog, rows: np.ndarray) -> np.ndarray:
    """One comparable key per row: ``h`` + the hash, or ``s`` + the spec-string ids for a spec without one."""
    store = catalog.store
    hashes = store.hashes[rows]
    keys = np.empty(len(rows), dtype="S33")
    raw = keys.view(np.uint8).reshape(len(rows), 33)
    raw[:, 0] = ord("h")
    raw[:, 1:] = hashes.view(np.uint8).reshape(len(rows), 32)
    hashless = ~hashes.view(np.uint8).reshape(len(rows), 32).any(axis=1)
    if hashless.any():
        picked = rows[hashless]
        ids = np.stack(
            [catalog.page_package[store.page[picked]].astype(np.uint32)]
            + [
                store.columns[name][picked].astype(np.uint32)
                for name in ("version", "compiler", "variants", "platform", "os", "target")
            ],
            axis=1,
        )
        fill = np.zeros((len(picked), 33), dtype=np.uint8)
        fill[:, 0] = ord("s")
        fill[:, 1:29] = np.ascontiguousarray(ids).view(np.uint8).reshape(len(picked), 28)
        raw[hashless] = fill
    return keys


def tag_rows(catalog: Catalog, tag: str, query: SpecQuery | None = None) -> np.ndarray:
    """Rows of one tag, narrowed by ``query`` (ascending)."""
    if query is None or query.is_empty:
        return catalog.rows_of(tag=tag)
    rows = catalog.query(query).rows
    rank = catalog.tag_rank(tag)
    keep: np.ndarray = rows[catalog.page_tag[catalog.store.page[rows]] == rank]
    return keep


@dataclass
class PackageChange:
    package: str
    added: int = 0  # specs
    removed: int = 0
    versions_added: list[str] = field(default_factory=list)  # newest first
    versions_dropped: list[str] = field(default_factory=list)
    new: bool = False  # no spec in A
    gone: bool = False  # no spec in B


@dataclass
class TagDiff:
    """Specs in B and not in A (added), in A and not in B (removed)."""

    tag_a: str
    tag_b: str
    added: np.ndarray  # rows of B
    removed: np.ndarray  # rows of A
    packages: list[PackageChange]  # packages with a change, by name

    @property
    def packages_new(self) -> int:
        return sum(p.new for p in self.packages)

    @property
    def packages_gone(self) -> int:
        return sum(p.gone for p in self.packages)

    @property
    def unchanged(self) -> bool:
        return not len(self.added) and not len(self.removed)

    def summary(self) -> str:
        """``+1,234 added, -567 removed, 12 packages new, 3 gone``."""
        return (
            f"+{len(self.added):,} added, -{len(self.removed):,} removed, "
            f"{self.packages_new:,} package{'s' if self.packages_new != 1 else ''} new, {self.packages_gone:,} gone"
        )


def diff_tags(catalog: Catalog, tag_a: str, tag_b: str, query: SpecQuery | None = None) -> TagDiff:
    """What changed from ``tag_a`` to ``tag_b`` (both narrowed by ``query``)."""
    rows_a, rows_b = tag_rows(catalog, tag_a, query), tag_rows(catalog, tag_b, query)
    keys_a, keys_b = spec_keys(catalog, rows_a), spec_keys(catalog, rows_b)
    added = rows_b[~np.isin(keys_b, keys_a)]
    removed = rows_a[~np.isin(keys_a, keys_b)]
    return TagDiff(tag_a, tag_b, added, removed, _package_changes(catalog, rows_a, rows_b, added, removed))


def _package_changes(
    catalog: Catalog, rows_a: np.ndarray, rows_b: np.ndarray, added: np.ndarray, removed: np.ndarray
) -> list[PackageChange]:
    store = catalog.store
    package_of = catalog.page_package[store.page]
    versions = store.tables["version"].items

    def version_sets(rows: np.ndarray) -> dict[int, set[int]]:
        pairs = np.unique(np.stack([package_of[rows], store.columns["version"][rows]], axis=1), axis=0)
        found: dict[int, set[int]] = {}
        for package, version in pairs.tolist():
            found.setdefault(package, set()).add(version)
        return found

    in_a, in_b = version_sets(rows_a), version_sets(rows_b)
    n = len(catalog.packages)
    count_added = np.bincount(package_of[added], minlength=n)
    count_removed = np.bincount(package_of[removed], minlength=n)
    changes = []
    for package in np.flatnonzero(count_added + count_removed).tolist():
        before, after = in_a.get(package, set()), in_b.get(package, set())

        def newest_first(ids: set[int]) -> list[str]:
            return sorted((versions[i] for i in ids), key=version_key, reverse=True)

        changes.append(
            PackageChange(
                package=catalog.packages[package],
                added=int(count_added[package]),
                removed=int(count_removed[package]),
                versions_added=newest_first(after - before),
                versions_dropped=newest_first(before - after),
                new=not before,
                gone=not after,
            )
        )
    return changes


# --- history -----------------------------------------------------------------------------------


@dataclass
class VersionHistory:
    version: str
    tags: dict[str, int]  # tag -> spec count, newest first by when the tag was made (``time_key``)

    @property
    def last(self) -> str:
        """The newest tag it is in (by date: a v0.20.3 from 2023 is older than develop-2024-01-21)."""
        return next(iter(self.tags))

    @property
    def first(self) -> str:
        """The oldest tag it is in, by date."""
        return list(self.tags)[-1]

    def to_dict(self) -> dict[str, object]:
        return {"version": self.version, "tags": dict(self.tags), "first": self.first, "last": self.last}


@dataclass
class PackageHistory:
    package: str
    versions: list[VersionHistory]  # newest version first
    tag_counts: dict[str, int]  # every tag of the package -> spec count, site order

    def snapshot_counts(self, catalog: Catalog) -> list[tuple[str, int]]:
        """(snapshot tag, spec count) for every weekly snapshot of the catalog, oldest first (0 where absent)."""
        snapshots = [t for t in catalog.tags if is_snapshot(t)]
        return [(t, self.tag_counts.get(t, 0)) for t in reversed(snapshots)]

    def to_dict(self) -> dict[str, object]:
        return {"package": self.package, "versions": [v.to_dict() for v in self.versions]}


def package_history(catalog: Catalog, package: str, query: SpecQuery | None = None) -> PackageHistory:
    """Per version of ``package``, the tags it appears in and how many specs each has."""
    rows = catalog.rows_of(package=package)
    if query is not None and not query.is_empty:
        rows = np.intersect1d(rows, catalog.query(query).rows, assume_unique=True)
    store = catalog.store
    tag_ids = catalog.page_tag[store.page[rows]].astype(np.int64)
    version_ids = store.columns["version"][rows].astype(np.int64)
    ntags = len(catalog.tags) + 1
    pairs, counts = np.unique(version_ids * ntags + tag_ids, return_counts=True)
    by_version: dict[int, dict[int, int]] = {}
    for key, count in zip(pairs.tolist(), counts.tolist()):
        version, tag = divmod(key, ntags)
        by_version.setdefault(version, {})[tag] = count
    names = store.tables["version"].items
    versions = [
        VersionHistory(
            names[v],
            dict(sorted(((catalog.tags[t], c) for t, c in tags.items()), key=lambda tc: time_key(tc[0]), reverse=True)),
        )
        for v, tags in by_version.items()
    ]
    versions.sort(key=lambda h: version_key(h.version), reverse=True)
    per_tag = np.bincount(tag_ids, minlength=ntags)
    tag_counts = {catalog.tags[t]: int(per_tag[t]) for t in np.flatnonzero(per_tag).tolist()}
    return PackageHistory(package, versions, tag_counts)
