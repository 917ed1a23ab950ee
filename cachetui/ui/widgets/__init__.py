"""The browser's widgets: search bar, package tree, detail pane with its spec table, loading panel, pick list."""

from .detail import DetailPane
from .loading import LoadingPanel
from .pick_list import PickList
from .search import SearchBar
from .spec_table import SpecTable
from .tree import PackageTree

__all__ = ["DetailPane", "LoadingPanel", "PackageTree", "PickList", "SearchBar", "SpecTable"]
