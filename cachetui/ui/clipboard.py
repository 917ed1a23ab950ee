"""Copying text where users are: over SSH, inside tmux, or by hand.

Users run the browser on cluster login nodes, so a local clipboard program
(xclip, pbcopy) is useless or, worse, hangs waiting for a display. Instead:

1. OSC 52 through the terminal (Textual's ``copy_to_clipboard``), which
   reaches the clipboard of the machine the user sits at, even over SSH;
2. inside tmux (``$TMUX`` set), ``tmux load-buffer -w -`` so the text is in
   tmux's paste buffer (and, with tmux >= 3.2, forwarded to the outer
   terminal's clipboard, which tmux otherwise does not do for OSC 52 from
   applications by default);
3. inside GNU screen (``$STY`` set, not in tmux), the same OSC 52 wrapped in
   screen's DCS passthrough, in chunks screen accepts, so it reaches the outer
   terminal (screen swallows a bare OSC 52);
4. a notification that shows the exact text, to select by hand when none of
   these works.
"""

from __future__ import annotations

import base64
import os
import subprocess
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .safe import plain

if TYPE_CHECKING:
    from textual.app import App

TMUX_TIMEOUT = 2.0
SCREEN_CHUNK = 76  # bytes of an escape sequence GNU screen passes through per DCS string


def screen_passthrough(text: str) -> str:
    """OSC 52 for ``text``, cut into chunks each wrapped in GNU screen's DCS passthrough (``ESC P ... ESC \\``)."""
    sequence = "\x1b]52;c;" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "\x07"
    chunks = [sequence[i : i + SCREEN_CHUNK] for i in range(0, len(sequence), SCREEN_CHUNK)]
    return "".join(f"\x1bP{chunk}\x1b\\" for chunk in chunks)


TmuxLoader = Callable[[str], bool]


def load_tmux_buffer(text: str, timeout: float = TMUX_TIMEOUT) -> bool:
    """Put ``text`` in tmux's paste buffer; True on success. Never raises, never waits long."""
    data = text.encode("utf-8")
    # -w (tmux >= 3.2) also sets the outer terminal's clipboard; older tmux rejects it, so retry without.
    for args in (["tmux", "load-buffer", "-w", "-"], ["tmux", "load-buffer", "-"]):
        try:
            done = subprocess.run(
                args,
                input=data,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        if done.returncode == 0:
            return True
    return False


class Copier:
    """Copies text by every channel that may work, and tells the user exactly what was copied."""

    def __init__(
        self, app: App, *, environ: Mapping[str, str] | None = None, tmux_loader: TmuxLoader | None = None
    ) -> None:
        self.app = app
        self.environ = os.environ if environ is None else environ
        self.tmux_loader = tmux_loader or load_tmux_buffer
        self._tmux_threads: list[threading.Thread] = []

    @property
    def in_tmux(self) -> bool:
        return bool(self.environ.get("TMUX"))

    @property
    def in_screen(self) -> bool:
        return bool(self.environ.get("STY")) and not self.in_tmux

    def copy(self, text: str, what: str) -> None:
        """Copy ``text`` (described as ``what`` in the notification)."""
        self.app.copy_to_clipboard(text)
        title = f"Copied {what}"
        driver = getattr(self.app, "_driver", None)
        if self.in_screen and driver is not None:
            driver.write(screen_passthrough(text))
            title += " (through screen)"
        if self.in_tmux:
            title += " (+ tmux)"
            thread = threading.Thread(target=self._load_tmux, args=(text,), name="tmux-load-buffer", daemon=True)
            self._tmux_threads = [t for t in self._tmux_threads if t.is_alive()] + [thread]
            thread.start()
        # markup=False and printable(): the text may hold page strings (a tag name in a mirror command).
        self.app.notify(plain(text), title=title, markup=False, timeout=5)

    def _load_tmux(self, text: str) -> None:
        try:
            self.tmux_loader(text)
        except Exception:  # a failing tmux must never take the browser down
            pass

    def wait(self, timeout: float = TMUX_TIMEOUT + 1) -> None:
        """Wait for pending tmux copies (tests, and before exiting)."""
        for thread in self._tmux_threads:
            thread.join(timeout)
