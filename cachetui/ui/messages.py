"""Messages worker threads send: query results, detail data, and the catalog's loading.

The widgets' own messages (an edit in the search bar, a tree selection, a
chosen spec) are nested in the widgets, Textual's way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cachetui.catalog import Catalog, CheckReport, LoadProgress, QueryError

    from .state import DetailData, QueryView


class QueryFinished(Message):
    """A query ran in a worker thread: its view (result and tree lists), or the error that stopped it."""

    def __init__(
        self,
        text: str,
        view: QueryView | None,
        error: QueryError | None,
        generation: int = 0,
        detail: DetailData | None = None,
    ) -> None:
        super().__init__()
        self.generation = generation  # which request this answers (newer requests have larger numbers)
        self.text = text
        self.view = view
        self.error = error
        self.detail = detail  # the detail pane for where the tree's cursor will land, computed ahead


class DetailReady(Message):
    """The detail pane's data (summary and sorted spec rows) was computed in a worker."""

    def __init__(self, data: DetailData | None, generation: int = 0, error: str = "") -> None:
        super().__init__()
        self.data = data  # None if computing it failed (``error`` says why)
        self.generation = generation
        self.error = error


class CatalogLoadProgress(Message):
    """Progress of the catalog load, posted from the loading thread."""

    def __init__(self, progress: LoadProgress) -> None:
        super().__init__()
        self.progress = progress


class CatalogLoaded(Message):
    """The catalog finished loading."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog


class CatalogRefreshed(Message):
    """A background check of the sources found changes since the snapshot that was shown."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog


class EnvironmentChecked(Message):
    """The environment given to ``check --browse`` was checked against the (new) catalog."""

    def __init__(self, report: CheckReport) -> None:
        super().__init__()
        self.report = report


class CatalogNotice(Message):
    """Something the load had to say after the catalog came (writing its snapshot failed, say)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class CatalogLoadFailed(Message):
    """The catalog could not be loaded at all (e.g. none of the sources exists)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
