"""A forked child's result, and what happens when it cannot give one (each case in a fresh one-thread process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(body: str) -> str:
    script = "import os, sys, time\nfrom cachetui.catalog.workers import ForkedCall, can_fork\n" + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_result_is_computed_in_the_child():
    out = _run(
        """
        import numpy as np
        assert can_fork()
        call = ForkedCall(lambda: (os.getpid(), os.getppid(), list(range(5)), np.arange(3_000_000), np.array([b"ab"])))
        child, parent, values, big, small = call.result()
        print(child != os.getpid(), parent == os.getpid(), values, int(big.sum()), big.dtype, small.tolist())
        """
    )
    # Arrays come through whole (their buffers are sent beside the pickle, not inside it).
    assert out == f"True True [0, 1, 2, 3, 4] {sum(range(3_000_000))} int64 [b'ab']"


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
