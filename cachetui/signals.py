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
received: int | None = None  # the signal that started the exit, if one did
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
    global received
    if received is not None:
        exit_now(signum)
    received = signum
    watchdog = threading.Timer(GRACE_SECONDS, exit_now, args=(signum,))
    watchdog.daemon = True
    watchdog.start()


def exit_now(signum: int) -> None:
    """End the process with 128 + signum, the terminal given back as it was (if it is still there).

    Nothing may stop it: whatever restoring the terminal raises is ignored.
    """
    if _saved_terminal is not None:
        try:
            import termios

            fd, attributes = _saved_terminal
            termios.tcsetattr(fd, termios.TCSANOW, attributes)
            os.set_blocking(fd, False)  # a terminal nobody reads must not stop the exit
            os.write(fd, b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1003l\x1b[?1006l")  # alt screen off, cursor, mouse
        except Exception:  # termios.error is no OSError: the terminal is gone (SIGHUP)
            pass
    os._exit(128 + signum)
