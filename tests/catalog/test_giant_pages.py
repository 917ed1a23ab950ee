"""Giant pages are decoded one spec at a time: same result as the ordinary reader, bounded memory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from cachetui.catalog import load_catalog
from cachetui.catalog.sources.pages import reader as parser_mod
from tests.catalog.helpers import REAL, SEEDS, make_spec, page_text, write_page
from tests.catalog.test_freshness import observed


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "pages"
    shutil.copytree(REAL, root / "real")
    shutil.copytree(SEEDS, root / "seeds")
    specs = [make_spec(versions=[str(i)]) for i in range(5)]
    specs.insert(2, {"hash": "not-a-hash"})  # skipped with a note, the rest loads
    write_page(root, "extra/develop/odd/specs.md", page_text("odd", "develop", specs, meta={"num_specs": 9}))
    write_page(root, "extra/develop/empty/specs.md", page_text("empty", "develop", []))
    return root


def test_streaming_reader_gives_what_the_ordinary_reader_gives(tree, monkeypatch):
    ordinary = observed(load_catalog([tree], use_cache=False))
    monkeypatch.setattr(parser_mod, "STREAM_BYTES", 0)  # every page through the streaming reader
    streamed = observed(load_catalog([tree], use_cache=False))
    assert streamed == ordinary
    assert any("meta.num_specs is 9 but spec_details lists 6" in reason for _, reason in streamed[1])


@pytest.mark.parametrize("cut", [0.5, 0.999])
def test_giant_page_broken_half_way_loads_nothing_of_itself(tmp_path, monkeypatch, cut):
    monkeypatch.setattr(parser_mod, "STREAM_BYTES", 0)
    specs = [make_spec(versions=[str(i)]) for i in range(50)]
    text = page_text("big", "develop", specs)
    line = next(i for i, part in enumerate(text.split("\n")) if part.startswith("spec_details"))
    lines = text.split("\n")
    lines[line] = lines[line][: int(len(lines[line]) * cut)]
    write_page(tmp_path, "develop/big/specs.md", "\n".join(lines))
    write_page(tmp_path, "develop/ok/specs.md", page_text("ok", "develop", [make_spec()]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.packages == ["ok"] and cat.num_specs == 1
    (problem,) = cat.problems
    assert problem.reason.startswith("spec_details is not valid JSON")


def _giant_page(path, n: int) -> int:
    spec = {
        "compiler": "gcc@11.4.0",
        "os": "ubuntu22.04",
        "platform": "linux",
        "size": 123456,
        "stacks": ["e4s", "root"],
        "target": "x86_64_v3",
        "variants": ["+mpi", "build_system=cmake", "~cuda"],
    }
    details = []
    for i in range(n):
        digest = format(i, "032x").translate(str.maketrans("0189", "wxyz"))
        details.append(
            dict(spec, hash=digest, versions=[f"1.{i % 50}.0"], tarball=f"https://example.com/{digest}.spack")
        )
    text = (
        "---\ntitle: big\nlayout: cache\ncategories: [package, develop]\n"
        f"meta: {json.dumps({'num_specs': n})}\nspec_details: {json.dumps(details)}\n---"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return len(text)


@pytest.mark.slow
def test_cold_index_of_a_giant_page_needs_under_three_times_its_size(tmp_path):
    page = tmp_path / "pages" / "develop" / "big" / "specs.md"
    size = _giant_page(page, 120_000)  # ~40 MB
    script = (
        "import resource, sys\n"
        "from cachetui.catalog import load_catalog\n"
        "import numpy, yaml, rapidfuzz\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"cat = load_catalog([{str(tmp_path / 'pages')!r}], use_cache=False)\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(cat.num_specs, (peak - base) * 1024)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    specs, growth = map(int, proc.stdout.split())
    assert specs == 120_000
    assert growth < 3 * size, f"peak grew by {growth / size:.1f}x the page's size"
