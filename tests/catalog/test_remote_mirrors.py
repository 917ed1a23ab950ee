"""Mirrors read by their URL: served from 127.0.0.1 by a local server, compared with the same mirror on disk."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
from mirror_server import MirrorServer

from cachetui.catalog import MirrorUnavailable, load_catalog, mirror_add_command
from cachetui.catalog.remote import http
from cachetui.catalog.remote.mirror import fetch

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "/v3/manifests/index/index.manifest.json"


def _generate(out: Path, layout: str, records: int = 300, seed: int = 1) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_index import generate

    generate(str(out), records, 9 if layout == "v3" else 7, layout, seed=seed)


@pytest.fixture
def served(tmp_path):
    """A server over tmp_path/www holding a v3 mirror (``v3m``) and a v2 one (``v2m``)."""
    www = tmp_path / "www"
    _generate(www / "v3m", "v3")
    _generate(www / "v2m", "v2")
    server = MirrorServer(str(www)).start()
    yield server
    server.stop()


def _specs(catalog) -> list[tuple]:
    return sorted(
        (s.hash, s.package, s.version, s.compiler, s.arch, s.variants, s.root)
        for s in catalog.specs(range(catalog.num_specs))
    )


@pytest.mark.parametrize("layout", ["v3", "v2"])
def test_a_mirror_by_its_url_answers_as_the_same_mirror_on_disk(served, tmp_path, layout):
    url = f"{served.url}/{layout}m"
    remote = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    local = load_catalog([str(tmp_path / "www" / f"{layout}m")], use_cache=False)
    assert _specs(remote) == _specs(local) and remote.num_specs > 0
    assert remote.tags == [f"127.0.0.1:{served.port}/{layout}m"]  # the URL without its scheme
    assert remote.problems == [] and remote.load_report.unreachable == []
    spec = remote.spec(0)
    assert mirror_add_command(spec.tag, spec.source) == f"spack mirror add 127.0.0.1-{served.port}-{layout}m {url}"
    named = load_catalog([f"develop={url}"], cache_dir=str(tmp_path / "cache"), ttl=600)
    assert named.tags == ["develop"]
    assert mirror_add_command("develop", named.spec(0).source) == f"spack mirror add develop {url}"


def test_within_the_ttl_no_request_is_made(served, tmp_path):
    url = f"{served.url}/v3m"
    load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    asked = len(served.log)
    again = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    assert len(served.log) == asked and again.num_specs > 0


def test_after_the_ttl_one_conditional_request_and_no_download_when_unchanged(served, tmp_path):
    url = f"{served.url}/v3m"
    first = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    assert len(served.log) - len(served.gets(MANIFEST)) == 1  # the manifest, then its blob
    served.log.clear()
    again = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=0)
    assert [(e.path.endswith(MANIFEST), e.status) for e in served.log] == [(True, 304)]
    assert served.log[0].headers.get("if-none-match")
    assert _specs(again) == _specs(first)


def test_v2_after_the_ttl_asks_for_the_hash_only(served, tmp_path):
    url = f"{served.url}/v2m"
    load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    served.log.clear()
    load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=0)
    assert [(e.path.rsplit("/", 1)[-1], e.status) for e in served.log] == [("index.json.hash", 304)]


@pytest.mark.parametrize("layout", ["v3", "v2"])
def test_a_new_index_is_seen_after_the_ttl(served, tmp_path, layout):
    url = f"{served.url}/{layout}m"
    before = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    www = tmp_path / "www" / f"{layout}m"
    shutil.rmtree(www)
    _generate(www, layout, records=200, seed=7)
    still = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    assert _specs(still) == _specs(before)  # within the TTL: the kept copy, no request
    after = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=0)
    assert _specs(after) == _specs(load_catalog([str(www)], use_cache=False)) != _specs(before)


def test_an_unreachable_server_leaves_the_kept_copy_answering_with_its_age(served, tmp_path):
    url = f"{served.url}/v3m"
    kept = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    served.stop()
    offline = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=0)
    assert _specs(offline) == _specs(kept)
    (note,) = [n for n in offline.notices if url in n]
    assert "using the copy fetched" in note and " ago" in note and "\n" not in note


def test_no_kept_copy_and_no_server_is_one_line_naming_the_url(tmp_path):
    server = MirrorServer(str(tmp_path)).start()
    url = f"{server.url}/gone"
    server.stop()
    with pytest.raises(MirrorUnavailable) as failed:
        load_catalog([url], cache_dir=str(tmp_path / "cache"))
    assert str(failed.value).startswith(url) and "\n" not in str(failed.value)
    assert "no copy" in str(failed.value)


def test_a_404_names_the_url_and_leaves_a_problem_beside_other_sources(served, tmp_path):
    url = f"{served.url}/nothing-here"
    with pytest.raises(MirrorUnavailable, match="no Spack build cache index there"):
        load_catalog([url], cache_dir=str(tmp_path / "cache"))
    mixed = load_catalog([url, str(tmp_path / "www" / "v2m")], cache_dir=str(tmp_path / "cache"))
    assert mixed.num_specs > 0
    assert [p.path for p in mixed.problems] == [url] and mixed.load_report.unreachable


def _blob(www: Path) -> Path:
    return next(p for p in (www / "blobs" / "sha256").rglob("*") if p.is_file())


def test_a_blob_that_does_not_match_its_manifest_is_a_problem_and_never_kept(served, tmp_path):
    www = tmp_path / "www" / "v3m"
    blob = _blob(www)
    data = bytearray(blob.read_bytes())
    data[100] ^= 1
    blob.write_bytes(bytes(data))
    url = f"{served.url}/v3m"
    with pytest.raises(MirrorUnavailable, match="sha256"):
        load_catalog([url], cache_dir=str(tmp_path / "cache"))
    kept = list((tmp_path / "cache" / "mirrors").rglob("*"))
    assert not [p for p in kept if p.is_file() and (p.name == blob.name or p.name.startswith(".part-"))]


def test_a_download_cut_short_leaves_nothing(served, tmp_path):
    served.cut_after = 1000
    url = f"{served.url}/v3m"
    with pytest.raises(MirrorUnavailable):
        load_catalog([url], cache_dir=str(tmp_path / "cache"))
    files = [p for p in (tmp_path / "cache" / "mirrors").rglob("*") if p.is_file()]
    assert {p.name for p in files} <= {".lock"}


def test_ctrl_c_during_a_download_leaves_nothing(served, tmp_path):
    def interrupt(url: str, done: int, total: int, rate: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(f"{served.url}/v3m", str(tmp_path / "cache"), ttl=0, progress=interrupt)
    files = [p for p in (tmp_path / "cache" / "mirrors").rglob("*") if p.is_file()]
    assert {p.name for p in files} <= {".lock"}


def test_two_fetches_at_once_keep_one_whole_copy(served, tmp_path):
    url = f"{served.url}/v3m"
    results, errors = [], []

    def one() -> None:
        try:
            results.append(fetch(url, str(tmp_path / "cache"), ttl=0))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len({r.root for r in results}) == 1
    catalog = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    assert _specs(catalog) == _specs(load_catalog([str(tmp_path / "www" / "v3m")], use_cache=False))


def test_the_proxy_of_the_environment_is_used(served, tmp_path, monkeypatch):
    monkeypatch.setenv("http_proxy", served.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setattr(http, "_OPENER", None)  # proxies are read when the client is built
    url = "http://mirror.invalid/v3m"  # resolvable only by the proxy
    catalog = load_catalog([url], cache_dir=str(tmp_path / "cache"))
    assert catalog.num_specs > 0 and catalog.tags == ["mirror.invalid/v3m"]
    assert served.log and all(entry.path.startswith("/v3m/") for entry in served.log)
    monkeypatch.setattr(http, "_OPENER", None)


def test_the_kept_copy_is_replaced_whole_never_rewritten(served, tmp_path):
    url = f"{served.url}/v2m"
    load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    (kept,) = (tmp_path / "cache" / "mirrors").iterdir()
    index = kept / "index" / "build_cache" / "index.json"
    inode = os.stat(index).st_ino
    www = tmp_path / "www" / "v2m"
    shutil.rmtree(www)
    _generate(www, "v2", records=100, seed=3)
    load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=0)
    assert os.stat(index).st_ino != inode  # a new file renamed into place


@pytest.mark.ttl
def test_a_new_index_fetched_is_never_hidden_by_a_snapshot_trusted_within_its_ttl(served, tmp_path):
    """The mirror's copy expires while the snapshot is still trusted: the new index is read all the same."""
    import json

    url = f"{served.url}/v3m"
    first = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    again = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    assert again.load_report.trusted_by_ttl  # a kept copy is trusted as soon as it is written whole
    (home,) = (tmp_path / "cache" / "mirrors").iterdir()
    state = json.loads((home / "state.json").read_text())
    (home / "state.json").write_text(json.dumps({**state, "checked": 0}))  # its TTL passed, not the snapshot's
    www = tmp_path / "www" / "v3m"
    shutil.rmtree(www)
    _generate(www, "v3", records=150, seed=11)
    after = load_catalog([url], cache_dir=str(tmp_path / "cache"), ttl=600)
    assert _specs(after) == _specs(load_catalog([str(www)], use_cache=False)) != _specs(first)


def test_a_server_that_never_answers_times_out_as_configured(tmp_path, monkeypatch):
    """``http_timeout`` in the config file: a server that accepts and stays silent is given up on then."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)  # accepted by the kernel, never answered
    port = listener.getsockname()[1]
    config = tmp_path / "xdg" / "cachetui"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("http_timeout = 0.5\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    started = time.monotonic()
    with pytest.raises(MirrorUnavailable, match="timed out"):
        load_catalog([f"http://127.0.0.1:{port}/m"], cache_dir=str(tmp_path / "cache"))
    assert time.monotonic() - started < 5
    listener.close()


def test_download_progress_is_said_in_bytes_and_rate(served, tmp_path):
    from cachetui.cli.output import Progress
    from cachetui.ui.widgets.loading import describe

    seen = []
    load_catalog([f"{served.url}/v3m"], cache_dir=str(tmp_path / "cache"), progress=seen.append)
    downloads = [p for p in seen if p.phase == "download"]
    assert downloads and downloads[-1].bytes_done == downloads[-1].bytes_total > 0
    assert downloads[-1].label == f"{served.url}/v3m"
    text = describe(downloads[-1])
    assert text.startswith(f"downloading {served.url}/v3m: ") and " of " in text and "/s" in text
    line = Progress(tty=True, plain=False)._text(downloads[-1])
    assert line.startswith(f"downloading {served.url}/v3m: ") and "/s" in line
