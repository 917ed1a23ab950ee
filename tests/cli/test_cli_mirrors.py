"""Mirror URLs on the command line: what a user sees when the server answers, is gone, or never was."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mirror_server import MirrorServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_index import generate

    generate(str(tmp_path / "www" / "m"), 300, 9, "v3", seed=1)
    server = MirrorServer(str(tmp_path / "www")).start()
    yield server
    server.stop()


def test_find_over_a_url_then_offline_with_the_kept_copy(cli, served):
    url = f"{served.url}/m"
    online = cli("-C", url, "find", "--limit", "0", "--json")
    assert online.code == 0 and online.json_lines()
    assert {line["tag"] for line in online.json_lines()} == {f"127.0.0.1:{served.port}/m"}
    served.stop()
    offline = cli("-C", url, "--refresh", "find", "--limit", "0", "--json")
    assert offline.code == 0
    assert offline.json_lines() == online.json_lines()
    lines = [line for line in offline.err_lines if url in line]
    assert len(lines) == 1 and "using the copy fetched" in lines[0] and " ago" in lines[0]


def test_an_unreachable_url_without_a_copy_is_one_line_and_exit_2(cli, tmp_path):
    server = MirrorServer(str(tmp_path)).start()
    url = f"{server.url}/m"
    server.stop()
    run = cli("-C", url, "find", "zlib")
    assert run.code == 2 and run.out == ""
    assert len(run.err_lines) == 1 and url in run.err_lines[0] and "Traceback" not in run.err


def test_a_404_url_is_one_line_and_exit_2(cli, served):
    run = cli("-C", f"{served.url}/nothing", "find", "zlib")
    assert run.code == 2 and len(run.err_lines) == 1 and f"{served.url}/nothing" in run.err


def test_a_404_url_beside_a_good_source_still_exits_2_naming_it(cli, served, tmp_path):
    run = cli("-C", f"{served.url}/nothing", "-C", str(tmp_path / "www" / "m"), "find", "--limit", "1")
    assert run.code == 2 and f"{served.url}/nothing" in run.err and run.out == ""


@pytest.mark.parametrize("url", ["s3://bucket/mirror", "oci://ghcr.io/spack/buildcache", "gs://b/m"])
def test_s3_and_oci_mirrors_say_what_to_do_instead(cli, url):
    run = cli("-C", url, "find", "zlib")
    assert run.code == 2 and len(run.err_lines) == 1 and "--spack-cache" in run.err


def test_a_mirror_named_in_the_config_file(cli, served, tmp_path, monkeypatch):
    import os

    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "cachetui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(f'[mirrors]\nmine = "{served.url}/m"\n')
    run = cli("-C", "mine", "find", "--limit", "1", "--json")
    assert run.code == 0 and run.json_lines()[0]["tag"] == "mine"


def test_spack_mirrors_come_from_spack_configuration(cli, served, tmp_path, monkeypatch):
    user = tmp_path / "spack-user"
    user.mkdir()
    (user / "mirrors.yaml").write_text(
        f"mirrors:\n  local:\n    url: {served.url}/m\n  cloud: s3://bucket/mirror\n  disk: file://{tmp_path / 'www' / 'm'}\n"
    )
    monkeypatch.setenv("SPACK_USER_CONFIG_PATH", str(user))
    monkeypatch.setenv("SPACK_SYSTEM_CONFIG_PATH", str(tmp_path / "no-system"))
    monkeypatch.delenv("SPACK_ROOT", raising=False)
    run = cli("--spack-mirrors", "find", "--limit", "0", "--json")
    assert run.code == 0, run.err
    assert {line["tag"] for line in run.json_lines()} == {"local", "disk"}
    assert "cloud" in run.err and "skipped" in run.err


def test_show_gives_the_url_as_the_mirror(cli, served):
    url = f"{served.url}/m"
    first = cli("-C", f"dev={url}", "find", "--limit", "1", "--json").json_lines()[0]
    run = cli("-C", f"dev={url}", "show", first["package"])
    assert f"spack mirror add dev {url}" in run.out
