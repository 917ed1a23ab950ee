"""Hash-prefix lookup over millions of specs in microseconds.

The first 12 base32 characters of each hash (60 bits) are packed into a
uint64 and sorted once; a prefix becomes a [low, high] key range found by
binary search. Specs without a hash sort last and never match. Characters
are packed in ASCII order (``2``-``7`` before ``a``-``z``), so the index's
order is also the order a user sorting hashes as text expects: the spec
table's hash column sorts by it.
"""

from __future__ import annotations

import numpy as np

_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # Spack's base32 characters, in ASCII order
_KEY_CHARS = 12
_NO_HASH = np.uint64(np.iinfo(np.uint64).max)
_VALUE = np.zeros(256, dtype=np.uint64)
for _i, _c in enumerate(_ALPHABET):
    _VALUE[ord(_c)] = _i


def _pack(prefix: str, pad: str) -> int:
    text = (prefix[:_KEY_CHARS] + pad * _KEY_CHARS)[:_KEY_CHARS]
    key = 0
    for char in text:
        key = (key << 5) | _ALPHABET.index(char)
    return key


_VALID = np.zeros(256, dtype=bool)
for _c in _ALPHABET:
    _VALID[ord(_c)] = True


def valid_hash_bytes(hashes: np.ndarray, *, empty: bool = True) -> bool:
    """Every S32 hash is 32 base32 characters, or (with ``empty``) empty: a legacy page's spec has none."""
    if not len(hashes):
        return True
    raw = hashes.view(np.uint8).reshape(len(hashes), 32)
    ok = _VALID[raw].all(axis=1)
    if empty:
        ok |= ~raw.any(axis=1)
    return bool(ok.all())


def hash_keys(hashes: np.ndarray) -> np.ndarray:
    """uint64 sort key of each S32 hash (max value for an empty hash)."""
    raw = hashes.view(np.uint8).reshape(len(hashes), 32)[:, :_KEY_CHARS]
    keys = np.zeros(len(hashes), dtype=np.uint64)
    for i in range(_KEY_CHARS):
        keys <<= np.uint64(5)
        keys |= _VALUE[raw[:, i]]
    keys[raw[:, 0] == 0] = _NO_HASH
    return keys


class HashIndex:
    def __init__(self, hashes: np.ndarray, order: np.ndarray | None = None, sorted_keys: np.ndarray | None = None):
        self.hashes = hashes
        if order is None or sorted_keys is None or len(order) != len(hashes):
            keys = hash_keys(hashes)
            order = np.argsort(keys, kind="stable").astype(np.uint32)
            sorted_keys = keys[order]
        self.order = order
        self.sorted_keys = sorted_keys

    def lookup(self, prefix: str) -> np.ndarray:
        """Rows whose hash starts with ``prefix`` (ascending row order)."""
        prefix = prefix.lower().lstrip("/")
        if not prefix or len(prefix) > 32 or any(c not in _ALPHABET for c in prefix):
            return np.zeros(0, dtype=np.int64)
        low = np.searchsorted(self.sorted_keys, np.uint64(_pack(prefix, _ALPHABET[0])), "left")
        high = np.searchsorted(self.sorted_keys, np.uint64(_pack(prefix, _ALPHABET[-1])), "right")
        rows = self.order[low:high].astype(np.int64)
        if len(rows):
            # Also checks the (mapped, not fully verified) index: a row the keys name whose
            # hash lacks the prefix is never answered.
            rows = rows[np.char.startswith(self.hashes[rows], prefix.encode("ascii"))]
        rows.sort()
        return rows
