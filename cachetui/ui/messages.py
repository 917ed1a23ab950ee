"""Messages the browser's widgets and worker threads send to the app.

All custom messages live here so the flow of the UI can be read in one place:
the search bar reports edits, workers report query results, detail data and
loading progress, the tree reports what is selected and the spec table which
spec was chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cachetui.catalog import Catalog, LoadProgress, QueryError, Spec

    from .model import DetailData, QueryView, Selection, SortOrder


class QueryEdited(Message):
    """The search text changed (sent on every keystroke; the app debounces)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class QuerySubmitted(Message):
    """Enter was pressed in the search bar: move on to the results."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class QueryFinished(Message):
    """A query ran in a worker thread: its view (result and tree lists), or the error that stopped it."""

    def __init__(self, text: str, view: QueryView | None, error: QueryError | None, generation: int = 0) -> None:
        super().__init__()
        self.generation = generation  # which request this answers (newer requests have larger numbers)
        self.text = text
        self.view = view
        self.error = error


class SelectionChanged(Message):
    """The tree cursor moved to a tag, a package, or a package in a tag."""

    def __init__(self, selection: Selection) -> None:
        super().__init__()
        self.selection = selection


class SelectionOpened(Message):
    """Enter on a package in the tree: go to its specs."""

    def __init__(self, selection: Selection) -> None:
        super().__init__()
        self.selection = selection


class DetailReady(Message):
    """The detail pane's data (summary and sorted spec rows) was computed in a worker."""

    def __init__(self, data: DetailData | None, generation: int = 0, error: str = "") -> None:
        super().__init__()
        self.data = data  # None if computing it failed (``error`` says why)
        self.generation = generation
        self.error = error


class SpecChosen(Message):
    """Enter on a spec row: open it (or, in pick mode, pick it)."""

    def __init__(self, spec: Spec) -> None:
        super().__init__()
        self.spec = spec


class SpecDetailsRequested(Message):
    """Space on a spec row: show all of its fields (also in pick mode)."""

    def __init__(self, spec: Spec) -> None:
        super().__init__()
        self.spec = spec


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


class CatalogLoadFailed(Message):
    """The catalog could not be loaded at all (e.g. none of the sources exists)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class SortRequested(Message):
    """The user asked for another spec table order (``s``, ``r`` or a header click)."""

    def __init__(self, sort: SortOrder) -> None:
        super().__init__()
        self.sort = sort
