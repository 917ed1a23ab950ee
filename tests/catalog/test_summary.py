"""Facet counts (Summary) checked against counts computed straight from the page."""

from __future__ import annotations

from collections import Counter

import pytest

from cachetui.catalog import load_catalog
from tests.catalog.helpers import REAL, front_matter

HDF5 = REAL / "develop-2025-07-13" / "hdf5" / "specs.md"


@pytest.fixture(scope="module")
def hdf5():
    cat = load_catalog([HDF5], use_cache=False)
    details = front_matter(HDF5)["spec_details"]
    return cat, details, cat.summary(cat.rows_of("develop-2025-07-13", "hdf5"))


def test_hdf5_spec_count(hdf5):
    cat, details, summary = hdf5
    assert len(details) == 44
    assert summary.num_specs == 44 == cat.num_specs
    assert cat.pages[0].declared_specs == 44


def test_hdf5_version_counts_newest_first(hdf5):
    _, details, summary = hdf5
    expected = Counter(d["versions"][0] for d in details)
    assert summary.versions == dict(expected)
    assert list(summary.versions) == ["1.14.6", "1.12.3", "1.8.23"]
    assert summary.versions["1.14.6"] == 36 and summary.versions["1.8.23"] == 7


def test_hdf5_arch_and_compiler_counts(hdf5):
    _, details, summary = hdf5
    assert summary.oss == dict(Counter(d["os"] for d in details))
    assert summary.oss["ubuntu22.04"] == 21 and summary.oss["windows10.0.20348"] == 1
    assert summary.platforms == dict(Counter(d["platform"] for d in details))
    assert summary.targets == dict(Counter(d["target"] for d in details))
    assert summary.compilers == dict(Counter(d["compiler"] for d in details))
    assert summary.arches == dict(Counter(f"{d['platform']}-{d['os']}-{d['target']}" for d in details))
    stacks = Counter(s for d in details for s in d["stacks"])
    assert summary.stacks == dict(stacks) and summary.stacks["root"] == 44
    # facets are ordered by count, biggest first
    assert list(summary.oss.values()) == sorted(summary.oss.values(), reverse=True)


def test_hdf5_sizes_unknown(hdf5):
    _, details, summary = hdf5
    assert {d["size"] for d in details} == {"-"}
    assert summary.total_size is None
    as_dict = summary.to_dict()
    assert as_dict["num_specs"] == 44 and as_dict["versions"] == summary.versions and as_dict["total_size"] is None


def test_summary_of_a_query_subset(hdf5):
    cat, details, _ = hdf5
    res = cat.query("+mpi os=ubuntu22.04")
    expected = [d for d in details if "+mpi" in d["variants"] and d["os"] == "ubuntu22.04"]
    summary = cat.summary(res.rows)
    assert summary.num_specs == len(expected) == res.count > 0
    assert summary.versions == dict(Counter(d["versions"][0] for d in expected))


def test_empty_summary(hdf5):
    cat, _, _ = hdf5
    summary = cat.summary([])
    assert summary.num_specs == 0 and summary.versions == {} and summary.total_size is None
