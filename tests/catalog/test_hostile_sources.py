"""Files someone else controls: FIFOs, devices, files cut short while read, nesting past any sane depth, NUL
bytes in names. Each is a problem for that file, named by its path, while every other source answers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cachetui.catalog import load_catalog
from cachetui.config import read_config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "index"
SAMPLE = Path(__file__).resolve().parents[2] / "cachetui" / "data" / "sample"
DEEP = "[" * 5000 + "]" * 5000


def _answers(*sources):
    """(pages of the sample still there, {path: reason}) of a load that must finish."""
    cat = load_catalog([SAMPLE, *sources], use_cache=False)
    sample = sum(1 for p in cat.pages if p.source.startswith(str(SAMPLE)))
    return sample, {p.path: p.reason for p in cat.problems}


def _blob(mirror: Path) -> Path:
    return max((p for p in (mirror / "blobs").rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)


def test_a_v3_blob_that_is_a_fifo_or_a_device_is_not_read(tmp_path):
    mirror = tmp_path / "m"
    shutil.copytree(FIXTURES / "v3-mirror", mirror)
    blob = _blob(mirror)
    blob.unlink()
    os.mkfifo(blob)  # opening it for reading would wait for a writer forever
    count, problems = _answers(mirror)
    manifest = str(mirror / "v3" / "manifests" / "index" / "index.manifest.json")
    assert count == 35 and problems == {manifest: f"index blob {blob}: not a regular file"}
    blob.unlink()
    blob.symlink_to("/dev/zero")  # endless: never read past what the manifest declares
    assert _answers(mirror) == (35, {manifest: f"index blob {blob}: not a regular file"})


def test_a_spack_cache_entry_that_is_a_fifo_is_a_note_and_the_rest_loads(tmp_path):
    cache = tmp_path / "indices"
    shutil.copytree(FIXTURES / "spack-user-cache" / "indices", cache)
    entry = sorted(p for p in cache.glob("*.json") if p.name != "contents.json")[0]
    entry.unlink()
    os.mkfifo(entry)
    cat = load_catalog([cache], use_cache=False)
    assert len(cat.pages) > 0
    assert [p.path for p in cat.problems] == [str(cache / "contents.json")]
    assert f"{entry.name}: cannot read: not a regular file" in cat.problems[0].reason


@pytest.mark.parametrize("kind", ["fifo", "link-to-fifo"])
def test_a_config_file_that_is_a_fifo_is_ignored_with_its_reason(tmp_path, kind):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    path = fifo
    if kind == "link-to-fifo":
        path = tmp_path / "config.toml"
        path.symlink_to(fifo)
    assert read_config(str(path)) == ({}, f"ignoring {path}: not a regular file")


def test_a_config_symlink_loop_is_named(tmp_path):
    loop = tmp_path / "config.toml"
    loop.symlink_to(loop)
    assert read_config(str(loop)) == ({}, f"ignoring {loop}: symlink loop")


@pytest.mark.parametrize("where", ["v2", "v3-manifest", "contents", "bare"])
def test_nesting_past_any_sane_depth_is_a_problem_of_that_file(tmp_path, where):
    if where == "v2":
        path = tmp_path / "m" / "build_cache" / "index.json"
        text = '{"database": {"version": "8", "installs": {"x": ' + DEEP + "}}}"
    elif where == "v3-manifest":
        path = tmp_path / "m" / "v3" / "manifests" / "index" / "index.manifest.json"
        text = '{"data": ' + DEEP + "}"
    elif where == "contents":
        path = tmp_path / "m" / "contents.json"
        text = '{"a": ' + DEEP + "}"
    else:
        path = tmp_path / "m" / "index.json"
        text = '{"database": ' + DEEP + "}"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    count, problems = _answers(path if where in ("bare", "contents") else tmp_path / "m")
    assert count == 35
    assert list(problems) == [str(path)] and "nested too deeply" in problems[str(path)]


def test_a_nul_byte_in_an_index_path_is_a_note_of_that_entry(tmp_path):
    cache = tmp_path / "indices"
    shutil.copytree(FIXTURES / "spack-user-cache" / "indices", cache)
    contents = cache / "contents.json"
    contents.write_text(contents.read_text().replace('"index_path": "', '"index_path": "x\\u0000', 1))
    cat = load_catalog([SAMPLE, cache], use_cache=False)
    assert sum(1 for p in cat.pages if p.source.startswith(str(SAMPLE))) == 35
    assert [p.path for p in cat.problems] == [str(contents)]
    assert "cannot read: the path holds a NUL byte" in cat.problems[0].reason


def test_a_blob_cut_short_while_it_is_read_is_a_problem_not_a_sigbus(tmp_path):
    """cp over the blob while `cachetui index` reads it: the text ends early, its sha256 is wrong."""
    mirror = tmp_path / "m"
    shutil.copytree(FIXTURES / "v3-mirror-db9", mirror)
    blob = _blob(mirror)
    script = textwrap.dedent(
        f"""
        import os
        from cachetui import files
        from cachetui.catalog import load_catalog
        from cachetui.catalog.sources.spack_index import layout as spackindex
        real = files.open_regular
        def cut_after_open(path):
            handle = real(path)
            if path.endswith({blob.name!r}):
                os.truncate(path, os.path.getsize(path) // 3)  # after the size was known to the reader
            return handle
        spackindex.open_regular = cut_after_open
        cat = load_catalog([{str(mirror)!r}], use_cache=False)
        print([p.reason for p in cat.problems])
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "does not match its sha256" in run.stdout or "truncated" in run.stdout


def _cache_of(tmp_path, keys: list[str]) -> Path:
    """A Spack index cache holding the same small index under each of ``keys``."""
    import json

    cache = tmp_path / "indices"
    cache.mkdir()
    index = (FIXTURES / "spack-user-cache" / "indices" / "3d141afa7c_2e762d0629.json").read_bytes()
    contents = {}
    for i, key in enumerate(keys):
        (cache / f"{i:010d}_x.json").write_bytes(index)
        contents[key] = {"index_hash": "0" * 64, "index_path": f"{i:010d}_x.json", "etag": None}
    (cache / "contents.json").write_text(json.dumps(contents))
    return cache


def test_spack_cache_mirror_urls_keep_their_scheme_and_their_layout(tmp_path):
    from cachetui.catalog.spack.command_lines import mirror_add_command

    keys = [
        "s3://bucket/m__v3",
        "oci://ghcr.io/x__v3",
        "gs://b/m__v3",
        "http://host/m__v2",
        "https://host/m__v3",
        "https://host/m__v2",
        "file:///srv/mirror__v3",
    ]
    cache = _cache_of(tmp_path, keys)
    cat = load_catalog([cache], use_cache=False)
    assert cat.problems == []
    assert sorted(cat.tags) == sorted(
        [
            "s3://bucket/m",
            "oci://ghcr.io/x",
            "gs://b/m",
            "http://host/m",
            "host/m (v3 layout)",
            "host/m (v2 layout)",
            "/srv/mirror",
        ]
    )
    per_tag = {tag: len(cat.rows_of(tag=tag)) for tag in cat.tags}
    assert len(set(per_tag.values())) == 1  # each mirror counted once, none twice
    source = str(cache / "contents.json")
    urls = {tag: mirror_add_command(tag, source).split()[-1] for tag in cat.tags}
    assert urls == {
        "s3://bucket/m": "s3://bucket/m",
        "oci://ghcr.io/x": "oci://ghcr.io/x",
        "gs://b/m": "gs://b/m",
        "http://host/m": "http://host/m",
        "host/m (v3 layout)": "https://host/m",
        "host/m (v2 layout)": "https://host/m",
        "/srv/mirror": "file:///srv/mirror",
    }
