"""Second hostile pass, catalog side: huge numbers, cache locations, leftovers, strings that act."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest

from cachetui.catalog import (
    command_line,
    install_command,
    load_catalog,
    mirror_add_command,
    printable,
    sort_tags,
    version_key,
)
from cachetui.catalog.snapshot import snapshot as snapshot_mod
from cachetui.catalog.snapshot.snapshot import remove_stale_temp_files
from cachetui.config import cache_dir as default_cache_dir
from tests.catalog.helpers import make_spec, page_text, write_page

HUGE = "9" * 5000  # past Python's 4,300-digit int() limit


# --- integers from pages -----------------------------------------------------------------------


def test_absurd_num_specs_is_a_page_problem(tmp_path):
    write_page(tmp_path, "develop/big/specs.md", page_text("big", "develop", [make_spec()], meta={"num_specs": 10**30}))
    write_page(tmp_path, "develop/ok/specs.md", page_text("ok", "develop", [make_spec(versions=["2"])]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.packages == ["big", "ok"] and cat.num_specs == 2
    (problem,) = cat.problems
    assert problem.reason == "meta.num_specs is not a count (about 2**99); ignored"
    assert cat.pages[0].declared_specs is None
    again = load_catalog([tmp_path], cache_dir=tmp_path / "cache")  # and it survives the snapshot
    assert load_catalog([tmp_path], cache_dir=tmp_path / "cache").num_specs == again.num_specs == 2


def test_tag_and_version_of_five_thousand_digits(tmp_path):
    write_page(tmp_path, "huge/a/specs.md", page_text("a", "v" + HUGE, [make_spec(versions=[HUGE])]))
    write_page(tmp_path, "v1.0/a/specs.md", page_text("a", "v1.0", [make_spec(versions=["1.0"])]))
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.tags == ["v" + HUGE, "v1.0"]  # newest release first, as numbers
    assert [s.version for s in cat.query("a").specs()] == [HUGE, "1.0"]
    assert len(cat.query(f"a@1:{HUGE}")) == 2 and len(cat.query(f"a@{HUGE}")) == 1


def test_version_order_is_exact_for_long_numbers():
    versions = ["1.10", "1.9", "1." + "1" * 30, "1." + "9" * 29, "2"]
    assert sorted(versions, key=version_key) == ["1.9", "1.10", "1." + "9" * 29, "1." + "1" * 30, "2"]
    assert version_key("1.0010") == version_key("1.10")  # leading zeros do not count, as in Spack
    assert sort_tags(["v" + HUGE, "v1.0", "v" + "9" * 19]) == ["v" + HUGE, "v" + "9" * 19, "v1.0"]


def test_sizes_near_the_limit_never_sum_negative(tmp_path):
    specs = [make_spec(versions=[str(i)], size=2**62) for i in range(3)]
    write_page(tmp_path, "develop/big/specs.md", page_text("big", "develop", specs))
    cat = load_catalog([tmp_path], use_cache=False)
    assert cat.summary(cat.rows_of()).total_size == 3 * 2**62


# --- where the snapshot lives ------------------------------------------------------------------


def test_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == str(tmp_path / ".cache" / "cachetui")


def test_empty_home_falls_back_to_the_account_home(monkeypatch):
    import pwd

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    home = pwd.getpwuid(os.getuid()).pw_dir
    expected = os.path.join(home, ".cache", "cachetui") if os.path.isabs(home) and home != "/" else None
    assert default_cache_dir() == expected
    assert default_cache_dir() != "/.cache/cachetui"


def test_no_usable_home_means_no_snapshot_and_one_notice(monkeypatch, tmp_path):
    import pwd

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: type("P", (), {"pw_dir": ""})())
    write_page(tmp_path, "develop/a/specs.md", page_text("a", "develop", [make_spec()]))
    before = set(os.listdir("/"))
    cat = load_catalog([tmp_path / "develop"])
    assert cat.num_specs == 1 and cat.load_report.snapshot_file is None
    (notice,) = cat.notices
    assert notice.startswith("working without a snapshot: no cache directory")
    assert set(os.listdir("/")) == before


@pytest.mark.parametrize("where", ["inside", "root"])
def test_cache_directory_inside_the_catalog_is_not_read_as_pages(tmp_path, where):
    write_page(tmp_path, "develop/a/specs.md", page_text("a", "develop", [make_spec()]))
    cache = tmp_path / "cache" if where == "inside" else tmp_path
    first = load_catalog([tmp_path], cache_dir=cache)
    (snap,) = [n for n in os.listdir(cache) if n.endswith(".snap")]
    assert snap
    for _ in range(2):
        cat = load_catalog([tmp_path], cache_dir=cache)
        assert cat.problems == [] and cat.num_specs == 1 and cat.load_report.from_snapshot
    assert first.problems == []


# --- leftovers of a killed snapshot write --------------------------------------------------------


def test_stale_temporary_snapshots_are_removed(tmp_path):
    cache = tmp_path / "cache"
    write_page(tmp_path, "pages/develop/a/specs.md", page_text("a", "develop", [make_spec()]))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    host_prefix = snapshot_mod.temp_prefix().rsplit("-", 2)[0]
    cache.mkdir()
    stale = cache / f"{host_prefix}-{dead_pid}-abc.tmp"
    stale.write_bytes(b"x" * 1000)
    live = cache / f"{host_prefix}-{os.getppid()}-def.tmp"  # a live writer's file is left alone
    live.write_bytes(b"y")
    other_host = cache / ".snapshot-otherhost-1-ghi.tmp"  # another host's: kept until it is a day old
    other_host.write_bytes(b"z")
    load_catalog([tmp_path / "pages"], cache_dir=cache)
    assert not stale.exists() and live.exists() and other_host.exists()
    os.utime(other_host, (0, 0))
    assert remove_stale_temp_files(str(cache)) == [other_host.name]


def test_killed_writer_leaves_nothing_after_the_next_run(tmp_path):
    """SIGKILL in the middle of writing the snapshot: the next run cleans up."""
    pages = tmp_path / "pages"
    for i in range(30):
        write_page(pages, f"develop/p{i}/specs.md", page_text(f"p{i}", "develop", [make_spec(versions=[str(i)])]))
    cache = tmp_path / "cache"
    script = (
        "import os, sys\n"
        "import cachetui.catalog.snapshot.mapfile as m\n"
        "def die(handle, header, arrays):\n"
        "    handle.write(b'partial'); handle.flush(); os.kill(os.getpid(), 9)\n"
        "m.write = die\n"
        "from cachetui.catalog import load_catalog\n"
        f"load_catalog([{str(pages)!r}], cache_dir={str(cache)!r})\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    assert [n for n in os.listdir(cache) if n.endswith(".tmp")]
    load_catalog([pages], cache_dir=cache)
    assert [n for n in os.listdir(cache) if n.endswith(".tmp")] == []


# --- strings that act --------------------------------------------------------------------------


def test_every_command_line_quotes_its_arguments():
    tag = "$(touch /tmp/x)"
    command = mirror_add_command(tag)
    assert command is not None
    assert shlex.split(command) == [
        "spack",
        "mirror",
        "add",
        f"spack-build-cache-{tag}",
        f"https://binaries.spack.io/{tag}",
    ]
    assert (
        mirror_add_command("develop") == "spack mirror add spack-build-cache-develop https://binaries.spack.io/develop"
    )
    assert (
        install_command("jasonjuuhs7lgkf5ojybu2sxxalclmxa")
        == "spack install --use-buildcache only /jasonjuuhs7lgkf5ojybu2sxxalclmxa"
    )
    assert command_line("echo", "a b", "it's") == "echo 'a b' 'it'\"'\"'s'"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200e", "\u200f", "\u061c", "\u200d", "\x1b", "\u2028", "\u00a0"])
def test_invisible_characters_are_visible_and_refused_in_commands(invisible):
    shown = printable("hdf5" + invisible)
    assert shown != "hdf5" and shown.startswith("hdf5\\") and shown.isprintable()
    assert mirror_add_command("develop" + invisible) is None
    assert printable("hdf5 tab\there") == "hdf5 tab here"
