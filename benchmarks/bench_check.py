"""``cachetui check`` of a 300-spec lock at 100 tags, warm, next to the floor of any warm command.

    python benchmarks/bench_check.py CORPUS_DIR [--specs 300] [--missing 60] [--repeat 7]

The lock is made from the corpus itself: ``--specs`` binaries of different packages taken across its
tags, ``--missing`` of them changed in one field (compiler, a variant, the target, in turn) under a new
hash, so those have no binary and their nearest are searched over every tag of their package. Each run
is a new process (as a user runs it), wall-clock. The floor, in the same run: ``cachetui hash PREFIX``,
a warm command that opens the same snapshot and answers one lookup (start-up, imports, mapping). The
check's own cost is the difference. Prints a Markdown table (median and p95) and the machine.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import platform
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_commands import timed


def make_lock(corpus: str, cache: str, specs: int, missing: int, seed: int = 1) -> tuple[str, int]:
    """A lock of ``specs`` binaries of the corpus (``missing`` of them changed); its path and its roots."""
    from cachetui.catalog import load_catalog

    catalog = load_catalog([corpus], cache_dir=cache)
    rng = random.Random(seed)
    rows = [int(r) for r in rng.sample(range(catalog.num_specs), specs * 4)]
    chosen, seen = [], set()
    for spec in catalog.specs(rows):
        if spec.hash and spec.package not in seen:
            seen.add(spec.package)
            chosen.append(spec)
        if len(chosen) == specs:
            break
    nodes = {}
    for i, spec in enumerate(chosen):
        compiler, _, version = spec.compiler.partition("@")
        node = {
            "name": spec.package,
            "version": spec.version,
            "arch": {"platform": spec.platform, "platform_os": spec.os, "target": spec.target},
            "compiler": {"name": compiler, "version": version.lstrip("=")},
            "parameters": {v[1:]: v[0] == "+" for v in spec.variants if v[:1] in "+~"}
            | dict(v.split("=", 1) for v in spec.variants if "=" in v),
        }
        digest = spec.hash
        if i < missing:
            change = i % 3
            if change == 0:
                node["compiler"]["version"] = "99.1.0"
            elif change == 1:
                node["parameters"]["benchmark_variant"] = True
            else:
                node["arch"]["target"] = "zen5" if spec.target != "zen5" else "zen4"
            digest = base64.b32encode(hashlib.sha256(f"changed-{i}".encode()).digest()).decode()[:32].lower()
        nodes[digest] = {**node, "hash": digest}
    lock = {
        "_meta": {"file-type": "spack-lockfile", "lockfile-version": 5, "specfile-version": 4},
        "roots": [{"hash": h, "spec": n["name"]} for h, n in nodes.items()],
        "concrete_specs": nodes,
    }
    path = os.path.join(tempfile.mkdtemp(prefix="cachetui-check-"), "spack.lock")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(lock, handle)
    return path, len(nodes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--specs", type=int, default=300)
    parser.add_argument("--missing", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "cachetui-bench-check"))
    args = parser.parse_args()
    lock, count = make_lock(args.corpus, args.cache_dir, args.specs, args.missing)
    base = [sys.executable, "-m", "cachetui", "-q", "--cache-dir", args.cache_dir, "-C", args.corpus]
    rows = []
    for _ in range(2):  # alternate, so drift on the machine hits both
        rows.append(timed("floor: warm `cachetui hash` (one lookup)", [*base, "hash", "7xttdes"], args.repeat))
        rows.append(timed(f"warm `cachetui check` of {count} specs", [*base, "check", lock], args.repeat))
        rows.append(
            timed(f"warm `cachetui check --json` of {count} specs", [*base, "check", lock, "--json"], args.repeat)
        )
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"lock: {count} specs, {args.missing} changed in one field (compiler, variant or target)\n")
    print("| measure | median | p95 | peak RSS |")
    print("|---|---|---|---|")
    for row in rows:
        peak = f"{row['peak'] / 2**20:.0f} MiB" if row["peak"] else "-"
        print(f"| {row['label']} | {row['median']:.2f} s | {row['p95']:.2f} s | {peak} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
