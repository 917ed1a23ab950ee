"""``main``: parse, run one command, turn every failure into one line and an exit code."""

from __future__ import annotations

import atexit
import difflib
import os
import signal
import sys
import traceback
from typing import NoReturn

from .. import signals
from .commands import NAMES
from .output import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    CliError,
    _err,
    _note,
    _printable,
    _silence_stdout,
)
from .parser import parse_args


def _error_for(exc: BaseException) -> tuple[int, str]:
    catalog = sys.modules.get("cachetui.catalog")
    if catalog is not None:
        if isinstance(exc, catalog.NoSourceError):
            return EXIT_USAGE, "no such file or directory: " + ", ".join(_printable(m) for m in exc.missing)
        if isinstance(exc, catalog.QueryError):
            return EXIT_USAGE, _printable(exc.message)
    text = str(exc) or type(exc).__name__
    return EXIT_NOTHING, "error: " + _printable(text.splitlines()[0] if text.strip() else type(exc).__name__)


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwind (stopping worker processes on the way) and exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    signals.arm(signum)  # ends the process if unwinding cannot
    raise Terminated(signum)


def _install_signal_handlers() -> None:
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            try:
                signal.signal(number, _terminate)
            except (ValueError, OSError):
                pass  # not the main thread (an embedding program): leave its handlers alone


def _damaged_snapshot(exc: BaseException) -> bool:
    """A value read from the snapshot was found damaged while answering (the catalog says which)."""
    face = sys.modules.get("cachetui.catalog")
    return face is not None and isinstance(exc, face.DamagedStoreError)


def _flush_stdout() -> None:
    """Flush, turning a failed write (disk full, closed pipe) into an error rather than exit 0."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()  # the interpreter's own final flush would fail again, noisily
        raise CliError(f"cannot write output: {exc.strerror or exc}") from None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    command = None
    if sys.stdout is None:  # started with stdout closed (>&-)
        if sys.stderr is not None:
            sys.stderr.write(f"{PROG}: cannot write output: standard output is closed\n")
        return EXIT_NOTHING
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # TextIOWrapper in practice
        except (AttributeError, ValueError):
            pass
    _install_signal_handlers()
    # numpy's OpenBLAS starts a thread per core at import, and cachetui never multiplies matrices: on a
    # 2-core login node those threads took ~5% of the CPU while a big index loaded. One also keeps the
    # fork of a large index's second reader (forked.ForkedCall) clear of threads outside Python.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        try:
            opts = parse_args(argv)
            debug, command = opts.debug, opts.command
            try:
                code: int = opts.func(opts)
            except Exception as exc:
                if not _damaged_snapshot(exc) or getattr(opts, "rebuild", False):
                    raise
                _note(opts, f"the snapshot was damaged ({exc}); rebuilding it")
                opts.rebuild = True
                code = opts.func(opts)
        except SystemExit as exc:  # --help, --version
            code = EXIT_OK if exc.code is None else exc.code if isinstance(exc.code, int) else EXIT_NOTHING
        _flush_stdout()
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated as exc:
        return 128 + exc.signum
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except CliError as exc:
        if debug:
            traceback.print_exc()
        message = exc.message
        typo = difflib.get_close_matches(exc.missing[0], NAMES, n=1, cutoff=0.6) if exc.missing else []
        if typo and command == "browse":
            message += f" (did you mean '{PROG} {typo[0]}'?)"
        _err(message)
        return exc.code
    except Exception as exc:
        if debug:
            traceback.print_exc()
        code, message = _error_for(exc)
        _err(message)
        return code


def run() -> NoReturn:
    """The ``cachetui`` command: ``main``, then out at once, without the interpreter's teardown.

    Freeing every module's objects one by one is a large share of a warm
    ``find`` (docs/benchmarks.md), and there is nothing
    left to do by then: ``main`` has flushed its output and returned its
    code, files it wrote were closed and renamed into place, the browser has
    given the terminal back, and child processes have been waited for.
    cachetui registers no exit handler; those other modules registered run
    first, as at a normal exit.
    """
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
