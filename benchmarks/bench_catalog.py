"""Catalog benchmark: our loader and indexes next to a naive yaml.safe_load reader, in one run.

    python benchmarks/bench_catalog.py CORPUS_DIR [--one-tag TAG] [--repeat 5]

CORPUS_DIR is a `_cache`-style tree (make one with benchmarks/make_corpus.py).
Prints a Markdown table (medians; p95 for searches) ready for the README.
Each load runs in a fresh subprocess so memory and caches do not leak between
measurements. The naive reader is measured on one tag in full and, for the
whole corpus, on a random 2% sample of pages scaled up (said so in the table).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _child(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


_LOAD = r"""
import gc, json, sys, time
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096
from cachetui.catalog import load_catalog
import cachetui.catalog.catalog, numpy, yaml, rapidfuzz
gc.collect(); before = rss()
t = time.perf_counter()
cat = load_catalog({sources!r}, cache_dir={cache!r}, use_cache={use_cache!r})
seconds = time.perf_counter() - t
gc.collect()
print(json.dumps({{"seconds": seconds, "specs": cat.num_specs, "pages": len(cat.pages),
    "snapshot": cat.load_report.from_snapshot, "rss_growth": rss() - before, "problems": len(cat.problems)}}))
"""

_NAIVE = r"""
import json, sys, time, yaml
paths = json.load(open({paths_file!r}))
t = time.perf_counter()
specs = 0
for path in paths:
    text = open(path, encoding="utf-8").read()
    doc = yaml.safe_load(text.split("---")[1])
    specs += len(doc.get("spec_details") or [])
print(json.dumps({{"seconds": time.perf_counter() - t, "specs": specs, "pages": len(paths)}}))
"""

_QUERIES = r"""
import json, random, statistics, time
import numpy as np
from cachetui.catalog import load_catalog
cat = load_catalog({sources!r}, cache_dir={cache!r})
rng = random.Random(1)
names = cat.packages
def p95(xs):
    xs = sorted(xs); return xs[int(0.95 * (len(xs) - 1))]
def timeit(fn, args):
    out = []
    for a in args:
        t = time.perf_counter(); fn(a); out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out), p95(out)
# fuzzy package search: prefixes, whole names and one-typo names, as a user types them
words = []
for name in rng.sample(names, min(100, len(names))):
    words.append(name[: max(2, len(name) // 2)])
    words.append(name)
    i = rng.randrange(len(name)); words.append(name[:i] + "x" + name[i + 1:])
cat.package_index._cache.clear()
fuzzy = timeit(lambda w: cat.package_index._search(w), words)
# naive fuzzy baseline: rapidfuzz over every page title (no unique-name index, no ranking tiers)
from rapidfuzz import process, fuzz
titles = [p.package for p in cat.pages]
naive_fuzzy = timeit(lambda w: process.extract(w, titles, scorer=fuzz.WRatio, limit=20), words[:30])
# spec filter queries (fresh catalog caches each time: worst case, no memo of luts)
filters = ["+mpi os=ubuntu22.04", "%gcc@13 target=x86_64_v3", "build_type=Release stack=e4s",
           "platform=darwin", "hdf5@1.14 +mpi", "cmake os=ubuntu22.04 target=x86_64_v3",
           "tag=develop-2025* +shared", "py-numpy %gcc", "~cuda arch=linux-ubuntu24.04-aarch64", "@2:"]
def run_filter(q):
    cat._lut_cache.clear()
    r = cat.query(q); r.packages()
filt = timeit(run_filter, filters * 3)
counts = {{q: cat.query(q).count for q in filters}}
# naive filter baseline: a Python loop over every spec of the catalog as objects (measured on 200k rows, scaled)
rows = np.arange(min(200_000, cat.num_specs))
specs = cat.specs(rows)
t = time.perf_counter()
hits = [s for s in specs if "+mpi" in s.variants and s.os == "ubuntu22.04"]
naive_filter = (time.perf_counter() - t) * 1000 * cat.num_specs / len(rows)
# hash prefix lookups
hashes = [h.decode() for h in cat.store.hashes[rng.sample(range(cat.num_specs), 1000)] if h]
hashes7 = [h[:7] for h in hashes]
hash_lookup = timeit(cat.hash_index.lookup, hashes7)
all_hashes = cat.store.hashes
naive_hash = timeit(lambda h: np.flatnonzero(np.char.startswith(all_hashes, h.encode())), hashes7[:5])
print(json.dumps({{"fuzzy": fuzzy, "naive_fuzzy": naive_fuzzy, "filter": filt, "naive_filter_ms": naive_filter,
    "hash": hash_lookup, "naive_hash": naive_hash, "counts": counts, "packages": len(names)}}))
"""


def pages_under(path: str) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(path):
        found.extend(os.path.join(root, f) for f in files if f == "specs.md")
    return sorted(found)


def warm_os_cache(paths: list[str]) -> float:
    """Read every page once so cold builds measure parsing, not the disk; returns the seconds it took."""
    started = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    return time.perf_counter() - started


def measure_load(sources, repeat: int, paths: list[str]) -> dict:
    """Cold (empty cache dir) once or `repeat` times, then warm `repeat` times."""
    with tempfile.TemporaryDirectory() as cache:
        read_seconds = warm_os_cache(paths)
        colds = []
        for _ in range(repeat):
            for name in os.listdir(cache):
                os.unlink(os.path.join(cache, name))
            colds.append(_child(_LOAD.format(sources=sources, cache=cache, use_cache=True)))
        warms = [_child(_LOAD.format(sources=sources, cache=cache, use_cache=True)) for _ in range(repeat)]
        queries = _child(_QUERIES.format(sources=sources, cache=cache))
    return {
        "cold": statistics.median(c["seconds"] for c in colds),
        "cold_rss": statistics.median(c["rss_growth"] for c in colds),
        "warm": statistics.median(w["seconds"] for w in warms),
        "warm_rss": statistics.median(w["rss_growth"] for w in warms),
        "specs": colds[0]["specs"],
        "pages": colds[0]["pages"],
        "snapshot_ok": all(w["snapshot"] for w in warms),
        "queries": queries,
        "read_seconds": read_seconds,
    }


def measure_naive(paths: list[str], sample: float) -> dict:
    chosen = paths if sample >= 1 else random.Random(0).sample(paths, max(1, int(len(paths) * sample)))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(chosen, handle)
    try:
        res = _child(_NAIVE.format(paths_file=handle.name))
    finally:
        os.unlink(handle.name)
    scale = len(paths) / len(chosen)
    return {"seconds": res["seconds"] * scale, "extrapolated": scale > 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--one-tag", help="tag directory for the one-tag figures (default: newest develop-* tag)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big-repeat", type=int, default=1, help="repeats for the whole-corpus loads")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    tags = sorted(d for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d)))
    one = args.one_tag or next((t for t in sorted(tags, reverse=True) if t.startswith("develop-")), tags[0])
    one_dir = os.path.join(corpus, one)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}", file=sys.stderr)
    small = measure_load([one_dir], args.repeat, pages_under(one_dir))
    print("one tag measured", file=sys.stderr)
    naive_small = measure_naive(pages_under(one_dir), 1.0)
    big = measure_load([corpus], args.big_repeat, pages_under(corpus))
    print("whole corpus measured", file=sys.stderr)
    naive_big = measure_naive(pages_under(corpus), 0.02)

    def row(what, target, ours, naive=None, note=""):
        ratio = f"{naive / ours:.1f}x" if naive and ours else ""
        naive_text = f"{naive:.3g}" if naive is not None else ""
        print(f"| {what} | {target} | {ours:.3g} | {naive_text} | {ratio} | {note} |")

    q = big["queries"]
    print(
        f"\nCorpus: {len(tags)} tags, {big['pages']:,} pages, {big['specs']:,} specs; one tag = `{one}` "
        f"({small['pages']:,} pages, {small['specs']:,} specs). Medians; p95 where stated.\n"
    )
    print("| measure | target | cachetui | naive | naive/ours | note |")
    print("|---|---|---|---|---|---|")
    row("cold build, one tag (s)", "<= 1", small["cold"], naive_small["seconds"], note="naive: yaml.safe_load per page")
    row(
        f"cold build, {len(tags)} tags (s)",
        "<= 60",
        big["cold"],
        naive_big["seconds"],
        note="naive extrapolated from a 2% sample" if naive_big["extrapolated"] else "",
    )
    row("warm load from snapshot, one tag (s)", "<= 0.2", small["warm"], naive_small["seconds"])
    row(f"warm load from snapshot, {len(tags)} tags (s)", "<= 1.5", big["warm"], naive_big["seconds"])
    row(
        "fuzzy package search p95 (ms)",
        "<= 16",
        q["fuzzy"][1],
        q["naive_fuzzy"][1],
        note=f"{q['packages']:,} names; naive: WRatio over every page title",
    )
    row(
        "spec-filter query p95 (ms)",
        "<= 50",
        q["filter"][1],
        q["naive_filter_ms"],
        note="naive: Python loop over Spec objects (scaled)",
    )
    row(
        "hash-prefix lookup p95 (ms)",
        "<= 1",
        q["hash"][1],
        q["naive_hash"][1],
        note="naive: vectorised startswith scan",
    )
    row("memory after warm load (bytes/spec)", "<= 150", big["warm_rss"] / big["specs"], note="RSS growth / specs")
    row(
        "memory after cold build (bytes/spec)",
        "",
        big["cold_rss"] / big["specs"],
        note="RSS growth / specs, includes parse garbage",
    )
    print(
        f"\nCold builds ran with the pages in the OS file cache; reading all {big['pages']:,} pages once "
        f"(before the cold build) took {big['read_seconds']:.1f} s here, which a first run from a cold disk adds."
    )
    print(f"\nfilter result counts: {q['counts']}", file=sys.stderr)


if __name__ == "__main__":
    main()
