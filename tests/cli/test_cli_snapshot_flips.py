"""A snapshot damaged byte by byte never gives a wrong answer: each flip is found (and the snapshot rebuilt)
or is harmless. Fixed seed, so a failure names the flip that caused it."""

from __future__ import annotations

import glob
import random
import shutil
import signal
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "cachetui" / "data" / "sample"
MIRROR = Path(__file__).resolve().parents[1] / "fixtures" / "index" / "v3-mirror-db9"
FLIPS = 200


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


@pytest.mark.slow
def test_two_hundred_byte_flips_give_no_wrong_answer_no_crash_no_hang(cli, cache_dir, tmp_path):
    sources = ["-C", str(SAMPLE), "-C", str(MIRROR)]
    queries = (["find", "zlib", "--json", "--limit", "0"], ["find", "", "--json", "--limit", "0"])
    expected = [cli(*sources, "--no-cache", *q).out for q in queries]
    assert all(expected) and cli(*sources, "index", "-q").code == 0
    (snap,) = glob.glob(str(cache_dir / "*.snap"))
    pristine = Path(snap).read_bytes()
    rng = random.Random(20261207)
    wrong, crashed = [], []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for flip in range(FLIPS):
            offset = rng.randrange(len(pristine))
            damaged = bytearray(pristine)
            damaged[offset] ^= 1 << rng.randrange(8)
            shutil.rmtree(cache_dir)
            cache_dir.mkdir()
            Path(snap).write_bytes(bytes(damaged))
            query = queries[flip % 2]
            signal.alarm(20)
            try:
                run = cli(*sources, *query)
            finally:
                signal.alarm(0)
            if run.code != 0 or "Traceback" in run.err:
                crashed.append((flip, offset, run.code, run.err[-200:]))
            elif run.out != expected[flip % 2]:
                wrong.append((flip, offset))
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert crashed == [] and wrong == []
