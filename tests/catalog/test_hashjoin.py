"""Finding records by hash with sorted joins: exact positions, misses as -1, odd hashes refused."""

from __future__ import annotations

import random

import numpy as np

from cachetui.catalog.sources.spack_index import hashjoin
from cachetui.catalog.sources.spack_index.hashjoin import KeyIndex, hash_array

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def positions_of(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    return KeyIndex(keys).positions(wanted)


def some_hashes(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(32)) for _ in range(n)]


def test_hash_array_takes_only_32_ascii_characters_each():
    assert hash_array([]).shape == (0,)
    assert hash_array(["a" * 32, "b" * 32]).tolist() == [b"a" * 32, b"b" * 32]
    assert hash_array(["a" * 32, "a" * 31]) is None
    assert hash_array(["a" * 33]) is None
    assert hash_array(["a" * 31, "b" * 33]) is None  # 64 characters in all, but not 32 each
    assert hash_array(["a" * 32, ""]) is None
    assert hash_array(["\u00e9" * 32]) is None


def test_positions_are_exact_and_misses_are_minus_one():
    keys = some_hashes(5000, 1)
    wanted = [keys[i] for i in (4999, 0, 17, 17)] + some_hashes(3, 2)
    found = positions_of(hash_array(keys), hash_array(wanted))
    assert found.tolist() == [4999, 0, 17, 17, -1, -1, -1]
    assert positions_of(hash_array([]), hash_array(wanted)).tolist() == [-1] * 7
    assert positions_of(hash_array(keys), hash_array([])).tolist() == []


def test_codes_that_collide_fall_back_to_the_strings(monkeypatch):
    """Two keys with one 64-bit code (odds 2**-64 a pair; forced here) still join exactly."""
    keys = some_hashes(100, 3)
    monkeypatch.setattr(hashjoin, "hash_codes", lambda hashes: np.zeros(len(hashes), dtype=np.uint64))
    found = positions_of(hash_array(keys), hash_array([keys[42], keys[7], some_hashes(1, 4)[0]]))
    assert found.tolist() == [42, 7, -1]


def test_keys_whose_codes_share_their_top_bits_are_each_found(monkeypatch):
    """Codes that differ only in their low bits (forced here) all fall in one run of the lookup table:
    each is still found, by its place in the run, and a code between them is no key's."""
    keys = some_hashes(300, 5)
    monkeypatch.setattr(
        hashjoin,
        "hash_codes",
        lambda hashes: np.array([int.from_bytes(h[:5], "big") for h in hashes.tolist()], dtype=np.uint64),
    )
    index = KeyIndex(hash_array(keys))
    assert not index.collided
    wanted = [keys[i] for i in (299, 0, 150, 7)] + some_hashes(2, 6)
    assert index.positions(hash_array(wanted)).tolist() == [299, 0, 150, 7, -1, -1]


def test_positions_agree_with_a_dict_on_many_keys():
    keys = some_hashes(20000, 7)
    wanted = random.Random(8).choices(keys, k=5000) + some_hashes(500, 9)
    expected = {h: i for i, h in enumerate(keys)}
    assert positions_of(hash_array(keys), hash_array(wanted)).tolist() == [expected.get(h, -1) for h in wanted]
