"""The source formats, each declared once: how its files are recognised and read, and where a mirror
keeps the one file that names its index.

Invariants: ``scan/`` and ``loader.py`` dispatch through ``FORMATS`` and name no format; the first
format whose ``recognises`` accepts a path reads it (the site's pages come last: they are the files
nothing else claims). A reader never raises for bad input: it returns a ``Problem``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..spack.records import Problem
from ..store.rows import IndexColumns
from .pages.reader import SPEC_FILE_GIVEN, looks_like_page, looks_like_spec_file, pages_of_companion, read_page
from .parsed import ParsedPage
from .spack_index.layout import CACHE_CONTENTS, V2_INDEX, V3_MANIFEST, looks_like_index_cache
from .spack_index.pages import index_text_bytes, is_index_file, read_index_pages
from .spack_index.split import SPLIT_MIN_BYTES

# A file whose text is this large is read by a fresh process of its own where this one may not fork
# (the browser loads in a thread), so that process can fork the second reader the format splits it over.
HELPER_MIN_BYTES = SPLIT_MIN_BYTES

Part = ParsedPage | IndexColumns


@dataclass(frozen=True)
class Format:
    name: str
    recognises: Callable[[str], bool]  # a path this format reads (may look inside the file)
    read: Callable[[str, str], Sequence[Part] | Problem]  # (path, source name) -> its pages, or why not
    root_files: tuple[str, ...] = ()  # relative paths a mirror root keeps its index at (no need to descend)
    root_file_here: Callable[[str], bool] = lambda directory: True  # is that file really one, in this directory
    text_bytes: Callable[[str], int] = os.path.getsize  # how much text reading it decodes (helper decision)
    page_names: frozenset[str] = frozenset()  # file names that are this format's (worth reporting when bad)
    looks_like: Callable[[bytes], bool] = lambda head: False  # a file given by name, from its first bytes
    pages_of_companion: Callable[[str], tuple[str, ...]] = lambda path: ()  # a file read beside pages: the pages


def _read_index(path: str, name: str) -> Sequence[Part] | Problem:
    return read_index_pages(path, name or None)


def _read_page(path: str, name: str) -> Sequence[Part] | Problem:
    found = read_page(path)
    return found if isinstance(found, Problem) else [found]


FORMATS: tuple[Format, ...] = (
    Format(
        "spack-index",
        is_index_file,
        _read_index,
        root_files=(V3_MANIFEST, V2_INDEX, CACHE_CONTENTS),
        root_file_here=lambda path: not path.endswith(CACHE_CONTENTS) or looks_like_index_cache(os.path.dirname(path)),
        text_bytes=index_text_bytes,
        looks_like=lambda head: head.lstrip()[:1] == b"{",
    ),
    Format(
        "pages",
        lambda path: True,
        _read_page,
        text_bytes=lambda path: 0,  # a page, however large, streams in the process that reads it
        page_names=frozenset({"specs.md", "index.md"}),
        looks_like=looks_like_page,
        pages_of_companion=pages_of_companion,
    ),
)
PAGE_NAMES = frozenset().union(*(f.page_names for f in FORMATS))
ROOT_FILES = tuple(rel for f in FORMATS for rel in f.root_files)


def not_a_source(head: bytes) -> str | None:
    """Why a file given by name, known by its first bytes, is no source (said, never silently skipped)."""
    return SPEC_FILE_GIVEN if looks_like_spec_file(head) else None


def looks_like_a_source(head: bytes) -> bool:
    """The first bytes of a file given by name are some format's."""
    return any(f.looks_like(head) for f in FORMATS)


def format_of(path: str) -> Format:
    """The format that reads ``path``."""
    return next(f for f in FORMATS if f.recognises(path))


def companion_pages(path: str) -> tuple[str, ...]:
    """The pages that may read ``path`` beside them (to read again when ``path`` changes)."""
    return tuple(page for f in FORMATS for page in f.pages_of_companion(path))


def root_file_ok(path: str) -> bool:
    """``path`` (a mirror root's index file, one of ROOT_FILES) is what its format says it is."""
    return next(f for f in FORMATS if any(path.endswith(os.sep + r) for r in f.root_files)).root_file_here(path)
