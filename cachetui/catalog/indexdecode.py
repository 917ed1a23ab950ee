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

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import msgspec
import numpy as np

from .forked import BlockClaims, ForkedCall, can_fork
from .hashindex import valid_hash_bytes
from .hashjoin import hash_array, positions_of
from .indexassembly import NO_COMPILER, RecordRun, assemble
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
        raws = list(installs.values())
        if fork and parts == 2 and can_fork():
            found = _in_two_processes(raws, keys)
        else:
            size = -(-len(raws) // max(parts, 1)) or 1
            found = [_run_of_raws(raws[i : i + size], keys) for i in range(0, len(raws), size)] or [
                _run_of_raws([], keys)
            ]
        if any(run is None for run in found):
            return None
        return assemble([p for p in found if p is not None], keys, path, mirror, version)


def _in_two_processes(raws: list[msgspec.Raw], keys: np.ndarray) -> list[RecordRun | None]:
    """The records in two runs: this process takes blocks from the front, a forked child from the back,
    until they meet (``BlockClaims``). The faster takes more: the two cores of a VM are seldom equally
    fast, and a fixed cut left one waiting for the other for up to 0.4 s."""
    size = max(RUN_BLOCK, -(-len(raws) // BlockClaims.MOST))
    count = -(-len(raws) // size)
    claims = BlockClaims(count)
    front: list[int] = []

    def from_front() -> Iterator[list[msgspec.Raw]]:
        while claims.take():
            front.append(len(front))
            yield raws[front[-1] * size : (front[-1] + 1) * size]

    def from_back() -> Iterator[list[msgspec.Raw]]:
        for k in range(count - 1, -1, -1):
            if not claims.take():
                return
            yield raws[k * size : (k + 1) * size]

    # A child that fails leaves its blocks, all the ones this process did not take, to this process.
    call = ForkedCall(
        lambda: _run_of_blocks(from_back(), keys, backwards=True),
        fallback=lambda: _run_of_raws(raws[len(front) * size :], keys),
    )
    try:
        found = [_run_of_blocks(from_front(), keys), call.result()]
    except BaseException:
        call.cancel()
        raise
    finally:
        claims.close()
    return found


def _blocks_of(raws: list[msgspec.Raw]) -> Iterator[list[msgspec.Raw]]:
    return (raws[i : i + RUN_BLOCK] for i in range(0, len(raws), RUN_BLOCK))


def _run_of_raws(raws: list[msgspec.Raw], keys: np.ndarray) -> RecordRun | None:
    return _run_of_blocks(_blocks_of(raws), keys)


def _run_of_blocks(blocks: Iterable[list[msgspec.Raw]], keys: np.ndarray, backwards: bool = False) -> RecordRun | None:
    """The records of consecutive blocks (the last first if ``backwards``), each decoded where it lies
    (no joined copy) and taken apart at once (``_decoded_run``); the run is in record order."""
    taken: list[list[msgspec.Raw]] = []

    def kept() -> Iterator[list[msgspec.Raw]]:
        for block in blocks:
            taken.append(block)
            yield block

    try:
        run = _decoded_run(kept(), keys, backwards)
        if run is not None:
            covered = [raw for block in (reversed(taken) if backwards else taken) for raw in block]
            run.unknown_names = _unknown_names(covered, run)
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


RUN_BLOCK = 8192  # records whose edge hashes are gathered as str before they become one S32 array


def _decoded_run(blocks: Iterable[list[msgspec.Raw]], keys: np.ndarray, backwards: bool = False) -> RecordRun | None:
    """A run's columns, made in one pass that takes each record apart right after decoding it.

    The structs are read while they are still in the cache and then dropped,
    so the next record's reuse their memory. Holding 300,000 decoded records
    and making a dozen passes over them (a cache and TLB miss per struct on
    each, and page faults for all of them) took twice as long. Values equal
    across records are interned as they come.

    Blocks that come ``backwards`` (the last first) are put back in order at the end.
    """
    decode = _RECORD_DECODER.decode
    names: dict[str, int] = {}
    versions: dict[str, int] = {}
    arches: dict[bytes, int] = {}
    parameters: dict[bytes, int] = {}
    declared: dict[str | None, int] = {}
    edge_parameters: dict[bytes, int] = {}
    name_ids: list[int] = []
    version_ids: list[int] = []
    arch_ids: list[int] = []
    parameter_ids: list[int] = []
    declared_ids: list[int] = []
    binary: list[bool] = []
    ref_counts: list[int | None] = []
    counts: list[int] = []
    edge_parameter_ids: list[int] = []  # -1: not looked at (the record names its compiler, or is no binary)
    hash_blocks: list[np.ndarray] = []
    block_records: list[int] = []
    for block_raws in blocks:
        hashes: list[str] = []
        block_records.append(len(block_raws))
        for raw in block_raws:
            record = decode(raw)
            node = record.spec
            name_ids.append(names.setdefault(node.name, len(names)))
            version_ids.append(versions.setdefault(node.version, len(versions)))
            arch_ids.append(arches.setdefault(bytes(node.arch), len(arches)))
            parameter_ids.append(parameters.setdefault(bytes(node.parameters), len(parameters)))
            named = None if node.compiler is None and node.annotations is None else _declared_compiler(node)
            declared_ids.append(declared.setdefault(named, len(declared)))
            is_binary = record.in_buildcache and not node.external
            binary.append(is_binary)
            ref_counts.append(record.ref_count)
            edges = node.dependencies
            counts.append(len(edges))
            if is_binary and named is None:  # Spack 1.0: its compiler is the record an edge providing c reaches
                for edge in edges:
                    hashes.append(edge.hash or edge.full_hash or edge.build_hash)
                    edge_parameter_ids.append(edge_parameters.setdefault(bytes(edge.parameters), len(edge_parameters)))
            else:
                for edge in edges:
                    hashes.append(edge.hash or edge.full_hash or edge.build_hash)
                    edge_parameter_ids.append(-1)
        block = hash_array(hashes)
        if block is None:
            return None
        hash_blocks.append(block)
    edge_hashes = np.concatenate(hash_blocks) if hash_blocks else np.zeros(0, dtype="S32")
    named_values = list(declared)
    declared_values = [name for name in named_values if name is not None]
    position = {name: i for i, name in enumerate(declared_values)}
    remap = np.array([-1 if name is None else position[name] for name in named_values] or [-1], dtype=np.int64)
    rank_of = [_compiler_rank(_virtuals(raw)) for raw in edge_parameters]
    # id -1 picks the last entry: no compiler
    ranks = np.array([*rank_of, NO_COMPILER], dtype=np.int8)[np.array(edge_parameter_ids, dtype=np.int64)]
    edge_counts = np.array(counts, dtype=np.int64)
    per_record = _in_order(block_records, backwards)
    per_edge = _in_order([len(block) for block in hash_blocks], backwards)
    edge_hashes = per_edge(edge_hashes)
    return RecordRun(
        names=(list(names), per_record(np.array(name_ids, dtype=np.uint32))),
        versions=(list(versions), per_record(np.array(version_ids, dtype=np.uint32))),
        arches=([_arch(raw) for raw in arches], per_record(np.array(arch_ids, dtype=np.uint32))),
        variants=(_variant_sets(list(parameters)), per_record(np.array(parameter_ids, dtype=np.uint32))),
        declared=(declared_values, per_record(remap[np.array(declared_ids, dtype=np.int64)])),
        binary=per_record(np.array(binary, dtype=np.bool_)),
        ref_zero=per_record(np.array([rc == 0 for rc in ref_counts], dtype=np.bool_)),
        ref_missing=per_record(np.array([rc is None for rc in ref_counts], dtype=np.bool_)),
        counts=per_record(edge_counts),
        edge_hashes=edge_hashes,
        targets=positions_of(keys, edge_hashes),
        ranks=per_edge(ranks),
    )


def _in_order(sizes: list[int], backwards: bool) -> Callable[[np.ndarray], np.ndarray]:
    """What puts an array made of blocks of these sizes back in record order: the blocks reversed if they
    came ``backwards``, else nothing."""
    if not backwards or len(sizes) < 2:
        return lambda array: array
    cuts = np.cumsum(sizes)[:-1]
    return lambda array: np.concatenate(np.split(array, cuts)[::-1])


def _variant_sets(raws: list[bytes]) -> list[tuple[str, ...]]:
    return [variant_strings(msgspec.json.decode(raw)) if raw else () for raw in raws]
