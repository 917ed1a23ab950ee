"""A Spack index decoded straight into store columns: the fast path.

The general reader (``spackindex.records``) decodes the whole Database JSON
into dicts and builds a record object per spec and per dependency edge, and
the store then interned every page's rows: several times slower
(docs/benchmarks.md). Here the text of ``installs`` is cut into
segments of about 64 KiB that decode on their own (``indexsplit``); each
segment is decoded where it lies into typed structs holding only the fields
cachetui uses (the rest of the JSON is skipped, never built), and its
records are taken apart into columns at once, while their structs are in
the cache. Values equal across records (arch, variants, edge parameters)
are decoded once; the cross-record work (which record an edge points at,
its label, the compiler a Spack 1.0 record reaches by its ``c`` edge, the
order of rows by package) is numpy over record positions
(``indexassembly``, with the hash joins of ``hashjoin``), not Python per
edge.

Page faults are much of the time (several us each on the benchmark VM), so: no
joined copies, no GC headers on the structs, no edge names (read again only
for edges to records missing from the index).

A large index's segments are shared out between two processes as they go,
the second a forked child, where forking is safe (the command line; never
from the browser's loading thread); each then finds its edges among all the
keys, and the runs join into exactly what one process would make (tested).

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

from ...procs.forked import BlockClaims, Exchange, ForkedCall, can_fork
from ...spack.records import external_text
from ...store.hashindex import valid_hash_bytes
from ...store.rows import IndexColumns
from .assembly import NO_COMPILER, RecordRun, assemble
from .hashjoin import KeyIndex, hash_array
from .layout import (
    COMPILER_VIRTUALS,
    SUPPORTED_DB,
    BlobCheck,
    arch_fields,
    as_list,
    declared_compiler,
    gc_paused,
    variant_strings,
)
from .split import SEGMENT_BYTES, SPLIT_MIN_BYTES, IndexText, Segments, segments_of


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


# A segment's records decoded as typed structs in one call: less per record than decoding the
# segment into raw texts and each text on its own (a call and a Raw object per record, and its text
# read twice). A 64 KiB segment's ~80 records stay in the CPU's cache while they are taken apart.
_SEGMENT_DECODER = msgspec.json.Decoder(dict[str, _Record])
_NAMES_DECODER = msgspec.json.Decoder(dict[str, _NamedRecord])


def decode_index(data: IndexText, path: str, mirror: str, check: BlobCheck | None = None) -> IndexColumns | None:
    """The binaries of an index the structs fit, as columns; None for the general reader.

    A large index is decoded by two processes, one a forked child, where
    forking is safe (the command line; the browser loads in a thread). The
    blob's ``check`` (its sha256) runs in a thread meanwhile, started after
    the fork, and has ended before anything decoded is used. ``data`` is cut
    in place (``indexsplit``) and put back as it was before this returns.
    """
    processes = 2 if len(data) >= SPLIT_MIN_BYTES else 1
    segment_bytes = max(SEGMENT_BYTES, len(data) // BlockClaims.MOST + 1)  # 2 GiB: 512 KiB each
    return decode_index_in_parts(data, path, mirror, processes, check, segment_bytes)


def decode_index_in_parts(
    data: IndexText,
    path: str,
    mirror: str,
    processes: int,
    check: BlobCheck | None = None,
    segment_bytes: int = SEGMENT_BYTES,
) -> IndexColumns | None:
    """``decode_index`` in ``processes`` (1, or 2 where forking is safe) and segments of about
    ``segment_bytes``: every way gives the same answer (tested)."""
    segments = segments_of(data, segment_bytes)
    if segments is None or segments.version not in SUPPORTED_DB:
        return None
    try:
        with gc_paused():
            if processes == 2 and 1 < len(segments) <= BlockClaims.MOST and can_fork():
                runs = _in_two_processes(data, segments, check)
            else:
                if check is not None:
                    check.start(segments.cuts)
                runs = [_run_of_segments(data, segments, range(len(segments)))]
            if check is not None:
                check.wait()
            return _joined(data, segments, runs, path, mirror)
    finally:
        segments.restore(data)


def _in_two_processes(data: IndexText, segments: Segments, check: BlobCheck | None) -> list[RecordRun | None]:
    """The segments in two runs: this process takes them from the front, a forked child from the back,
    until they meet (``BlockClaims``). The faster takes more: the two cores of a VM are seldom equally
    fast, and a fixed cut left one waiting for the other."""
    count = len(segments)
    claims = BlockClaims(count)
    front: list[int] = []

    def from_front() -> Iterator[int]:
        while claims.take():
            front.append(len(front))
            yield front[-1]

    def from_back() -> Iterator[int]:
        for k in range(count - 1, -1, -1):
            if not claims.take():
                return
            yield k

    # Each side's keys go to the other when its segments are done: both then find their own edges among
    # all the keys at once. A child that fails leaves its segments (all the ones this process did not
    # take) to this process, which then finds their edges itself.
    exchange = Exchange()

    def in_child() -> RecordRun | None:
        run = _run_of_segments(data, segments, from_back(), backwards=True)
        exchange.send(None if run is None else run.keys)
        if run is not None:
            _locate(run, exchange, ours_first=False)
        return run

    call = ForkedCall(
        in_child,
        fallback=lambda: _run_of_segments(data, segments, range(len(front), count)),
        exchange=exchange,
    )
    try:
        if check is not None:
            check.start(segments.cuts)  # a thread: only now that the child is forked
        run = _run_of_segments(data, segments, from_front())
        if run is None:
            call.cancel()
            return [None]
        exchange.send(run.keys)
        _locate(run, exchange, ours_first=True)
        found = [run, call.result()]
    except BaseException:
        call.cancel()
        raise
    finally:
        claims.close()
        exchange.close()
    return found


def _locate(run: RecordRun, exchange: Exchange, ours_first: bool) -> None:
    """Each edge of the run found among all the index's keys: ours and the other side's (received; the
    parent's records come first). Left to ``_joined`` if the other side sent none, and there given up if
    a key is held twice."""
    theirs = exchange.receive()
    if theirs is None or theirs[0] is None:
        return
    index = KeyIndex(np.concatenate([run.keys, theirs[0]] if ours_first else [theirs[0], run.keys]))
    if not index.duplicated:
        run.targets = index.positions(run.edge_hashes)


def _joined(
    data: IndexText, segments: Segments, found: list[RecordRun | None], path: str, mirror: str
) -> IndexColumns | None:
    """The runs joined: every edge found among all the records, then the columns assembled."""
    runs = [run for run in found if run is not None]
    if len(runs) < len(found):
        return None
    keys = np.concatenate([run.keys for run in runs])
    if any(run.targets is None for run in runs):  # not found by the processes that made the runs
        index = KeyIndex(keys)
        if index.duplicated:  # a key in two segments: as a dict, the general reader keeps the last
            return None
        for run in runs:
            run.targets = index.positions(run.edge_hashes)
    for run in runs:
        run.unknown_names = _unknown_names(data, segments, run)
    return assemble(runs, keys, path, mirror, segments.version)


def _run_of_segments(
    data: IndexText, segments: Segments, taken: Iterable[int], backwards: bool = False
) -> RecordRun | None:
    """The records of consecutive segments (the last first if ``backwards``), in record order; None if a
    segment does not decode (a cut that is not between records, a record the structs do not fit)."""
    try:
        return _decoded_run(((k, _SEGMENT_DECODER.decode(segments.opened(data, k))) for k in taken), backwards)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def _unknown_names(data: IndexText, segments: Segments, run: RecordRun) -> list[str]:
    """The names of the edges whose target is not in the index, in edge order (their segments read again)."""
    assert run.targets is not None
    unknown = np.flatnonzero(run.targets < 0)
    if not len(unknown):
        return []
    first_edge = np.cumsum(run.counts) - run.counts
    of_record = np.repeat(np.arange(len(run.counts)), run.counts)[unknown]
    starts = np.cumsum(run.segment_sizes) - run.segment_sizes
    records: dict[int, list[_NamedRecord]] = {}
    names = []
    for k, record in zip(unknown.tolist(), of_record.tolist()):
        at = int(np.searchsorted(starts, record, side="right")) - 1
        if at not in records:
            records[at] = list(_NAMES_DECODER.decode(segments.opened(data, run.segments[at])).values())
        names.append(records[at][record - int(starts[at])].spec.dependencies[k - int(first_edge[record])].name)
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


def _decoded_run(segments: Iterable[tuple[int, dict[str, _Record]]], backwards: bool = False) -> RecordRun | None:
    """A run's columns, made in one pass that takes each segment's records apart right after decoding it.

    The structs are read while they are still in the cache and then dropped,
    so the next segment's reuse their memory. Holding 300,000 decoded records
    and making a dozen passes over them (a cache and TLB miss per struct on
    each, and page faults for all of them) took twice as long. Values equal
    across records are interned as they come.

    Segments that come ``backwards`` (the last first) are put back in order at the end.
    """
    # Long on purpose: the loop over every record stays in one frame, where its locals are fastest.
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
    externals: dict[str, int] = {}
    external_ids: list[int] = []  # -1: no external
    ref_counts: list[int | None] = []
    counts: list[int] = []
    edge_parameter_ids: list[int] = []  # -1: not looked at (the record names its compiler, or is no binary)
    hash_blocks: list[np.ndarray] = []
    key_blocks: list[np.ndarray] = []
    taken: list[int] = []
    block_records: list[int] = []
    for k, records in segments:
        hashes: list[str] = []
        segment_keys = hash_array(list(records))
        if segment_keys is None or not valid_hash_bytes(segment_keys, empty=False):
            return None  # the general reader skips such a record, saying why
        taken.append(k)
        key_blocks.append(segment_keys)
        block_records.append(len(records))
        for record in records.values():
            node = record.spec
            name_ids.append(names.setdefault(node.name, len(names)))
            version_ids.append(versions.setdefault(node.version, len(versions)))
            arch_ids.append(arches.setdefault(bytes(node.arch), len(arches)))
            parameter_ids.append(parameters.setdefault(bytes(node.parameters), len(parameters)))
            named = None if node.compiler is None and node.annotations is None else _declared_compiler(node)
            declared_ids.append(declared.setdefault(named, len(declared)))
            is_binary = record.in_buildcache and not node.external
            binary.append(is_binary)
            external_ids.append(
                externals.setdefault(external_text(node.external), len(externals)) if node.external else -1
            )
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
        if block is None or not valid_hash_bytes(block, empty=False):
            return None  # the general reader decides what an edge that names no hash means
        hash_blocks.append(block)
    edge_hashes = np.concatenate(hash_blocks) if hash_blocks else np.zeros(0, dtype="S32")
    named_values = list(declared)
    declared_values = [name for name in named_values if name is not None]
    position = {name: i for i, name in enumerate(declared_values)}
    remap = np.array([-1 if name is None else position[name] for name in named_values] or [-1], dtype=np.int64)
    rank_of = [_compiler_rank(_virtuals(raw)) for raw in edge_parameters]
    # id -1 picks the last entry: no compiler
    ranks = np.array([*rank_of, NO_COMPILER], dtype=np.int8)[np.array(edge_parameter_ids, dtype=np.int64)]
    keys = np.concatenate(key_blocks) if key_blocks else np.zeros(0, dtype="S32")
    per_record = _in_order(block_records, backwards)
    per_edge = _in_order([len(block) for block in hash_blocks], backwards)
    segment_order = slice(None, None, -1 if backwards else 1)
    return RecordRun(
        keys=per_record(keys),
        segments=taken[segment_order],
        segment_sizes=block_records[segment_order],
        names=(list(names), per_record(np.array(name_ids, dtype=np.uint32))),
        versions=(list(versions), per_record(np.array(version_ids, dtype=np.uint32))),
        arches=([_arch(raw) for raw in arches], per_record(np.array(arch_ids, dtype=np.uint32))),
        variants=(_variant_sets(list(parameters)), per_record(np.array(parameter_ids, dtype=np.uint32))),
        declared=(declared_values, per_record(remap[np.array(declared_ids, dtype=np.int64)])),
        binary=per_record(np.array(binary, dtype=np.bool_)),
        externals=(list(externals), per_record(np.array(external_ids, dtype=np.int64))),
        ref_zero=per_record(np.array([rc == 0 for rc in ref_counts], dtype=np.bool_)),
        ref_missing=per_record(np.array([rc is None for rc in ref_counts], dtype=np.bool_)),
        counts=per_record(np.array(counts, dtype=np.int64)),
        edge_hashes=per_edge(edge_hashes),
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
