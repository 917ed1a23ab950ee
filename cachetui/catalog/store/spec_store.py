"""Column store for specs: one numpy array per field, strings interned in tables.

A Python object per spec would cost ~1 KB at 4 million specs; columns of small
integer ids cost tens of bytes per spec and make filtering a vectorised gather.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from ..spack.records import (
    DependencyRef,
    Spec,
    compiler_name,
    compiler_version,
    dependency_label,
    split_dependency_label,
)
from .lazy import LazySequence
from .rows import Columns, IndexColumns, Row

# Per-spec integer columns (id into a table, or a plain number).
ID_COLUMNS = ("version", "compiler", "platform", "os", "target", "variants", "stacks", "tarball")
STRING_TABLES = ("version", "compiler", "platform", "os", "target", "tarball", "deplabel")
TUPLE_TABLES = ("variants", "stacks")
NO_SIZE = -1
TARBALL_NONE = 0
TARBALL_DERIVED = 1  # the URL is the site's standard one and is rebuilt on demand
_EMPTY_HASH = b"\0" * 32


def derived_tarball(
    tag: str, package: str, version: str, compiler: str, platform: str, os_: str, target: str, digest: str
) -> str:
    """The URL the site generator gives a binary; stored as a flag when a page matches it."""
    arch = f"{platform}-{os_}-{target}"
    comp = f"{compiler_name(compiler)}-{compiler_version(compiler)}"
    return (
        f"https://binaries.spack.io/{tag}/build_cache/{arch}/{comp}/{package}-{version}/"
        f"{arch}-{comp}-{package}-{version}-{digest}.spack"
    )


class Table:
    """Interned values (strings or tuples of strings) with stable integer ids.

    ``items`` (id -> value) may be a lazy sequence (a mapped snapshot's
    strings): nothing is decoded until asked for. ``index`` (value -> id) is
    built on first use, for interning; from then on it is the source of truth
    (ids are insertion order, so hot loops may intern with
    ``index.setdefault(v, len(index))``) and ``items`` is rebuilt from it when
    it falls behind. A table whose items are not unique cannot be interned into
    (``DuplicateValueError``).
    """

    __slots__ = ("_index", "_items")

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items: Sequence[Any] = (
            items if isinstance(items, Sequence) and not isinstance(items, list) else list(items)
        )
        self._index: dict[Any, int] | None = None

    @property
    def index(self) -> dict[Any, int]:
        if self._index is None:
            index = {item: i for i, item in enumerate(self._items)}
            if len(index) != len(self._items):
                raise DuplicateValueError("an interned table holds a value twice")
            self._index = index
        return self._index

    @property
    def items(self) -> Sequence[Any]:
        if self._index is not None and len(self._items) != len(self._index):
            self._items = list(self._index)
        return self._items

    def intern(self, item: Any) -> int:
        return self.index.setdefault(item, len(self.index))

    def __len__(self) -> int:
        return len(self._index) if self._index is not None else len(self._items)

    def remap_from(self, other_items: Sequence[Any]) -> np.ndarray:
        """Ids in this table for each item of another table (interning as needed).

        A table that holds no more than the first items of the other (a store's
        fresh tables and the first chunk's, which began as the same) takes the
        other's items as they are: ids unchanged, nothing interned one by one."""
        mine = self.items
        if len(mine) <= len(other_items) and list(mine) == list(other_items[: len(mine)]):
            self._items, self._index = list(other_items), None
            return np.arange(len(other_items), dtype=np.uint32)
        intern = self.intern
        return np.fromiter((intern(item) for item in other_items), dtype=np.uint32, count=len(other_items))


_BASE32 = frozenset(b"abcdefghijklmnopqrstuvwxyz234567")


class DamagedStoreError(ValueError):
    """A value read from a (mapped) snapshot is not what a page can produce: the snapshot is damaged.

    Columns of a mapped snapshot are checked on open where that is cheap (ids in
    range, the hash index); a hash is checked when it is read, and this is raised
    so the caller rebuilds rather than answers from it.
    """


class DuplicateValueError(ValueError):
    """A table (from a damaged snapshot) holds a value twice, so values cannot be interned into it."""


class ReservedPrefix(LazySequence[Any]):
    """A few reserved values followed by a (lazy) sequence: the tarball table's ids 0 and 1, then URLs."""

    __slots__ = ("_head", "_tail")

    def __init__(self, head: list[Any], tail: Sequence[Any]) -> None:
        self._head = head
        self._tail = tail

    def __len__(self) -> int:
        return len(self._head) + len(self._tail)

    def item(self, index: int) -> Any:
        if index < len(self._head):
            return self._head[index]
        return self._tail[index - len(self._head)]

    def __iter__(self) -> Iterator[Any]:
        yield from self._head
        yield from self._tail


def new_tables() -> dict[str, Table]:
    tables = {name: Table() for name in STRING_TABLES + TUPLE_TABLES}
    tables["tarball"] = Table([None, False])  # ids 0 and 1 are reserved: values no page string can be
    return tables


ROOT_UNKNOWN = -1  # `root` of a spec from a page: pages list root specs only, but do not say so


@dataclass
class Dependencies:
    """Every dependency edge of the specs from Spack indexes, as flat arrays sorted by ``row``."""

    row: np.ndarray  # uint32: the spec (store row) that depends
    hash: np.ndarray  # S32: the dependency's hash
    label: np.ndarray  # uint32 into tables["deplabel"]: "name@version", or "name" when unknown
    binary: np.ndarray  # bool: the dependency's binary is in the same cache

    @classmethod
    def empty(cls) -> Dependencies:
        return cls(np.zeros(0, np.uint32), np.zeros(0, "S32"), np.zeros(0, np.uint32), np.zeros(0, np.bool_))

    def __len__(self) -> int:
        return len(self.row)


class ChunkBuilder:
    """Appends parsed rows to compact columns; what a worker sends back to the loader."""

    def __init__(self) -> None:
        self.tables = new_tables()
        self.columns = {name: array("I") for name in ID_COLUMNS}
        self.size = array("q")
        self.hashes = bytearray()
        self.root = array("b")
        self.dep_row = array("I")
        self.dep_hash = bytearray()
        self.dep_label = array("I")
        self.dep_binary = array("B")

    def add(
        self,
        tag: str,
        package: str,
        rows: Iterable[Row],
        extras: Sequence[tuple[bool | None, Sequence[Any]]] | None = None,
    ) -> int:
        """Append rows; a list is interned column by column (comprehensions, ~2x the row loop).

        ``extras`` (specs from a Spack index, or a legacy page's spec strings) gives each row's
        (root, dependencies), each dependency with ``hash``, ``name``, ``version`` and ``binary``;
        a root of None is unknown (the row's dependencies are then unknown too).
        """
        first = len(self.size)
        if isinstance(rows, Columns):
            n = self._add_columns(tag, package, rows.columns)
        elif isinstance(rows, list):
            n = self._add_columns(tag, package, list(zip(*rows)) if rows else [])
        else:
            n = self._add_rows(tag, package, rows)
        if extras is None:
            self.root.extend([ROOT_UNKNOWN] * n)
            return n
        labels = self.tables["deplabel"].index
        self.root.extend([ROOT_UNKNOWN if is_root is None else 1 if is_root else 0 for is_root, _ in extras])
        edges = [(first + offset, dep) for offset, (_, deps) in enumerate(extras) for dep in deps]
        self.dep_row.extend([row for row, _ in edges])
        self.dep_hash += packed_hashes([dep.hash for _, dep in edges])
        self.dep_label.extend(
            [labels.setdefault(dependency_label(dep.name, dep.version, dep.external), len(labels)) for _, dep in edges]
        )
        self.dep_binary.extend([1 if dep.binary else 0 for _, dep in edges])
        return n

    def add_index(self, index: IndexColumns) -> None:
        """Append a Spack index's binaries (the fast path): each distinct value interned once, ids remapped."""
        first, n = len(self.size), len(index)
        for name, local in index.ids.items():
            mapping = self.tables[name].remap_from(index.values[name]).astype(np.uintc, copy=False)
            target = self.dep_label if name == "deplabel" else self.columns[name]
            target.frombytes(mapping[local].tobytes() if len(mapping) else b"")
        stacks = self.tables["stacks"].intern(())
        self.columns["stacks"].frombytes(np.full(n, stacks, dtype=np.uintc).tobytes())
        self.columns["tarball"].frombytes(np.full(n, TARBALL_NONE, dtype=np.uintc).tobytes())
        self.size.frombytes(np.full(n, NO_SIZE, dtype=np.int64).tobytes())
        self.hashes += index.hashes.data
        self.root.frombytes(index.roots.astype(np.int8).tobytes())
        rows = np.repeat(np.arange(first, first + n, dtype=np.uintc), index.dep_counts)
        self.dep_row.frombytes(rows.tobytes())
        self.dep_hash += index.dep_hashes.data
        self.dep_binary.frombytes(index.dep_binary.astype(np.uint8).tobytes())

    def _add_columns(self, tag: str, package: str, columns: Sequence[Sequence[Any]]) -> int:
        if not columns or not len(columns[0]):
            return 0
        digests, versions, compilers, platforms, oss, targets, variants, stacks, sizes, tarballs = columns
        n = len(digests)
        t, cols = self.tables, self.columns
        for name, values in (
            ("version", versions),
            ("compiler", compilers),
            ("platform", platforms),
            ("os", oss),
            ("target", targets),
            ("variants", variants),
            ("stacks", stacks),
        ):
            index = t[name].index
            # Intern the few distinct values, then map every row with a C-level lookup.
            ids = {v: index.setdefault(v, len(index)) for v in set(values)}
            cols[name].extend(map(ids.__getitem__, values))
        self.hashes += packed_hashes(digests)
        self.size.extend([NO_SIZE if size is None else size for size in sizes])
        if not any(tarballs):
            cols["tarball"].extend([TARBALL_NONE] * n)
        else:
            self._add_tarballs(tag, package, zip(digests, versions, compilers, platforms, oss, targets, tarballs))
        return n

    def _add_tarballs(self, tag: str, package: str, rows: Iterable[tuple[Any, ...]]) -> None:
        intern = self.tables["tarball"].intern
        append = self.columns["tarball"].append
        for digest, version, compiler, platform, os_, target, tarball in rows:
            if tarball is None:
                append(TARBALL_NONE)
            elif tarball == derived_tarball(tag, package, version, compiler, platform, os_, target, digest or ""):
                append(TARBALL_DERIVED)
            else:
                append(intern(tarball))

    def _add_rows(self, tag: str, package: str, rows: Iterable[Row]) -> int:
        # Hot loop (millions of rows): interning is inlined as dict.setdefault on each table's index.
        t = self.tables
        vx, cx, px, ox, gx = (t[n].index for n in ("version", "compiler", "platform", "os", "target"))
        varx, stx = t["variants"].index, t["stacks"].index
        cols = self.columns
        v_a, c_a, p_a, o_a, g_a = (cols[n].append for n in ("version", "compiler", "platform", "os", "target"))
        var_a, st_a, tb_a = cols["variants"].append, cols["stacks"].append, cols["tarball"].append
        size_a = self.size.append
        tarball_intern = t["tarball"].intern
        hashes = self.hashes
        before = len(self.size)
        for digest, version, compiler, platform, os_, target, variants, stacks, size, tarball in rows:
            hashes += digest.encode("ascii") if digest else _EMPTY_HASH  # page readers check hashes
            v_a(vx.setdefault(version, len(vx)))
            c_a(cx.setdefault(compiler, len(cx)))
            p_a(px.setdefault(platform, len(px)))
            o_a(ox.setdefault(os_, len(ox)))
            g_a(gx.setdefault(target, len(gx)))
            var_a(varx.setdefault(variants, len(varx)))
            st_a(stx.setdefault(stacks, len(stx)))
            size_a(NO_SIZE if size is None else size)
            if tarball is None:
                tb_a(TARBALL_NONE)
            elif tarball == derived_tarball(tag, package, version, compiler, platform, os_, target, digest or ""):
                tb_a(TARBALL_DERIVED)
            else:
                tb_a(tarball_intern(tarball))
        return len(self.size) - before

    def __len__(self) -> int:
        return len(self.size)

    def truncate(self, rows: int) -> None:
        """Drop every row after the first ``rows`` (a page that broke off half way).

        Values interned by the dropped rows stay in the tables, unused.
        """
        for column in self.columns.values():
            del column[rows:]
        del self.size[rows:]
        del self.hashes[rows * 32 :]
        del self.root[rows:]
        keep = sum(1 for r in self.dep_row if r < rows)  # edges are appended in row order
        del self.dep_row[keep:], self.dep_label[keep:], self.dep_binary[keep:]
        del self.dep_hash[keep * 32 :]

    def export(self) -> dict[str, Any]:
        """Picklable, compact form for crossing a process boundary: numpy views of the builder's own
        arrays, not copies (tens of MB each for a large index), which pickle protocol 5 sends out of
        band: a fresh process's result is mapped, not copied into one pickle and out of it again (an
        ``array`` or a ``bytearray`` pickles in band).
        The builder cannot be appended to afterwards (its arrays' buffers are held)."""
        return {
            "tables": {name: table.items for name, table in self.tables.items()},
            "columns": {name: np.frombuffer(column, dtype=np.uint32) for name, column in self.columns.items()},
            "size": np.frombuffer(self.size, dtype=np.int64),
            "hashes": np.frombuffer(self.hashes, dtype="S32"),
            "root": np.frombuffer(self.root, dtype=np.int8),
            "dep_row": np.frombuffer(self.dep_row, dtype=np.uint32),
            "dep_hash": np.frombuffer(self.dep_hash, dtype="S32"),
            "dep_label": np.frombuffer(self.dep_label, dtype=np.uint32),
            "dep_binary": np.frombuffer(self.dep_binary, dtype=np.uint8),
        }


def packed_hashes(hashes: Sequence[str | None]) -> bytes:
    """32 bytes per hash, back to back: ASCII, cut or NUL-padded to 32 (none: all NUL), so rows stay aligned."""
    if all(hashes):
        present = cast(Sequence[str], hashes)
        joined = "".join(present)
        if joined.isascii() and len(joined) == 32 * len(present) and (not present or min(map(len, present)) == 32):
            return joined.encode("ascii")
    return b"".join([(h or "").encode("ascii", "replace")[:32].ljust(32, b"\0") for h in hashes])


def _joined(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    """The arrays end to end; one array is used as it is (a copy of a large index's columns costs page faults)."""
    if len(arrays) == 1:
        return arrays[0]
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype)


def _dependency_fields(label: str, binary: bool) -> tuple[str, str, bool, str]:
    name, version, external = split_dependency_label(label)
    return name, version, binary, external


def _smallest_uint(n: int) -> type[np.unsignedinteger[Any]]:
    return np.uint8 if n <= 0xFF else np.uint16 if n <= 0xFFFF else np.uint32


class SpecStore:
    """All spec rows of a catalog. Rows of one page are contiguous."""

    def __init__(
        self,
        tables: dict[str, Table],
        columns: dict[str, np.ndarray],
        size: np.ndarray,
        hashes: np.ndarray,
        page: np.ndarray,
        root: np.ndarray | None = None,
        deps: Dependencies | None = None,
    ):
        self.tables = tables
        self.columns = columns
        self.size = size
        self.hashes = hashes  # dtype S32; b"" for specs without a hash (legacy pages)
        self.page = page  # page id of each row
        self.root = root if root is not None else np.full(len(size), ROOT_UNKNOWN, np.int8)  # 1, 0, or -1: unknown
        self.deps = deps if deps is not None else Dependencies.empty()

    def dependencies_of(self, row: int) -> list[tuple[str, str, bool]]:
        """(hash, "name@version", binary in the cache) of each dependency of ``row``; empty for page specs."""
        deps = self.deps
        at = deps.row.dtype.type(row)  # a Python int would make numpy convert every row, on each call
        low = int(np.searchsorted(deps.row, at, "left"))
        high = int(np.searchsorted(deps.row, at, "right"))
        labels = self.tables["deplabel"].items
        return [
            (bytes(deps.hash[i]).decode("ascii", "replace"), labels[int(deps.label[i])], bool(deps.binary[i]))
            for i in range(low, high)
        ]

    def __len__(self) -> int:
        return len(self.size)

    @classmethod
    def empty(cls) -> SpecStore:
        return cls.concat([], [])

    @classmethod
    def concat(
        cls,
        parts: list[dict[str, Any]],
        page_ids: list[np.ndarray],
        base: SpecStore | None = None,
        keep: np.ndarray | None = None,
        keep_pages: np.ndarray | None = None,
    ) -> SpecStore:
        """Merge exported chunks (and, optionally, the kept rows of an older store) into one store."""
        tables = base.tables if base is not None else new_tables()
        cols: dict[str, list[np.ndarray]] = {name: [] for name in ID_COLUMNS}
        sizes: list[np.ndarray] = []
        hashes: list[np.ndarray] = []
        pages: list[np.ndarray] = []
        roots: list[np.ndarray] = []
        dep_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        offset = 0
        if base is not None and keep is not None:
            for name in ID_COLUMNS:
                cols[name].append(base.columns[name][keep].astype(np.uint32))
            sizes.append(base.size[keep])
            hashes.append(base.hashes[keep])
            roots.append(base.root[keep])
            pages.append(keep_pages if keep_pages is not None else np.zeros(len(keep), np.uint32))  # new page ids
            old = base.deps
            if len(old):
                new_row = np.full(len(base), -1, dtype=np.int64)
                new_row[keep] = np.arange(len(keep))
                moved = new_row[old.row]
                kept = moved >= 0
                dep_parts.append((moved[kept].astype(np.uint32), old.hash[kept], old.label[kept], old.binary[kept]))
            offset = len(keep)
        for part, page_of_rows in zip(parts, page_ids):
            for name in ID_COLUMNS:
                local = np.frombuffer(part["columns"][name], dtype=np.uint32)
                remap = tables[name].remap_from(part["tables"][name])
                cols[name].append(remap[local] if len(local) else local)
            part_size = np.frombuffer(part["size"], dtype=np.int64)
            sizes.append(part_size)
            hashes.append(np.frombuffer(part["hashes"], dtype="S32"))
            roots.append(np.frombuffer(part["root"], dtype=np.int8))
            pages.append(page_of_rows)
            dep_row = np.frombuffer(part["dep_row"], dtype=np.uint32)
            if len(dep_row):
                labels = tables["deplabel"].remap_from(part["tables"]["deplabel"])
                dep_parts.append(
                    (
                        (dep_row.astype(np.int64) + offset).astype(np.uint32),
                        np.frombuffer(part["dep_hash"], dtype="S32"),
                        labels[np.frombuffer(part["dep_label"], dtype=np.uint32)],
                        np.frombuffer(part["dep_binary"], dtype=np.uint8).astype(np.bool_),
                    )
                )
            offset += len(part_size)
        columns = {}
        for name in ID_COLUMNS:
            columns[name] = _joined(cols[name], np.uint32).astype(_smallest_uint(len(tables[name])), copy=False)
        size = _joined(sizes, np.int64)
        hash_col = _joined(hashes, "S32")
        page = _joined(pages, np.uint32).astype(np.uint32, copy=False)
        root = _joined(roots, np.int8).astype(np.int8, copy=False)
        deps = Dependencies.empty()
        if dep_parts:
            row, dep_hash, label, binary = (_joined(list(column), None) for column in zip(*dep_parts))
            if len(row) > 1 and not (row[1:] >= row[:-1]).all():  # chunks come in row order: rarely needed
                order = np.argsort(row, kind="stable")
                row, dep_hash, label, binary = row[order], dep_hash[order], label[order], binary[order]
            deps = Dependencies(row, dep_hash, label.astype(np.uint32, copy=False), binary)
        return cls(tables, columns, size, hash_col, page, root, deps)

    def value(self, name: str, row: int) -> Any:
        return self.tables[name].items[int(self.columns[name][row])]

    def spec(self, row: int, tag: str, package: str, source: str = "") -> Spec:
        t = self.tables
        c = self.columns
        raw = bytes(self.hashes[row])
        if raw and not (len(raw) == 32 and _BASE32.issuperset(raw)):
            raise DamagedStoreError("the snapshot holds a hash that is not 32 base32 characters")
        digest = raw.decode("ascii") or None
        version = t["version"].items[c["version"][row]]
        compiler = t["compiler"].items[c["compiler"][row]]
        platform = t["platform"].items[c["platform"][row]]
        os_ = t["os"].items[c["os"][row]]
        target = t["target"].items[c["target"][row]]
        tarball_id = int(c["tarball"][row])
        if tarball_id == TARBALL_NONE:
            tarball = None
        elif tarball_id == TARBALL_DERIVED:
            tarball = derived_tarball(tag, package, version, compiler, platform, os_, target, digest or "")
        else:
            tarball = t["tarball"].items[tarball_id]
        size = int(self.size[row])
        root_flag = int(self.root[row])
        return Spec(
            row=int(row),
            hash=digest,
            package=package,
            tag=tag,
            version=version,
            compiler=compiler,
            platform=platform,
            os=os_,
            target=target,
            variants=t["variants"].items[c["variants"][row]],
            stacks=t["stacks"].items[c["stacks"][row]],
            size=None if size == NO_SIZE else size,
            tarball=tarball,
            source=source,
            root=None if root_flag == ROOT_UNKNOWN else bool(root_flag),
            dependencies=None
            if root_flag == ROOT_UNKNOWN
            else tuple(
                DependencyRef(digest, *_dependency_fields(label, binary))
                for digest, label, binary in self.dependencies_of(row)
            ),
        )

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.columns.values()) + self.size.nbytes + self.hashes.nbytes + self.page.nbytes
