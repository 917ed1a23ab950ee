"""Worker processes for parsing that never outlive the process that started them.

A parse pool left behind by a killed ``cachetui index`` would hold the
caller's stderr open for good (``$(cachetui index 2>&1)`` would never return)
and keep multiprocessing's resource tracker alive with it. Each worker asks
the kernel to kill it when its parent dies (Linux's ``PR_SET_PDEATHSIG``) and,
everywhere, watches its parent's pid from a daemon thread; the parent
terminates the pool on any exception, including the ones its SIGTERM and
SIGHUP handlers raise.

Two kinds: a spawned pool for many page files (``parallel_map``), and one
forked child for half of a large Spack index (``ForkedCall``), which shares
what the parent already decoded instead of being sent it.
"""

from __future__ import annotations

import ctypes
import io
import itertools
import mmap
import multiprocessing
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


def _killed_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (elsewhere: nothing)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _die_with(parent: int) -> None:
    """Pool initializer: exit as soon as ``parent`` is gone."""
    _killed_with_parent()
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


def can_fork() -> bool:
    """A forked child is safe here: Linux, and no other Python thread (the browser loads in a thread)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


_unreaped: list[int] = []


def _reap_later(pid: int) -> None:
    """Remember a finished child, and reap every one that has exited by now (no zombies pile up)."""
    _unreaped.append(pid)
    for child in list(_unreaped):
        try:
            done, _ = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:
            done = child
        if done:
            _unreaped.remove(child)


def _send(out: io.BufferedWriter, value: object, spill: int) -> None:
    """``value`` pickled with its large buffers (numpy arrays) out of band: each written as it is, with no
    copy into one pickle here or out of it there (tens of MB of page faults on each side).

    With a ``spill`` file (memory, ``memfd_create``) the parts go there and
    only their sizes through the pipe: the child finishes without waiting for
    the parent to read (a pipe holds 64 KiB), and the parent maps the parts
    instead of reading them (30 MB took 0.15 s through the pipe).
    """
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    parts = [memoryview(head), *(buffer.raw() for buffer in buffers)]
    sizes = struct.pack(f"<BQ{len(parts)}Q", spill >= 0, len(parts), *(part.nbytes for part in parts))
    if spill >= 0:
        with open(spill, "wb", closefd=False) as spilled:
            for part in parts:
                spilled.write(part)
        out.write(sizes)
        return
    out.write(sizes)
    for part in parts:
        out.write(part)


def _received(handle: io.BufferedReader, spill: int) -> tuple[Any] | None:
    """What ``_send`` wrote, as a 1-tuple; None if it is not all there (the child died) or does not load."""
    try:
        spilled, count = struct.unpack("<BQ", _exactly(handle, 9))
        sizes = struct.unpack(f"<{count}Q", _exactly(handle, 8 * count))
        parts = _mapped(spill, sizes) if spilled else [memoryview(_exactly(handle, size)) for size in sizes]
        return (pickle.loads(parts[0], buffers=parts[1:]),)
    except (struct.error, EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError):
        return None


def _mapped(spill: int, sizes: tuple[int, ...]) -> list[memoryview]:
    """The parts in the spill file, mapped copy-on-write (numpy may write to the arrays) and populated at
    once: one call instead of a page fault per 4 KiB. The mapping (and the descriptor Python keeps for
    it) lives as long as the arrays made from it."""
    total = sum(sizes)
    if spill < 0 or os.fstat(spill).st_size != total or not total:
        raise EOFError("the spill file is not all there")
    flags = mmap.MAP_PRIVATE | getattr(mmap, "MAP_POPULATE", 0)
    view = memoryview(mmap.mmap(spill, total, flags=flags, prot=mmap.PROT_READ | mmap.PROT_WRITE))
    offsets = [0, *itertools.accumulate(sizes)]
    return [view[a:b] for a, b in itertools.pairwise(offsets)]


def _spill_file() -> int:
    """A file in memory for a child's result (Linux), or -1: the result goes through the pipe."""
    try:
        return os.memfd_create("cachetui-result", getattr(os, "MFD_CLOEXEC", 0))
    except (AttributeError, OSError):
        return -1


def _exactly(handle: io.BufferedReader, size: int) -> bytearray:
    data = bytearray(size)
    if handle.readinto(data) != size:
        raise EOFError("the message ends early")
    return data


class ForkedCall(Generic[R]):
    """``func()`` computed in a forked child while the caller goes on; ``result()`` joins it.

    Fork rather than the spawned pool because the child needs what the caller
    has already decoded (hundreds of MB), which fork shares copy-on-write for
    free and a spawned worker would have to be sent. Start one only where
    ``can_fork()``. A child that cannot start, fails or dies makes
    ``result()`` compute ``func()`` in this process: slower, never wrong.
    The child dies with its parent and never runs the parent's exit handlers.
    """

    def __init__(self, func: Callable[[], R], fallback: Callable[[], R] | None = None) -> None:
        """``fallback``: what ``result()`` computes here when the child gives nothing (default ``func``)."""
        self._func = func
        self._fallback = fallback or func
        self._pid = 0
        self._fd = self._spill = -1
        try:
            read, write = os.pipe()
        except OSError:
            return
        spill = _spill_file()
        try:
            pid = os.fork()
        except OSError:
            for fd in (read, write, spill):
                _close(fd)
            return
        if pid == 0:  # the child
            code = 1
            try:
                os.close(read)
                _killed_with_parent()
                with open(write, "wb") as out:
                    _send(out, func(), spill)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._fd, self._spill = pid, read, spill

    def result(self) -> R:
        if self._pid:
            pid, self._pid = self._pid, 0
            with open(self._fd, "rb") as handle:
                found = _received(handle, self._spill)
            _close(self._spill)  # a mapping of it outlives the descriptor
            # Not waited for: the kernel takes a while to free a child's memory, and a complete message is
            # proof enough that it finished (a child that died mid-way leaves a truncated one).
            _reap_later(pid)
            if found is not None:
                value: R = found[0]
                return value
        return self._fallback()

    def cancel(self) -> None:
        """Kill the child (the caller is leaving early: an exception, Ctrl-C)."""
        if self._pid:
            pid, self._pid = self._pid, 0
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            _reap_later(pid)
            _close(self._fd)
            _close(self._spill)


def _close(fd: int) -> None:
    if fd >= 0:
        try:
            os.close(fd)
        except OSError:
            pass


class BlockClaims:
    """Blocks of work shared out between a process and its forked child as they go: a pipe holding one
    byte per block, each process reading a byte before it takes a block. A read takes a byte only once,
    so every block is taken exactly once, and the pipe's end (all bytes read) says there are no more."""

    MOST = 4096  # bytes in the pipe at most: a pipe holds 64 KiB, and it is filled before anyone reads

    def __init__(self, count: int) -> None:
        self._fd, write = os.pipe()
        try:
            os.write(write, bytes(count))
        finally:
            os.close(write)

    def take(self) -> bool:
        return bool(os.read(self._fd, 1))

    def close(self) -> None:
        os.close(self._fd)
