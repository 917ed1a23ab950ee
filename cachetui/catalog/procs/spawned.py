"""One call in a fresh interpreter, for a caller that may not fork, its result back through memory.

The browser loads in a thread, where forking is unsafe, and a large Spack
index is read fastest by two processes, the second forked. A fresh
interpreter has no thread but its main one, so
it may fork in turn. Its result comes back as a forked child's does
(``forked.Channel``: the large parts in a memory file the caller maps):
not through multiprocessing's pool, which pickles it into a pipe and out of it
again (docs/benchmarks.md).

The process dies with the thread that started it (Linux's parent-death
signal; it checks its parent's pid once that is set), so this is Linux
only, as forking is. Its output is discarded: the browser owns the terminal.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from typing import TypeVar

from .forked import Channel, killed_with_parent

T = TypeVar("T")
R = TypeVar("R")

# The fresh process finds modules where this one does (as multiprocessing's spawn does), then serves.
_CHILD = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer)\n"
    "from cachetui.catalog.procs.spawned import _serve; _serve()"
)


class SpawnError(OSError):
    """The process could not start, or died without a result: the caller does the work itself."""


def in_fresh_process(func: Callable[[T], R], item: T) -> R:
    """``func(item)`` computed in a fresh interpreter (``func`` importable, ``item`` picklable).

    Raises SpawnError if it cannot start or gives nothing; kills it if this thread is interrupted.
    """
    channel = Channel()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=[fd for fd in channel.ends() if fd >= 0],
        )
    except OSError as exc:
        channel.close()
        raise SpawnError(f"cannot start a helper process: {exc}") from None
    try:
        channel.forked(reading=True)
        assert process.stdin is not None
        try:
            with process.stdin:
                pickle.dump(sys.path, process.stdin)
                pickle.dump((func, item, os.getpid(), channel.ends()), process.stdin)
        except BrokenPipeError:
            pass  # it died at once: receive() says so
        found = channel.receive()
    except BaseException:
        process.kill()
        raise
    finally:
        channel.close()  # a mapping of its memory file outlives the descriptor
        try:
            process.wait()
        except BaseException:
            process.kill()
            raise
    if found is None:
        raise SpawnError(f"the helper process gave no result (exit code {process.returncode})")
    value: R = found[0]
    return value


def _serve() -> None:
    """The fresh process: read the call, send its result, leave without the interpreter's teardown."""
    killed_with_parent()
    code = 1
    try:
        func, item, parent, ends = pickle.load(sys.stdin.buffer)
        if os.getppid() == parent:  # else its parent died before the signal was asked for
            Channel(inherited=ends).send(func(item))
            code = 0
    finally:
        os._exit(code)
