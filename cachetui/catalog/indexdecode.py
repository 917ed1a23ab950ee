"""A Spack index decoded straight into store columns: the fast path.

The general reader (``spackindex.records``) decodes the whole Database JSON
into dicts and builds a record object per spec and per dependency edge, and
the store then interns every page's rows: a 300,000-record index (1.1 million
edges) took 10-14 s. Here msgspec decodes into typed structs holding only the
fields cachetui uses (the rest of the JSON is skipped, never built), and
everything after that is one pass per column over the whole index: values
equal across records (arch, variants, versions, dependency labels) are
decoded and interned once, and the per-edge work (dependency labels, binary
flags, the compiler a Spack 1.0 record reaches by its ``c`` edge) is numpy
gathers over the records' positions, not Python per edge.

The structs describe DB 6 to 9 (nodes with a ``name``, dependencies as a
list of objects). An index they do not fit (DB 5's ``{name: node}`` nodes
and dependency mappings, a null where a string belongs, anything unexpected)
returns None, and the general reader takes it; a test checks both give the
same catalog on every fixture and on generated indexes of every version.
"""

from __future__ import annotations

from typing import Any

import msgspec
import numpy as np

from .model import name_at
from .rows import IndexColumns
from .spackindex import COMPILER_VIRTUALS, SUPPORTED_DB, gc_paused, target_name, variant_strings


class _Compiler(msgspec.Struct):
    name: str = ""
    version: str = ""


class _EdgeParameters(msgspec.Struct):
    virtuals: Any = None


class _Edge(msgspec.Struct):
    name: str = ""
    hash: str = ""
    full_hash: str = ""
    build_hash: str = ""
    parameters: msgspec.Raw = msgspec.Raw(b"")  # raw JSON: a few distinct values, each decoded once


class _Node(msgspec.Struct):
    name: str
    version: str = ""
    arch: msgspec.Raw = msgspec.Raw(b"")  # raw JSON: a few distinct values, each decoded once
    compiler: _Compiler | None = None
    parameters: msgspec.Raw = msgspec.Raw(b"")  # raw JSON: equal variant sets are turned into strings once
    dependencies: list[_Edge] = msgspec.field(default_factory=list)
    external: Any = None
    annotations: dict[str, Any] = msgspec.field(default_factory=dict)


class _Record(msgspec.Struct):
    spec: _Node
    ref_count: int | None = None
    in_buildcache: bool = False


class _Database(msgspec.Struct):
    version: str | int
    installs: dict[str, _Record]


class _Document(msgspec.Struct):
    database: _Database


_DECODER = msgspec.json.Decoder(_Document)
_NO_COMPILER = len(COMPILER_VIRTUALS)


def decode_index(data: bytes, path: str, mirror: str) -> IndexColumns | None:
    """The binaries of an index the structs fit, as columns; None for the general reader."""
    try:
        with gc_paused():
            document = _DECODER.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    version = str(document.database.version)
    if version not in SUPPORTED_DB:
        return None
    with gc_paused():
        return _columns(document.database.installs, path, mirror, version)


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
    converted = node.annotations.get("compiler")
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
    joined = "".join(hashes)
    if not joined.isascii() or len(joined) != 32 * len(hashes) or (hashes and min(map(len, hashes)) != 32):
        return None
    return np.frombuffer(joined.encode("ascii"), dtype="S32")


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


def _columns(installs: dict[str, _Record], path: str, mirror: str, version: str) -> IndexColumns | None:
    """Every pass over the structs goes in decode order, the order they lie in memory (a pass in package
    order missed the cache on every record and took 3x as long); numpy then puts the results in row order."""
    digests = list(installs)
    records = list(installs.values())
    nodes = [record.spec for record in records]
    dependencies = [node.dependencies for node in nodes]
    edges = [edge for deps in dependencies for edge in deps]
    keys = _hash_array(digests)
    edge_hashes = _hash_array([edge.hash or edge.full_hash or edge.build_hash for edge in edges])
    if keys is None or edge_hashes is None:
        return None
    found = IndexColumns(path=path, tag=mirror, format=f"spack-index-db{version}", records=len(records))
    is_binary = np.array([r.in_buildcache and not r.spec.external for r in records], dtype=np.bool_)
    names, name_ids = _interned([node.name for node in nodes])
    versions, version_ids = _interned([node.version for node in nodes])
    labels = _Labels(names, name_ids, versions, version_ids)

    # Rows: the binaries (externals and unpushed records name dependencies only), by package, in index order.
    binaries = np.flatnonzero(is_binary)
    package_of = name_ids[binaries]
    packages = np.unique(package_of)
    by_name = sorted(packages.tolist(), key=names.__getitem__)
    rank = np.zeros(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(by_name))
    order = binaries[np.argsort(rank[package_of], kind="stable")]
    found.packages = [names[i] for i in by_name]
    found.page_rows = np.bincount(rank[package_of], minlength=len(by_name)).tolist()
    found.hashes = keys[order].tobytes()

    values, ids = found.values, found.ids
    values["version"], ids["version"] = versions, version_ids[order]
    arch_raws, arch_ids = _interned([bytes(node.arch) for node in nodes])
    arches = [_arch(raw) for raw in arch_raws]
    for part, column in enumerate(("platform", "os", "target")):
        values[column], local = _interned([arch[part] for arch in arches])
        ids[column] = local[arch_ids[order]]
    param_raws, param_ids = _interned([bytes(node.parameters) for node in nodes])
    values["variants"], local = _interned([variant_strings(msgspec.json.decode(r)) if r else () for r in param_raws])
    ids["variants"] = local[param_ids[order]]

    # Edges: each one's target as a record position (-1: not in this index); the rows' edges in row order.
    counts = np.array([len(deps) for deps in dependencies], dtype=np.int64)
    targets = _positions(keys, edge_hashes)
    row_counts = counts[order]
    row_edges = np.repeat((np.cumsum(counts) - counts)[order] - (np.cumsum(row_counts) - row_counts), row_counts)
    row_edges += np.arange(len(row_edges))
    row_targets = targets[row_edges]
    known = row_targets >= 0
    found.dep_counts = row_counts
    found.dep_hashes = edge_hashes[row_edges].tobytes()
    found.dep_binary = is_binary[np.where(known, row_targets, 0)] & known
    edge_labels = np.zeros(len(row_edges), dtype=np.uint32)
    edge_labels[known] = labels.of_records(row_targets[known])
    unknown = row_edges[~known].tolist()
    edge_labels[~known] = labels.of_strings([edges[k].name for k in unknown])
    values["deplabel"], ids["deplabel"] = list(labels.index), edge_labels

    values["compiler"], ids["compiler"] = _compiler_column(nodes, edges, counts, targets, labels, order)

    ref_counts = [record.ref_count for record in records]
    roots = np.array([rc == 0 for rc in ref_counts], dtype=np.bool_)
    if None in ref_counts:  # no ref_count: a root is what no record depends on
        depended = np.zeros(len(records), dtype=np.bool_)
        depended[targets[targets >= 0]] = True
        missing = np.array([rc is None for rc in ref_counts], dtype=np.bool_)
        roots = np.where(missing, ~depended, roots)
    found.roots = roots[order]
    return found


def _compiler_column(
    nodes: list[_Node], edges: list[_Edge], counts: np.ndarray, targets: np.ndarray, labels: _Labels, order: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """Each row's compiler: the one its record names, else (Spack 1.0) the record its compiler edge reaches.

    As the general reader: the first edge (to a record in the index) providing
    c wins, else the first providing cxx, else fortran. Each distinct edge
    ``parameters`` JSON is decoded and ranked once.
    """
    table: dict[str, int] = {}
    declared = [
        table.setdefault(name, len(table)) if (name := _declared_compiler(node)) is not None else -1 for node in nodes
    ]
    compiler = np.array(declared, dtype=np.int64)
    needed = np.zeros(len(nodes), dtype=np.bool_)
    needed[order] = True
    needed &= compiler < 0
    if needed.any() and len(edges):
        raws, raw_ids = _interned([bytes(edge.parameters) for edge in edges])
        ranks = np.array([_compiler_rank(_virtuals(raw)) for raw in raws], dtype=np.int64)[raw_ids]
        edge_records = np.repeat(np.arange(len(nodes)), counts)
        usable = np.flatnonzero((ranks < _NO_COMPILER) & (targets >= 0) & needed[edge_records])
        picks = usable[_first_per_group(edge_records[usable], ranks[usable], usable)]
        label_ids = labels.of_records(targets[picks])
        label_names = list(labels.index)
        compiler[edge_records[picks]] = [table.setdefault(label_names[i], len(table)) for i in label_ids.tolist()]
    none = table.setdefault("none", len(table))
    column = compiler[order]
    column[column < 0] = none
    return list(table), column.astype(np.uint32)
