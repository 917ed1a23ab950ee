"""The term registry is the one place a query keyword is declared: its parse, its filter, its help."""

from __future__ import annotations

import inspect
import re

from cachetui.catalog import Catalog, SpecQuery, parse_query
from cachetui.catalog.query import language
from cachetui.catalog.query.terms import CONSTRAINT_FIELDS, FILTERS, TERMS


def test_every_field_of_a_query_has_exactly_one_filter():
    assert set(FILTERS) == set(CONSTRAINT_FIELDS)
    assert set(CONSTRAINT_FIELDS) == set(SpecQuery.__dataclass_fields__) - {"text", "notes"}


def test_every_example_fills_a_field_of_its_own_term():
    for term in TERMS:
        query = parse_query(term.example)
        filled = {name for name in CONSTRAINT_FIELDS if getattr(query, name)}
        mine = set(term.filters) or {"variants", "platforms", "oss", "targets"}
        assert filled & (mine | {"names"}), (term.syntax, filled)


def test_the_parser_and_the_catalog_name_no_term():
    """Adding a term touches terms.py alone: the dispatchers name no field and no keyword."""
    parser = inspect.getsource(language.parse_query)
    query = inspect.getsource(Catalog.query)
    for name in CONSTRAINT_FIELDS:
        if name == "names":
            continue
        assert not re.search(rf"\b{name}\b", parser), name
        assert not re.search(rf"\b{name}\b", query), name
    for keyword in ("target", "os", "arch", "host", "tag", "stack"):
        assert f'"{keyword}"' not in parser and f'"{keyword}"' not in query
