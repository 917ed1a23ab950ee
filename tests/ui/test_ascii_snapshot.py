"""The browser at 80x24 in a terminal whose locale is not UTF-8, as that terminal shows it.

Textual's SVG snapshots are made before the driver's output, where the ASCII translation happens, so
this snapshot is of the bytes themselves: the browser runs on a pseudo-terminal and a terminal
emulator (pyte) draws what it wrote. Regenerate with CACHETUI_UPDATE_SNAPSHOTS=1 after looking at it.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

pyte = pytest.importorskip("pyte")

SNAPSHOT = Path(__file__).parent / "__snapshots__" / "ascii-80x24.txt"
SAMPLE = Path(__file__).resolve().parents[2] / "cachetui" / "data" / "sample"


def _run(keys: list[bytes], settled: str, tmp_path: Path) -> tuple[str, bytes]:
    import fcntl
    import struct
    import termios

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "CACHETUI_"))}
    env.update(LANG="C", TERM="xterm-256color", XDG_CONFIG_HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path))
    env["CACHETUI_HOST"] = "linux-ubuntu22.04-zen3"
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(sys.executable, [sys.executable, "-m", "cachetui", "--no-cache", "-C", str(SAMPLE)], env)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    raw = b""

    def pump(seconds: float) -> None:
        nonlocal raw
        deadline = time.time() + seconds
        while time.time() < deadline:
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return
                raw += data
                stream.feed(data)

    def shown() -> str:
        return "\n".join(line.rstrip() for line in screen.display) + "\n"

    try:
        pump(1.0)
        for key in keys:  # typed while it starts: they are the query, in order
            os.write(fd, key)
            pump(0.3)
        deadline, last = time.time() + 20, ""
        while time.time() < deadline:  # until the answer is drawn and the screen holds still
            pump(0.5)
            if settled in shown() and shown() == last:
                break
            last = shown()
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    return shown(), raw


@pytest.mark.slow
def test_the_browser_in_ascii_at_80x24(tmp_path):
    text, raw = _run([b"cmake", b"\t"], "1/74 ", tmp_path)
    assert all(byte < 0x80 for byte in raw)
    assert "Search cmake" in text and "cmake" in text
    if os.environ.get("CACHETUI_UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text()
