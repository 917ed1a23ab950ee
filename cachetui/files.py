"""Opening files someone else may have put there: regular files only, never blocking, never mapped.

Invariants: a FIFO, a device, a socket or a directory raises ``NotRegularFile`` (an OSError whose
``strerror`` is "not a regular file") without blocking; a read never returns more than its limit
and one byte (so a caller can tell "over the limit"); a path with a NUL byte is an OSError too.
"""

from __future__ import annotations

import errno
import io
import os
import stat


class NotRegularFile(OSError):
    def __init__(self, path: str) -> None:
        super().__init__(errno.EINVAL, "not a regular file", path)


def open_regular(path: str) -> io.BufferedReader:
    """A binary file object for a regular file; NotRegularFile or OSError otherwise."""
    if "\0" in path:
        raise OSError(errno.EINVAL, "the path holds a NUL byte", path.replace("\0", "\\0"))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(path)
        os.set_blocking(fd, True)
        return io.BufferedReader(io.FileIO(fd, "rb"))
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of a regular file (see ``open_regular``)."""
    with open_regular(path) as handle:
        return handle.read(limit + 1)  # a buffered read goes on until it has them, or the file ends


def reason(exc: OSError) -> str:
    """An OSError in a few words, for ``PATH: reason`` (a symlink loop is named as one)."""
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return exc.strerror or str(exc)
