"""A Spack index decoded straight into the rows and dependency columns of its pages: the fast path.

The general reader (``spackindex.records``) decodes the whole Database JSON
into dicts and builds a record object per spec and per dependency edge: a
300,000-record index (1.5 million edges) took 16 s. Here msgspec decodes into
typed structs holding only the fields cachetui uses (the rest of the JSON is
skipped, never built), each dependency's label and binary flag is computed
once per record rather than once per edge, and edges go out as flat lists.

The structs describe DB 6 to 9 (nodes with a ``name``, dependencies as a
list). An index they do not fit (DB 5's ``{name: node}`` nodes and
dependency mappings, or anything unexpected) returns None, and the general
reader takes it; a test checks both give the same pages on every fixture.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from .model import name_at
from .parser import ParsedPage
from .rows import IndexExtras
from .spackindex import COMPILER_VIRTUALS, SUPPORTED_DB, gc_paused, target_name, variant_strings


class _Compiler(msgspec.Struct):
    name: str = ""
    version: str = ""


class _EdgeParameters(msgspec.Struct):
    virtuals: list[str] = msgspec.field(default_factory=list)


_EDGE_PARAMETERS = msgspec.json.Decoder(_EdgeParameters)
_NAMES_A_COMPILER = re.compile(rb'"(?:' + b"|".join(v.encode() for v in COMPILER_VIRTUALS) + rb')"')


class _Edge(msgspec.Struct):
    name: str = ""
    hash: str = ""
    full_hash: str = ""
    build_hash: str = ""
    parameters: msgspec.Raw = msgspec.Raw(b"")  # raw JSON: only a compiler edge's virtuals are ever read


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


def decode_pages(data: bytes, path: str, mirror: str) -> tuple[str, list[ParsedPage], int] | None:
    """(DB version, pages by package, records read) of an index the structs fit; None for the general reader."""
    try:
        with gc_paused():
            document = _DECODER.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    version = str(document.database.version)
    if version not in SUPPORTED_DB:
        return None
    with gc_paused():
        pages = _pages(document.database.installs, path, mirror, version)
    return version, pages, len(document.database.installs)


def _edge_hash(edge: _Edge) -> str:
    return edge.hash or edge.full_hash or edge.build_hash


def _virtuals(edge: _Edge) -> list[str]:
    """The virtuals an edge provides, decoded only when its raw JSON can name a compiler's."""
    raw = edge.parameters
    if _NAMES_A_COMPILER.search(raw) is None:  # most edges: "virtuals": [] (one C-level scan, no decoding)
        return []
    try:
        return _EDGE_PARAMETERS.decode(raw).virtuals
    except msgspec.ValidationError:
        return []  # as the general reader: parameters that are not a dict provide nothing


def _compiler(node: _Node, installs: dict[str, _Record]) -> str | None:
    """Like ``spackindex._compiler``: the attribute, a converted record's annotation, or the compiler dependency."""
    compiler = node.compiler
    if compiler is not None and compiler.name:
        version = compiler.version.lstrip("=")
        return name_at(compiler.name, version)
    converted = node.annotations.get("compiler")
    if isinstance(converted, str):
        return converted.replace("@=", "@")
    # One pass: the first edge providing c wins, else the first providing cxx, else fortran.
    best: _Record | None = None
    best_rank = len(COMPILER_VIRTUALS)
    search = _NAMES_A_COMPILER.search
    for edge in node.dependencies:
        if search(edge.parameters) is None:  # most edges: no compiler virtual in sight
            continue
        virtuals = _virtuals(edge)
        for rank in range(best_rank):
            if COMPILER_VIRTUALS[rank] in virtuals:
                found = installs.get(_edge_hash(edge))
                if found is not None:
                    best, best_rank = found, rank
                break
        if best_rank == 0:
            break
    if best is None:
        return None
    dep = best.spec
    return name_at(dep.name, dep.version)


def _pages(installs: dict[str, _Record], path: str, mirror: str, version: str) -> list[ParsedPage]:
    # What a record looks like as somebody's dependency: computed once per record, not once per edge.
    as_dependency = {
        digest: (
            name_at(record.spec.name, record.spec.version),
            record.in_buildcache and not record.spec.external,
        )
        for digest, record in installs.items()
    }
    arches: dict[bytes, tuple[str, str, str]] = {b"": ("", "", "")}
    variants: dict[bytes, tuple[str, ...]] = {b"": ()}
    digests_of: dict[str, list[str]] = {}
    for digest, record in installs.items():
        if record.in_buildcache and not record.spec.external:  # externals and unpushed records name deps only
            digests_of.setdefault(record.spec.name, []).append(digest)
    depended: set[str] | None = None  # only needed for records without a ref_count
    pages = []
    for name in sorted(digests_of):
        digests = digests_of[name]
        records = [installs[d] for d in digests]
        nodes = [r.spec for r in records]
        rows = []
        for digest, node in zip(digests, nodes):
            arch_raw = bytes(node.arch)
            arch = arches.get(arch_raw)
            if arch is None:
                found = msgspec.json.decode(arch_raw)  # as the general reader: anything but a dict is no arch
                found = found if isinstance(found, dict) else {}
                arch = arches[arch_raw] = (
                    str(found.get("platform", "")),
                    str(found.get("platform_os", "")),
                    target_name(found),
                )
            params_raw = bytes(node.parameters)
            variant_set = variants.get(params_raw)
            if variant_set is None:
                variant_set = variants[params_raw] = variant_strings(msgspec.json.decode(params_raw))
            compiler = _compiler(node, installs) or "none"
            rows.append((digest, node.version, compiler, *arch, variant_set, (), None, None))
        if any(r.ref_count is None for r in records) and depended is None:
            depended = {_edge_hash(e) for r in installs.values() for e in r.spec.dependencies}
        hashes = [_edge_hash(e) for node in nodes for e in node.dependencies]
        known = [as_dependency.get(h) for h in hashes]
        names = [e.name for node in nodes for e in node.dependencies]
        page = ParsedPage(path=path, package=name, tag=mirror, format=f"spack-index-db{version}")
        page.rows = rows
        page.extras = IndexExtras(
            roots=[
                r.ref_count == 0 if r.ref_count is not None else d not in (depended or ())
                for d, r in zip(digests, records)
            ],
            counts=[len(node.dependencies) for node in nodes],
            hashes=hashes,
            labels=[k[0] if k is not None else n for k, n in zip(known, names)],
            binary=[k is not None and k[1] for k in known],
        )
        pages.append(page)
    return pages
