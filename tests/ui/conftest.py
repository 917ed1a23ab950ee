"""Shared fixtures for the browser's pilot tests: catalogs (the bundled sample, a shared-hash one) and apps."""

from __future__ import annotations

import pytest
from browser_helpers import RecordingApp

from cachetui.catalog import load_catalog, sample_catalog_path


@pytest.fixture(scope="session")
def sample_catalog():
    return load_catalog([sample_catalog_path()], use_cache=False)


class TmuxRecorder:
    """Stands in for ``tmux load-buffer``: records what would have been loaded."""

    def __init__(self) -> None:
        self.buffers: list[str] = []

    def __call__(self, text: str) -> bool:
        self.buffers.append(text)
        return True


@pytest.fixture
def tmux():
    return TmuxRecorder()


@pytest.fixture
def make_app(sample_catalog, tmux, tmp_path):
    """An app over the sample catalog, not in tmux unless asked, never touching a real tmux; exports go to tmp_path."""

    def make(catalog=None, *, in_tmux: bool = False, pick: bool = False, config=None, environment=None) -> RecordingApp:
        environ = {"TMUX": "/tmp/tmux-test,1,0"} if in_tmux else {}
        return RecordingApp(
            catalog=catalog or sample_catalog,
            environ=environ,
            tmux_loader=tmux,
            pick=pick,
            config=config or {},
            environment=environment,
            export_dir=str(tmp_path),
        )

    return make


SHARED_SEED = "shared-zlib"


@pytest.fixture(scope="session")
def shared_hash_catalog(tmp_path_factory):
    """Three tags holding the same zlib binary (same hash), plus a cmake page with its own specs."""
    from page_factory import fake_hash, spec, write_page

    root = tmp_path_factory.mktemp("shared")
    for tag in ("develop", "v0.23.0", "develop-2025-07-13"):
        write_page(root, tag, "zlib", [spec(SHARED_SEED, versions=["1.3.1"]), spec(f"zlib-{tag}", versions=["1.2.13"])])
    write_page(root, "develop", "cmake", [spec(f"cmake-{i}", versions=[f"3.{i}.0"]) for i in range(3)])
    catalog = load_catalog([str(root)], use_cache=False)
    catalog.shared_hash = fake_hash(SHARED_SEED)  # for the tests
    return catalog
