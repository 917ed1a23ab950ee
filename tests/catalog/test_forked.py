"""A forked child's result, and what happens when it cannot give one (each case in a fresh one-thread process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(body: str) -> str:
    script = "import os, sys, time\nfrom cachetui.catalog.procs.forked import ForkedCall, can_fork\n" + textwrap.dedent(
        body
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("memory_file", [True, False], ids=["memory-file", "pipe-only"])
def test_the_result_is_computed_in_the_child(memory_file):
    out = _run(
        f"""
        import numpy as np
        if not {memory_file}:
            del os.memfd_create  # as where there is none: the whole result comes through the pipe
        assert can_fork()
        before = len(os.listdir("/proc/self/fd"))
        call = ForkedCall(lambda: (os.getpid(), os.getppid(), list(range(5)), np.arange(3_000_000), np.array([b"ab"])))
        child, parent, values, big, small = call.result()
        big[0] = 7  # the arrays are the caller's to change
        print(child != os.getpid(), parent == os.getpid(), values, int(big.sum()), big.dtype, small.tolist())
        del child, parent, values, big, small, call  # a mapping of the memory file lives as long as its arrays
        print("descriptors left open:", len(os.listdir("/proc/self/fd")) - before)
        """
    )
    # Arrays come through whole (their buffers are sent beside the pickle, not inside it).
    assert out.splitlines() == [
        f"True True [0, 1, 2, 3, 4] {sum(range(3_000_000)) + 7} int64 [b'ab']",
        "descriptors left open: 0",  # neither the pipe nor the memory file
    ]


def test_a_child_that_dies_leaves_the_work_to_the_caller():
    out = _run(
        """
        me = os.getpid()
        call = ForkedCall(lambda: "parent" if os.getpid() == me else os._exit(3))
        print(call.result())
        call = ForkedCall(lambda: "parent" if os.getpid() == me else 1 / 0)
        print(call.result())
        """
    )
    assert out.split() == ["parent", "parent"]


def test_cancel_kills_the_child(tmp_path):
    pid_file = tmp_path / "pid"
    out = _run(
        f"""
        def work():
            open({str(pid_file)!r}, "w").write(str(os.getpid()))
            time.sleep(60)
        call = ForkedCall(work)
        while not os.path.exists({str(pid_file)!r}) or not open({str(pid_file)!r}).read():
            time.sleep(0.01)
        call.cancel()
        pid = int(open({str(pid_file)!r}).read())
        time.sleep(0.2)
        try:
            state = open(f"/proc/{{pid}}/stat").read().split()[2]
        except FileNotFoundError:
            state = "gone"
        print(state)
        """
    )
    assert out in ("gone", "Z")  # killed (a zombie until reaped)


def test_values_handed_each_way_while_both_work():
    out = _run(
        """
        import numpy as np
        from cachetui.catalog.procs.forked import Exchange
        exchange = Exchange()
        def work():
            exchange.send(np.arange(5) * 2)
            (theirs,) = exchange.receive()
            return theirs.tolist()
        call = ForkedCall(work, exchange=exchange)
        (theirs,) = exchange.receive()
        exchange.send(np.arange(3))
        print(theirs.tolist(), call.result())
        exchange.close()
        dead = Exchange()
        call = ForkedCall(lambda: os._exit(3), fallback=lambda: "done here", exchange=dead)
        dead.send("to nobody")  # the child is gone: nothing is raised
        print(dead.receive(), call.result())
        dead.close()
        """
    )
    assert out.splitlines() == ["[0, 2, 4, 6, 8] [0, 1, 2]", "None done here"]
