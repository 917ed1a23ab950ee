"""The search bar: the query input, and a status line with hints and the match counter."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from ..actions import SEARCH, bindings_for
from ..safe import literal, plain
from .line import StatusLine

PLACEHOLDER = "package name  @version  %compiler  +variant  os=  target=  tag=  /hash"


def _editing_keys() -> dict[str, str]:
    """key -> action of the Input's own editing bindings (backspace, delete, arrows, ctrl+w, ...)."""
    keys: dict[str, str] = {}
    for binding in Input.BINDINGS:
        if isinstance(binding, Binding):
            for key in binding.key.split(","):
                keys[key.strip()] = binding.action
    return keys


class QueryInput(Input):
    """The query text box. Down arrow moves on to the results, like enter.

    Editing keys are applied the moment they arrive. Textual inserts printable
    characters in the Input's key handler but runs bindings such as backspace
    only after the key has bubbled up, so in a burst (keys typed during an SSH
    lag arrive together) ``zlib-ng``, seven backspaces, ``hdf5`` became
    ``zlib``: the letters overtook the backspaces (Textual issue #6605).
    """

    BINDINGS = bindings_for(SEARCH)
    EDITING_KEYS = _editing_keys()

    async def on_key(self, event: events.Key) -> None:
        action = self.EDITING_KEYS.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)


class SearchBar(Vertical):
    """Query input on top, then one line: hints (left, e.g. a malformed term) and the counter (right).

    A malformed term is shown as an inline hint, never as a dialog: the user is
    typing, and most "errors" are just unfinished terms.
    """

    DEFAULT_CSS = """
    SearchBar {
        height: 2;
        & #search-row { height: 1; }
        & #search-label { width: auto; padding: 0 1; text-style: bold; background: $primary; color: $text; }
        & #query { width: 1fr; }
        & #host { width: auto; max-width: 45%; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    class _TextMessage(Message):
        def __init__(self, bar: SearchBar, text: str) -> None:
            super().__init__()
            self.bar = bar
            self.text = text

        @property
        def control(self) -> SearchBar:
            return self.bar

    class Edited(_TextMessage):
        """The search text changed (on every keystroke)."""

    class Submitted(_TextMessage):
        """Enter in the search bar: move on to the results."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Label("Search", id="search-label")
            yield QueryInput(placeholder=PLACEHOLDER, id="query", compact=True, select_on_focus=False)
            yield Static("", id="host", markup=False)
        yield StatusLine(id="status")

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def input(self) -> QueryInput:
        return self.query_one("#query", QueryInput)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        self.input.value = text
        self.input.cursor_position = len(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(self, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self, event.value))

    def show_hint(self, hint: str, *, error: bool = False, tip: bool = False) -> None:
        """Show a hint (may contain page strings: shown literally); ``tip`` is the quiet start-up help."""
        kind = "error" if error else ("note" if hint and not tip else "hint")
        self.status.show_hint(literal(hint) if hint else Text(""), kind)

    def show_host(self, host: str) -> None:
        """The machine "runs here" means, at the right of the search row."""
        self.query_one("#host", Static).update(Text.assemble(("here: ", "dim"), literal(host)) if host else "")

    def show_counter(
        self,
        packages: int,
        specs: int,
        *,
        everything: bool = False,
        stale: bool = False,
        here: int | None = None,
        here_only: bool = False,
        before_here: int = 0,
        diff: tuple[str, str, int, int] | None = None,
    ) -> None:
        """``N packages / M specs match`` (or the catalog's size for the empty query), and what runs here.

        With the "runs here" filter on: ``runs here: 412 of 1,649 specs``;
        off: ``... · 412 run here``.
        """
        p = "package" if packages == 1 else "packages"
        s = "spec" if specs == 1 else "specs"
        if diff is not None:
            tag_a, tag_b, added, removed = diff
            text = f"{plain(tag_a)} → {plain(tag_b)}: +{added:,} −{removed:,} · {packages:,} {p}"
            if here is not None:
                text += f" · {here:,} run here" if not here_only else f" · only the {here:,} that run here"
        elif here_only:
            total = "spec" if before_here == 1 else "specs"
            text = f"runs here: {specs:,} of {before_here:,} {total} · {packages:,} {p}"
        else:
            text = f"{packages:,} {p} / {specs:,} {s}" + ("" if everything else " match")
            if here is not None:
                text += f" · {here:,} run here"
        self.status.show_counter(Text(text), stale)

    def show_loading(self, text: str) -> None:
        self.status.show_counter(Text(text))
