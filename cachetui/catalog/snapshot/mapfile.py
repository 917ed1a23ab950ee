"""One file of named numpy arrays that opens by mapping: nothing is read until a column is used.

Layout::

    magic (8 bytes) | header length (u32) | header CRC-32 (u32) | header (JSON) | padding
    array 0 (64-byte aligned) | array 1 | ...

The header names every array with its dtype, length, offset and checksum, and
the header's own CRC covers those; an array's checksum is checked when it is
first viewed, so a flipped byte anywhere in the data is found before it is used.
The checksum (``checksum``) is a CRC-32, over 64 KiB blocks' 64-bit word sums for
large arrays: any change within a word, and blocks out of place, are caught at
memory speed (a CRC over every byte took several times as long on each open).
Arrays come back as read-only views of the mapping (``np.frombuffer``): only
plain numeric and byte-string dtypes are accepted, so nothing in the file can
make numpy build Python objects, let alone run code.

Strings are stored as two arrays (UTF-8 bytes and offsets) and decoded one at
a time on access (``LazyStrings``): 130,000 paths cost nothing until used.
"""

from __future__ import annotations

import itertools
import json
import mmap
import os
import struct
import zlib
from collections.abc import Iterator, Sequence
from typing import IO, Any

import numpy as np

from ..store.lazy import LazySequence

MAGIC = b"CTUISNP8"
ALIGN = 64
_PREFIX = struct.Struct("<8sII")
ALLOWED_KINDS = frozenset("biuS")  # bool, signed, unsigned, fixed bytes: never objects


class MapFileError(Exception):
    """The file is not a whole, well-formed array file; the message says why (one line)."""


def write(handle: IO[bytes], header: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` (1-D) and ``header`` (JSON-able) to an open binary file."""
    directory: dict[str, list[Any]] = {}
    data: list[np.ndarray] = []  # each array's bytes, as written and checksummed
    offset = 0
    for name, array in arrays.items():
        if array.ndim != 1 or array.dtype.kind not in ALLOWED_KINDS:
            raise ValueError(f"cannot store {name}: {array.dtype} with {array.ndim} dimensions")
        data.append(np.ascontiguousarray(array).view(np.uint8))
        directory[name] = [array.dtype.str, len(array), offset, checksum(data[-1])]
        offset += _aligned(array.nbytes)
    body = json.dumps({**header, "arrays": directory}, separators=(",", ":")).encode("utf-8", "surrogateescape")
    start = _aligned(_PREFIX.size + len(body))
    handle.write(_PREFIX.pack(MAGIC, len(body), zlib.crc32(body)))
    handle.write(body)
    handle.write(b"\0" * (start - _PREFIX.size - len(body)))
    for raw in data:
        handle.write(raw.data)
        handle.write(b"\0" * (_aligned(len(raw)) - len(raw)))


_BLOCK_WORDS = 8192  # 64 KiB of 64-bit words
_SMALL = 1 << 20  # arrays below this get a plain CRC-32


def checksum(data: np.ndarray) -> int:
    """A checksum of ``data`` (uint8): CRC-32 of small arrays; of large ones, CRC-32 of each 64 KiB
    block's sum of 64-bit words (mod 2**64) and of the bytes after the last whole block."""
    if len(data) < _SMALL:
        return zlib.crc32(data.data)
    blocks = len(data) // (_BLOCK_WORDS * 8)
    head = data[: blocks * _BLOCK_WORDS * 8].view(np.uint64).reshape(blocks, _BLOCK_WORDS)
    sums = head.sum(axis=1, dtype=np.uint64)
    return zlib.crc32(data[blocks * _BLOCK_WORDS * 8 :].data, zlib.crc32(sums.data))


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


class MapFile:
    """An opened array file: ``header`` (dict) and ``array(name)`` views of the mapping."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < _PREFIX.size:
                raise MapFileError("snapshot is truncated")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        magic, length, crc = _PREFIX.unpack_from(self._map, 0)
        if magic != MAGIC:
            raise MapFileError("not a cachetui snapshot of this format")
        body = self._map[_PREFIX.size : _PREFIX.size + length]
        if len(body) != length or zlib.crc32(body) != crc:
            raise MapFileError("snapshot header is damaged")
        try:
            header = json.loads(body.decode("utf-8", "surrogateescape"))
        except ValueError:
            raise MapFileError("snapshot header is damaged") from None
        if not isinstance(header, dict) or not isinstance(header.get("arrays"), dict):
            raise MapFileError("snapshot header is damaged")
        self.header: dict[str, Any] = header
        self._start = _aligned(_PREFIX.size + length)
        self._size = size
        self._arrays: dict[str, np.ndarray] = {}

    def has(self, name: str) -> bool:
        """The file holds an array of this name (optional arrays may be absent)."""
        return name in self.header["arrays"]

    def array(self, name: str) -> np.ndarray:
        """A read-only view of one array; MapFileError if it is missing or does not fit the file."""
        found = self._arrays.get(name)
        if found is not None:
            return found
        entry = self.header["arrays"].get(name)
        try:
            dtype_str, count, offset, crc = entry
            dtype = np.dtype(dtype_str)
        except (TypeError, ValueError):
            raise MapFileError(f"snapshot array {name} is missing or damaged") from None
        if dtype.kind not in ALLOWED_KINDS or dtype.hasobject or not all(type(v) is int for v in (count, offset, crc)):
            raise MapFileError(f"snapshot array {name} has a type it may not have")
        begin = self._start + offset
        if count < 0 or offset < 0 or begin + count * dtype.itemsize > self._size:
            raise MapFileError(f"snapshot array {name} does not fit the file (truncated?)")
        if checksum(np.frombuffer(self._map, dtype=np.uint8, count=count * dtype.itemsize, offset=begin)) != crc:
            raise MapFileError(f"snapshot array {name} is damaged (checksum)")
        array = np.frombuffer(self._map, dtype=dtype, count=count, offset=begin)
        self._arrays[name] = array
        return array

    def strings(self, name: str) -> LazyStrings:
        """The strings stored under ``name`` (see ``encode_strings``), decoded on access."""
        offsets, blob = self.array(name + ".off"), self.array(name + ".utf8")
        if offsets.dtype != np.uint64 or blob.dtype != np.uint8 or len(offsets) < 1:
            raise MapFileError(f"snapshot strings {name} are damaged")
        n = len(offsets) - 1
        if n and (int(offsets[0]) != 0 or int(offsets[-1]) > len(blob) or np.any(offsets[1:] < offsets[:-1])):
            raise MapFileError(f"snapshot strings {name} are damaged")
        return LazyStrings(offsets, blob)


def encode_strings(name: str, items: Sequence[str]) -> dict[str, np.ndarray]:
    """``items`` as the two arrays ``NAME.off`` (n + 1 offsets) and ``NAME.utf8`` (the bytes)."""
    encoded = [item.encode("utf-8", "surrogateescape") for item in items]
    offsets = np.zeros(len(encoded) + 1, dtype=np.uint64)
    if encoded:
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return {name + ".off": offsets, name + ".utf8": np.frombuffer(b"".join(encoded), dtype=np.uint8)}


class LazyStrings(LazySequence[str]):
    """A list of strings kept as UTF-8 bytes and offsets; each is decoded when asked for."""

    __slots__ = ("_blob", "_offsets")

    def __init__(self, offsets: np.ndarray, blob: np.ndarray) -> None:
        self._offsets = offsets
        self._blob = memoryview(blob.data).cast("B") if len(blob) else memoryview(b"")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def item(self, index: int) -> str:
        begin, end = int(self._offsets[index]), int(self._offsets[index + 1])
        return str(self._blob[begin:end], "utf-8", "surrogateescape")

    def __iter__(self) -> Iterator[str]:
        blob = self._blob
        bounds = self._offsets.tolist()
        for begin, end in itertools.pairwise(bounds):
            yield str(blob[begin:end], "utf-8", "surrogateescape")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, LazyStrings)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list-like, compared by value


class Subset(LazySequence[str]):
    """The strings of ``base`` at ``index`` (e.g. the paths of the files that are pages), lazily."""

    __slots__ = ("_base", "_index")

    def __init__(self, base: Sequence[str], index: np.ndarray) -> None:
        self._base = base
        self._index = index

    def __len__(self) -> int:
        return len(self._index)

    def item(self, index: int) -> str:
        return self._base[int(self._index[index])]
