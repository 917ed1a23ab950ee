"""A Spack index decoded straight into store columns: the fast path.

The general reader (``spackindex.records``) decodes the whole Database JSON
into dicts and builds a record object per spec and per dependency edge, and
the store then interned every page's rows: a 300,000-record index (1.2
million edges) took 10-14 s. Here a first pass finds each record's key and
raw text; msgspec then decodes each record, where it lies, into typed
structs holding only the fields cachetui uses (the rest of the JSON is
skipped, never built). Each column is one pass over the structs in decode
order, with values equal across records (arch, variants, edge parameters)
decoded once; the cross-record work (which record an edge points at, its
label, the compiler a Spack 1.0 record reaches by its ``c`` edge, the order
of rows by package) is numpy over record positions, not Python per edge.

Page faults are much of the time (~15 us each on the benchmark VM), so: no
joined copies, no GC headers on the structs, no edge names (read again only
for edges to records missing from the index).

A large index's records are read in two runs, the second by a forked child
where forking is safe (the command line; never from the browser's loading
thread); the runs join into exactly what one process would make (tested).

The structs describe DB 6 to 9 (nodes with a ``name``, dependencies as a
list of objects). An index they do not fit (DB 5's ``{name: node}`` nodes
and dependency mappings, a null where a string belongs, a hash that is not
32 characters, anything unexpected) returns None, and the general reader
takes it; a test checks both give the same catalog on every fixture and on
generated indexes of every version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import msgspec
import numpy as np

from .hashindex import valid_hash_bytes
from .model import name_at
from .rows import IndexColumns
from .spackindex import COMPILER_VIRTUALS, SUPPORTED_DB, gc_paused, target_name, variant_strings
from .workers import ForkedCall, can_fork


class _Compiler(msgspec.Struct, gc=False):  # gc=False on every struct: nothing here can form a cycle
    name: str = ""
    version: str = ""


class _EdgeParameters(msgspec.Struct, gc=False):
    virtuals: Any = None


class _Edge(msgspec.Struct, gc=False):
    # No name: an edge is labelled by the record it points at; the rare edge to a record missing from the
    # index gets its name from a second look at its record (_NamedRecord). 1.2 million names were 60 MB.
    hash: str = ""
    full_hash: str = ""
    build_hash: str = ""
    parameters: msgspec.Raw = msgspec.Raw(b"")  # raw JSON: a few distinct values, each decoded once


class _Node(msgspec.Struct, gc=False):
    name: str
    version: str = ""
    arch: msgspec.Raw = msgspec.Raw(b"")  # raw JSON: a few distinct values, each decoded once
    compiler: _Compiler | None = None
    parameters: msgspec.Raw = msgspec.Raw(b"")  # raw JSON: equal variant sets are turned into strings once
    dependencies: list[_Edge] = msgspec.field(default_factory=list)
    external: Any = None
    annotations: Any = None  # a converted record's {"compiler": ...}; absent (nothing built) on most


class _Record(msgspec.Struct, gc=False):
    spec: _Node
    ref_count: int | None = None
    in_buildcache: bool = False


class _NamedEdge(msgspec.Struct, gc=False):
    name: str = ""


class _NamedNode(msgspec.Struct, gc=False):
    dependencies: list[_NamedEdge] = msgspec.field(default_factory=list)


class _NamedRecord(msgspec.Struct, gc=False):
    """A record's dependency names only: read again for the records with an edge out of the index."""

    spec: _NamedNode


class _RawDatabase(msgspec.Struct, gc=False):
    version: str | int
    installs: dict[str, msgspec.Raw]


class _RawDocument(msgspec.Struct, gc=False):
    """The index with each record left as raw JSON, then decoded one by one (in one process or two)."""

    database: _RawDatabase


_RAW_DECODER = msgspec.json.Decoder(_RawDocument)
_RECORD_DECODER = msgspec.json.Decoder(_Record)
_NAMES_DECODER = msgspec.json.Decoder(_NamedRecord)
_NO_COMPILER = len(COMPILER_VIRTUALS)
SPLIT_MIN_BYTES = 64 << 20  # ~75,000 records; below this, a second process costs more than it saves


def decode_index(data: bytes, path: str, mirror: str) -> IndexColumns | None:
    """The binaries of an index the structs fit, as columns; None for the general reader.

    A large index is decoded in two halves, one in a forked child, where
    forking is safe (the command line; the browser loads in a thread).
    """
    fork = len(data) >= SPLIT_MIN_BYTES and can_fork()
    return decode_index_in_parts(data, path, mirror, parts=2 if fork else 1, fork=fork)


def decode_index_in_parts(data: bytes, path: str, mirror: str, parts: int, fork: bool) -> IndexColumns | None:
    """``decode_index`` with the records cut into ``parts`` runs of equal length, all but the first
    decoded in forked children when ``fork`` (else one after another here: the same answer)."""
    with gc_paused():
        try:
            document = _RAW_DECODER.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError):
            return None
        version = str(document.database.version)
        if version not in SUPPORTED_DB:
            return None
        installs = document.database.installs
        keys = _hash_array(list(installs))
        if keys is None or not valid_hash_bytes(keys):  # the general reader skips such a record, saying why
            return None
        raws = list(installs.values())
        size = -(-len(raws) // max(parts, 1)) or 1
        runs = [raws[i : i + size] for i in range(0, len(raws), size)] or [[]]
        calls = [ForkedCall(partial(_part_of_raws, run, keys)) for run in runs[1:]] if fork else []
        try:
            found = [_part_of_raws(runs[0], keys)]
            found += [call.result() for call in calls] if fork else [_part_of_raws(run, keys) for run in runs[1:]]
        except BaseException:
            for call in calls:
                call.cancel()
            raise
        if any(part is None for part in found):
            return None
        return _assemble([p for p in found if p is not None], keys, path, mirror, version)


def _part_of_raws(raws: list[msgspec.Raw], keys: np.ndarray) -> _Part | None:
    """Each record decoded where it lies (a joined copy of half the index cost twice as long, in page faults)."""
    decode = _RECORD_DECODER.decode
    try:
        records = [decode(raw) for raw in raws]
        part = _part(records, keys)
        if part is not None:
            part.unknown_names = _unknown_names(raws, part)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    return part


def _unknown_names(raws: list[msgspec.Raw], part: _Part) -> list[str]:
    """The names of the edges whose target is not in the index, in edge order (records read again)."""
    unknown = np.flatnonzero(part.targets < 0)
    if not len(unknown):
        return []
    first_edge = np.cumsum(part.counts) - part.counts
    of_record = np.repeat(np.arange(len(part.counts)), part.counts)[unknown]
    edges: dict[int, list[_NamedEdge]] = {}
    names = []
    for k, record in zip(unknown.tolist(), of_record.tolist()):
        if record not in edges:
            edges[record] = _NAMES_DECODER.decode(raws[record]).spec.dependencies
        names.append(edges[record][k - int(first_edge[record])].name)
    return names


def _interned(values: list[Any]) -> tuple[list[Any], np.ndarray]:
    """(distinct values in first-seen order, each value's id among them)."""
    index: dict[Any, int] = {}
    ids = [index.setdefault(v, len(index)) for v in values]
    return list(index), np.array(ids, dtype=np.uint32)


def _arch(raw: bytes) -> tuple[str, str, str]:
    found = msgspec.json.decode(raw) if raw else {}
    found = found if isinstance(found, dict) else {}  # as the general reader: anything but a dict is no arch
    return str(found.get("platform", "")), str(found.get("platform_os", "")), target_name(found)


def _declared_compiler(node: _Node) -> str | None:
    """The compiler a record names itself (DB <= 7 attribute, or a converted record's annotation)."""
    compiler = node.compiler
    if compiler is not None and compiler.name:
        return name_at(compiler.name, compiler.version.lstrip("="))
    converted = node.annotations.get("compiler") if isinstance(node.annotations, dict) else None
    if isinstance(converted, str):
        return converted.replace("@=", "@")
    return None


_EDGE_PARAMETERS = msgspec.json.Decoder(_EdgeParameters)


def _virtuals(raw: bytes) -> list[str]:
    """The virtuals an edge's raw ``parameters`` JSON provides (as the general reader: none unless a dict)."""
    if not raw:
        return []
    try:
        virtuals = _EDGE_PARAMETERS.decode(raw).virtuals
    except (msgspec.ValidationError, msgspec.DecodeError):
        return []
    return list(virtuals) if isinstance(virtuals, (list, str)) else []


def _compiler_rank(virtuals: list[str]) -> int:
    """0 for an edge providing c, 1 for cxx, 2 for fortran (the best it provides); 3 for none."""
    return min((COMPILER_VIRTUALS.index(v) for v in virtuals if v in COMPILER_VIRTUALS), default=_NO_COMPILER)


def _hash_array(hashes: list[str]) -> np.ndarray | None:
    """The hashes as one S32 array; None unless every one is 32 ASCII characters (the general reader takes those)."""
    if hashes and not (min(map(len, hashes)) == 32 == max(map(len, hashes))):
        return None
    try:
        return np.array(hashes, dtype="S32")
    except UnicodeEncodeError:
        return None


def _codes(hashes: np.ndarray) -> np.ndarray:
    """A uint64 per S32 hash, mixing all 32 bytes: sorting and searching these is ~20x faster than the strings."""
    words = np.ascontiguousarray(hashes).view(np.uint64).reshape(-1, 4)
    mixed: np.ndarray = words[:, 0].copy()
    for column, factor in ((1, 0x9E3779B97F4A7C15), (2, 0xC2B2AE3D27D4EB4F), (3, 0x165667B19E3779F9)):
        mixed ^= words[:, column] * np.uint64(factor)
        mixed = (mixed << np.uint64(31)) | (mixed >> np.uint64(33))
    return mixed


def _positions(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each wanted hash is among the keys, or -1: a sorted join on 64-bit codes (no dict of 300,000
    strings), every hit checked against the full hash. Keys whose codes collide (never seen: 2**-64 odds per
    pair) are joined by the strings themselves."""
    if not len(keys) or not len(wanted):
        return np.full(len(wanted), -1, dtype=np.int64)
    key_codes = _codes(keys)
    sorter = np.argsort(key_codes)
    sorted_codes = key_codes[sorter]
    if len(sorted_codes) > 1 and not (sorted_codes[1:] != sorted_codes[:-1]).all():
        position = dict(zip(keys.tolist(), range(len(keys))))
        return np.array([position.get(h, -1) for h in wanted.tolist()], dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_codes, _codes(wanted)), len(keys) - 1)
    found = sorter[at]
    positions: np.ndarray = np.where(keys[found] == wanted, found, -1)
    return positions


def _first_per_group(groups: np.ndarray, *then: np.ndarray) -> np.ndarray:
    """Indices of the first item of each group, items ordered by group, then by each array of ``then`` in turn."""
    ordered = np.lexsort((*reversed(then), groups))
    first = np.ones(len(ordered), dtype=np.bool_)
    first[1:] = groups[ordered][1:] != groups[ordered][:-1]
    return ordered[first]


class _Labels:
    """name@version labels of records, each made once per distinct (name, version) and interned in one table."""

    def __init__(self, names: list[str], name_ids: np.ndarray, versions: list[str], version_ids: np.ndarray):
        self.names, self.versions = names, versions
        self.width = max(len(versions), 1)
        pairs, self.pair_of_record = np.unique(
            name_ids.astype(np.int64) * self.width + version_ids, return_inverse=True
        )
        self.pairs = pairs.tolist()
        self.label_of_pair = np.full(len(pairs), -1, dtype=np.int64)
        self.index: dict[str, int] = {}

    def of_records(self, records: np.ndarray) -> np.ndarray:
        """The label id of each record (a gather: labels are made only for pairs not seen before)."""
        pairs = self.pair_of_record.reshape(-1)[records]
        new = np.zeros(len(self.pairs), dtype=np.bool_)
        new[pairs] = True
        new &= self.label_of_pair < 0
        intern, width = self.index.setdefault, self.width
        for p in np.flatnonzero(new).tolist():
            pair = self.pairs[p]
            self.label_of_pair[p] = intern(
                name_at(self.names[pair // width], self.versions[pair % width]), len(self.index)
            )
        labelled: np.ndarray = self.label_of_pair[pairs].astype(np.uint32)
        return labelled

    def of_strings(self, strings: list[str]) -> np.ndarray:
        intern = self.index.setdefault
        return np.array([intern(s, len(self.index)) for s in strings], dtype=np.uint32)


@dataclass
class _Part:
    """A run of records, column by column in record order: what one process makes of its half.

    Each string column is (distinct values, id per record); edges are flat in
    record order, their targets already found among all the index's hashes.
    """

    names: tuple[list[str], np.ndarray]
    versions: tuple[list[str], np.ndarray]
    arches: tuple[list[tuple[str, str, str]], np.ndarray]
    variants: tuple[list[tuple[str, ...]], np.ndarray]
    declared: tuple[list[str], np.ndarray]  # the compiler a record names itself; id -1: none
    binary: np.ndarray  # in the build cache and not external
    ref_zero: np.ndarray  # ref_count == 0
    ref_missing: np.ndarray  # no ref_count
    counts: np.ndarray  # edges per record
    edge_hashes: np.ndarray  # S32
    targets: np.ndarray  # each edge's record position in the index, or -1
    ranks: np.ndarray  # each edge's compiler rank (0 c, 1 cxx, 2 fortran; 3: none, or not looked at)
    unknown_names: list[str] = field(default_factory=list)  # of the edges whose target is -1, in edge order


def _part(records: list[_Record], keys: np.ndarray) -> _Part | None:
    """Every pass over the structs goes in decode order, the order they lie in memory (a pass in package
    order missed the cache on every record and took 3x as long)."""
    nodes = [record.spec for record in records]
    dependencies = [node.dependencies for node in nodes]
    edges = [edge for deps in dependencies for edge in deps]
    edge_hashes = _hash_array([edge.hash or edge.full_hash or edge.build_hash for edge in edges])
    if edge_hashes is None:
        return None
    binary = np.array([r.in_buildcache and not r.spec.external for r in records], dtype=np.bool_)
    ref_counts = [record.ref_count for record in records]
    counts = np.array([len(deps) for deps in dependencies], dtype=np.int64)
    targets = _positions(keys, edge_hashes)
    arch_raws, arch_ids = _interned([bytes(node.arch) for node in nodes])
    param_raws, param_ids = _interned([bytes(node.parameters) for node in nodes])
    named, named_ids = _interned([_declared_compiler(node) for node in nodes])
    declared_values = [name for name in named if name is not None]
    position = {name: i for i, name in enumerate(declared_values)}
    remap = np.array([-1 if name is None else position[name] for name in named] or [-1], dtype=np.int64)
    declared_ids = remap[named_ids]
    ranks = np.full(len(edges), _NO_COMPILER, dtype=np.int8)
    looked_at = np.repeat(binary & (declared_ids < 0), counts)  # only rows without a compiler of their own
    wanted = edges if looked_at.all() else [edges[k] for k in np.flatnonzero(looked_at).tolist()]
    if wanted:
        raws, raw_ids = _interned([bytes(edge.parameters) for edge in wanted])
        ranks[looked_at] = np.array([_compiler_rank(_virtuals(raw)) for raw in raws], dtype=np.int8)[raw_ids]
    return _Part(
        names=_interned([node.name for node in nodes]),
        versions=_interned([node.version for node in nodes]),
        arches=([_arch(raw) for raw in arch_raws], arch_ids),
        variants=(_variant_sets(param_raws), param_ids),
        declared=(declared_values, declared_ids),
        binary=binary,
        ref_zero=np.array([rc == 0 for rc in ref_counts], dtype=np.bool_),
        ref_missing=np.array([rc is None for rc in ref_counts], dtype=np.bool_),
        counts=counts,
        edge_hashes=edge_hashes,
        targets=targets,
        ranks=ranks,
    )


def _variant_sets(raws: list[bytes]) -> list[tuple[str, ...]]:
    return [variant_strings(msgspec.json.decode(raw)) if raw else () for raw in raws]


def _merged(columns: list[tuple[list[Any], np.ndarray]]) -> tuple[list[Any], np.ndarray]:
    """One (values, ids) column from several parts' (each part's values interned into one table)."""
    if len(columns) == 1:
        return columns[0]
    index: dict[Any, int] = {}
    ids = []
    for values, local in columns:
        remap = np.array([index.setdefault(v, len(index)) for v in values] or [0], dtype=np.int64)
        ids.append(np.where(local >= 0, remap[np.maximum(local, 0)], -1) if len(local) else local)
    return list(index), np.concatenate(ids)


def _assemble(parts: list[_Part], keys: np.ndarray, path: str, mirror: str, version: str) -> IndexColumns:
    """The parts joined, then put in row order: binaries sorted by package, edges after their rows."""
    found = IndexColumns(path=path, tag=mirror, format=f"spack-index-db{version}", records=len(keys))
    names, name_ids = _merged([p.names for p in parts])
    versions, version_ids = _merged([p.versions for p in parts])
    arches, arch_ids = _merged([p.arches for p in parts])
    variants, variant_ids = _merged([p.variants for p in parts])
    declared, declared_ids = _merged([p.declared for p in parts])
    binary = np.concatenate([p.binary for p in parts])
    counts = np.concatenate([p.counts for p in parts])
    edge_hashes = np.concatenate([p.edge_hashes for p in parts])
    targets = np.concatenate([p.targets for p in parts])
    unknown_names = [name for p in parts for name in p.unknown_names]
    labels = _Labels(names, name_ids, versions, version_ids)

    # Rows: the binaries (externals and unpushed records name dependencies only), by package, in index order.
    binaries = np.flatnonzero(binary)
    package_of = name_ids[binaries]
    by_name = sorted(np.unique(package_of).tolist(), key=names.__getitem__)
    rank = np.zeros(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(by_name))
    order = binaries[np.argsort(rank[package_of], kind="stable")]
    found.packages = [names[i] for i in by_name]
    found.page_rows = np.bincount(rank[package_of], minlength=len(by_name)).tolist()
    found.hashes = keys[order]
    values, ids = found.values, found.ids
    values["version"], ids["version"] = versions, version_ids[order]
    for part, column in enumerate(("platform", "os", "target")):
        values[column], local = _interned([arch[part] for arch in arches])
        ids[column] = local[arch_ids[order]]
    values["variants"], local = _interned(variants)
    ids["variants"] = local[variant_ids[order]]

    # The rows' edges, in row order, labelled name@version from the record each points at (else its name).
    row_counts = counts[order]
    row_edges = np.repeat((np.cumsum(counts) - counts)[order] - (np.cumsum(row_counts) - row_counts), row_counts)
    row_edges += np.arange(len(row_edges))
    row_targets = targets[row_edges]
    known = row_targets >= 0
    found.dep_counts = row_counts
    found.dep_hashes = edge_hashes[row_edges]
    found.dep_binary = binary[np.where(known, row_targets, 0)] & known
    edge_labels = np.zeros(len(row_edges), dtype=np.uint32)
    edge_labels[known] = labels.of_records(row_targets[known])
    unknown_at = np.searchsorted(np.flatnonzero(targets < 0), row_edges[~known])
    edge_labels[~known] = labels.of_strings([unknown_names[i] for i in unknown_at.tolist()])
    values["deplabel"], ids["deplabel"] = list(labels.index), edge_labels

    values["compiler"], ids["compiler"] = _compiler_column(
        declared, declared_ids, np.concatenate([p.ranks for p in parts]), counts, targets, labels, order
    )
    ref_zero = np.concatenate([p.ref_zero for p in parts])
    ref_missing = np.concatenate([p.ref_missing for p in parts])
    if ref_missing.any():  # no ref_count: a root is what no record depends on
        depended = np.zeros(len(binary), dtype=np.bool_)
        depended[targets[targets >= 0]] = True
        ref_zero = np.where(ref_missing, ~depended, ref_zero)
    found.roots = ref_zero[order]
    return found


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
    usable = np.flatnonzero((ranks < _NO_COMPILER) & (targets >= 0))
    if len(usable):
        edge_records = np.repeat(np.arange(len(counts)), counts)[usable]
        picks = _first_per_group(edge_records, ranks[usable], usable)
        label_ids = labels.of_records(targets[usable[picks]])
        label_names = list(labels.index)
        compiler[edge_records[picks]] = [table.setdefault(label_names[i], len(table)) for i in label_ids.tolist()]
    none = table.setdefault("none", len(table))
    column = compiler[order]
    column[column < 0] = none
    return list(table), column.astype(np.uint32)
