"""What the command line writes: results on stdout, notes and errors on stderr, and the exit codes.

Invariants: plain output is never coloured and never carries control bytes (every string from a
page goes through ``printable``); ``--json`` is 7-bit clean (``ensure_ascii``); a failed write is an
error, never a silent success.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from ..catalog import LoadProgress, Spec


PROG = "cachetui"


EXIT_OK = 0


EXIT_NOTHING = 1


EXIT_USAGE = 2


EXIT_INTERRUPTED = 130


EXIT_BROKEN_PIPE = 141


class CliError(Exception):
    """An error to report as one line on stderr, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_NOTHING):
        super().__init__(message)
        self.message = message
        self.code = code
        self.missing: list[str] = []  # sources that do not exist, when that is the error


def _printable(text: object) -> str:
    from ..catalog import printable

    return printable(str(text))


def _out(line: str = "") -> None:
    _out_to(sys.stdout, line + "\n")


def _out_to(stream: SupportsWrite[str], text: str) -> None:
    try:
        stream.write(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()
        raise CliError(f"cannot write output: {exc.strerror or exc}") from None


def _err(message: str) -> None:
    try:
        message = _printable(message)  # idempotent; also covers what the user typed
    except Exception:  # the catalog itself failed to import: still say something readable
        message = message.encode("ascii", "backslashreplace").decode("ascii")
    sys.stderr.write(f"{PROG}: {message}\n")
    sys.stderr.flush()


def _note(opts: argparse.Namespace, message: str) -> None:
    if not getattr(opts, "quiet", False):
        _err(f"note: {message}")


def _json_line(obj: object) -> None:
    # ensure_ascii: control characters (C0, DEL, C1) and everything non-ASCII are escaped,
    # so JSON output is 7-bit clean whatever the pages contain.
    _out(json.dumps(obj, ensure_ascii=True))


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class Progress:
    """Loading progress on stderr.

    On a terminal: one line rewritten with ``\\r`` (``parsing 1234/130000 files  45%``),
    erased when done; with ``delay`` it only appears if loading takes that long.
    Elsewhere (``plain``): a handful of lines (phase changes and every 25% of parsing).
    """

    PHASES = {
        "download": "downloading a mirror's index",
        "snapshot": "reading snapshot",
        "scan": "scanning sources",
        "index": "indexing",
        "save": "writing snapshot",
    }

    def __init__(self, *, tty: bool, plain: bool, delay: float = 0.0, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = tty
        self.plain = plain and not tty
        self.delay = delay
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.width = 0
        self.phase: str | None = None
        self.quarter = -1

    def __call__(self, p: LoadProgress) -> None:
        try:
            if self.tty:
                self._draw(p)
            elif self.plain:
                self._line(p)
        except (OSError, ValueError):
            pass  # progress must never break loading

    def _text(self, p: LoadProgress) -> str:
        if p.phase == "download":
            from ..catalog import human_size

            total = f"/{human_size(p.bytes_total)}" if p.bytes_total else ""
            return _printable(
                f"downloading {p.label}: {human_size(p.bytes_done)}{total} at {human_size(int(p.rate))}/s"
            )
        if p.phase == "parse" and p.total == 1:
            return "parsing 1 file"  # most likely a large Spack index: 0/1 for seconds says nothing
        if p.phase == "parse" and p.total:
            return f"parsing {p.done}/{p.total} files  {100 * p.done // p.total:3d}%"
        if p.phase == "scan" and p.done and self.tty:
            return f"scanning sources: {p.done} files"
        return self.PHASES.get(p.phase, "")

    def _draw(self, p: LoadProgress) -> None:
        now = time.monotonic()
        if p.phase == "done":
            self.finish()
            return
        if now - self.started < self.delay:
            return
        if p.phase == self.phase and now - self.last_draw < 0.1 and p.done != p.total:
            return
        self.phase, self.last_draw = p.phase, now
        text = self._text(p)
        pad = max(0, self.width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self.width = len(text)

    def _line(self, p: LoadProgress) -> None:
        if p.phase == "parse" and p.total:
            if self.phase != "parse":
                self.phase = "parse"
                self.stream.write(f"parsing {p.total} file{'' if p.total == 1 else 's'}\n")
            quarter = 4 * p.done // p.total
            if quarter > self.quarter and 0 < quarter < 4:
                self.quarter = quarter
                self.stream.write(f"parsed {p.done}/{p.total} pages ({100 * p.done // p.total}%)\n")
            return
        if p.phase != self.phase and p.phase in self.PHASES:
            self.phase = p.phase
            self.stream.write(self.PHASES[p.phase] + "\n")

    def finish(self) -> None:
        if self.tty and self.width:
            try:
                self.stream.write("\r" + " " * self.width + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.width = 0


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        return False


def spec_line(spec: Spec, *, tag: bool = True, full_hash: bool = False) -> str:
    """``/abcdefg  pkg@1.2 %gcc@13 +mpi arch=linux-ubuntu22.04-x86_64_v3  [tag]`` (printable)."""
    width = 32 if full_hash else 8
    short = spec.hash if full_hash else "/" + spec.short_hash
    head = short if spec.hash else "-".ljust(width)  # legacy pages have no hashes
    line = f"{head}  {spec.spack_string()}"
    if tag:
        line += f"  [{spec.tag}]"
    if spec.kind != "binary":
        line += f"  ({spec.kind})"  # an install tree's spec: installed there, not a binary to install
    return _printable(line)


def _counts(mapping: dict[str, int]) -> str:
    return ", ".join(f"{key} ({count})" for key, count in mapping.items()) or "-"
