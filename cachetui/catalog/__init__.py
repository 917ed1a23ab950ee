"""Pure-Python catalog engine: page reading, the data model, indexes, queries, snapshot.

No Textual imports here: the UI and the CLI both sit on top of this package.
"""

from .catalog import Catalog, QueryResult
from .loader import LoadProgress, NoSourceError, load_catalog
from .model import Page, Problem, Spec, compiler_name, human_size, is_valid_hash
from .parser import ParsedPage, read_page
from .query import QueryError, SpecQuery, parse_query
from .snapshot import default_cache_dir
from .summary import Summary
from .shell import command_line, install_command, mirror_add_command
from .tags import LEGACY_TAG, sort_tags, tag_sort_key
from .text import printable
from .versions import VersionRange, version_key

__all__ = [
    "Catalog", "QueryResult", "LoadProgress", "NoSourceError", "load_catalog", "Page", "Problem", "Spec",
    "compiler_name", "human_size", "is_valid_hash", "ParsedPage", "read_page", "QueryError", "SpecQuery",
    "parse_query", "default_cache_dir", "Summary", "LEGACY_TAG", "mirror_add_command", "install_command", "command_line", "sort_tags",
    "tag_sort_key", "printable", "VersionRange", "version_key", "sample_catalog_path",
]


def sample_catalog_path() -> str:
    """The bundled sample pages, used when no catalog is given."""
    import os

    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "sample")
