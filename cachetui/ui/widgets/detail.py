"""The detail pane: a summary of the selection and the table of its specs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from cachetui.catalog import Spec, human_size, install_command, no_install_reason, no_mirror_reason, sparkline

from ..safe import literal
from ..state import DetailData, Selection
from .line import Line, Lines
from .spec_table import SpecTable

LABEL_WIDTH = 10
MAX_FACETS = 8  # values listed per summary line; the line is cut with an ellipsis anyway


def _facet_line(label: str, counts: dict | list) -> Text:
    """``label    value (n)  value (n) …`` with page strings shown literally."""
    line = Text()
    line.append(label.ljust(LABEL_WIDTH), style="bold")
    items = list(counts.items()) if isinstance(counts, dict) else list(counts)
    if not items:
        line.append("-", style="dim")
    for i, (value, count) in enumerate(items[:MAX_FACETS]):
        if i:
            line.append("  ")
        line.append_text(literal(value if value != "" else "-"))
        line.append(f" ({count:,})", style="dim")
    if len(items) > MAX_FACETS:
        line.append(f"  +{len(items) - MAX_FACETS} more", style="dim")
    return line


def title_line(data: DetailData) -> Text:
    sel = data.selection
    line = Text()
    if sel.package is not None:
        line.append_text(literal(sel.package, style="bold"))
        line.append(" in ")
        line.append_text(literal(sel.tag) if sel.tag is not None else Text("all tags"))
    elif sel.tag is not None:
        line.append("tag ")
        line.append_text(literal(sel.tag, style="bold"))
        line.append(f" · {data.package_count:,} package{'' if data.package_count == 1 else 's'}")
    elif sel.every:
        line.append("every match", style="bold")
        line.append(f" · {data.package_count:,} package{'' if data.package_count == 1 else 's'}")
    spec_word = "spec" if data.total == 1 else "specs"
    if data.diff is not None and data.added_mask is not None:  # the table holds the changes, not the total
        added = int(data.added_mask.sum())
        line.append(f" · {data.matched:,} changed: +{added:,} -{data.matched - added:,}")
    elif data.query_text.strip():
        line.append(f" · {data.matched:,} of {data.total:,} {spec_word} match")
    else:
        line.append(f" · {data.total:,} {spec_word}")
    if data.summary is not None and data.summary.total_size:
        line.append(f" · {human_size(data.summary.total_size)}", style="dim")
    return line


def summary_lines(data: DetailData) -> list[Text]:
    """The summary above the table: versions, compilers, platform/os/target, stacks, tags.

    One line each, cut with an ellipsis: the spec screen has every value in full.
    """
    lines = [title_line(data)]
    summary = data.summary
    if summary is None:
        lines.append(Text("no spec of this selection matches the query" if data.total else "no specs", style="italic"))
    else:
        if data.selection.package is not None:  # versions of different packages say nothing
            lines.append(_facet_line("versions", summary.versions))
        lines.append(_facet_line("compilers", summary.compilers))
        lines.append(_facet_line("platforms", summary.platforms))
        lines.append(_facet_line("os", summary.oss))
        lines.append(_facet_line("targets", summary.targets))
        lines.append(_facet_line("stacks", summary.stacks))
    if data.selection.tag is None:
        lines.append(_facet_line("tags", data.tag_counts))
    if data.history and any(count for _, count in data.history):
        lines.append(history_line(data.history))
    if summary is not None and data.shared_variants:  # folded here: the table's variants column shows what differs
        lines.append(_facet_line("shared", [(v, data.matched) for v in data.shared_variants]))
    return lines


def history_line(history: list[tuple[str, int]], width: int = 32) -> Text:
    """``history   ▁▃▅█▇ develop-2024-06-09 → develop-2025-07-13``: matching specs per weekly snapshot.

    The sparkline runs from the oldest snapshot the package is in to the newest
    one; a blank is a snapshot without it.
    """
    present = [i for i, (_, count) in enumerate(history) if count]
    window = history[present[0] : present[-1] + 1]
    line = Text()
    line.append("history".ljust(LABEL_WIDTH), style="bold")
    line.append(sparkline([count for _, count in window], width=width))
    line.append(" ")
    line.append_text(literal(window[0][0]))
    if len(window) > 1:
        line.append(" → ", style="dim")
        line.append_text(literal(window[-1][0]))
    return line


def mirror_text(data: DetailData) -> Text:
    """The tag's ``spack mirror add`` command, in full (it wraps rather than being cut)."""
    command = data.mirror_command
    if command:
        return literal(command)
    return Text(no_mirror_reason(data.selection.tag or "", data.mirror_source), style="dim")


def position_line(data: DetailData, row: int, marked: int = 0) -> Text:
    """Where the cursor is in the whole result, like fzf's counter: ``1,204/162,701``, the order, the marks."""
    order = (
        f"sorted by {data.sort.column}{' (reversed)' if data.sort.reverse else ''}"
        if data.sort.column
        else ("oldest first" if data.sort.reverse else "newest first")
    )
    marks = f" · {marked:,} marked (e: export)" if marked else ""
    return Text(f"{row + 1:,}/{data.matched:,} · {order}{marks}")


def field_lines(data: DetailData, spec: Spec, row: int) -> list[Text]:
    """The highlighted spec's fields, one per line, each cut at the edge (the spec screen has them whole)."""

    def line(label: str, value: object) -> Text:
        text = Text(label.ljust(LABEL_WIDTH), style="bold")
        text.append_text(literal(value) if value not in (None, "") else Text("-", style="dim"))
        return text

    title = Text.assemble(("spec", "bold"), f" {row + 1:,}/{data.matched:,}", ("  space: the summary", "dim"))
    runs = "" if data.here_mask is None else ("yes" if data.runs_here_at(row) else "no")
    return [
        title,
        line("spec", spec.spack_string()),
        line("hash", spec.hash or "none (legacy page)"),
        line("tag", f"{spec.tag} · {human_size(spec.size)}"),
        *([line("runs here", runs)] if runs else []),
        line("stacks", " ".join(spec.stacks)),
        line("tarball", spec.tarball),
        line("page", spec.source),
        line("install", no_install_reason(spec.kind, spec.tag) or install_command(spec.hash)),
    ]


class DetailPane(Vertical):
    """Summary and spec table of the selected package, package-in-tag or tag."""

    DEFAULT_CSS = """
    DetailPane {
        width: 1fr;
        border-top: solid $panel-lighten-2;
        border-left: vkey $panel-lighten-2;
        &:focus-within { border-top: heavy $accent; }
        & #summary { max-height: 10; padding: 0 1; }
        & #mirror-line { height: auto; padding: 0 1; }
        & #mirror-label { width: 10; }
        & #mirror-command { width: 1fr; height: auto; }
        /* The gutter is kept for the scrollbar whether or not it shows: the columns are fitted once,
           not again (with a second layout and a second full frame) when the rows outgrow the table. */
        & #specs { height: 1fr; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 1; scrollbar-gutter: stable; }
        & #position-line { padding: 0 1; color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: DetailData | None = None
        self.fields_shown = False  # space: the highlighted spec's fields stand where the summary is

    def toggle_fields(self) -> None:
        self.fields_shown = not self.fields_shown
        self.set_class(self.fields_shown, "-fields")
        self._draw_summary()

    def _draw_summary(self) -> None:
        """The summary of the selection, or the fields of the spec under the cursor."""
        if self.data is None:
            return
        spec = self.table.current_spec if self.fields_shown else None
        lines = field_lines(self.data, spec, self.table.cursor_row) if spec is not None else summary_lines(self.data)
        self.query_one("#summary", Lines).update(lines)

    def compose(self) -> ComposeResult:
        yield Lines([Text("select a tag or package", style="italic")], id="summary")
        with Horizontal(id="mirror-line"):
            yield Static(Text("mirror", style="bold"), id="mirror-label", markup=False)
            yield Static("", id="mirror-command", markup=False)
        # Above the table, not below: the rows a key changes and the counter are drawn together, and Textual
        # redraws the box around both (a counter at the bottom made each j redraw the whole table).
        yield Line(id="position-line")
        yield SpecTable(id="specs")

    @property
    def table(self) -> SpecTable:
        return self.query_one(SpecTable)

    @property
    def selection(self) -> Selection:
        return self.data.selection if self.data is not None else Selection()

    def show(self, data: DetailData, keep: int | None = None) -> None:
        """Show ``data``; the table's cursor stays on catalog row ``keep`` if it is still listed."""
        self.data = data
        self.query_one("#summary", Lines).update(summary_lines(data))
        self.query_one("#mirror-line").display = data.selection.tag is not None
        if data.selection.tag is not None:
            mirror = self.query_one("#mirror-command", Static)
            text = mirror_text(data)
            if text.plain != str(mirror.render()):  # the same command: no new layout
                mirror.update(text)
        self.query_one("#position-line", Line).display = data.matched > 0
        self.table.show(data, keep)
        if self.fields_shown:
            self._draw_summary()

    def on_mount(self) -> None:
        self.table.on_cursor = self._cursor_moved

    def _cursor_moved(self, row: int, total: int) -> None:
        if self.data is not None and total:
            self.query_one("#position-line", Line).update(position_line(self.data, row, len(self.table.marks)))
            if self.fields_shown:
                self._draw_summary()

    def on_spec_table_details_requested(self, event: SpecTable.DetailsRequested) -> None:
        event.stop()
        self.toggle_fields()

    def show_nothing(self, message: str = "select a tag or package") -> None:
        self.data = None
        self.query_one("#summary", Lines).update([Text(message, style="italic")])
        self.query_one("#mirror-line").display = False
        self.table.clear()
        self.query_one("#position-line", Line).display = False
