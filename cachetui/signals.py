"""Ending the process on SIGTERM or SIGHUP, even when unwinding cannot finish.

Invariants: the first signal starts an orderly exit and a watchdog; if the process is still there
``GRACE_SECONDS`` later (a thread it waits for is stuck writing to a terminal that is gone), or on a
second signal, it ends at once with ``128 + signal``, the terminal's saved settings put back first.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

GRACE_SECONDS = 2.0
_armed = False
_saved_terminal: tuple[int, list[Any]] | None = None  # (fd, termios attributes) while the browser runs


def save_terminal() -> None:
    """Keep the terminal's settings, for an exit that cannot wait for the browser to restore them."""
    global _saved_terminal
    try:
        import termios

        fd = sys.stdin.fileno()
        _saved_terminal = (fd, termios.tcgetattr(fd))
    except (OSError, ImportError, ValueError, AttributeError):
        _saved_terminal = None


def arm(signum: int) -> None:
    """A signal arrived: end the process if it is still there after GRACE_SECONDS, or now if it is the second."""
    global _armed
    if _armed:
        exit_now(signum)
    _armed = True
    watchdog = threading.Timer(GRACE_SECONDS, exit_now, args=(signum,))
    watchdog.daemon = True
    watchdog.start()


def exit_now(signum: int) -> None:
    """End the process with 128 + signum, the terminal given back as it was (if it is still there)."""
    if _saved_terminal is not None:
        try:
            import termios

            fd, attributes = _saved_terminal
            os.write(fd, b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1003l\x1b[?1006l")  # alt screen off, cursor, mouse
            termios.tcsetattr(fd, termios.TCSANOW, attributes)
        except (OSError, ImportError, ValueError):
            pass  # the terminal is gone (SIGHUP)
    os._exit(128 + signum)
