"""A large Spack build-cache index as a source: cold and warm, in fresh processes, next to jq and a stdlib reader.

    python benchmarks/bench_index.py [MIRROR] [--records 300000] [--db-version 9] [--repeat 5]

Without MIRROR, generates one (``make_index.py``, v3 layout) in a temporary
directory. Each measurement is a new process, timed wall-clock, with its peak
resident memory. cachetui runs as an installed copy does, with its ``.pyc``
files (written by a first, untimed run even where ``PYTHONDONTWRITEBYTECODE``
is set). Rows:

* cold ``cachetui --no-cache index``: the index read, nothing written;
* cold ``cachetui index`` (no snapshot yet; it writes one);
* cold, the catalog loaded in a thread, as the browser loads it (forking is
  unsafe there, so a spawned helper process reads the index);
* warm ``cachetui find`` (from the snapshot);
* peers: ``jq`` counting the binaries, and a stdlib ``json.loads`` of the
  index that counts them (as written, and with the garbage collector off,
  which a naive reader does not think of): what reading it at all costs.

The cold rows and the naive reader (``json.loads``, collector off) run in
rounds, one of each per round, and each cold row also gives its median ratio
to the naive reader of the same round: this VM's speed swings by a third from
one quarter-hour to the next, and the ratio hardly moves with it.

Prints a Markdown table (median and p95) and the machine.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_commands import cold, combined, report, timed
from make_index import generate

STDLIB_READER = r"""
import gc, json, sys
if sys.argv[2] == "off":
    gc.disable()
installs = json.loads(open(sys.argv[1], "rb").read())["database"]["installs"]
print(sum(1 for r in installs.values() if r.get("in_buildcache")))
"""

IN_A_THREAD = r"""
import sys, threading
from cachetui.catalog import load_catalog

found = []
thread = threading.Thread(target=lambda: found.append(load_catalog([sys.argv[1]], use_cache=False)))
thread.start()
thread.join()
print(found[0].num_specs)
"""

JQ = "[.database.installs[] | select(.in_buildcache)] | length"


def index_file(mirror: str) -> str:
    """The database file of a mirror (v2 index.json, or the v3 blob the manifest names)."""
    v2 = os.path.join(mirror, "build_cache", "index.json")
    if os.path.exists(v2):
        return v2
    blobs = [p for p in glob.glob(os.path.join(mirror, "blobs", "sha256", "*", "*")) if os.path.isfile(p)]
    return max(blobs, key=os.path.getsize)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mirror", nargs="?")
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--db-version", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="cachetui-bench-index-")
    mirror = args.mirror
    if mirror is None:
        mirror = os.path.join(work, "mirror")
        generate(mirror, args.records, args.db_version, "v3" if args.db_version >= 8 else "v2", seed=1)
    mirror = os.path.abspath(mirror)
    data = index_file(mirror)
    cache = os.path.join(work, "cache")
    cli = [sys.executable, "-m", "cachetui", "-C", mirror, "--cache-dir", cache, "-q"]
    browser = [sys.executable, "-c", IN_A_THREAD, mirror]
    installed = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([*cli, "--no-cache", "index"], check=True, capture_output=True, env=installed)  # the .pyc files
    naive = [sys.executable, "-c", STDLIB_READER, data, "off"]
    measures = [
        ("cold `cachetui --no-cache index`", [*cli, "--no-cache", "index"]),
        ("cold `cachetui index` (writes the snapshot)", [*cli, "index"]),
        ("cold, loaded in a thread as the browser loads (a helper process reads the index)", browser),
    ]
    # This VM's speed swings by a third from one quarter-hour to the next: each round runs every command
    # once and the naive reader (json.loads, collector off) right after, and each row also gives its
    # time divided by the naive reader's in the same round, which the swings hardly move.
    floor_label = "peer: stdlib `json.loads` with the garbage collector off (each round)"
    rounds: dict[str, list[dict[str, object]]] = {label: [] for label, _ in measures}
    rounds[floor_label] = []
    ratios: dict[str, list[float]] = {label: [] for label, _ in measures}
    for _ in range(args.repeat):
        these = {label: cold(label, argv, cache, 1, env=installed) for label, argv in measures}
        floor = timed("naive", naive, 1)
        rounds[floor_label].append(floor)
        for label, found in these.items():
            rounds[label].append(found)
            ratios[label].append(float(found["median"]) / float(floor["median"]))  # type: ignore[arg-type]
    rows = [combined(label, runs) for label, runs in rounds.items()]
    for row in rows:  # the cold rows: with their median ratio to the naive reader of the same round
        if row["label"] in ratios:
            row["label"] = f"{row['label']}: {statistics.median(ratios[str(row['label'])]):.2f}x the naive reader"
    rows.append(
        timed("peer: stdlib `json.loads`, count binaries", [sys.executable, "-c", STDLIB_READER, data, "on"], 3)
    )
    if shutil.which("jq"):
        rows.append(timed("peer: `jq` count binaries", ["jq", JQ, data], args.repeat))
    subprocess.run([*cli, "index"], check=True, capture_output=True, env=installed)
    rows.append(timed("warm `cachetui find zlib`", [*cli, "find", "zlib"], args.repeat, env=installed))
    report(f"index: {data} ({os.path.getsize(data) / 2**20:.0f} MiB)", rows)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
