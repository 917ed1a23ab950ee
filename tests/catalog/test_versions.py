"""Spack version ordering and matching."""

from __future__ import annotations

import pytest

from cachetui.catalog import VersionRange, version_key
from cachetui.catalog.spack.versions import version_in_prefix


@pytest.mark.parametrize(
    "low, high",
    [
        ("1.8.23", "1.14.6"),
        ("1.9", "1.10"),
        ("1.14", "1.14.1"),
        ("1.14.6", "1.140"),
        ("2.0", "develop"),
        ("99999", "develop"),
        ("master", "develop"),
        ("main", "develop"),
        ("head", "master"),
        ("1.2a", "1.2.1"),
        ("0.9", "1.0"),
        ("2024.1.0", "2025.1.0"),
    ],
)
def test_order(low, high):
    assert version_key(low) < version_key(high)


def test_equal_spellings():
    assert version_key("1.0") == version_key("1.0")
    assert version_key("Develop") == version_key("develop")


def test_sorting_matches_spack_not_strings():
    versions = ["1.14.6", "1.8.23", "develop", "1.12.3", "1.10.0", "2.0"]
    assert sorted(versions, key=version_key, reverse=True) == ["develop", "2.0", "1.14.6", "1.12.3", "1.10.0", "1.8.23"]
    assert sorted(versions) != sorted(versions, key=version_key)  # the site's string order differs


def test_mixed_keys_never_fail_to_compare():
    odd = ["", "1", "a", "1.a", "a.1", "develop", "1-develop", "v1.2", "2024-01-01", "1..2", "-"]
    sorted(odd, key=version_key)  # no TypeError


@pytest.mark.parametrize(
    "version, prefix, ok",
    [
        ("1.14.6", "1.14", True),
        ("1.14", "1.14", True),
        ("1.140", "1.14", False),
        ("1.140.0", "1.14", False),
        ("1.1", "1.14", False),
        ("2.0", "2", True),
        ("20.0", "2", False),
    ],
)
def test_prefix(version, prefix, ok):
    assert version_in_prefix(version, prefix) is ok


@pytest.mark.parametrize(
    "text, yes, no",
    [
        ("1.14", ["1.14", "1.14.0", "1.14.6"], ["1.140", "1.13.9", "1.15"]),
        ("=1.14.6", ["1.14.6"], ["1.14", "1.14.6.1"]),
        ("1.10:1.14", ["1.10", "1.10.2", "1.12", "1.14", "1.14.9"], ["1.9.9", "1.15", "1.140", "develop"]),
        (":1.9", ["0.1", "1.8.23", "1.9.4"], ["1.10", "develop"]),
        ("2:", ["2.0", "10.1", "develop"], ["1.99"]),
    ],
)
def test_ranges(text, yes, no):
    r = VersionRange(text)
    assert [v for v in yes if r.matches(v)] == yes
    assert [v for v in no if r.matches(v)] == []


def test_range_equality():
    assert VersionRange("1.2") == VersionRange("1.2") and hash(VersionRange("1.2")) == hash(VersionRange("1.2"))
    assert VersionRange("1.2") != VersionRange("=1.2")
