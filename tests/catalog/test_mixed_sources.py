"""A warm load finds what a fresh load finds with every kind of source mixed, whatever changes between runs.

Sources: a page tree, a legacy page with the ``spec-N.json`` it reads beside it, a v2 mirror, a v3
mirror, a bare ``index.json`` given by name, Spack's index cache, and (in the state machine) a v3 mirror
by its URL, served from 127.0.0.1. The fixed cases are the ways a hostile pass lost a mirror; the state machine applies random
changes to each kind between runs. Longer runs by hand: ``CACHETUI_STATEFUL_EXAMPLES=500``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from mirror_server import MirrorServer

from cachetui.catalog import load_catalog
from cachetui.catalog.scan import discovery
from tests.catalog.test_freshness import _page, observed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "index"
SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
SPEC_HASH = "jvv2wofe26isbwhhjec4r6aq2rnoiyfy"  # tioga's, in spec-2.json
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from make_index import generate  # noqa: E402

WINDOW_NS = 30_000_000


def _generated(layout: str, seed: int, db: int = 8) -> Path:
    out = Path(tempfile.mkdtemp(prefix="cachetui-gen-"))
    generate(str(out / "m"), 8 + seed % 5, db, layout, seed=seed)
    return out / "m"


def _replace_v2(index: Path, seed: int, in_place: bool) -> None:
    """A new index.json over the old: written in place (Spack's copy across file systems) or renamed over it."""
    new = _generated("v2", seed) / "build_cache" / "index.json"
    if in_place:
        index.write_bytes(new.read_bytes())
    else:
        shutil.copy(new, index.with_suffix(".new"))
        os.replace(index.with_suffix(".new"), index)
    shutil.rmtree(new.parents[2], ignore_errors=True)


def _replace_v3(mirror: Path, seed: int) -> None:
    """`spack buildcache update-index` on a v3 mirror: a new blob, then the manifest naming it."""
    new = _generated("v3", seed)
    shutil.copytree(new / "blobs", mirror / "blobs", dirs_exist_ok=True)
    manifest = mirror / "v3" / "manifests" / "index" / "index.manifest.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(new / "v3" / "manifests" / "index" / "index.manifest.json", manifest.with_suffix(".new"))
    os.replace(manifest.with_suffix(".new"), manifest)
    (mirror / "v3" / "layout.json").write_text('{"signing": "gpg"}')
    shutil.rmtree(new.parent, ignore_errors=True)


def _sources(base: Path) -> list[Path]:
    return [base / "pages", base / "legacy", base / "v2", base / "v3", base / "bare" / "index.json", base / "indices"]


def _rewrite_spec_file(base: Path, digest: str | None, in_place: bool) -> None:
    """The legacy page's spec-2.json with another hash for its spec (in place or renamed over), or gone."""
    spec_file = base / "legacy" / "legacy" / "tioga" / "spec-2.json"
    if digest is None:
        spec_file.unlink(missing_ok=True)
        return
    text = (SITE / "legacy" / "tioga" / "spec-2.json").read_text().replace(SPEC_HASH, digest)
    if in_place and spec_file.exists():
        with open(spec_file, "r+") as handle:  # same inode, same size: only the times move
            handle.write(text)
    else:
        spec_file.with_suffix(".new").write_text(text)
        os.replace(spec_file.with_suffix(".new"), spec_file)


def _fill(base: Path) -> None:
    _page(base / "pages", "develop", "a")
    shutil.copytree(SITE, base / "legacy")
    (base / "v2" / "build_cache").mkdir(parents=True)
    _replace_v2(base / "v2" / "build_cache" / "index.json", 1, False)
    (base / "v3").mkdir()
    _replace_v3(base / "v3", 2)
    (base / "bare").mkdir()
    _replace_v2(base / "bare" / "index.json", 3, False)
    shutil.copytree(FIXTURES / "spack-user-cache" / "indices", base / "indices")


def _warm_and_fresh(base: Path) -> tuple[tuple, tuple]:
    sources = _sources(base)
    return (
        observed(load_catalog(sources, cache_dir=base / "cache")),
        observed(load_catalog(sources, use_cache=False)),
    )


@pytest.fixture
def mixed(tmp_path):
    _fill(tmp_path)
    old = time.time() - 100
    for dirpath, _, _ in os.walk(tmp_path):
        os.utime(dirpath, (old, old))
    return tmp_path


def test_touching_a_page_keeps_every_mirror(mixed):
    first, fresh = _warm_and_fresh(mixed)
    assert first == fresh and {p[0] for p in fresh[0]} >= {"develop"} and len({p[2] for p in fresh[0]}) >= 5
    page = mixed / "pages" / "develop" / "a" / "specs.md"
    page.write_text(page.read_text() + "\n")
    for _ in range(3):
        warm, fresh = _warm_and_fresh(mixed)
        assert warm == fresh


def test_a_spec_file_rewritten_in_place_is_read_again_with_its_page(mixed):
    """The page's own stamp does not move: the loader reads it again because its spec file did."""
    first, _ = _warm_and_fresh(mixed)
    assert SPEC_HASH in str(first)
    _rewrite_spec_file(mixed, "c" * 32, in_place=True)
    time.sleep(discovery.SETTLE_NS / 1e9 + 0.1)
    warm, fresh = _warm_and_fresh(mixed)
    assert warm == fresh and "c" * 32 in str(warm) and SPEC_HASH not in str(warm)


@pytest.mark.settle_window
def test_an_index_written_just_before_the_first_run_is_never_lost(mixed):
    """`spack buildcache update-index ... && cachetui index` into a mirror directory that already existed."""
    _warm_and_fresh(mixed)
    _replace_v2(mixed / "v2" / "build_cache" / "index.json", 11, in_place=True)
    _replace_v3(mixed / "v3", 12)
    first, fresh = _warm_and_fresh(mixed)
    assert first == fresh
    time.sleep(discovery.SETTLE_NS / 1e9 + 0.1)
    for _ in range(2):
        warm, fresh = _warm_and_fresh(mixed)
        assert warm == fresh


_KEPT = re.compile(r"[^\"' ]*/mirrors/(https?%3A%2F%2F[^/\"' ]*)")


def _without_kept_paths(seen: tuple) -> str:
    """``observed`` with the kept copy's directory of a URL (the cache, or a scratch one) named alike."""
    return _KEPT.sub(r"KEPT/\1", repr(seen))


class MixedMachine(RuleBasedStateMachine):
    """Random changes to every kind of source; after each step a warm load must equal a fresh one."""

    @initialize()
    def setup(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="cachetui-mixed-"))
        _fill(self.base)
        (self.base / "www").mkdir()
        _replace_v3(self.base / "www" / "m", 4)
        self.server = MirrorServer(str(self.base / "www")).start()

    def teardown(self) -> None:
        if hasattr(self, "server"):
            self.server.stop()
        shutil.rmtree(getattr(self, "base", "/nonexistent"), ignore_errors=True)

    @rule(seed=st.integers(0, 20))
    def new_index_on_the_server(self, seed: int) -> None:
        _replace_v3(self.base / "www" / "m", seed)

    @rule(tag=st.sampled_from(["develop", "v1.0"]), package=st.sampled_from("abc"), version=st.sampled_from(["1", "2"]))
    def page(self, tag: str, package: str, version: str) -> None:
        _page(self.base / "pages", tag, package, version)

    @rule(data=st.data())
    def touch_a_file(self, data: st.DataObject) -> None:
        files = sorted(p for p in self.base.rglob("*") if p.is_file() and "cache" not in p.parts)
        os.utime(data.draw(st.sampled_from(files)))

    @rule(digest=st.sampled_from([SPEC_HASH, "a" * 32, "b" * 32, None]), in_place=st.booleans())
    def spec_file_rewritten(self, digest: str | None, in_place: bool) -> None:
        _rewrite_spec_file(self.base, digest, in_place)

    @rule(seed=st.integers(0, 20), in_place=st.booleans())
    def new_v2_index(self, seed: int, in_place: bool) -> None:
        index = self.base / "v2" / "build_cache" / "index.json"
        index.parent.mkdir(parents=True, exist_ok=True)
        _replace_v2(index, seed, in_place and index.exists())

    @rule(seed=st.integers(0, 20))
    def new_v3_index(self, seed: int) -> None:
        _replace_v3(self.base / "v3", seed)

    @rule(seed=st.integers(0, 20), in_place=st.booleans())
    def new_bare_index(self, seed: int, in_place: bool) -> None:
        _replace_v2(self.base / "bare" / "index.json", seed, in_place)

    @rule(which=st.sampled_from(["spack-user-cache", "spack-user-cache-v0.2x"]))
    def spack_fetched_again(self, which: str) -> None:
        target = self.base / "indices"
        shutil.rmtree(target)
        shutil.copytree(FIXTURES / which / "indices", target)

    @precondition(lambda self: (self.base / "v2" / "build_cache").exists())
    @rule()
    def v2_mirror_removed(self) -> None:
        shutil.rmtree(self.base / "v2" / "build_cache")

    @rule()
    def v3_manifest_removed(self) -> None:
        manifest = self.base / "v3" / "v3" / "manifests" / "index" / "index.manifest.json"
        if manifest.exists():
            manifest.unlink()

    @rule()
    def wait_past_the_window(self) -> None:
        time.sleep(WINDOW_NS / 1e9 * 1.5)

    @invariant()
    def warm_equals_fresh(self) -> None:
        if hasattr(self, "base"):
            sources = [*_sources(self.base), f"{self.server.url}/m"]
            warm = observed(load_catalog(sources, cache_dir=self.base / "cache"))
            fresh = observed(load_catalog(sources, use_cache=False))
            assert _without_kept_paths(warm) == _without_kept_paths(fresh)


@pytest.mark.slow
def test_warm_load_equals_fresh_load_with_every_kind_of_source(monkeypatch):
    monkeypatch.setattr(discovery, "SETTLE_NS", WINDOW_NS)
    examples = int(os.environ.get("CACHETUI_STATEFUL_EXAMPLES", "20"))
    machine = settings(
        max_examples=examples, stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck)
    )(MixedMachine)
    machine.TestCase().runTest()
