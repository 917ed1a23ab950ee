"""Signals, terminals and closed outputs, with real processes: nothing is left behind or hangs."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import page_text

ALT_SCREEN_OFF = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"


@pytest.fixture
def env(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"), TERM="xterm-256color")
    env.pop("CACHETUI_CATALOG", None)
    return env


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def big_tree(tmp_path):
    """Enough to keep two parse workers busy for a second or two."""
    root = tmp_path / "pages"
    specs = [{"versions": [f"1.{i}"]} for i in range(400)]
    for i in range(240):
        path = root / f"t{i % 4}" / f"p{i}" / "specs.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_text(f"t{i % 4}", f"p{i}", specs))
    return root


def _index_in_workers(tree, env):
    """`cachetui index` with the parallel parse forced on, output to one pipe as in $(... 2>&1)."""
    script = (
        "import sys; import cachetui.catalog.loader as l; l.PARALLEL_THRESHOLD = 1; l.CHUNK_FILES = 4\n"
        "from cachetui.cli import main\n"
        f"sys.exit(main(['index', '--no-cache', {str(tree)!r}]))\n"
    )
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)


def _wait_for_workers(proc) -> set[int]:
    deadline = time.time() + 30
    while time.time() < deadline:
        workers = {pid for pid in children_of(proc.pid)}
        if len(workers) >= 2:
            return workers
        time.sleep(0.02)
    raise AssertionError("no worker processes started")


def _read_to_eof(stream, timeout: float) -> bool:
    done = threading.Event()

    def drain():
        stream.read()
        done.set()

    threading.Thread(target=drain, daemon=True).start()
    return done.wait(timeout)


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_index_killed_mid_parse_leaves_no_process_and_closes_output(big_tree, env, how):
    proc = _index_in_workers(big_tree, env)
    workers = _wait_for_workers(proc)
    proc.send_signal(how)
    assert _read_to_eof(proc.stdout, 15), "the output pipe stayed open: something still holds it"
    code = proc.wait(15)
    assert code == (-9 if how == signal.SIGKILL else 128 + how)
    deadline = time.time() + 10
    while any(alive(pid) for pid in workers) and time.time() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if alive(pid)]


def test_browser_restores_the_terminal_on_sigterm(env):
    pid, fd = pty.fork()
    if pid == 0:  # the child: the browser on a pseudo-terminal
        os.environ.update(env)
        os.execvp(sys.executable, [sys.executable, "-m", "cachetui", "--no-cache"])
    seen = b""
    deadline = time.time() + 30
    while b"packages" not in seen and time.time() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            seen += os.read(fd, 65536)
    assert b"packages" in seen, "the browser did not start"
    os.kill(pid, signal.SIGTERM)
    rest = b""
    deadline = time.time() + 15
    while time.time() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            rest += data
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 128 + signal.SIGTERM
    assert ALT_SCREEN_OFF in rest and MOUSE_OFF in rest


def test_browser_without_any_terminal_refuses_at_once(env, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cachetui", "--no-cache"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=60,
        start_new_session=True,
    )
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode().startswith("cachetui: no terminal to draw on")
    assert proc.stderr.count(b"\n") == 1


def test_closed_stdout_and_full_disk_are_errors(env):
    closed = subprocess.run(
        f"{sys.executable} -m cachetui find bc --no-cache >&-", shell=True, capture_output=True, env=env, timeout=60
    )
    assert closed.returncode == 1 and closed.stderr == b"cachetui: cannot write output: standard output is closed\n"
    for args in (["--help"], ["--version"], ["find", "bc", "--no-cache"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "cachetui", *args], stdout=full, stderr=subprocess.PIPE, env=env, timeout=60
            )
        assert proc.returncode == 1, args
        assert proc.stderr == b"cachetui: cannot write output: No space left on device\n"


def test_empty_catalog_path_is_an_error(env, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cachetui", "-C", "", "-C", str(tmp_path), "index", "--json"],
        capture_output=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"empty catalog path" in proc.stderr


@pytest.mark.slow
def test_index_says_written_only_when_it_wrote(env, tmp_path):
    text = page_text

    page = tmp_path / "pages" / "develop" / "a" / "specs.md"
    page.parent.mkdir(parents=True)
    page.write_text(text("develop", "a", [{}]))

    def snapshot_line():
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "cachetui",
                "index",
                str(tmp_path / "pages"),
                "--cache-dir",
                str(tmp_path / "cache"),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        return next(line for line in proc.stdout.splitlines() if line.startswith("snapshot: "))

    assert snapshot_line().endswith("(written)")
    time.sleep(2.1)  # the real settle window: what was just written is trusted only after it
    snapshot_line()
    assert snapshot_line().endswith("(up to date)")
    page.write_text(text("develop", "a", [{}, {"versions": ["2"]}]))
    assert snapshot_line().endswith("(written)")


def _browser_on_a_pty(env, sources: list[str]):
    """The browser on a pseudo-terminal, parsing with a worker pool however small the catalog is."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env)
        code = (
            "import sys; import cachetui.catalog.loader as loader; loader.PARALLEL_THRESHOLD = 1; "
            "from cachetui.cli import run; sys.argv = ['cachetui', '--no-cache', *sys.argv[1:]]; run()"
        )
        os.execvp(sys.executable, [sys.executable, "-c", code, *[a for s in sources for a in ("-C", s)]])
    return pid, fd


def _exit_code_within(pid: int, fd: int, seconds: float) -> int | None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
    return None


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.1, 0.4, 0.8, 1.2, 1.8])
@pytest.mark.parametrize("how", ["SIGHUP", "close"])
def test_a_hangup_at_any_moment_of_the_start_ends_the_browser(env, delay, how):
    """An SSH drop or a closed tmux window while the browser starts: the process ends, it is not orphaned."""
    sample = str(Path(__file__).resolve().parents[2] / "cachetui" / "data" / "sample")
    pid, fd = _browser_on_a_pty(env, [sample, sample + "/develop"])
    time.sleep(delay)
    if how == "SIGHUP":
        os.kill(pid, signal.SIGHUP)
    else:
        os.close(fd)  # the terminal goes away: the kernel sends SIGHUP to its session
        fd = os.open(os.devnull, os.O_RDONLY)
    code = _exit_code_within(pid, fd, 15)
    if code is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    assert code in (128 + signal.SIGHUP, -signal.SIGHUP)  # before its handler is installed, the default ends it


def _screen_bytes(env: dict[str, str], args: list[str], seconds: float = 4.0) -> bytes:
    """Everything the browser writes to an 80x24 terminal in its first seconds, then it is told to quit."""
    import fcntl
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.environ.clear()
        os.environ.update(env)
        os.execvp(sys.executable, [sys.executable, "-m", "cachetui", "--no-cache", *args])
    out = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    os.close(fd)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("how", ["LANG=C", "--ascii"])
def test_a_terminal_that_is_not_utf8_gets_ascii_only(env, how, tmp_path):
    """tmux or screen started with LANG=C shows other characters as _: the browser then draws with ASCII."""
    base = {k: v for k, v in env.items() if k not in ("LANG", "LC_ALL", "LC_CTYPE")}
    base.update(TERM="xterm-256color", XDG_CONFIG_HOME=str(tmp_path))
    if how == "LANG=C":
        out = _screen_bytes({**base, "LANG": "C"}, [])
    else:
        out = _screen_bytes({**base, "LANG": "C.UTF-8"}, ["--ascii"])
    assert b"packages" in out and b"specs" in out  # the browser drew its screen
    assert all(byte < 0x80 for byte in out), sorted(
        {chr(b) for b in out.decode("utf-8", "replace").encode() if b >= 0x80}
    )


@pytest.mark.slow
def test_a_utf8_terminal_gets_the_usual_glyphs(env, tmp_path):
    base = {k: v for k, v in env.items() if k not in ("LANG", "LC_ALL", "LC_CTYPE")}
    out = _screen_bytes({**base, "LANG": "C.UTF-8", "TERM": "xterm-256color", "XDG_CONFIG_HOME": str(tmp_path)}, [])
    assert "─".encode() in out or "╭".encode() in out
