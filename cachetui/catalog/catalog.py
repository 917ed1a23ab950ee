"""The in-memory catalog: pages, the spec column store, and the indexes over them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from .query.language import QueryError, SpecQuery, parse_query
from .query.packages import EXACT, PREFIX, PackageIndex
from .query.sorting import RowSorter, SortRanks
from .query.summary import Summary, summarize
from .query.terms import FILTERS, matcher
from .sources.spack_index.pages import is_install_tree_format
from .spack.microarch import Host, runs_on, targets
from .spack.records import Page, Problem, Spec, name_at, split_dependency_label
from .spack.specstring import normalize_variant, split_kv
from .spack.tags import sort_tags
from .spack.versions import VersionRange
from .store.hashindex import HashIndex
from .store.pagetable import PageTable
from .store.rows import distinct
from .store.spec_store import SpecStore

RowsLike = np.ndarray | Sequence[int]  # spec row numbers


@dataclass
class LoadReport:
    """How a catalog was loaded (the loader fills it in; the front ends read it). The catalog itself is
    read-only once built."""

    seconds: float = 0.0
    from_snapshot: bool = False  # every page came from the snapshot, unchanged
    snapshot_file: str | None = None  # the snapshot read or written, if any
    snapshot_written: bool = False  # this load wrote (or rewrote) the snapshot
    save_snapshot: Callable[[], None] | None = None  # the snapshot still to write (save_later)
    trusted_by_ttl: bool = False  # the snapshot was used without a scan (within its TTL)
    changed_files: int = 0  # files parsed again or gone since the snapshot
    unreachable: list[str] = field(default_factory=list)  # mirror URLs with no index to answer from, one line each


@dataclass
class DependencyRecord:
    """A record an index names only as a dependency: its hash, ``name@version``, and the rows of its dependents."""

    hash: str
    label: str
    dependents: list[int]

    @property
    def external(self) -> str:
        """Where it is, if the index says it is an external ("" otherwise)."""
        return split_dependency_label(self.label)[2]

    @property
    def name_version(self) -> str:
        name, version, _ = split_dependency_label(self.label)
        return name_at(name, version)

    def to_dict(self, catalog: Catalog) -> dict[str, object]:
        name, version, external = split_dependency_label(self.label)
        specs = catalog.specs(self.dependents)
        return {
            "hash": self.hash,
            "name": name or None,
            "version": version or None,
            "kind": "external" if external else "dependency",
            "external": external or None,
            "binary": False,
            "dependents": [{"hash": s.hash, "package": s.package, "tag": s.tag} for s in specs],
        }


class Catalog:
    """Everything loaded from a set of page sources. Read-only once built."""

    def __init__(
        self,
        pages: PageTable | Iterable[Page],
        store: SpecStore,
        problems: list[Problem] | None = None,
        notices: list[str] | None = None,
        sources: list[str] | None = None,
        hash_index: HashIndex | None = None,
        sort_ranks: SortRanks | None = None,
    ) -> None:
        table = pages if isinstance(pages, PageTable) else PageTable.from_pages(pages)
        self.pages = table  # a Sequence of Page
        self.store = store
        self.problems = list(problems or [])
        self.notices = list(notices or [])  # one-line remarks (e.g. snapshot not writable)
        self.sources = list(sources or [])
        self.tags = sort_tags(table.distinct(table.tag))
        self.packages = sorted(table.distinct(table.package))
        self._tag_rank = {tag: i for i, tag in enumerate(self.tags)}
        self._pkg_id = {name: i for i, name in enumerate(self.packages)}
        n = len(table)
        # Per-page tag rank and package id, mapped from the table's own string ids.
        tag_lut = np.array([self._tag_rank.get(name, 0) for name in table.names], dtype=np.uint32)
        pkg_lut = np.array([self._pkg_id.get(name, 0) for name in table.names], dtype=np.uint32)
        self.page_tag = tag_lut[table.tag] if n else np.zeros(0, np.uint32)
        self.page_package = pkg_lut[table.package] if n else np.zeros(0, np.uint32)
        self.page_start = table.start
        self.page_stop = table.stop
        ids = np.arange(n)
        # Page ids grouped by package (newest tag first) and by tag (by package name).
        self._by_package = _Groups(
            np.lexsort((ids, self.page_tag, self.page_package)), self.page_package, self.packages
        )
        self._by_tag = _Groups(np.lexsort((ids, self.page_package, self.page_tag)), self.page_tag, self.tags)
        self.hash_index = hash_index or HashIndex(store.hashes)
        self._saved_ranks = sort_ranks  # from the snapshot, if it has them
        self.package_index = PackageIndex(self.packages)
        self._lut_cache: dict[tuple[str, Any], np.ndarray] = {}
        self.load_report = LoadReport()  # how it was loaded: the loader fills it in
        self._last_ranking: tuple[str, list[tuple[str, float]]] | None = None
        self._runs_here_all: tuple[Host, np.ndarray] | None = None

    # --- basic access -------------------------------------------------------------

    @property
    def num_specs(self) -> int:
        return len(self.store)

    def page_ids_of_package(self, package: str) -> list[int]:
        """Pages of ``package``, newest tag first."""
        found = self._by_package.get(package)
        return found.tolist() if found is not None else []

    def page_ids_in_tag(self, tag: str) -> list[int]:
        """Pages of ``tag``, by package name."""
        found = self._by_tag.get(tag)
        return found.tolist() if found is not None else []

    def pages_for(self, tag: str, package: str) -> list[Page]:
        return [self.pages[i] for i in self._page_ids_for(tag, package)]

    def _page_ids_for(self, tag: str, package: str) -> list[int]:
        ids = self._by_package.get(package)
        rank = self._tag_rank.get(tag)
        if ids is None or rank is None:
            return []
        found: list[int] = ids[self.page_tag[ids] == rank].tolist()
        return found

    def _selected_page_ids(self, tag: str | None, package: str | None) -> list[int] | None:
        """Pages of a package (in one tag, or all tags) or of a tag; None when neither is given."""
        if tag is not None and package is not None:
            return self._page_ids_for(tag, package)
        if package is not None:
            return self.page_ids_of_package(package)
        if tag is not None:
            return self.page_ids_in_tag(tag)
        return None

    def rows_of(self, tag: str | None = None, package: str | None = None) -> np.ndarray:
        """Spec rows of a package (in one tag, or all tags), or of a whole tag."""
        ids = self._selected_page_ids(tag, package)
        if ids is None:
            return np.arange(self.num_specs, dtype=np.int64)
        if not ids:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.arange(self.page_start[i], self.page_stop[i], dtype=np.int64) for i in ids])

    def spec(self, row: int) -> Spec:
        """The spec of ``row``. A legacy page's dependencies with hashes (from its spec files) say
        whether their binary is in this catalog, found by hash here: the page cannot know. A spec
        of an install tree's database is ``installed``, not a binary."""
        page = self.pages[int(self.store.page[row])]
        spec = self.store.spec(row, page.tag, page.package, page.source)
        if spec.dependencies and page.format.startswith("legacy"):
            deps = tuple(
                replace(dep, binary=bool(len(self.hash_index.lookup(dep.hash)))) if dep.hash else dep
                for dep in spec.dependencies
            )
            spec = replace(spec, dependencies=deps)
        if is_install_tree_format(page.format):
            spec = replace(spec, kind="installed")
        return spec

    def specs(self, rows: RowsLike) -> list[Spec]:
        return [self.spec(int(r)) for r in rows]

    def page_of_row(self, row: int) -> Page:
        return self.pages[int(self.store.page[row])]

    def summary(self, rows: RowsLike) -> Summary:
        return summarize(self.store, np.asarray(rows, dtype=np.int64))

    @cached_property
    def _sorter(self) -> RowSorter:
        saved = self._saved_ranks
        return RowSorter(self, saved if saved is not None and saved.fits(self) else None)

    @property
    def sort_ranks(self) -> SortRanks:
        """The ranks sorting uses (computed on first use unless the snapshot had them): saved with it."""
        return self._sorter.ranks

    def sort_rows(self, rows: RowsLike, column: str | None = None, reverse: bool = False) -> np.ndarray:
        """Rows ordered by a column (see ``SORT_COLUMNS``), then newest tag, package, newest version first."""
        return self._sorter.sort(rows, column, reverse)

    def search_packages(self, text: str, limit: int | None = None) -> list[tuple[str, float]]:
        return self.package_index.search(text, limit)

    def lookup_hash(self, prefix: str) -> list[Spec]:
        """Every occurrence of every spec whose hash starts with ``prefix``, newest tag first."""
        rows = self.hash_index.lookup(prefix)
        specs = self.specs(rows)
        specs.sort(key=lambda s: (s.hash, self._tag_rank[s.tag]))
        return specs

    def dependency_records(self, prefix: str) -> list[DependencyRecord]:
        """Records an index names only as a dependency (an external, or a binary not pushed), by hash prefix.

        For ``show /HASH`` when no spec has the hash: what the specs that depend on it know of it
        (name, version) and which of them do; an index's externals are among these.
        """
        prefix = prefix.lower().lstrip("/")
        deps = self.store.deps
        if not prefix or not len(deps) or len(prefix) > 32:
            return []
        hit = np.flatnonzero(np.char.startswith(deps.hash, prefix.encode("ascii", "replace")) & ~deps.binary)
        labels = self.store.tables["deplabel"].items
        found: dict[str, DependencyRecord] = {}
        for i in hit.tolist():
            digest = bytes(deps.hash[i]).decode("ascii", "replace")
            if not digest or len(self.hash_index.lookup(digest)):
                continue  # no hash (a legacy spec string), or a binary after all (another source has it)
            record = found.setdefault(digest, DependencyRecord(digest, labels[int(deps.label[i])], []))
            record.dependents.append(int(deps.row[i]))
        return sorted(found.values(), key=lambda r: r.hash)

    def tag_rank(self, tag: str) -> int:
        return self._tag_rank.get(tag, len(self.tags))

    def duplicate_problems(self) -> list[Problem]:
        """Two files for the same (tag, package): both are kept, and the user is told.

        Within a group the files are taken in path order, so the same files give
        the same report whatever order they were loaded in.
        """
        if not len(self.pages):
            return []
        keys = self.page_tag.astype(np.int64) * (len(self.packages) + 1) + self.page_package
        counts = np.bincount(keys)
        groups: dict[int, list[int]] = {}
        for page_id in np.flatnonzero(counts[keys] > 1).tolist():
            groups.setdefault(int(keys[page_id]), []).append(page_id)
        problems = []
        for key in sorted(groups):
            pages = sorted((self.pages[i] for i in groups[key]), key=lambda p: p.source)
            first = pages[0]
            for page in pages[1:]:
                problems.append(
                    Problem(
                        page.source,
                        f"same tag and package ({page.tag}/{page.package}) as {first.source}; specs of both are shown",
                    )
                )
        return problems

    def package_counts(self) -> dict[str, int]:
        """Specs per package, over all tags."""
        sizes = (self.page_stop - self.page_start).astype(np.float64)
        counts = np.bincount(self.page_package, weights=sizes, minlength=len(self.packages))
        return {name: int(counts[i]) for i, name in enumerate(self.packages)}

    def tags_of_rows(self, rows: np.ndarray) -> list[tuple[str, int]]:
        """(tag, spec count) of some rows, in site order."""
        counts = np.bincount(self.page_tag[self.store.page[rows]], minlength=len(self.tags))
        return [(tag, int(counts[i])) for i, tag in enumerate(self.tags) if counts[i]]

    def package_count_of_rows(self, rows: np.ndarray) -> int:
        return len(distinct(self.page_package[self.store.page[rows]]))

    def distinct_hashes(self, rows: np.ndarray) -> int:
        return len(distinct(self.store.hashes[rows]))

    def tag_counts(self) -> dict[str, int]:
        sizes = self.page_stop - self.page_start
        return {tag: int(sizes[ids].sum()) for tag, ids in self._by_tag.items()}

    # --- queries ------------------------------------------------------------------

    def query(self, query: SpecQuery | str) -> QueryResult:
        """Specs matching every term of ``query`` (parse errors raise QueryError); each field of the
        query narrows the rows through its term's filter (``query/terms.py``)."""
        if isinstance(query, str):
            query = parse_query(query)
        rows: np.ndarray | None = None
        for name, narrow in FILTERS.items():
            values = getattr(query, name)
            if name == "names":
                values = (query.name_text,) if values else ()
            for value in values:
                rows = narrow(self, rows, value)
        if rows is None:
            rows = np.arange(self.num_specs, dtype=np.int64)
        ranking = self._name_ranking(query.name_text) if query.names else None
        return QueryResult(self, query, rows, ranking)

    def _name_ranking(self, text: str) -> list[tuple[str, float]]:
        """Packages matching ``text``, best first; a package the user named keeps only its name-prefix
        relatives (hdf5 -> hdf5-vol-async), so `cmake +ssl` finds cmake or nothing, never `cae`."""
        last = self._last_ranking  # the name filter and the result both ask, on every key: search once
        if last is not None and last[0] == text:
            return last[1]
        ranking = self.package_index.search(text)
        if ranking and ranking[0][1] >= EXACT:
            ranking = [entry for entry in ranking if entry[1] >= PREFIX]
        self._last_ranking = (text, ranking)  # one tuple, swapped whole: safe from the query threads
        return ranking

    # --- what a term's filter may ask (terms.Searchable) ------------------------------------------

    def narrow_column(
        self, rows: np.ndarray | None, column: str, key: object, match: Callable[[Any], bool]
    ) -> np.ndarray:
        """Rows whose value in ``column`` satisfies ``match`` (a lookup table over its interned values)."""
        return self._narrow(rows, self.store.columns[column], self._lut(column, key, match))

    def narrow_by_names(self, rows: np.ndarray | None, text: str) -> np.ndarray:
        page_ids = [pid for name, _ in self._name_ranking(text) for pid in self.page_ids_of_package(name)]
        lut = np.zeros(len(self.pages), dtype=bool)
        lut[page_ids] = True
        return self._narrow(rows, self.store.page, lut)

    def narrow_by_tag(self, rows: np.ndarray | None, wanted: str) -> np.ndarray:
        return self._narrow(rows, self.store.page, self._page_lut_for_tags([wanted]))

    def narrow_by_variant(self, rows: np.ndarray | None, variant: str) -> np.ndarray:
        return self._narrow(rows, self.store.columns["variants"], self._variant_lut(variant))

    def narrow_by_hash(self, rows: np.ndarray | None, prefix: str) -> np.ndarray:
        found = self.hash_index.lookup(prefix)
        return found if rows is None else np.intersect1d(rows, found, assume_unique=True)

    def dependencies_unknown(self) -> int:
        """Specs whose dependencies no source recorded (current pages): a ``^name`` term cannot match them."""
        return int(np.count_nonzero(np.asarray(self.store.root) < 0))

    def narrow_by_dependency(
        self, rows: np.ndarray | None, name: str, version: VersionRange | None, typed: str
    ) -> np.ndarray:
        """Rows of specs with a dependency ``name`` (in ``version``); only Spack indexes record dependencies."""
        deps = self.store.deps
        known = self.store.root >= 0  # the specs whose dependencies a source recorded
        if not np.any(known if rows is None else known[rows]):
            raise QueryError(
                f"bad term '{typed}': pages list root specs only, so dependencies are unknown; "
                "dependencies come from Spack build-cache indexes (-C MIRROR or --spack-cache)",
                typed,
            )

        def matches(label: str) -> bool:
            dep_name, dep_version, _ = split_dependency_label(label)
            return dep_name.lower() == name and (
                version is None or (bool(dep_version) and version.matches(dep_version))
            )

        lut = self._lut("deplabel", ("dep", name, version), matches)
        having = np.zeros(self.num_specs, dtype=bool)
        having[deps.row[lut[deps.label]]] = True
        if rows is None:
            return np.flatnonzero(having)
        kept: np.ndarray = rows[having[rows]]
        return kept

    def runs_here_lut(self, host: Host) -> np.ndarray:
        """Boolean per interned target: its binaries run on ``host``'s CPU (archspec's ancestry)."""
        allowed = runs_on(host.target)
        return self._lut("target", ("runs-on", host.target), allowed.__contains__)

    def runs_here(self, rows: np.ndarray, host: Host) -> np.ndarray:
        """Boolean per row: the spec runs on ``host`` (same platform and OS, compatible target)."""
        here: np.ndarray = self.runs_here_everywhere(host)[rows]
        return here

    def runs_here_everywhere(self, host: Host) -> np.ndarray:
        """Boolean per catalog row, as ``runs_here``; made once per host (one pass over whole columns)."""
        last = self._runs_here_all
        if last is not None and last[0] == host:
            return last[1]
        store = self.store
        ok: np.ndarray = self.runs_here_lut(host)[store.columns["target"]]
        for name, wanted in (("platform", host.platform), ("os", host.os)):
            if wanted is not None:
                ok &= self._lut(name, ("eq", wanted), matcher(wanted))[store.columns[name]]
        self._runs_here_all = (host, ok)  # one tuple, swapped whole: safe from the query threads
        return ok

    def runs_here_count(self, host: Host) -> int:
        """How many of the catalog's specs run on ``host``."""
        return int(np.count_nonzero(self.runs_here_everywhere(host)))

    def unknown_targets(self) -> list[str]:
        """Targets in the pages that archspec does not know: their specs never count as compatible."""
        known = targets()
        return sorted(t for t in self.store.tables["target"].items if t and t not in known)

    def _narrow(self, rows: np.ndarray | None, column: np.ndarray, lut: np.ndarray) -> np.ndarray:
        if rows is None:
            return np.flatnonzero(lut[column])
        if len(rows) == 0:
            return rows
        narrowed: np.ndarray = rows[lut[column[rows]]]
        return narrowed

    def _lut(self, table_name: str, key: object, predicate: Callable[[Any], bool]) -> np.ndarray:
        """Boolean lookup table over a column's interned values, cached per term."""
        cache_key = (table_name, key)
        lut = self._lut_cache.get(cache_key)
        if lut is None:
            items = self.store.tables[table_name].items
            lut = np.fromiter((bool(predicate(item)) for item in items), dtype=bool, count=len(items))
            if len(self._lut_cache) > 512:
                self._lut_cache.clear()
            self._lut_cache[cache_key] = lut
        return lut

    def _page_lut_for_tags(self, tags: Iterable[str]) -> np.ndarray:
        lut = np.ones(len(self.pages), dtype=bool)
        for wanted in tags:
            m = matcher(wanted)
            ok = np.array([m(tag) for tag in self.tags], dtype=bool)
            lut &= ok[self.page_tag] if len(self.pages) else lut
        return lut

    @cached_property
    def _variant_sets_by_term(self) -> dict[str, set[int]]:
        """Normalised variant term -> ids of the variant sets that contain it."""
        index: dict[str, set[int]] = defaultdict(set)
        for set_id, variants in enumerate(self.store.tables["variants"].items):
            for variant in variants:
                norm = normalize_variant(variant)
                index[norm].add(set_id)
                if "=" in norm:
                    key, value = split_kv(norm)
                    for single in value.split(","):
                        index[f"{key}={single}"].add(set_id)
        return dict(index)

    def _variant_lut(self, variant: str) -> np.ndarray:
        cache_key = ("variants", ("var", variant))
        lut = self._lut_cache.get(cache_key)
        if lut is not None:
            return lut
        index = self._variant_sets_by_term
        if "=" in variant:
            key, value = split_kv(variant)
            ids = None
            for single in value.split(","):
                found = index.get(f"{key}={single}", set())
                ids = found if ids is None else ids & found
            ids = ids or set()
        else:
            ids = index.get(variant, set())
        lut = np.zeros(len(self.store.tables["variants"]), dtype=bool)
        if ids:
            lut[list(ids)] = True
        self._lut_cache[cache_key] = lut
        return lut


@dataclass
class QueryResult:
    """Rows matching a query (ascending) plus how to rank what they belong to."""

    catalog: Catalog
    query: SpecQuery
    rows: np.ndarray
    ranking: list[tuple[str, float]] | None = None  # fuzzy package ranking, when names were given
    _page_counts: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def page_counts(self) -> np.ndarray:
        """Matching spec count per page id."""
        if self._page_counts is None:
            pages = self.catalog.store.page[self.rows]
            self._page_counts = np.bincount(pages, minlength=len(self.catalog.pages))
        return self._page_counts

    @cached_property
    def package_rank(self) -> dict[str, int]:
        if self.ranking is not None:
            return {name: i for i, (name, _) in enumerate(self.ranking)}
        return {name: i for i, name in enumerate(self.catalog.packages)}

    @cached_property
    def page_order(self) -> list[int]:
        """Pages with matches: best package first, then newest tag first."""
        cat = self.catalog
        matched = np.flatnonzero(self.page_counts)
        if self.ranking is None:  # package ids are already in name order
            pkg_rank = np.arange(len(cat.packages), dtype=np.int64)
        else:
            rank = self.package_rank
            pkg_rank = np.array([rank.get(name, len(rank)) for name in cat.packages], dtype=np.int64)
        keys = pkg_rank[cat.page_package[matched]] * (len(cat.tags) + 1) + cat.page_tag[matched]
        ordered: list[int] = matched[np.argsort(keys, kind="stable")].tolist()
        return ordered

    def packages(self) -> list[tuple[str, int]]:
        """(package, matching spec count), best first."""
        cat = self.catalog
        counts = np.bincount(cat.page_package, weights=self.page_counts, minlength=len(cat.packages))
        matched = np.flatnonzero(counts)
        rank = self.package_rank
        if self.ranking is not None:
            keys = np.array([rank.get(cat.packages[i], len(rank)) for i in matched.tolist()], dtype=np.int64)
            matched = matched[np.argsort(keys, kind="stable")]
        names = cat.packages
        return [(names[i], int(counts[i])) for i in matched.tolist()]

    def tags(self) -> list[tuple[str, int]]:
        """(tag, matching spec count), in site order."""
        counts = np.bincount(self.catalog.page_tag, weights=self.page_counts, minlength=len(self.catalog.tags))
        return [(tag, int(counts[i])) for i, tag in enumerate(self.catalog.tags) if counts[i]]

    def pages_of_package(self, package: str) -> list[tuple[int, int]]:
        """(page id, count) of one package's matching pages, newest tag first."""
        pc = self.page_counts
        return [(pid, int(pc[pid])) for pid in self.catalog.page_ids_of_package(package) if pc[pid]]

    def pages_in_tag(self, tag: str) -> list[tuple[int, int]]:
        """(page id, count) of one tag's matching pages, best package first."""
        pc = self.page_counts
        rank = self.package_rank
        found = [(pid, int(pc[pid])) for pid in self.catalog.page_ids_in_tag(tag) if pc[pid]]
        found.sort(key=lambda item: rank.get(self.catalog.pages[item[0]].package, len(rank)))
        return found

    def rows_in_page(self, page_id: int) -> np.ndarray:
        page = self.catalog.pages[page_id]
        lo = np.searchsorted(self.rows, page.start, "left")
        hi = np.searchsorted(self.rows, page.stop, "left")
        return self.rows[lo:hi]

    def rows_of(self, tag: str | None = None, package: str | None = None) -> np.ndarray:
        """Matching rows of a package (in one tag or all), or of a tag."""
        ids = self.catalog._selected_page_ids(tag, package)
        if ids is None:
            ids = self.page_order
        parts = [self.rows_in_page(pid) for pid in ids]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def ordered_rows(self, limit: int | None = None) -> np.ndarray:
        """Rows best package first, then newest tag first, then newest version first."""
        out = []
        total = 0
        store = self.catalog.store
        version_rank = self.catalog._sorter.rank("version")
        for pid in self.page_order:
            rows = self.rows_in_page(pid)
            if len(rows) > 1:  # newest version first; equal versions keep page order
                rows = rows[np.argsort(-version_rank[store.columns["version"][rows]], kind="stable")]
            out.append(rows)
            total += len(rows)
            if limit is not None and total >= limit:
                break
        joined = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
        return joined[:limit] if limit is not None else joined

    def specs(self, limit: int | None = None) -> list[Spec]:
        return self.catalog.specs(self.ordered_rows(limit))


class _Groups:
    """Page ids grouped by a key, each group a slice of one sorted array, cut when asked for.

    Cutting them all up front (``np.split`` into 22,000 arrays, twice per load) cost more than the rest
    of opening a large catalog's page table.
    """

    __slots__ = ("_bounds", "_order")

    def __init__(self, order: np.ndarray, keys: np.ndarray, names: list[str]) -> None:
        sorted_keys = keys[order]
        cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], cuts)).astype(np.int64) if len(order) else np.zeros(0, np.int64)
        stops = np.append(cuts, len(order)).astype(np.int64)
        self._order = order
        self._bounds = {
            names[int(key)]: (start, stop)
            for key, start, stop in zip(sorted_keys[starts].tolist(), starts.tolist(), stops.tolist())
        }

    def get(self, name: str) -> np.ndarray | None:
        bounds = self._bounds.get(name)
        return None if bounds is None else self._order[bounds[0] : bounds[1]]

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        for name, (start, stop) in self._bounds.items():
            yield name, self._order[start:stop]
