"""A mirror by its URL next to the same mirror on disk: cold (nothing kept) and warm (within the TTL).

    python benchmarks/bench_mirror_http.py [--records 300000] [--repeat 5] [--work DIR]

Generates a v3 mirror (``make_index.py``), serves its directory from 127.0.0.1 with the standard
library's static file server (a separate process, as a site's web server is), and times, each in a
new process, alternating:

* cold, local path: ``cachetui -C PATH find --limit 1`` with an empty cache directory;
* cold, URL: ``cachetui -C URL find --limit 1`` with an empty cache directory (download, check, decode);
* warm, local path and URL: the same with the cache kept, within the TTL (no request for the URL).

Prints a Markdown table (median and p95) with the ratios, and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_index import generate


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-400:]}")
    return took


def row(label: str, times: list[float]) -> tuple[str, float, float]:
    times = sorted(times)
    return label, statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "cachetui-bench-http"))
    args = parser.parse_args()
    mirror = os.path.join(args.work, "www", "mirror")
    if not os.path.isdir(mirror):
        generate(mirror, args.records, 9, "v3", seed=1)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", os.path.dirname(mirror)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    url = f"http://127.0.0.1:{port}/mirror"
    env = {**os.environ, "CACHETUI_TTL": "600"}
    base = [sys.executable, "-m", "cachetui", "-q"]
    cold = {"local": [], "url": []}
    warm = {"local": [], "url": []}
    try:
        for _ in range(args.repeat):
            for kind, source in (("local", mirror), ("url", url)):
                cache = os.path.join(args.work, f"cache-{kind}")
                shutil.rmtree(cache, ignore_errors=True)
                cold[kind].append(run([*base, "--cache-dir", cache, "-C", source, "find", "--limit", "1"], env))
                warm[kind].append(run([*base, "--cache-dir", cache, "-C", source, "find", "--limit", "1"], env))
    finally:
        server.terminate()
    blob = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(mirror, "blobs")) for f in fs)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"mirror: {args.records:,} records, v3, blob {blob / 2**20:.0f} MiB, served by python -m http.server\n")
    print("| measure | median | p95 | URL / local (median) |")
    print("|---|---|---|---|")
    for label, times in (("cold", cold), ("warm, within the TTL", warm)):
        local, remote = row(f"{label}, local path", times["local"]), row(f"{label}, URL", times["url"])
        print(f"| {local[0]} | {local[1]:.2f} s | {local[2]:.2f} s | |")
        print(f"| {remote[0]} | {remote[1]:.2f} s | {remote[2]:.2f} s | {remote[1] / local[1]:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
