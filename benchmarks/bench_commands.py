"""What a user waits for: whole commands in fresh processes, next to the tools they would reach for.

    python benchmarks/bench_commands.py CORPUS_DIR [--repeat 5] [--cold-repeat 3]

Each measurement is a new process (as a user runs it), timed wall-clock, with
its peak resident memory (getrusage of the child). Peers, measured in the same
run on the same corpus:

* ``rg -l PREFIX CORPUS``: find the pages holding a hash prefix;
* ``fzf --filter QUERY`` over a file of one line per spec (``find --limit 0``);
* a one-process stdlib reader that only ``json.loads`` each page's
  ``spec_details`` line: the floor a cold build of the pages can approach.

Prints a Markdown table (median and p95) and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FLOOR = r"""
import json, os, sys
specs = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        with open(os.path.join(root, name), encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("spec_details: "):
                    specs += len(json.loads(line[len("spec_details: "):]))
                    break
print(specs)
"""


def timed(label: str, argv: list[str], repeat: int, **kwargs: object) -> dict[str, object]:
    times, peaks = [], []
    for _ in range(repeat):
        wrapped = ["/usr/bin/time", "-f", "%M", *argv] if os.path.exists("/usr/bin/time") else argv
        started = time.perf_counter()
        proc = subprocess.run(wrapped, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
        times.append(time.perf_counter() - started)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{label} failed ({proc.returncode}): {proc.stderr[-500:]}")
        if wrapped is not argv:
            peaks.append(int(proc.stderr.strip().splitlines()[-1]) * 1024)
    return summary(label, times, peaks)


def summary(label: str, times: list[float], peaks: list[float]) -> dict[str, object]:
    """A table row: the median and p95 of the times, and the median peak resident memory."""
    times = sorted(times)
    return {
        "label": label,
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "peak": statistics.median(peaks) if peaks else None,
    }


def combined(label: str, runs: list[dict[str, object]]) -> dict[str, object]:
    """One row from rows of single runs."""
    times = [float(run["median"]) for run in runs]  # type: ignore[arg-type]
    return summary(label, times, [float(run["peak"]) for run in runs if run["peak"]])  # type: ignore[arg-type]


def cold(label: str, argv: list[str], cache: str, repeat: int, **kwargs: object) -> dict[str, object]:
    """``timed`` for a cold command: the cache directory removed before each run."""
    runs = []
    for _ in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        runs.append(timed(label, argv, 1, **kwargs))
    return combined(label, runs)


def report(subject: str, rows: list[dict[str, object]]) -> None:
    """What was measured, the machine, and the rows as a Markdown table (median, p95, peak RSS)."""
    print(subject)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    print()
    print("| measure | median (s) | p95 (s) | peak RSS (MiB) |")
    print("|---|---|---|---|")
    for row in rows:
        peak = f"{float(row['peak']) / 2**20:.0f}" if row["peak"] else ""  # type: ignore[arg-type]
        print(f"| {row['label']} | {float(row['median']):.3f} | {float(row['p95']):.3f} | {peak} |")  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold-repeat", type=int, default=3)
    parser.add_argument("--query", default="hdf5 +mpi os=ubuntu22.04")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    cache = tempfile.mkdtemp(prefix="cachetui-bench-")
    env = dict(os.environ, CACHETUI_TTL="600")
    cli = [sys.executable, "-m", "cachetui", "-C", corpus, "--cache-dir", cache]
    rows = []

    rows.append(cold("cold `cachetui index`", [*cli, "index", "-q"], cache, args.cold_repeat, env=env))
    rows.append(timed("peer: stdlib json.loads floor", [sys.executable, "-c", FLOOR, corpus], args.cold_repeat))

    index = json.loads(subprocess.run([*cli, "index", "--json", "-q"], capture_output=True, text=True, env=env).stdout)
    specs = index["specs"]
    lines = subprocess.run([*cli, "find", "--limit", "0", "-q"], capture_output=True, text=True, env=env).stdout
    prefix = next(line.split()[0].lstrip("/") for line in lines.splitlines()[1000:] if line.startswith("/"))
    specs_file = os.path.join(cache, "specs.txt")
    with open(specs_file, "w", encoding="utf-8") as handle:
        handle.write(lines)

    rows.append(timed(f"warm `cachetui hash {prefix}`", [*cli, "hash", prefix, "-q"], args.repeat, env=env))
    rows.append(timed(f"peer: `rg -l {prefix}`", ["rg", "-l", prefix, corpus], args.repeat))
    rows.append(
        timed(f"warm `cachetui find {args.query}`", [*cli, "find", *args.query.split(), "-q"], args.repeat, env=env)
    )
    with open(specs_file, encoding="utf-8") as handle:
        text = handle.read()
    rows.append(timed(f"peer: `fzf --filter '{args.query}'`", ["fzf", "--filter", args.query], args.repeat, input=text))
    rows.append(
        timed(
            "warm `cachetui --refresh hash` (stat every page)",
            [*cli, "--refresh", "hash", prefix, "-q"],
            args.repeat,
            env=env,
        )
    )

    report(f"corpus: {corpus}: {index['pages']:,} pages, {specs:,} specs, {index['tags']} tags", rows)
    shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
