"""The loading state: what is being read, a progress bar, and how to quit.

Shown in place of the tree and detail panes while the catalog is built in a
worker thread (the first run over a large catalog takes a while; later runs
start from the snapshot).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from cachetui.catalog import LoadProgress, human_size

from ..safe import literal, plain

PHASES = {
    "download": "downloading",
    "snapshot": "reading the snapshot",
    "scan": "looking for pages and Spack indexes",
    "parse": "reading",
    "index": "indexing specs",
    "save": "saving a snapshot for a faster start next time",
    "done": "ready",
}


def describe(progress: LoadProgress) -> str:
    text = PHASES.get(progress.phase, progress.phase)
    if progress.phase == "download":
        total = f" of {human_size(progress.bytes_total)}" if progress.bytes_total else ""
        rate = f" at {human_size(int(progress.rate))}/s" if progress.rate else ""
        return f"{text} {plain(progress.label)}: {human_size(progress.bytes_done)}{total}{rate}"
    if progress.phase == "scan" and progress.done:
        text += f": {progress.done:,} files"
    if progress.phase == "parse" and progress.total == 1:
        # One file, most likely a large Spack index: no count to show, and no size either (a v3 mirror is
        # stamped by its 250-byte manifest, not by the blob it names).
        text += " 1 file"
    elif progress.phase == "parse" and progress.total:
        text += f" {progress.done:,} of {progress.total:,} files"
        if progress.bytes_total:
            text += f" ({human_size(progress.bytes_done)} of {human_size(progress.bytes_total)})"
    return text + ("" if progress.phase == "done" else " …")


class LoadingPanel(Vertical):
    """Phase, progress bar and a reminder that ``q`` quits (loading never traps the user)."""

    DEFAULT_CSS = """
    LoadingPanel {
        height: 1fr;
        padding: 1 2;
        & > Static { width: 100%; height: auto; margin-bottom: 1; }
        & #loading-bar { width: 100%; margin-bottom: 1; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the catalog", style="bold"), id="loading-title")
        yield ProgressBar(id="loading-bar", show_eta=False)
        yield Static("starting …", id="loading-status", markup=False)
        yield Static(
            "type your search now: it runs once the catalog is read; ctrl+q quits", id="loading-help", markup=False
        )

    def show_progress(self, progress: LoadProgress) -> None:
        bar = self.query_one(ProgressBar)
        if progress.phase == "parse" and progress.total > 1:
            bar.update(total=progress.total, progress=progress.done)
        elif progress.phase == "download" and progress.bytes_total:
            bar.update(total=progress.bytes_total, progress=progress.bytes_done)
        elif progress.phase in ("index", "save", "done"):
            bar.update(total=1, progress=1)
        else:
            bar.update(total=None)
        self.query_one("#loading-status", Static).update(Text(describe(progress)))

    def show_failure(self, reason: str) -> None:
        self.query_one("#loading-title", Static).update(Text("Could not load the catalog", style="bold"))
        self.query_one(ProgressBar).display = False
        self.query_one("#loading-status", Static).update(literal(reason))
        self.query_one("#loading-help", Static).update(Text("q quits"))
