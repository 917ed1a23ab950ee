"""A forked child that computes something for its parent, and a way for the two to share work out.

A large Spack index is read by two processes from the command line: the
child shares, copy-on-write and for free, what the parent has already decoded
(hundreds of MB a spawned worker would have to be sent). The child dies with
its parent (Linux's ``PR_SET_PDEATHSIG``) and never runs the parent's exit
handlers; a child that fails or dies leaves its work to the parent.
"""

from __future__ import annotations

import ctypes
import io
import itertools
import mmap
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

R = TypeVar("R")

_PR_SET_PDEATHSIG = 1


def killed_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (elsewhere: nothing)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def fork_supported() -> bool:
    """This system forks children that die with their parent: Linux (``killed_with_parent``)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def can_fork() -> bool:
    """A forked child is safe here: a system that supports it, and no other Python thread (the browser
    loads in a thread)."""
    return fork_supported() and threading.active_count() == 1


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
    instead of reading them (much slower through the pipe).
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

    def __init__(
        self, func: Callable[[], R], fallback: Callable[[], R] | None = None, exchange: Exchange | None = None
    ) -> None:
        """``fallback``: what ``result()`` computes here when the child gives nothing (default ``func``);
        ``exchange``: for values the two hand each other meanwhile."""
        self._func = func
        self._fallback = fallback or func
        self._pid = 0
        try:
            self._result: Channel | None = Channel()
        except OSError:
            self._result = None
            return
        try:
            pid = os.fork()
        except OSError:
            self._result.close()
            self._result = None
            return
        if pid == 0:  # the child
            code = 1
            try:
                killed_with_parent()
                self._result.forked(reading=False)
                if exchange is not None:
                    exchange.forked(child=True)
                self._result.send(func())
                code = 0
            finally:
                os._exit(code)
        self._pid = pid
        self._result.forked(reading=True)
        if exchange is not None:
            exchange.forked(child=False)

    def result(self) -> R:
        if self._pid and self._result is not None:
            pid, self._pid = self._pid, 0
            found = self._result.receive()
            self._result.close()  # a mapping of its memory file outlives the descriptor
            # Not waited for: the kernel takes a while to free a child's memory, and a complete message is
            # proof enough that it finished (a child that died mid-way leaves a truncated one).
            _reap_later(pid)
            if found is not None:
                value: R = found[0]
                return value
        return self._fallback()

    def cancel(self) -> None:
        """Kill the child (the caller is leaving early: an exception, Ctrl-C)."""
        if self._pid and self._result is not None:
            pid, self._pid = self._pid, 0
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            _reap_later(pid)
            self._result.close()


class Channel:
    """One way from one process to another: a pipe, and a memory file for the large parts (``_send``).
    Made before the fork (or the start of a fresh process, ``spawned``, which is given ``ends()``);
    ``forked`` closes the end this side does not use, so that ``receive`` sees the end of the pipe
    (None) when the other side dies instead of waiting forever."""

    def __init__(self, inherited: tuple[int, int] | None = None) -> None:
        """``inherited``: the sending ``ends()`` of a channel made by the process that started this one."""
        if inherited is None:
            self._read, self._write = os.pipe()
            self._spill = _spill_file()
        else:
            self._read, (self._write, self._spill) = -1, inherited
        self._open = {self._read, self._write, self._spill} - {-1}

    def ends(self) -> tuple[int, int]:
        """The descriptors the sending side needs (the pipe's write end, the memory file or -1)."""
        return self._write, self._spill

    def forked(self, reading: bool) -> None:
        unused = self._write if reading else self._read
        self._open.discard(unused)
        _close(unused)

    def send(self, value: object) -> None:
        with open(self._write, "wb", closefd=False) as out:
            _send(out, value, self._spill)

    def receive(self) -> tuple[Any] | None:
        """(the other side's value,), or None if it died first."""
        with open(self._read, "rb", closefd=False) as handle:
            return _received(handle, self._spill)

    def close(self) -> None:
        for fd in self._open:
            _close(fd)
        self._open.clear()


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

    MOST = 4096  # blocks at most: filled before anyone reads, and Linux gives a pipe only 4 KiB under pressure

    def __init__(self, count: int) -> None:
        if count > self.MOST:
            raise ValueError(f"{count} blocks: at most {self.MOST}")
        self._fd, write = os.pipe()
        try:
            os.write(write, bytes(count))
        finally:
            os.close(write)

    def take(self) -> bool:
        return bool(os.read(self._fd, 1))

    def close(self) -> None:
        os.close(self._fd)


class Exchange:
    """A value each way between a process and the child it forks, handed over while both work: ``send``
    on one side, ``receive`` on the other, through a memory file and a pipe as a child's result is.

    Made before the fork and given to ``ForkedCall``, which closes each side's unused ends after it, so
    that ``receive`` sees the end of the pipe (None) when the other side dies instead of waiting forever.
    Without a child (the fork failed), ``receive`` is None at once.
    """

    def __init__(self) -> None:
        self._to_child = Channel()
        self._to_parent = Channel()
        self._child: bool | None = None  # None: not forked

    def forked(self, child: bool) -> None:
        self._child = child
        self._to_child.forked(reading=child)
        self._to_parent.forked(reading=not child)

    def send(self, value: object) -> None:
        if self._child is None:
            return
        try:
            (self._to_parent if self._child else self._to_child).send(value)
        except BrokenPipeError:
            pass  # the other side is gone: its result, or its absence, says the rest

    def receive(self) -> tuple[Any] | None:
        """(the other side's value,), or None if it died first or there is no other side."""
        if self._child is None:
            return None
        return (self._to_child if self._child else self._to_parent).receive()

    def close(self) -> None:
        self._to_child.close()
        self._to_parent.close()
