"""The query language: Spack spec syntax plus fuzzy package names, parsed through the term registry.

``hdf5@1.14 +mpi %gcc@13 build_type=Release os=ubuntu22.04 target=x86_64_v3``,
``arch=linux-ubuntu22.04-x86_64_v3``, ``tag=develop``, ``stack=e4s``, ``/abc12``. Terms combine
with AND. As in Spack, a ``key=value`` whose key is not one of ours is a variant constraint.
Each token goes to its ``Term`` (``terms.py``); this module names none of them.
"""

from __future__ import annotations

from typing import Any

from ..spack.specstring import tokenize
from .terms import CONSTRAINT_FIELDS, SYNTAX_HELP, QueryError, SpecQuery, bad, term_for

__all__ = ["QueryError", "SpecQuery", "parse_query"]


def parse_query(text: str) -> SpecQuery:
    """Parse ``text`` into a ``SpecQuery`` or raise ``QueryError`` naming the bad token."""
    fields: dict[str, list[Any]] = {name: [] for name in CONSTRAINT_FIELDS}
    notes: list[str] = []
    for token in tokenize(text):
        term = term_for(token)
        if term is None:
            raise bad(token, f"unexpected character; terms are: {SYNTAX_HELP}")
        for name, value in term.parse(token, token.value):
            (notes if name == "notes" else fields[name]).append(value)
    return SpecQuery(text=text, notes=tuple(notes), **{k: tuple(v) for k, v in fields.items()})
