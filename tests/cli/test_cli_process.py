"""The real entry points in a subprocess: exit codes, no tracebacks, quiet broken pipes."""

import os
import subprocess
import sys

import pytest


@pytest.fixture
def run(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    env.pop("CACHETUI_CATALOG", None)

    def run(*args, **kwargs):
        return subprocess.run(
            [sys.executable, "-m", "cachetui", *args], capture_output=True, text=True, env=env, timeout=60, **kwargs
        )

    return run


def test_module_entry_point_version(run):
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout == "cachetui 0.1.0\n"


def test_exit_codes_and_no_traceback(run, tmp_path):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    found = run("hash", "jasonjuuhs", *cache)
    assert found.returncode == 0 and found.stdout.startswith("jasonjuuhs7lgkf5ojybu2sxxalclmxa  bc@1.07.1 ")
    none = run("find", "nothing-like-this-qqq", "+mpi", *cache)
    assert none.returncode == 1 and none.stdout == ""
    bad = run("find", "hdf5", "@", *cache)
    assert bad.returncode == 2 and "'@'" in bad.stderr
    missing = run("find", "-C", "foo", "x", *cache)
    assert missing.returncode == 2 and missing.stderr == "cachetui: no such file or directory: foo\n"
    for proc in (found, none, bad, missing):
        assert "Traceback" not in proc.stderr
        assert "\x1b" not in proc.stdout + proc.stderr


def test_broken_pipe_is_quiet(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cachetui", "find", "--limit", "0", "--no-cache", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert err == b""


def test_the_command_skips_teardown_but_not_output_or_exit_handlers(tmp_path):
    """``run`` leaves with os._exit: every line written to a pipe still arrives, the exit code is
    main's, and exit handlers another module registered still run."""
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
        "sys.argv = ['cachetui', *sys.argv[1:]]\n"
        "from cachetui.cli import run\n"
        "run()\n"
    )
    every = subprocess.run(
        [sys.executable, "-c", script, "find", "--limit", "0", "--json", "-q"], capture_output=True, text=True, env=env
    )
    assert every.returncode == 0 and every.stderr == "handler ran\n"
    assert len(every.stdout.splitlines()) == 723 and every.stdout.endswith("}\n")
    none = subprocess.run(
        [sys.executable, "-c", script, "find", "nothing-like-this-qqq", "-q"], capture_output=True, text=True, env=env
    )
    assert none.returncode == 1 and none.stdout == "" and none.stderr == "handler ran\n"
