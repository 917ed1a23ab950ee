"""Pure-Python catalog engine: page reading, the data model, indexes, queries, snapshot.

No Textual imports here: the UI and the CLI both sit on top of this package.
"""

from .catalog import Catalog, QueryResult
from .loader import LoadProgress, NoSourceError, load_catalog
from .model import HASH_LENGTH, Page, Problem, Spec, compiler_name, human_size, is_valid_hash
from .parser import ParsedPage, read_page
from .query import QueryError, SpecQuery, parse_query
from .shell import command_line, install_command, mirror_add_command
from .summary import Summary
from .tags import LEGACY_TAG, sort_tags, tag_sort_key
from .text import printable
from .versions import VersionRange, version_key

__all__ = [
    "HASH_LENGTH",
    "LEGACY_TAG",
    "Catalog",
    "LoadProgress",
    "NoSourceError",
    "Page",
    "ParsedPage",
    "Problem",
    "QueryError",
    "QueryResult",
    "Spec",
    "SpecQuery",
    "Summary",
    "VersionRange",
    "command_line",
    "compiler_name",
    "human_size",
    "install_command",
    "is_valid_hash",
    "load_catalog",
    "mirror_add_command",
    "parse_query",
    "printable",
    "read_page",
    "sample_catalog_path",
    "sort_tags",
    "tag_sort_key",
    "version_key",
]


def sample_catalog_path() -> str:
    """The bundled sample pages, used when no catalog is given."""
    import os

    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "sample")
