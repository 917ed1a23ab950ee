"""The engine's face: everything the browser (``ui/``) and the command line use, and nothing else.

No Textual here. The layers below, bottom to top: ``spack/`` and ``procs/``, ``store/``, ``query/``
and ``sources/``, ``scan/``, ``snapshot/``, then ``catalog.py``, ``changes.py`` and ``check.py``, ``loader.py``
(``tests/test_layers.py`` holds them to it).
"""

from .background import BackgroundLoad, LoadWatcher
from .catalog import Catalog, LoadReport, QueryResult
from .changes import UnknownTagError, diff_tags, package_history, resolve_tag
from .check import FIELDS as CHECK_FIELDS
from .check import CheckReport, Nearest, SpecCheck, cached_binaries, check_environment
from .loader import LoadProgress, NoSourceError, load_catalog, revalidate, split_source
from .query.language import QueryError, SpecQuery, parse_query
from .query.summary import Summary
from .query.terms import TERMS, Term
from .query.terms import help_lines as query_help_lines
from .query.terms import markdown_table as query_markdown_table
from .remote.mirror import MirrorUnavailable
from .snapshot.snapshot import SnapshotInfo, list_snapshots, prune_snapshots
from .sources.concrete import ConcreteReadError, ConcreteSpec, Environment, read_concrete
from .sources.pages.reader import read_page
from .sources.parsed import ParsedPage
from .spack.command_lines import command_line, install_command, mirror_add_command, no_install_reason, no_mirror_reason
from .spack.export import EXPORT_NAMES, EXPORTS, export
from .spack.host import host_from_environment
from .spack.microarch import Host, UnknownTarget, ancestors, check_target, targets, why_not
from .spack.mirrors_yaml import spack_mirrors
from .spack.records import (
    HASH_LENGTH,
    DependencyRef,
    Page,
    Problem,
    Spec,
    compiler_name,
    human_size,
    is_valid_hash,
)
from .spack.tags import LEGACY_TAG, is_release, is_snapshot, sort_tags, tag_sort_key
from .spack.text import printable, sparkline
from .spack.urls import split_url_source, unsupported_scheme
from .spack.versions import VersionRange, version_key
from .store.lazy import LazySequence
from .store.rows import distinct
from .store.spec_store import DamagedStoreError

__all__ = [
    "CHECK_FIELDS",
    "EXPORTS",
    "EXPORT_NAMES",
    "HASH_LENGTH",
    "LEGACY_TAG",
    "TERMS",
    "BackgroundLoad",
    "Catalog",
    "CheckReport",
    "ConcreteReadError",
    "ConcreteSpec",
    "DamagedStoreError",
    "DependencyRef",
    "Environment",
    "Host",
    "LazySequence",
    "LoadProgress",
    "LoadReport",
    "LoadWatcher",
    "MirrorUnavailable",
    "Nearest",
    "NoSourceError",
    "Page",
    "ParsedPage",
    "Problem",
    "QueryError",
    "QueryResult",
    "SnapshotInfo",
    "Spec",
    "SpecCheck",
    "SpecQuery",
    "Summary",
    "Term",
    "UnknownTagError",
    "UnknownTarget",
    "VersionRange",
    "ancestors",
    "cached_binaries",
    "check_environment",
    "check_target",
    "command_line",
    "compiler_name",
    "diff_tags",
    "distinct",
    "export",
    "host_from_environment",
    "human_size",
    "install_command",
    "is_release",
    "is_snapshot",
    "is_valid_hash",
    "list_snapshots",
    "load_catalog",
    "mirror_add_command",
    "no_install_reason",
    "no_mirror_reason",
    "package_history",
    "parse_query",
    "printable",
    "prune_snapshots",
    "query_help_lines",
    "query_markdown_table",
    "read_concrete",
    "read_page",
    "resolve_tag",
    "revalidate",
    "sample_catalog_path",
    "sort_tags",
    "spack_mirrors",
    "sparkline",
    "split_source",
    "split_url_source",
    "tag_sort_key",
    "targets",
    "unsupported_scheme",
    "version_key",
    "why_not",
]


def sample_catalog_path() -> str:
    """The bundled sample pages, used when no catalog is given."""
    import os

    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "sample")
