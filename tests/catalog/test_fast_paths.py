"""The reader's fast path (msgspec typed records, columns) gives exactly what the general path gives."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cachetui.catalog import load_catalog
from cachetui.catalog.sources.pages import reader as parser_mod
from tests.catalog.helpers import REAL, SEEDS, make_spec, page_text, write_page
from tests.catalog.test_freshness import observed


def general_only(monkeypatch):
    monkeypatch.setattr(parser_mod, "_typed_specs", lambda value: None)


def test_every_fixture_page_reads_the_same_both_ways(tmp_path, monkeypatch):
    root = tmp_path / "pages"
    shutil.copytree(REAL, root / "real")
    shutil.copytree(SEEDS, root / "seeds")
    fast = observed(load_catalog([root], use_cache=False))
    general_only(monkeypatch)
    assert observed(load_catalog([root], use_cache=False)) == fast


_value = st.one_of(
    st.text(max_size=6),
    st.integers(-5, 2**63),
    st.none(),
    st.lists(st.text(max_size=4), max_size=3),
    st.just("-"),
    st.floats(allow_nan=True),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "hash": st.one_of(st.just("a" * 32), st.just("B" * 32), st.text(max_size=33)),
                "versions": st.one_of(st.lists(st.text(max_size=4), max_size=2), _value),
                "compiler": _value,
                "platform": _value,
                "os": _value,
                "target": _value,
                "variants": _value,
                "stacks": _value,
                "size": _value,
                "tarball": _value,
            },
        ),
        max_size=4,
    )
)
def test_odd_specs_read_the_same_both_ways(specs):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        write_page(tmp, "develop/p/specs.md", page_text("p", "develop", [make_spec(versions=["1"]), *specs]))
        fast = observed(load_catalog([tmp], use_cache=False))
        general_only(patch)
        assert observed(load_catalog([tmp], use_cache=False)) == fast
