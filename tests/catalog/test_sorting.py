"""Sorting from saved ranks: every order equals an independent sort of the specs' own fields."""

from __future__ import annotations

import itertools
import random
import shutil

import numpy as np
import pytest

from cachetui.catalog import load_catalog, sample_catalog_path
from cachetui.catalog.query.sorting import SORT_COLUMNS, SortRanks
from cachetui.catalog.spack.versions import version_key
from cachetui.catalog.store.spec_store import NO_SIZE


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([sample_catalog_path()], use_cache=False)


ALL_VERSIONS: list = []  # every version key of the sample, ascending: its index makes "newest first" a plain sort


def natural_key(catalog, spec):
    """Newest tag, package, newest version, compiler, platform, os, target (the documented natural order)."""
    newest_first = -ALL_VERSIONS.index(version_key(spec.version))
    return (catalog.tag_rank(spec.tag), spec.package, newest_first, spec.compiler, spec.platform, spec.os, spec.target)


def column_key(catalog, spec, column):
    if column == "hash":
        return spec.hash or "~"  # no hash sorts last
    if column == "tag":
        return catalog.tag_rank(spec.tag)
    if column == "version":
        return version_key(spec.version)
    if column == "size":
        return NO_SIZE if spec.size is None else spec.size
    if column == "arch":
        return (spec.platform, spec.os, spec.target)
    if column in ("variants", "stacks"):
        return " ".join(getattr(spec, column))
    return getattr(spec, column)


@pytest.fixture(scope="module", autouse=True)
def _versions(catalog):
    ALL_VERSIONS[:] = sorted({version_key(s.version) for s in catalog.specs(np.arange(catalog.num_specs))})


@pytest.mark.parametrize("size", [5, 40, 400, None], ids=["few", "some", "many", "all"])
def test_natural_order_matches_the_oracle(catalog, size):
    rows = np.arange(catalog.num_specs)
    if size is not None:
        rows = np.array(sorted(random.Random(size).sample(range(catalog.num_specs), size)))
    ordered = catalog.sort_rows(rows)  # "all" and "many" take the pass over the natural order
    specs = catalog.specs(ordered)
    keys = [natural_key(catalog, s) for s in specs]
    assert keys == sorted(keys)
    assert sorted(ordered.tolist()) == rows.tolist()
    assert catalog.sort_rows(rows, reverse=True).tolist() == ordered[::-1].tolist()


@pytest.mark.parametrize("column", SORT_COLUMNS)
def test_each_column_both_ways_then_natural(catalog, column):
    rows = np.array(sorted(random.Random(column).sample(range(catalog.num_specs), 300)))
    for reverse in (False, True):
        specs = catalog.specs(catalog.sort_rows(rows, column, reverse))
        primary = [column_key(catalog, s, column) for s in specs]
        assert primary == sorted(primary, reverse=reverse)
        for a, b in itertools.pairwise(specs):  # ties keep the natural order
            if column_key(catalog, a, column) == column_key(catalog, b, column):
                assert natural_key(catalog, a) <= natural_key(catalog, b)


def test_ranks_are_saved_with_the_snapshot_and_read_back(tmp_path, catalog):
    fresh = SortRanks.compute(catalog)
    load_catalog([sample_catalog_path()], cache_dir=str(tmp_path))  # writes the snapshot
    warm = load_catalog([sample_catalog_path()], cache_dir=str(tmp_path))
    assert warm.load_report.from_snapshot
    assert np.array_equal(warm.sort_ranks.natural, fresh.natural)
    assert all(np.array_equal(warm.sort_ranks.values[k], v) for k, v in fresh.values.items())
    rows = np.arange(warm.num_specs)
    assert warm.sort_rows(rows, "version").tolist() == catalog.sort_rows(rows, "version").tolist()


def test_a_damaged_natural_rank_is_computed_again(tmp_path, catalog):
    source = tmp_path / "sample"
    shutil.copytree(sample_catalog_path(), source)
    cache = tmp_path / "cache"
    load_catalog([str(source)], cache_dir=str(cache))
    warm = load_catalog([str(source)], cache_dir=str(cache))
    damaged = SortRanks(dict(warm.sort_ranks.values), np.zeros(warm.num_specs, dtype=np.int32))
    from cachetui.catalog import Catalog

    again = Catalog(warm.pages, warm.store, sort_ranks=damaged)
    rows = np.arange(again.num_specs)
    assert again.sort_rows(rows).tolist() == catalog.sort_rows(rows).tolist()


@pytest.mark.parametrize("size", [3, 20])  # fewer than a 16th of the sample
def test_a_few_rows_sort_by_hash_alike_by_their_own_hashes_or_the_catalogs_rank(size):
    fresh = load_catalog([sample_catalog_path()], use_cache=False)  # no hash rank computed yet
    rows = np.array(sorted(random.Random(size).sample(range(fresh.num_specs), size)))
    legacy = [r for r in range(fresh.num_specs) if not fresh.spec(r).hash][:2]  # no hash: last
    rows = np.unique(np.concatenate([rows, np.array(legacy, dtype=np.int64)]))
    for reverse in (False, True):
        own = fresh.sort_rows(rows, "hash", reverse)
        assert fresh._sorter._hash_rank is None  # answered from the rows' own hashes
        hashes = [column_key(fresh, s, "hash") for s in fresh.specs(own)]
        assert hashes == sorted(hashes, reverse=reverse)
        fresh._sorter.hash_rank  # noqa: B018  # the catalog's rank, as after a sort of many rows
        assert fresh.sort_rows(rows, "hash", reverse).tolist() == own.tolist()
        fresh._sorter._hash_rank = None
