"""Two builds of cachetui side by side: the same warm commands, alternating, so the machine's noise
falls on both alike.

    python benchmarks/bench_builds.py /tmp/corpus100 OLD_SOURCE_TREE [--rounds 9]

OLD_SOURCE_TREE is a checkout of the build to compare with (``git worktree add /tmp/old REV``); this
checkout is the other. Each build keeps its own snapshot directory (formats may differ); both are
built (indexed) first. Prints the median and p95 of each, the first round left out (it warms caches).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CASES = {
    "hash 7xttdes": ["hash", "7xttdes"],
    "find hdf5 +mpi os=ubuntu22.04": ["find", "hdf5", "+mpi", "os=ubuntu22.04"],
}


def command(corpus: str, cache: str, args: list[str]) -> list[str]:
    code = "import sys; from cachetui.cli import run; sys.argv = ['cachetui', *sys.argv[1:]]; run()"
    return [sys.executable, "-c", code, "--cache-dir", cache, "-C", corpus, "-q", *args]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("old")
    parser.add_argument("--rounds", type=int, default=9)
    opts = parser.parse_args()
    builds = {
        "old": (dict(os.environ, PYTHONPATH=opts.old), "/tmp/cachetui-bench-old"),
        "new": (dict(os.environ, PYTHONPATH=str(HERE)), "/tmp/cachetui-bench-new"),
    }
    for env, cache in builds.values():
        subprocess.run(command(opts.corpus, cache, ["index"]), env=env, stdout=subprocess.DEVNULL, check=True)
    for name, args in CASES.items():
        times: dict[str, list[float]] = {which: [] for which in builds}
        for _ in range(opts.rounds):
            for which, (env, cache) in builds.items():
                start = time.perf_counter()
                subprocess.run(command(opts.corpus, cache, args), env=env, stdout=subprocess.DEVNULL)
                times[which].append(time.perf_counter() - start)
        for which, values in times.items():
            kept = sorted(values[1:])
            p95 = kept[min(len(kept) - 1, round(0.95 * (len(kept) - 1)))]
            print(f"{name:32s} {which}: median {statistics.median(kept):.3f} s, p95 {p95:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
