"""Worker processes for parsing that never outlive the process that started them.

A parse pool left behind by a killed ``cachetui index`` would hold the
caller's stderr open for good (``$(cachetui index 2>&1)`` would never return)
and keep multiprocessing's resource tracker alive with it. Each worker asks
the kernel to kill it when its parent dies (Linux's ``PR_SET_PDEATHSIG``) and,
everywhere, watches its parent's pid from a daemon thread; the parent
terminates the pool on any exception, including the ones its SIGTERM and
SIGHUP handlers raise.

This module is the spawned pool for many page files (``parallel_map``); the
forked child that reads half of a large Spack index is ``forked``. Importing
multiprocessing has a cost, which a command reading one index never pays.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from .forked import killed_with_parent

T = TypeVar("T")
R = TypeVar("R")

WATCH_SECONDS = 0.5


def _die_with(parent: int) -> None:
    """Pool initializer: exit as soon as ``parent`` is gone."""
    killed_with_parent()
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="cachetui-parent-watch", daemon=True).start()


def parallel_map(func: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``map(func, items)`` in ``workers`` spawned processes, results in order.

    Raises one of ``POOL_ERRORS`` when processes cannot be started or die (the
    caller then works in-process). The workers are killed, not drained, when
    the consumer stops early or anything is raised (Ctrl-C, SIGTERM), so
    nobody parses what nobody reads and nothing is left behind.
    """
    context = multiprocessing.get_context("spawn")  # fork is unsafe from a threaded UI
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with, initargs=(os.getpid(),))
    try:
        yield from pool.map(func, items)
    except BaseException:
        _kill(pool)
        raise
    pool.shutdown()


def _kill(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())  # the executor has no public kill
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    for process in processes:
        try:
            process.join(2)
            if process.is_alive():
                process.kill()
        except (OSError, ValueError, AttributeError, AssertionError):
            pass


# What "no worker processes here" looks like, as opposed to a bug.
POOL_ERRORS: tuple[type[BaseException], ...] = (OSError, RuntimeError, EOFError, BrokenProcessPool)
