"""The spec table's columns, declared once: title, when shown, width policy, cell formatter, sort key.

The table draws and sizes its columns from ``COLUMNS``; the model picks the
columns of a selection with ``table_columns``; ``s`` cycles through the
sortable ones, each naming the catalog's sort key (``catalog.sorting``).

Width policy: a column is as wide as its widest value among the first rows
(``WIDTH_SAMPLE``), at most ``max_width``. When the columns before the
overflow ones (stacks, size) do not fit the table, the squeezable ones give
way in ``squeeze`` order, never below ``min_width``, so at 100 terminal
columns hash, version, compiler, platform-os-target, the differing variants ("differing")
and the tag are all on screen without sideways scrolling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from cachetui.catalog import Spec, human_size

from .safe import ELLIPSIS, literal

if TYPE_CHECKING:
    from .state import DetailData, Selection

WIDTH_SAMPLE = 100
"""Rows measured (from the top of the order) to size the columns; longer values further down are cut."""
RUNS_HERE = "✓"
CHANGE_STYLES = {"+": "bold green", "-": "bold red"}

Cell = Callable[[Spec, "DetailData | None", int], Text]


def _change(spec: Spec, data: DetailData | None, index: int) -> Text:
    sign = data.change_sign(index) if data is not None else ""
    return Text(sign, style=CHANGE_STYLES.get(sign, ""))  # the sign reads without colour


def _here(spec: Spec, data: DetailData | None, index: int) -> Text:
    return Text(RUNS_HERE if data is not None and data.runs_here_at(index) else "")


def _variants(spec: Spec, data: DetailData | None, index: int) -> Text:
    """What tells this spec apart: the variants not every match has."""
    shared = set(data.shared_variants) if data is not None else set()
    differing = [v for v in spec.variants if v not in shared]
    if data is not None and data.variant_rank:  # the variants that split the result best come first
        last = len(data.variant_rank)
        differing.sort(key=lambda v: data.variant_rank.get(v, last))
    return literal(" ".join(differing)) if differing or not shared else Text("(all shared)", style="dim")


def _field(name: str) -> Cell:
    def cell(spec: Spec, data: DetailData | None, index: int) -> Text:
        return literal(getattr(spec, name))

    return cell


def _tags(data: DetailData) -> list[str]:
    return [tag for tag, _ in data.tag_counts] or ([data.selection.tag] if data.selection.tag else [])


def _facet(name: str) -> Callable[[DetailData], list[str]]:
    def values(data: DetailData) -> list[str]:
        return list(getattr(data.summary, name)) if data.summary is not None else []

    return values


@dataclass(frozen=True)
class Column:
    """One column of the spec table."""

    id: str
    title: str
    cell: Cell  # the text of one spec's cell (page strings literal)
    sort: str | None = None  # the catalog's sort key (None: not sortable, e.g. marks per host)
    align: str = "left"  # "left", "right" or "center"
    max_width: int | None = None  # long values are cut with an ellipsis (the spec screen has them whole)
    min_width: int = 0  # squeezing stops here
    squeeze: int | None = None  # order in which columns give way to fit the table (None: never)
    grow: bool = False  # takes spare width, up to its widest value, beyond ``max_width``
    overflow: bool = False  # may sit beyond the right edge (reached by scrolling sideways)
    cut: str = "end"  # where a long value loses characters: "end", or "middle" (develop-2…: dev…05-25)
    values: Callable[[DetailData], list[str]] | None = None  # every value in the result (sized by them all)


COLUMNS: tuple[Column, ...] = (
    Column("change", "+/-", _change, align="center"),
    Column("here", "run", _here, align="center"),
    Column("hash", "hash", lambda spec, data, index: Text(spec.short_hash or "-"), sort="hash"),
    Column("package", "package", _field("package"), sort="package", max_width=24, min_width=12, squeeze=2),
    Column(
        "version",
        "version",
        _field("version"),
        sort="version",
        max_width=20,
        min_width=8,
        squeeze=5,
        values=_facet("versions"),
    ),
    Column(
        "compiler",
        "compiler",
        _field("compiler"),
        sort="compiler",
        max_width=18,
        min_width=12,
        squeeze=3,
        values=_facet("compilers"),
    ),
    # whole: it says where a binary runs
    Column("arch", "platform-os-target", _field("arch"), sort="arch", values=_facet("arches")),
    Column(
        "variants", "differing", _variants, sort="variants", max_width=40, min_width=14, squeeze=0, grow=True
    ),  # variants
    Column("tag", "tag", _field("tag"), sort="tag", max_width=20, min_width=10, squeeze=1, values=_tags, cut="middle"),
    Column("stacks", "stacks", lambda s, d, i: literal(" ".join(s.stacks)), sort="stacks", max_width=28, overflow=True),
    Column(
        "size", "size", lambda spec, data, index: Text(human_size(spec.size)), sort="size", align="right", overflow=True
    ),
)

BY_ID: dict[str, Column] = {column.id: column for column in COLUMNS}


def table_columns(
    selection: Selection, host: object | None = None, diff: bool = False, variants: bool = True, tags: bool = True
) -> tuple[str, ...]:
    """The columns of a selection, in ``COLUMNS`` order.

    A package column when the selection spans packages, a tag column when it
    spans tags; with a host, a narrow mark for the specs that run on it (a
    check mark, readable without colour); comparing tags, a ``+``/``-`` mark.
    No variants column when every match has the same variants (the summary's
    ``shared`` line lists them), no tag column when every match is in one tag
    (the summary's ``tags`` line names it): their width goes to what differs.
    """
    skip = set()
    if not variants:
        skip.add("variants")
    if not diff:
        skip.add("change")
    if host is None:
        skip.add("here")
    if selection.package is not None:
        skip.add("package")
    if selection.tag is not None or not tags:
        skip.add("tag")
    return tuple(column.id for column in COLUMNS if column.id not in skip)


def sortable(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if BY_ID[c].sort is not None]


def title(column: str, sort_column: str | None, reverse: bool) -> str:
    text = BY_ID[column].title
    if sort_column == column:
        text += " ▼" if reverse else " ▲"
    return text


def natural_widths(columns: Sequence[str], titles: Sequence[str], specs: Sequence[Spec], data: DetailData) -> list[int]:
    """Each column's width for its title and its values (not capped).

    A column with few distinct values (tag, version, compiler, arch) is sized
    by every value in the result, from the summary; the others by the first
    ``WIDTH_SAMPLE`` rows, since a wider value further down is cut anyway.
    A sortable column has room for its sort mark, so a new order keeps every width.
    """
    widths = []
    sample = specs[:WIDTH_SAMPLE]
    for column_id, heading in zip(columns, titles):
        column = BY_ID[column_id]
        width = max(len(heading), len(column.title) + (2 if column.sort else 0))  # room for the sort mark
        values = column.values(data) if column.values is not None else None
        if values:
            width = max(width, *(literal(value).cell_len for value in values))
        else:
            for index, spec in enumerate(sample):
                width = max(width, column.cell(spec, data, index).cell_len)
        widths.append(width)
    return widths


def fit_widths(columns: Sequence[str], widths: Sequence[int], available: int, gap: int = 2) -> list[int]:
    """Natural ``widths`` capped at ``max_width``, then fitted to ``available`` cells.

    Too wide: the squeezable columns give way in ``squeeze`` order, down to
    ``min_width``, until the non-overflow columns fit. Room to spare beside
    the non-overflow columns: the ``grow`` columns widen, up to their widest value.
    """
    caps = [BY_ID[c].max_width for c in columns]
    fitted = [min(w, cap) if cap is not None else w for w, cap in zip(widths, caps)]
    # The overflow columns (stacks, size) may sit past the edge: what differs grows first.
    spare = available - 1 - sum(w + gap for w, c in zip(fitted, columns) if not BY_ID[c].overflow)
    for i, column in enumerate(columns):
        if spare > 0 and BY_ID[column].grow and widths[i] > fitted[i]:
            extra = min(spare, widths[i] - fitted[i])
            fitted[i] += extra
            spare -= extra
    core = [i for i, c in enumerate(columns) if not BY_ID[c].overflow]
    excess = 1 + sum(fitted[i] + gap for i in core) - available
    squeezable = [(BY_ID[columns[i]].squeeze, i) for i in core]
    for _, i in sorted((rank, i) for rank, i in squeezable if rank is not None):
        if excess <= 0:
            break
        cut = min(excess, max(0, fitted[i] - BY_ID[columns[i]].min_width))
        fitted[i] -= cut
        excess -= cut
    return fitted


def fit_plain(text: Text, width: int, column: str) -> str | None:
    """``fit`` of the common cell, as a plain string: one style and ASCII (as most page strings are); None
    for any other. The table builds its rows' segments from these directly; ``fit`` wraps them in a Text.

    A long value is cut with an ellipsis at its end, or in its middle for a column cut there: the end keeps
    the extra cell (a tag ends with its date: ``develop-2…05-25``).
    """
    plain = text.plain
    if text.spans or not plain.isascii():
        return None
    if len(plain) > width:
        if BY_ID[column].cut == "middle" and width >= 5:
            head = (width - 2) // 2
            plain = plain[:head] + ELLIPSIS + plain[len(plain) - (width - 1 - head) :]
        else:
            plain = plain[: max(0, width - 1)] + ELLIPSIS  # as Rich's truncate with an ellipsis
    gap = width - len(plain)
    align = BY_ID[column].align
    if align == "right":
        return " " * gap + plain
    if align == "center":
        return " " * (gap // 2) + plain + " " * (gap - gap // 2)
    return plain + " " * gap


def fit(text: Text, width: int, column: str) -> Text:
    """``text`` (a fresh cell, changed in place) cut with an ellipsis or padded to ``width`` cells, aligned
    (``fit_plain``; a cell of several styles or of other than ASCII through Rich, cut at its end)."""
    plain = fit_plain(text, width, column)
    if plain is not None:
        return Text(plain, style=text.style)
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    gap = width - text.cell_len
    align = BY_ID[column].align
    if align == "right":
        text.pad_left(gap)
    elif align == "center":
        text.pad_left(gap // 2)
        text.pad_right(gap - gap // 2)
    else:
        text.pad_right(gap)
    return text
