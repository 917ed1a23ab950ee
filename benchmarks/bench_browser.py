"""What a browser user waits for: the first screen, and each keystroke of a typed query.

    python benchmarks/bench_browser.py CORPUS_DIR --cache-dir DIR [--repeat 3]

Run ``cachetui --cache-dir DIR find zlib`` once first so the snapshot is warm.

* **start to first screen**: a fresh process (as a user starts it) runs the
  browser headless on the warm snapshot and exits as soon as the tree and
  the status line are filled; wall clock from spawn to exit, imports included.
* **keystroke to settled screen**: the browser in this process (headless,
  Textual's pilot), each query typed one key at a time; a key is settled when
  its query and the detail pane's rows are shown (``app.busy`` is False),
  polled every millisecond. There is no debounce: each key runs its query.
  Terminal output time is not (headless): over SSH add the link's latency.
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
    app.exit()
    await task

asyncio.run(main())
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def first_screen(corpus: str, cache_dir: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", FIRST_SCREEN, corpus, cache_dir], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


async def keystrokes(corpus: str, cache_dir: str, repeat: int) -> list[float]:
    from cachetui.catalog import load_catalog
    from cachetui.ui.app import CacheTuiApp

    catalog = load_catalog([corpus], cache_dir=cache_dir)
    app = CacheTuiApp(catalog=catalog, environ={})
    latencies: list[float] = []
    async with app.run_test(size=(160, 45)) as pilot:
        while app.busy:
            await asyncio.sleep(0.01)
        for _ in range(repeat):
            for query in QUERIES:
                app.browser.search.set_text("")
                while app.busy:
                    await asyncio.sleep(0.001)
                app.browser.search.input.focus()
                for char in query:
                    started = time.perf_counter()
                    await pilot.press(char if char != " " else "space")
                    while app.busy:
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
    print(
        row(
            "start to first screen (fresh process, warm snapshot)",
            first_screen(args.corpus, args.cache_dir, args.repeat),
        )
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
