"""Write chosen specs for Spack: pick a format, keep or edit the file name, enter writes it.

Invariants: a file is created, never overwritten (``O_EXCL``: an existing name is refused and another
is asked for); what is written is the engine's ``export`` (every shell word quoted there); the
proposed name is one no file has yet, in the app's ``export_dir`` (the working directory).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cachetui.catalog import EXPORTS, Spec, export

from ..safe import literal, plain
from .dialog import DialogScreen


def free_name(directory: str, stem: str, suffix: str) -> str:
    """``DIR/STEM-SUFFIX``, or with ``-2``, ``-3``... before the suffix: a path nothing is at yet."""
    path = os.path.join(directory, f"{stem}-{suffix}")
    number = 2
    while os.path.lexists(path):
        path = os.path.join(directory, f"{stem}-{number}-{suffix}")
        number += 1
    return path


def write_new(path: str, text: str, executable: bool = False) -> None:
    """Create ``path`` with ``text``; FileExistsError if anything is there (nothing is overwritten)."""
    fd = os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o755 if executable else 0o644
    )
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


class ExportScreen(DialogScreen[None]):
    """The export formats (``EXPORTS``) and a file name; enter on either writes the file."""

    DEFAULT_CSS = """
    ExportScreen {
        & #export-box { max-width: 90; max-height: 16; height: auto; }
        & #export-formats { height: auto; max-height: 8; margin-bottom: 1; }
        & #export-path { border: none; height: 1; padding: 0; }
        & #export-status { height: auto; margin-top: 1; }
    }
    """

    def __init__(self, specs: Sequence[Spec], what: str) -> None:
        super().__init__()
        self.specs = list(specs)
        self.what = what
        self._edited = False  # the user typed a name: choosing another format keeps it

    @property
    def directory(self) -> str:
        return str(getattr(self.app, "export_dir", None) or os.getcwd())

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box", classes="dialog") as box:
            count = len(self.specs)
            box.border_title = f"export {count:,} {self.what} spec{'s' if count != 1 else ''}"
            box.border_subtitle = "enter writes · tab: the file name · esc back"
            yield OptionList(
                *(Option(Text.assemble((e.name, "bold"), f"  {e.summary}"), id=e.name) for e in EXPORTS),
                id="export-formats",
            )
            yield Input(id="export-path")
            yield Static(Text("a new file; an existing one is never overwritten", style="dim"), id="export-status")

    def on_mount(self) -> None:
        formats = self.query_one(OptionList)
        formats.highlighted = 0
        formats.focus()
        self._propose(EXPORTS[0].suffix)

    def _propose(self, suffix: str) -> None:
        if not self._edited:
            field = self.query_one("#export-path", Input)
            with self.prevent(Input.Changed):
                field.value = free_name(self.directory, f"cachetui-{self.what}", suffix)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._edited = True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._propose(EXPORTS[event.option_index].suffix)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._write()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._write()

    def action_scroll_down(self) -> None:
        """j: the next format."""
        self.query_one(OptionList).action_cursor_down()

    def action_scroll_up(self) -> None:
        """k: the previous format."""
        self.query_one(OptionList).action_cursor_up()

    def _write(self) -> None:
        index = self.query_one(OptionList).highlighted or 0
        chosen = EXPORTS[index]
        path = os.path.expanduser(self.query_one("#export-path", Input).value.strip())
        status = self.query_one("#export-status", Static)
        if not path:
            status.update(Text("give a file name", style="bold"))
            return
        path = os.path.join(self.directory, path)  # a relative name is in the export directory
        try:
            write_new(path, export(self.specs, chosen.name), executable=chosen.name == "script")
        except FileExistsError:
            status.update(Text.assemble(("exists: ", "bold"), literal(path), " (never overwritten; give another name)"))
            return
        except OSError as exc:
            status.update(Text.assemble(("cannot write: ", "bold"), literal(exc.strerror or str(exc))))
            return
        count = len(self.specs)
        self.app.notify(
            f"wrote {count:,} spec{'s' if count != 1 else ''} as {chosen.name} to {plain(path)}", markup=False
        )
        self.dismiss(None)
