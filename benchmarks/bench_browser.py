"""What a browser user waits for, measured from outside, as ratios to a minimal Textual app in the same run.

    python benchmarks/bench_browser.py CORPUS_DIR --cache-dir DIR [--rounds 3] [--size 160x45]

Run ``cachetui --cache-dir DIR -C CORPUS_DIR find zlib`` once first so the snapshot is warm.

Both apps run in tmux at the same size, alternating round by round: cachetui
on the corpus, and the floor, ``minimal_app.py`` (an ``Input`` over a
3,000-row ``DataTable`` of the corpus's spec lines, filtered by substring on
each key). The screen is read with ``tmux capture-pane`` every few
milliseconds. A step is settled at the last change of the screen before it
stays unchanged for ``--quiet`` seconds (so a counter or pane drawn late
counts); the time is from the key (or the spawn) to that last change.

* **start**: spawn to a stable screen.
* **typing**: ``hdf5 +mpi`` and ``zlib os=ubuntu22.04``, one key at a time, each key after the last settled.
* **moving**: down, up, pgdn, end, home in the results (j and k are down and up in cachetui; the floor has no j, k).
* **cachetui's own keys**: ``s``, ``r``, ``H``, ``g``, ``D`` (to the tag picker) and
  ``enter`` in the picker (to the diff), in absolute milliseconds: the floor has no such keys.
* **memory**: the browser's ``RssAnon`` (its own memory; the mapped snapshot is file-backed) after the run.

Prints Markdown tables (median, p95, ratio of medians and of p95s) and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;:?]*[ -/]*[@-~]")
# Both apps run with the search bar's cursor steady: a blink would change the screen every 0.5 s.
STEADY = (
    "import runpy, sys; from textual.widgets._input import Input; Input._toggle_cursor = lambda self: None; "
    "target = sys.argv.pop(1); sys.argv[0] = target; "
    "runpy.run_module(target, run_name='__main__') if not target.endswith('.py') else runpy.run_path(target, run_name='__main__')"
)
HERE = Path(__file__).resolve().parent
QUERIES = ("hdf5 +mpi", "zlib os=ubuntu22.04")
MOVES = ("Down", "Down", "Up", "PageDown", "End", "Home")  # both apps bind these (the floor has no j and k)
OWN = ("s", "r", "H", "g")


def plain(screen: str) -> str:
    return ANSI.sub("", screen)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Pane:
    """One app in a detached tmux session, read with capture-pane."""

    def __init__(self, name: str, command: list[str], size: tuple[int, int], env: dict[str, str]) -> None:
        self.name = name
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        line = f"exec env {exports} {shlex.join(command)}"
        self.started = time.perf_counter()
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), line], check=True
        )

    def screen(self) -> str:
        """The pane's text with its colours (a moved cursor row changes only those)."""
        done = subprocess.run(["tmux", "capture-pane", "-p", "-e", "-t", self.name], capture_output=True, text=True)
        return done.stdout

    def pid(self) -> int:
        out = subprocess.run(["tmux", "display", "-p", "-t", self.name, "#{pane_pid}"], capture_output=True, text=True)
        return int(out.stdout.strip())

    def send(self, key: str, literal: bool = False) -> float:
        started = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), key], check=True)
        return started

    def settle(self, since: float, quiet: float, until: str | None = None, timeout: float = 30.0) -> float:
        """Seconds from ``since`` to the screen's last change before ``quiet`` seconds without one.

        With ``until``, the screen must also contain it (the key's echo) before it may count as settled.
        """
        last = self.screen()
        changed = time.perf_counter()
        seen = until is None or until in plain(last)
        while True:
            time.sleep(0.003)
            now_screen = self.screen()
            now = time.perf_counter()
            if now_screen != last:
                last, changed = now_screen, now
                seen = seen or (until is not None and until in plain(now_screen))
            elif seen and now - changed >= quiet and plain(last).strip():
                return changed - since
            if now - since > timeout:
                raise SystemExit(f"{self.name}: no settled screen after {timeout} s:\n{last}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def rss_anon(pid: int) -> int:
    """KiB of the process's own memory (anonymous pages)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    return 0


def run_app(name: str, command: list[str], args: argparse.Namespace, own_keys: bool) -> dict[str, list[float]]:
    """One round of one app: start, typing, moving (and cachetui's own keys)."""
    size = tuple(int(n) for n in args.size.split("x"))
    env = {"TERM": "xterm-256color", "LANG": os.environ.get("LANG", "C.UTF-8"), "HOME": os.environ["HOME"]}
    if "PYTHONPATH" in os.environ:  # another checkout of cachetui, to compare builds
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    pane = Pane(name, command, size, env)  # type: ignore[arg-type]
    got: dict[str, list[float]] = {}
    try:
        got["start"] = [pane.settle(pane.started, args.start_quiet)]
        for query in QUERIES:
            if own_keys:
                pane.send("/")  # cachetui: back to the search bar
            pane.settle(pane.send("C-u"), args.quiet)
            typed = ""
            for char in query:
                typed += char
                since = pane.send(char, literal=True)
                got.setdefault("typing", []).append(pane.settle(since, args.quiet, until=typed))
        if own_keys:
            pane.settle(pane.send("Enter"), args.quiet)  # to the results
            pane.settle(pane.send("Enter"), args.quiet)  # the first package's specs
        else:
            # The floor matches no row of the last query (its rows say arch=, not os=): moving in an empty
            # table changes nothing and would time the poll. Its 3,000 rows, as cachetui's table has a package's.
            pane.settle(pane.send("C-u"), args.quiet)
            pane.settle(pane.send("Tab"), args.quiet)
        for key in MOVES:
            took = pane.settle(pane.send(key), args.quiet)
            got.setdefault("moving", []).append(took)
            got.setdefault(f"moving {key}", []).append(took)
        if own_keys:
            for key in OWN:
                got.setdefault(key, []).append(pane.settle(pane.send(key), args.quiet))
            pane.settle(pane.send("H"), args.quiet)  # H again: every spec
            got.setdefault("D", []).append(pane.settle(pane.send("D"), args.quiet))
            got.setdefault("D enter", []).append(pane.settle(pane.send("Enter"), args.quiet))
        got["rss"] = [rss_anon(pane.pid()) / 1024]
    finally:
        pane.close()
    return got


def lines_for_floor(args: argparse.Namespace, path: str) -> None:
    """3,000 of the corpus's spec lines, half of each typed query's package, as ``cachetui find`` prints them."""
    cli = [sys.executable, "-m", "cachetui", "--cache-dir", args.cache_dir, "-C", args.corpus, "-q"]
    lines: list[str] = []
    for query in QUERIES:
        package = query.split()[0]
        done = subprocess.run([*cli, "find", "--limit", "1500", package], capture_output=True, text=True)
        lines += done.stdout.splitlines()
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", default="160x45")
    parser.add_argument("--quiet", type=float, default=0.4, help="seconds without a change that settle a key")
    parser.add_argument("--start-quiet", type=float, default=1.0, help="the same for the start")
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        floor_lines = handle.name
    lines_for_floor(args, floor_lines)
    ours = [sys.executable, "-c", STEADY, "cachetui", "--cache-dir", args.cache_dir, "-C", args.corpus]
    floor = [sys.executable, "-c", STEADY, str(HERE / "minimal_app.py"), floor_lines]
    mine: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    for round_ in range(args.rounds):
        order = [("bench-cachetui", ours, mine, True), ("bench-floor", floor, base, False)]
        for name, command, into, own in order[:: -1 if round_ % 2 else 1]:  # alternate which goes first
            for key, values in run_app(name, command, args, own).items():
                into.setdefault(key, []).extend(values)
        print(f"round {round_ + 1} of {args.rounds} done", file=sys.stderr)
    os.unlink(floor_lines)
    ms = 1000
    print(f"{args.size}, {args.rounds} rounds, settled after {args.quiet * ms:.0f} ms without a change\n")
    print("| step | cachetui median | p95 | floor median | p95 | ratio (median) | ratio (p95) | n |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in ("start", "typing", "moving"):
        a, b = mine[key], base[key]
        print(
            f"| {key} | {statistics.median(a) * ms:,.0f} ms | {p95(a) * ms:,.0f} ms | {statistics.median(b) * ms:,.0f} ms"
            f" | {p95(b) * ms:,.0f} ms | {statistics.median(a) / statistics.median(b):.2f}x | {p95(a) / p95(b):.2f}x"
            f" | {len(a)} |"
        )
    print("\n| moving, by key | cachetui median | floor median |")
    print("|---|---:|---:|")
    for key in dict.fromkeys(MOVES):
        a, b = mine[f"moving {key}"], base[f"moving {key}"]
        print(f"| {key} | {statistics.median(a) * ms:,.0f} ms | {statistics.median(b) * ms:,.0f} ms |")
    print("\n| cachetui key | median | max | n |")
    print("|---|---:|---:|---:|")
    for key in (*OWN, "D", "D enter"):
        values = mine[key]
        print(f"| `{key}` | {statistics.median(values) * ms:,.0f} ms | {max(values) * ms:,.0f} ms | {len(values)} |")
    print(
        f"\nRssAnon after the run: cachetui {statistics.median(mine['rss']):,.0f} MiB,"
        f" floor {statistics.median(base['rss']):,.0f} MiB"
    )
    print(f"\n{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
