"""Snapshot tests of the main screens at 80x24 and 160x45: the whole screen, compared with an accepted SVG.

A change in what any of these screens shows fails here. After a deliberate
change, look at the new screens and accept them with
``python -m pytest tests/ui/test_snapshots.py --snapshot-update``; the
accepted SVGs are in ``__snapshots__/`` (open one in a browser to see it).
The snapshots are tied to the Textual minor version the test extras pin.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile

import pytest
from browser_helpers import RecordingApp, settle

from cachetui.catalog import load_catalog, sample_catalog_path
from cachetui.catalog.spack.microarch import Host

SIZES = [(80, 24), (160, 45)]
HOST = Host("zen3", "linux", "ubuntu22.04")  # fixed, never this machine's CPU


def _sample_at_a_fixed_path() -> str:
    """The bundled sample copied to ``/tmp/cachetui-snapshot-sample-<content hash>``.

    The spec screen shows a page's path; read from the checkout it would
    differ between machines. The copy is made once, atomically (xdist
    workers may race), and named by its content so a changed sample is a
    new copy.
    """
    source = sample_catalog_path()
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(source)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, source).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    target = f"/tmp/cachetui-snapshot-sample-{digest.hexdigest()[:8]}"
    if not os.path.isdir(target):
        staging = tempfile.mkdtemp(prefix="cachetui-snapshot-", dir="/tmp")
        shutil.copytree(source, os.path.join(staging, "sample"))
        try:
            os.rename(os.path.join(staging, "sample"), target)
        except OSError:  # another worker was first
            pass
        shutil.rmtree(staging, ignore_errors=True)
    return target


@pytest.fixture(scope="session")
def snapshot_catalog():
    return load_catalog([_sample_at_a_fixed_path()], use_cache=False)


@pytest.fixture
def app(snapshot_catalog, tmux):
    return RecordingApp(catalog=snapshot_catalog, environ={}, tmux_loader=tmux, host=HOST, config={})


async def _start(pilot) -> None:
    await settle(pilot)


async def _results_at_the_last_row(pilot) -> None:
    """Typed a query, opened the package's specs, pressed End: the last row with N/N."""
    await settle(pilot)
    for key in "hdf5 +mpi":
        await pilot.press(key if key != " " else "space")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("end")
    await settle(pilot)


async def _spec_screen(pilot) -> None:
    await _results_at_the_last_row(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def _help(pilot) -> None:
    await settle(pilot)
    pilot.app.browser.focus_tree()
    await pilot.press("question_mark")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "steps", [_start, _results_at_the_last_row, _spec_screen, _help], ids=["start", "results", "spec", "help"]
)
def test_screen(snap_compare, app, size, steps):
    assert snap_compare(app, terminal_size=size, run_before=steps)
