"""A call in a fresh interpreter: its result (large arrays through memory), and what happens when it gives none."""

from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

from cachetui.catalog.procs.spawned import SpawnError, in_fresh_process

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a fresh process dies with its caller on Linux"
)


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_the_result_is_computed_in_another_process_and_large_arrays_come_whole():
    before = _open_descriptors()
    assert in_fresh_process(os.path.realpath, "/proc/self") != f"/proc/{os.getpid()}"
    big = in_fresh_process(np.arange, 3_000_000)
    assert big.dtype == np.int64 and int(big.sum()) == sum(range(3_000_000))
    big[0] = 7  # the caller's to change (mapped copy-on-write)
    assert int(big[:2].sum()) == 8
    del big  # a mapping of the memory file lives as long as its arrays
    assert _open_descriptors() == before  # neither the pipe nor the memory file is left open


def test_a_call_from_a_thread_works_as_from_the_main_one():
    """The browser loads in a thread: that is where the call is made."""
    found = []
    thread = threading.Thread(target=lambda: found.append(in_fresh_process(sorted, [3, 1, 2])))
    thread.start()
    thread.join()
    assert found == [[1, 2, 3]]


def test_a_call_that_fails_or_a_process_that_dies_gives_a_spawn_error(capfd):
    with pytest.raises(SpawnError, match=r"gave no result \(exit code 1\)"):
        in_fresh_process(int, "not a number")  # its traceback goes nowhere: the browser owns the terminal
    with pytest.raises(SpawnError, match=r"gave no result \(exit code 3\)"):
        in_fresh_process(os._exit, 3)
    assert in_fresh_process(print, "not on our screen") is None
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_process_that_cannot_start_gives_a_spawn_error(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with pytest.raises(SpawnError, match="cannot start a helper process"):
        in_fresh_process(sorted, [1])
