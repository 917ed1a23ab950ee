"""An index's records, decoded in runs (one per process), joined and put in the store's row order.

Each run arrives column by column in record order (``RecordRun``); the
assembly interns the runs' values into one table per column, orders the
binaries by package (one page each), lays each row's dependency edges after
it, labels every edge ``name@version`` from the record it points at, and
picks each Spack 1.0 record's compiler from its compiler edges: all numpy
over record positions, Python only once per distinct value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...spack.records import dependency_label, name_at, split_dependency_label
from ...store.rows import IndexColumns
from .layout import COMPILER_VIRTUALS

NO_COMPILER = len(COMPILER_VIRTUALS)  # the compiler rank of an edge that provides none


@dataclass
class RecordRun:
    """A run of records, column by column in record order: what one process makes of its half.

    Each string column is (distinct values, id per record); edges are flat in
    record order; their targets are found among all the runs' hashes once the runs are joined.
    """

    keys: np.ndarray  # S32: each record's hash
    segments: list[int]  # the segments of the index text the records came from (indexsplit), in order
    segment_sizes: list[int]  # records in each
    names: tuple[list[str], np.ndarray]
    versions: tuple[list[str], np.ndarray]
    arches: tuple[list[tuple[str, str, str]], np.ndarray]
    variants: tuple[list[tuple[str, ...]], np.ndarray]
    declared: tuple[list[str], np.ndarray]  # the compiler a record names itself; id -1: none
    binary: np.ndarray  # in the build cache and not external
    externals: tuple[list[str], np.ndarray]  # where each external is (``external_text``); id -1: no external
    ref_zero: np.ndarray  # ref_count == 0
    ref_missing: np.ndarray  # no ref_count
    counts: np.ndarray  # edges per record
    edge_hashes: np.ndarray  # S32
    ranks: np.ndarray  # each edge's compiler rank (0 c, 1 cxx, 2 fortran; 3: none, or not looked at)
    # Found once every run's keys are known:
    targets: np.ndarray | None = None  # each edge's record position among all the runs', or -1
    unknown_names: list[str] = field(default_factory=list)  # of the edges whose target is -1, in edge order


def interned(values: list[Any]) -> tuple[list[Any], np.ndarray]:
    """(distinct values in first-seen order, each value's id among them)."""
    index: dict[Any, int] = {}
    ids = [index.setdefault(v, len(index)) for v in values]
    return list(index), np.array(ids, dtype=np.uint32)


def _first_per_group(groups: np.ndarray, *then: np.ndarray) -> np.ndarray:
    """Indices of the first item of each group, items ordered by group, then by each array of ``then`` in turn."""
    ordered = np.lexsort((*reversed(then), groups))
    first = np.ones(len(ordered), dtype=np.bool_)
    first[1:] = groups[ordered][1:] != groups[ordered][:-1]
    return ordered[first]


class _Labels:
    """name@version labels of records, each made once per distinct (name, version) and interned in one
    table. Only records some edge reaches are labelled (62,000 of 300,000 in the benchmark's index):
    finding the distinct pairs of all records was a sort of 300,000 and most of the labels' time."""

    def __init__(self, names: list[str], name_ids: np.ndarray, versions: list[str], version_ids: np.ndarray):
        self.names, self.versions = names, versions
        self.name_ids, self.version_ids = name_ids, version_ids
        self.width = max(len(versions), 1)
        self.label_of_record = np.full(len(name_ids), -1, dtype=np.int64)
        self.index: dict[str, int] = {}

    def of_records(self, records: np.ndarray) -> np.ndarray:
        """The label id of each record (labels are made only for records not labelled before). Arrays of
        the records' length, then one gather of the wanted length (1.2 million edges reach 300,000
        records): fewer large temporaries, each a few thousand page faults."""
        label_of_record = self.label_of_record
        wanted = np.zeros(len(label_of_record), dtype=np.bool_)
        wanted[records] = True
        new = np.flatnonzero(wanted & (label_of_record < 0))
        if len(new):
            width = self.width
            pairs, pair_of_new = np.unique(
                self.name_ids[new].astype(np.int64) * width + self.version_ids[new], return_inverse=True
            )
            intern, names, versions = self.index.setdefault, self.names, self.versions
            label_of_pair = [
                intern(name_at(names[p // width], versions[p % width]), len(self.index)) for p in pairs.tolist()
            ]
            label_of_record[new] = np.array(label_of_pair, dtype=np.int64)[pair_of_new.reshape(-1)]
        labelled: np.ndarray = label_of_record.astype(np.uint32)[records]  # no label (-1) where not wanted
        return labelled

    def of_strings(self, strings: list[str]) -> np.ndarray:
        intern = self.index.setdefault
        return np.array([intern(s, len(self.index)) for s in strings], dtype=np.uint32)


def _merged(columns: list[tuple[list[Any], np.ndarray]]) -> tuple[list[Any], np.ndarray]:
    """One (values, ids) column from several runs' (each run's values interned into one table)."""
    if len(columns) == 1:
        return columns[0]
    index: dict[Any, int] = {}
    ids = []
    for values, local in columns:
        remap = np.array([index.setdefault(v, len(index)) for v in values] or [0], dtype=np.int64)
        ids.append(np.where(local >= 0, remap[np.maximum(local, 0)], -1) if len(local) else local)
    return list(index), np.concatenate(ids)


def assemble(runs: list[RecordRun], keys: np.ndarray, path: str, mirror: str, version: str) -> IndexColumns:
    """The runs joined, then put in row order: binaries sorted by package, edges after their rows."""
    found = IndexColumns(path=path, tag=mirror, format=f"spack-index-db{version}", records=len(keys))
    names, name_ids = _merged([p.names for p in runs])
    versions, version_ids = _merged([p.versions for p in runs])
    arches, arch_ids = _merged([p.arches for p in runs])
    variants, variant_ids = _merged([p.variants for p in runs])
    declared, declared_ids = _merged([p.declared for p in runs])
    binary = np.concatenate([p.binary for p in runs])
    counts = np.concatenate([p.counts for p in runs])
    targets = np.concatenate([p.targets for p in runs])
    unknown_names = [name for p in runs for name in p.unknown_names]
    labels = _Labels(names, name_ids, versions, version_ids)

    # Rows: the binaries (externals and unpushed records name dependencies only), by package, in index order.
    binaries = np.flatnonzero(binary)
    package_of = name_ids[binaries]
    by_name = sorted(np.flatnonzero(np.bincount(package_of, minlength=len(names))).tolist(), key=names.__getitem__)
    rank = np.zeros(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(by_name))
    order = binaries[np.argsort(rank[package_of], kind="stable")]
    found.packages = [names[i] for i in by_name]
    found.page_rows = np.bincount(rank[package_of], minlength=len(by_name)).tolist()
    found.hashes = keys[order]
    values, ids = found.values, found.ids
    values["version"], ids["version"] = versions, version_ids[order]
    for part, column in enumerate(("platform", "os", "target")):
        values[column], local = interned([arch[part] for arch in arches])
        ids[column] = local[arch_ids[order]]
    values["variants"], local = interned(variants)
    ids["variants"] = local[variant_ids[order]]

    # The rows' edges, in row order, labelled name@version from the record each points at (else its name).
    row_counts = counts[order]
    row_edges = np.repeat((np.cumsum(counts) - counts)[order] - (np.cumsum(row_counts) - row_counts), row_counts)
    row_edges += np.arange(len(row_edges))
    dep_hashes = _gathered_meanwhile([p.edge_hashes for p in runs], row_edges)
    row_targets = targets[row_edges]
    known = row_targets >= 0
    found.dep_counts = row_counts
    found.dep_binary = binary[np.where(known, row_targets, 0)] & known
    edge_labels = np.zeros(len(row_edges), dtype=np.uint32)
    edge_labels[known] = labels.of_records(row_targets[known])
    unknown_at = np.searchsorted(np.flatnonzero(targets < 0), row_edges[~known])
    edge_labels[~known] = labels.of_strings([unknown_names[i] for i in unknown_at.tolist()])
    # Edges to an external: its label says where it is (few distinct targets, many edges).
    external_texts, external_ids = _merged([p.externals for p in runs])
    edge_external = np.where(known, external_ids[np.where(known, row_targets, 0)], -1)
    if np.any(edge_external >= 0):
        at = np.flatnonzero(edge_external >= 0)
        pairs, inverse = np.unique(
            edge_labels[at].astype(np.int64) * (len(external_texts) + 1) + edge_external[at], return_inverse=True
        )
        label_texts = list(labels.index)
        width = len(external_texts) + 1
        relabelled = labels.of_strings(
            [
                dependency_label(*split_dependency_label(label_texts[p // width])[:2], external_texts[p % width])
                for p in pairs.tolist()
            ]
        )
        edge_labels[at] = relabelled[inverse.reshape(-1)]
    values["deplabel"], ids["deplabel"] = list(labels.index), edge_labels

    values["compiler"], ids["compiler"] = _compiler_column(
        declared, declared_ids, np.concatenate([p.ranks for p in runs]), counts, targets, labels, order
    )
    ref_zero = np.concatenate([p.ref_zero for p in runs])
    ref_missing = np.concatenate([p.ref_missing for p in runs])
    if ref_missing.any():  # no ref_count: a root is what no record depends on
        depended = np.zeros(len(binary), dtype=np.bool_)
        depended[targets[targets >= 0]] = True
        ref_zero = np.where(ref_missing, ~depended, ref_zero)
    found.roots = ref_zero[order]
    found.dep_hashes = dep_hashes()
    return found


def _gathered_meanwhile(parts: list[np.ndarray], at: np.ndarray) -> Callable[[], np.ndarray]:
    """The ``parts`` joined, then ``[at]``, made in a thread while the caller goes on (numpy lets go of
    the interpreter lock while it copies, and the other core is idle by now); the function returned
    joins it. The dependency hashes of a large index are tens of MB, joined and then in row order,
    mostly page faults."""
    found: list[np.ndarray | BaseException] = []

    def gather() -> None:
        try:
            found.append((np.concatenate(parts) if len(parts) > 1 else parts[0])[at])
        except BaseException as exc:  # given to the caller
            found.append(exc)

    thread = threading.Thread(target=gather, name="cachetui-gather", daemon=True)
    thread.start()

    def result() -> np.ndarray:
        thread.join()
        if isinstance(found[0], BaseException):
            raise found[0]
        return found[0]

    return result


def _compiler_column(
    declared: list[str],
    declared_ids: np.ndarray,
    ranks: np.ndarray,
    counts: np.ndarray,
    targets: np.ndarray,
    labels: _Labels,
    order: np.ndarray,
) -> tuple[list[str], np.ndarray]:
    """Each row's compiler: the one its record names, else (Spack 1.0) the record its compiler edge reaches.

    As the general reader: the first edge (to a record in the index) providing
    c wins, else the first providing cxx, else fortran.
    """
    table = {name: i for i, name in enumerate(declared)}
    compiler = declared_ids.astype(np.int64)
    usable = np.flatnonzero((ranks < NO_COMPILER) & (targets >= 0))
    if len(usable):
        edge_records = np.repeat(np.arange(len(counts)), counts)[usable]
        picks = _first_per_group(edge_records, ranks[usable], usable)
        distinct, which = np.unique(labels.of_records(targets[usable[picks]]), return_inverse=True)
        label_names = list(labels.index)
        in_table = np.array([table.setdefault(label_names[i], len(table)) for i in distinct.tolist()], dtype=np.int64)
        compiler[edge_records[picks]] = in_table[which.reshape(-1)]
    none = table.setdefault("none", len(table))
    column = compiler[order]
    column[column < 0] = none
    return list(table), column.astype(np.uint32)
