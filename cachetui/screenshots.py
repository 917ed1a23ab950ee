"""Regenerate ``screenshots/*.svg`` from the real browser over the bundled sample.

    python -m cachetui.screenshots [OUT_DIR]      (default: ./screenshots)

Each screenshot drives the app with keys, as a user would, in a headless
terminal of a given size, then saves what is on screen. The problems view
needs unreadable pages, which the sample does not have, so for that one a
temporary directory with two broken pages is added as a second source.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cachetui.catalog import load_catalog, read_concrete, sample_catalog_path
from cachetui.ui.app import CacheTuiApp

from .catalog import Host


async def settle(pilot, timeout: float = 10.0) -> None:
    """Wait until queries and details are shown."""
    waited = 0.0
    await pilot.pause()
    while pilot.app.busy and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause(0.1)


async def search(pilot, text: str) -> None:
    """Type ``text`` into the search bar (set at once: the screen is the same as typing it)."""
    search_bar = pilot.app.browser.search
    search_bar.input.focus()
    search_bar.set_text(text)
    await settle(pilot)


async def main_view(pilot) -> None:
    await search(pilot, "cmake os=ubuntu22.04")
    await pilot.press("enter")  # to the tree
    await pilot.press("right")  # cmake's tags
    await settle(pilot)


async def narrow_view(pilot) -> None:
    await search(pilot, "cmake +ownlibs os=ubuntu22.04")
    await pilot.press("enter", "enter")  # tree, then cmake's specs
    await settle(pilot)
    await pilot.press("y")
    await pilot.pause(0.3)


async def spec_view(pilot) -> None:
    await search(pilot, "cmake %oneapi")
    await pilot.press("enter", "enter")
    await settle(pilot)
    await pilot.press("enter")  # open the spec
    await pilot.pause(0.3)


async def hash_view(pilot) -> None:
    await search(pilot, "/dqktu")
    await pilot.press("enter")
    await settle(pilot)


async def tags_view(pilot) -> None:
    await settle(pilot)
    await pilot.press("tab")  # to the tree
    await pilot.press("down", "enter")  # expand v0.23.0
    await settle(pilot)
    await pilot.press("down", "down")
    await settle(pilot)


async def runs_here_view(pilot) -> None:
    await search(pilot, "hdf5 +mpi")
    await pilot.press("enter", "enter")  # tree, then hdf5's specs: the check marks the ones that run here
    await settle(pilot)


async def runs_here_filter_view(pilot) -> None:
    await search(pilot, "hdf5 +mpi")
    await pilot.press("enter", "enter", "H")  # only what runs here
    await settle(pilot)
    await pilot.press("space")  # why it runs (or not)
    await pilot.pause(0.3)


async def diff_view(pilot) -> None:
    await search(pilot, "cmake")
    await pilot.press("enter", "D")  # compare two tags: the latest release, then develop-2025-07-13
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.2)
    for _ in range(2):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")  # cmake's specs, marked + and -
    await settle(pilot)


async def dependencies_view(pilot) -> None:
    await search(pilot, "cmake tag=v3-mirror")
    await pilot.press("enter", "enter")
    await settle(pilot)
    await pilot.press("space")  # the spec screen: its dependencies, from the mirror's index
    await pilot.pause(0.3)


async def marks_view(pilot) -> None:
    await search(pilot, "zlib-ng")
    await pilot.press("tab", "enter")
    await settle(pilot)
    await pilot.press("x", "x", "down", "x")  # three marked, one left out
    await pilot.pause(0.3)


async def environment_view(pilot) -> None:
    await settle(pilot)
    for _ in range(50):  # the environment is checked once the catalog is up
        if type(pilot.app.screen).__name__ == "EnvironmentScreen":
            break
        await pilot.pause(0.05)
    await pilot.press("space")  # the first root's dependencies
    await pilot.pause(0.3)


async def nearest_view(pilot) -> None:
    await environment_view(pilot)
    await pilot.press("enter")  # the first root: not in the mirror, its nearest binaries beside it
    await pilot.pause(0.3)


async def help_view(pilot) -> None:
    await settle(pilot)
    await pilot.press("f1")
    await pilot.pause(0.3)


async def problems_view(pilot) -> None:
    await settle(pilot)
    await pilot.press("tab", "p")
    await pilot.pause(0.3)


# A fixed machine, so the screenshots do not depend on where they are taken.
SCREENSHOT_HOST = Host("zen3", "linux", "ubuntu22.04")


@dataclass
class Shot:
    name: str
    size: tuple[int, int]
    drive: Callable[..., Awaitable[None]]
    broken_pages: bool = False
    index_mirror: bool = False  # add the repository's sample Spack mirror (tests/fixtures/index/v3-mirror)
    environment: bool = False  # check --browse of a lock made from that mirror (``_environment_lock``)


SHOTS = [
    Shot("main.svg", (120, 32), main_view),
    Shot("tags.svg", (110, 32), tags_view),
    Shot("narrow-80x24.svg", (80, 24), narrow_view),
    Shot("spec.svg", (100, 30), spec_view),
    Shot("hash.svg", (110, 24), hash_view),
    Shot("help.svg", (100, 44), help_view),
    Shot("runs-here.svg", (160, 45), runs_here_view),
    Shot("runs-here-80x24.svg", (80, 24), runs_here_filter_view),
    Shot("diff.svg", (140, 36), diff_view),
    Shot("dependencies.svg", (110, 40), dependencies_view, index_mirror=True),
    Shot("problems.svg", (100, 20), problems_view, broken_pages=True),
    Shot("marks.svg", (120, 32), marks_view),
    Shot("check.svg", (120, 32), environment_view, index_mirror=True, environment=True),
    Shot("check-nearest.svg", (120, 36), nearest_view, index_mirror=True, environment=True),
]

INDEX_MIRROR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "index", "v3-mirror"
)


def _environment_lock() -> str:
    """A spack.lock of the sample mirror's hdf5 and zlib, hdf5 asked for with +mpi (so no binary has it),
    at a fixed path (so regenerated screenshots do not differ by a temp name)."""
    import json

    blob_dir = os.path.join(INDEX_MIRROR, "blobs", "sha256")
    (prefix,) = os.listdir(blob_dir)
    (name,) = os.listdir(os.path.join(blob_dir, prefix))
    with open(os.path.join(blob_dir, prefix, name), encoding="utf-8") as handle:
        installs = json.load(handle)["database"]["installs"]
    nodes = {digest: dict(record["spec"], hash=digest) for digest, record in installs.items()}
    roots = [d for d, n in nodes.items() if n["name"] in ("hdf5", "zlib") and n["arch"]["target"] == "x86_64_v3"]
    wanted, todo = set(), list(roots)
    while todo:
        digest = todo.pop()
        if digest not in wanted:
            wanted.add(digest)
            todo.extend(edge["hash"] for edge in nodes[digest].get("dependencies", []))
    lock_nodes = {d: nodes[d] for d in sorted(wanted)}
    hdf5 = next(d for d in roots if nodes[d]["name"] == "hdf5")
    changed = dict(lock_nodes.pop(hdf5), parameters={**nodes[hdf5]["parameters"], "mpi": True})
    changed["hash"] = "hdf5mpiwanted2345hdf5mpiwanted23"
    lock_nodes[changed["hash"]] = changed
    lock = {
        "_meta": {"file-type": "spack-lockfile", "lockfile-version": 6, "specfile-version": 5},
        "roots": [{"hash": changed["hash"], "spec": "hdf5+mpi"}, *({"hash": d} for d in roots if d != hdf5)],
        "concrete_specs": lock_nodes,
    }
    path = os.path.join(tempfile.gettempdir(), "cachetui-screenshot-env", "spack.lock")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(lock, handle)
    return path


def _broken_pages() -> str:
    """Two unreadable pages at a fixed path (so regenerated screenshots do not differ by a temp name)."""
    root = os.path.join(tempfile.gettempdir(), "cachetui-screenshot-site")
    shutil.rmtree(root, ignore_errors=True)
    pages = os.path.join(root, "_cache", "develop")
    os.makedirs(os.path.join(pages, "truncated"))
    with open(os.path.join(pages, "truncated", "specs.md"), "w") as handle:
        handle.write('---\ntitle: "truncated"\ncategories: [package, develop]\nspec_details: [{"hash": "abc"\n')
    os.makedirs(os.path.join(pages, "empty"))
    open(os.path.join(pages, "empty", "specs.md"), "w").close()
    return os.path.join(root, "_cache")


async def take(shot: Shot, out_dir: str) -> str:
    sources = [sample_catalog_path()]
    if shot.broken_pages:
        sources.append(_broken_pages())
    if shot.index_mirror:
        sources.append(INDEX_MIRROR)
    catalog = load_catalog(sources, use_cache=False)
    environment = read_concrete(_environment_lock()) if shot.environment else None
    app = CacheTuiApp(
        catalog=catalog, environ={}, tmux_loader=lambda text: True, host=SCREENSHOT_HOST, environment=environment
    )
    async with app.run_test(size=shot.size, notifications=True) as pilot:
        await shot.drive(pilot)
        return app.save_screenshot(shot.name, path=out_dir)


async def take_all(out_dir: str) -> list[str]:
    os.makedirs(out_dir, exist_ok=True)
    return [await take(shot, out_dir) for shot in SHOTS]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = args[0] if args else "screenshots"
    for path in asyncio.run(take_all(out_dir)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
