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
of rows by package) is numpy over record positions (``indexassembly``, with
the hash joins of ``hashjoin``), not Python per edge.

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

from collections.abc import Callable
from functools import partial
from typing import Any

import msgspec
import numpy as np

from .hashindex import valid_hash_bytes
from .hashjoin import hash_array, positions_of
from .indexassembly import NO_COMPILER, RecordRun, assemble, interned
from .rows import IndexColumns
from .spackindex import (
    COMPILER_VIRTUALS,
    SUPPORTED_DB,
    arch_fields,
    as_list,
    declared_compiler,
    gc_paused,
    variant_strings,
)
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
SPLIT_MIN_BYTES = 64 << 20  # ~75,000 records; below this, a second process costs more than it saves
# The forked child's half took ~0.15 s longer than the parent's (copy-on-write faults, sending its result).
FIRST_RUN_SHARE = 0.53


def decode_index(data: bytes, path: str, mirror: str, wait: Callable[[], None] | None = None) -> IndexColumns | None:
    """The binaries of an index the structs fit, as columns; None for the general reader.

    A large index is decoded in two halves, one in a forked child, where
    forking is safe (the command line; the browser loads in a thread).
    ``wait`` is work of the caller's running in another thread (the blob's
    checksum): it must end before a child is forked.
    """
    split = len(data) >= SPLIT_MIN_BYTES
    return decode_index_in_parts(data, path, mirror, parts=2 if split else 1, fork=split, wait=wait)


def decode_index_in_parts(
    data: bytes, path: str, mirror: str, parts: int, fork: bool, wait: Callable[[], None] | None = None
) -> IndexColumns | None:
    """``decode_index`` with the records cut into ``parts`` runs of equal length, all but the first
    decoded in forked children when ``fork`` and forking is safe (else one after another here: the same
    answer)."""
    with gc_paused():
        try:
            document = _RAW_DECODER.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError):
            return None
        version = str(document.database.version)
        if version not in SUPPORTED_DB:
            return None
        installs = document.database.installs
        keys = hash_array(list(installs))
        if keys is None or not valid_hash_bytes(keys):  # the general reader skips such a record, saying why
            return None
        if wait is not None:
            wait()
        fork = fork and can_fork()
        raws = list(installs.values())
        size = -(-len(raws) // max(parts, 1)) or 1
        runs = [raws[i : i + size] for i in range(0, len(raws), size)] or [[]]
        if fork and len(runs) == 2:  # this process takes a little more: the child's half ends later
            cut = round(len(raws) * FIRST_RUN_SHARE)
            runs = [raws[:cut], raws[cut:]]
        calls = [ForkedCall(partial(_run_of_raws, run, keys)) for run in runs[1:]] if fork else []
        try:
            found = [_run_of_raws(runs[0], keys)]
            found += [call.result() for call in calls] if fork else [_run_of_raws(run, keys) for run in runs[1:]]
        except BaseException:
            for call in calls:
                call.cancel()
            raise
        if any(run is None for run in found):
            return None
        return assemble([p for p in found if p is not None], keys, path, mirror, version)


def _run_of_raws(raws: list[msgspec.Raw], keys: np.ndarray) -> RecordRun | None:
    """Each record decoded where it lies (a joined copy of half the index cost twice as long, in page faults)."""
    decode = _RECORD_DECODER.decode
    try:
        records = [decode(raw) for raw in raws]
        run = _record_run(records, keys)
        if run is not None:
            run.unknown_names = _unknown_names(raws, run)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    return run


def _unknown_names(raws: list[msgspec.Raw], run: RecordRun) -> list[str]:
    """The names of the edges whose target is not in the index, in edge order (records read again)."""
    unknown = np.flatnonzero(run.targets < 0)
    if not len(unknown):
        return []
    first_edge = np.cumsum(run.counts) - run.counts
    of_record = np.repeat(np.arange(len(run.counts)), run.counts)[unknown]
    edges: dict[int, list[_NamedEdge]] = {}
    names = []
    for k, record in zip(unknown.tolist(), of_record.tolist()):
        if record not in edges:
            edges[record] = _NAMES_DECODER.decode(raws[record]).spec.dependencies
        names.append(edges[record][k - int(first_edge[record])].name)
    return names


def _arch(raw: bytes) -> tuple[str, str, str]:
    return arch_fields(msgspec.json.decode(raw) if raw else None)


def _declared_compiler(node: _Node) -> str | None:
    compiler = node.compiler
    if compiler is None:
        return declared_compiler(None, "", node.annotations)
    return declared_compiler(compiler.name, compiler.version, node.annotations)


_EDGE_PARAMETERS = msgspec.json.Decoder(_EdgeParameters)


def _virtuals(raw: bytes) -> list[str]:
    """The virtuals an edge's raw ``parameters`` JSON provides (as the general reader: none unless a dict)."""
    if not raw:
        return []
    try:
        virtuals = _EDGE_PARAMETERS.decode(raw).virtuals
    except (msgspec.ValidationError, msgspec.DecodeError):
        return []
    return as_list(virtuals)


def _compiler_rank(virtuals: list[str]) -> int:
    """0 for an edge providing c, 1 for cxx, 2 for fortran (the best it provides); 3 for none."""
    return min((COMPILER_VIRTUALS.index(v) for v in virtuals if v in COMPILER_VIRTUALS), default=NO_COMPILER)


def _record_run(records: list[_Record], keys: np.ndarray) -> RecordRun | None:
    """Every pass over the structs goes in decode order, the order they lie in memory (a pass in package
    order missed the cache on every record and took 3x as long)."""
    nodes = [record.spec for record in records]
    dependencies = [node.dependencies for node in nodes]
    edges = [edge for deps in dependencies for edge in deps]
    edge_hashes = hash_array([edge.hash or edge.full_hash or edge.build_hash for edge in edges])
    if edge_hashes is None:
        return None
    binary = np.array([r.in_buildcache and not r.spec.external for r in records], dtype=np.bool_)
    ref_counts = [record.ref_count for record in records]
    counts = np.array([len(deps) for deps in dependencies], dtype=np.int64)
    targets = positions_of(keys, edge_hashes)
    arch_raws, arch_ids = interned([bytes(node.arch) for node in nodes])
    param_raws, param_ids = interned([bytes(node.parameters) for node in nodes])
    named, named_ids = interned([_declared_compiler(node) for node in nodes])
    declared_values = [name for name in named if name is not None]
    position = {name: i for i, name in enumerate(declared_values)}
    remap = np.array([-1 if name is None else position[name] for name in named] or [-1], dtype=np.int64)
    declared_ids = remap[named_ids]
    ranks = np.full(len(edges), NO_COMPILER, dtype=np.int8)
    looked_at = np.repeat(binary & (declared_ids < 0), counts)  # only rows without a compiler of their own
    wanted = edges if looked_at.all() else [edges[k] for k in np.flatnonzero(looked_at).tolist()]
    if wanted:
        raws, raw_ids = interned([bytes(edge.parameters) for edge in wanted])
        ranks[looked_at] = np.array([_compiler_rank(_virtuals(raw)) for raw in raws], dtype=np.int8)[raw_ids]
    return RecordRun(
        names=interned([node.name for node in nodes]),
        versions=interned([node.version for node in nodes]),
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
