"""Fixtures for the CLI tests: run ``cachetui.cli.main`` in-process and write small pages.

Every run gets ``--cache-dir`` under tmp_path (and XDG_CACHE_HOME points there too),
so the tests never touch ~/.cache.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from cachetui.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    monkeypatch.delenv("CACHETUI_CATALOG", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def cache_dir(tmp_path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def cli(capsys, cache_dir):
    """``cli("find", "bc")`` -> Run(code, out, err), with a private snapshot directory."""

    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(["--cache-dir", str(cache_dir), *argv])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def make_hash(seed: str) -> str:
    return base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()[:32]


def page_text(tag: str, package: str, specs: list[dict], *, title: str | None = None) -> str:
    """A page in the current (2025) format; ``specs`` items override the defaults below."""
    details = []
    for i, overrides in enumerate(specs):
        spec = {
            "compiler": "gcc@11.4.0",
            "hash": make_hash(f"{tag}/{package}/{i}"),
            "os": "ubuntu22.04",
            "platform": "linux",
            "size": "-",
            "stacks": ["root"],
            "target": "x86_64_v3",
            "variants": ["build_system=cmake"],
            "versions": ["1.0"],
        }
        spec.update(overrides)
        details.append(spec)
    meta = {"compilers": sorted({s["compiler"] for s in details}), "num_specs": len(details)}
    return (
        "---\n"
        f"title: {json.dumps(title if title is not None else package)}\n"
        "layout: cache\n"
        f"categories: [package, {json.dumps(tag)}]\n"
        f"meta: {json.dumps(meta)}\n"
        f"spec_details: {json.dumps(details)}\n"
        "---"
    )


@pytest.fixture(scope="session")
def write_page():
    """``write_page(root, tag, package, specs, title=None)`` -> path of root/tag/package/specs.md."""

    def write(
        root: Path, tag: str, package: str, specs: list[dict], *, title: str | None = None, name: str = "specs.md"
    ) -> Path:
        path = Path(root) / tag / package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_text(tag, package, specs, title=title), encoding="utf-8")
        return path

    return write
