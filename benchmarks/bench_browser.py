"""What a browser user waits for: the first screen, and each keystroke of a typed query.

    python benchmarks/bench_browser.py CORPUS_DIR --cache-dir DIR [--repeat 3]

Run ``cachetui --cache-dir DIR find zlib`` once first so the snapshot is warm.

* **start to first screen**: a fresh process (as a user starts it) runs the
  browser headless on the warm snapshot and exits as soon as the tree and
  the status line are filled; wall clock from spawn to exit, imports included.
* **keystroke to settled screen**: the browser in this process (headless),
  each query typed one key at a time: the key event is posted to the app as a
  terminal's would be, and the key is settled when the search bar holds the
  text, its query ran and the detail pane's rows are shown (``app.busy`` is
  False), polled every millisecond. There is no debounce: each key runs its
  query. (Textual's ``pilot.press`` is not used for timing: it returns only
  once the process looks idle by its CPU time, adding about 100 ms that no
  user waits for.) Painting the frame follows within one refresh (Textual
  paints at most 60 times a second) and is not included; nor is the
  terminal's output time (headless): over SSH add the link's latency.
* peer, same run: ``fzf --filter QUERY`` over a file of one line per spec
  (what ``cachetui find --limit 0`` prints), for each whole query: what one
  keystroke would cost if the list were filtered by fzf instead.

Prints a Markdown table (median and p95) and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

QUERIES = ("py-numpy %gcc target=x86_64_v3", "zlib +shared os=ubuntu22.04", "hdf5 +mpi", "cmake@3.2")

FIRST_SCREEN = r"""
import asyncio, sys
from cachetui.ui.app import CacheTuiApp

async def main():
    app = CacheTuiApp(sources=[sys.argv[1]], cache_dir=sys.argv[2], use_cache=True)
    task = asyncio.create_task(app.run_async(headless=True, size=(160, 45)))
    while not (app.is_running and app.browser.view is not None and not app.busy):
        await asyncio.sleep(0.002)
    status = {line.split(":")[0]: int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("Rss")}
    app.exit()
    await task
    print(status["RssAnon"], status["RssFile"])

asyncio.run(main())
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def first_screen(corpus: str, cache_dir: str, repeat: int) -> tuple[list[float], list[tuple[int, int]]]:
    """Seconds from spawn to the first settled screen, and the resident memory (KiB) then:
    the process's own (anonymous) and the pages of the mapped snapshot (file-backed, shared, reclaimable)."""
    times, resident = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", FIRST_SCREEN, corpus, cache_dir], check=True, capture_output=True, text=True
        )
        times.append(time.perf_counter() - started)
        anon, mapped = done.stdout.split()[-2:]
        resident.append((int(anon), int(mapped)))
    return times, resident


async def keystrokes(corpus: str, cache_dir: str, repeat: int) -> list[float]:
    from textual import events

    from cachetui.catalog import load_catalog
    from cachetui.ui.app import CacheTuiApp

    catalog = load_catalog([corpus], cache_dir=cache_dir)
    app = CacheTuiApp(catalog=catalog, environ={}, config={})
    latencies: list[float] = []
    async with app.run_test(size=(160, 45)):
        browser = app.browser
        while app.busy:
            await asyncio.sleep(0.01)
        for _ in range(repeat):
            for query in QUERIES:
                browser.search.set_text("")
                while app.busy or browser.query_text:
                    await asyncio.sleep(0.001)
                browser.search.input.focus()
                await asyncio.sleep(0.05)
                typed = ""
                for char in query:
                    typed += char
                    started = time.perf_counter()
                    app.post_message(events.Key(char if char != " " else "space", char))
                    while app.busy or browser.query_text != typed:
                        await asyncio.sleep(0.001)
                    latencies.append(time.perf_counter() - started)
    return latencies


def fzf_queries(corpus: str, cache_dir: str, repeat: int) -> list[float]:
    cli = [sys.executable, "-m", "cachetui", "--cache-dir", cache_dir, "-C", corpus]
    lines = subprocess.run([*cli, "find", "--limit", "0", "-q"], capture_output=True, text=True).stdout
    times = []
    with tempfile.TemporaryFile("w+") as handle:
        handle.write(lines)
        for _ in range(repeat):
            for query in QUERIES:
                handle.seek(0)
                started = time.perf_counter()
                subprocess.run(["fzf", "--filter", query], stdin=handle, capture_output=True)
                times.append(time.perf_counter() - started)
    return times


def row(label: str, values: list[float]) -> str:
    ms = 1000
    return f"| {label} | {statistics.median(values) * ms:,.1f} ms | {p95(values) * ms:,.1f} ms | {len(values)} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| measurement | median | p95 | n |")
    print("|---|---:|---:|---:|")
    times, resident = first_screen(args.corpus, args.cache_dir, args.repeat)
    print(row("start to first screen (fresh process, warm snapshot)", times))
    for label, part in (("own (anonymous)", 0), ("mapped snapshot pages (file-backed, reclaimable)", 1)):
        mib = [kib[part] / 1024 for kib in resident]
        median, most = statistics.median(mib), max(mib)
        print(
            f"| resident memory at the first screen, {label} (p95: max) | {median:,.0f} MiB | {most:,.0f} MiB | {len(mib)} |"
        )
    typed = asyncio.run(keystrokes(args.corpus, args.cache_dir, args.repeat))
    print(row("keystroke to settled screen (query and detail pane)", typed))
    if shutil.which("fzf"):
        print(
            row("peer: `fzf --filter QUERY` (one line per spec)", fzf_queries(args.corpus, args.cache_dir, args.repeat))
        )
    print()
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
