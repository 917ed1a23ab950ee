"""Shared helpers for the catalog tests: fixture paths, page builders, an independent front-matter reader."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from pathlib import Path

import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REAL = FIXTURES / "real"
SEEDS = FIXTURES / "seeds"


def fixture_pages() -> list[Path]:
    """Every page file shipped as a test fixture (real corpus copies and seeds)."""
    pages = sorted(p for p in REAL.rglob("*") if p.is_file() and p.suffix == ".md")
    pages += sorted(p for p in SEEDS.iterdir() if p.is_file())
    return pages


def front_matter(path_or_bytes) -> dict:
    """Independent reader: strip BOM/CRLF, take the text between the fences, yaml.safe_load it.

    Results for fixture files are cached (YAML is slow on the long JSON lines): do not mutate them.
    """
    if isinstance(path_or_bytes, bytes):
        return _front_matter(path_or_bytes)
    return _front_matter_of_file(str(path_or_bytes))


@functools.cache
def _front_matter_of_file(path: str) -> dict:
    return _front_matter(Path(path).read_bytes())


def _front_matter(data: bytes) -> dict:
    text = data.decode("utf-8-sig").replace("\r\n", "\n")
    lines = text.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    return yaml.safe_load("\n".join(lines[1:end]))


def fake_hash(seed) -> str:
    """A valid 32-character lowercase base32 hash derived from ``seed``."""
    digest = hashlib.sha256(str(seed).encode()).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:32]


def make_spec(**fields) -> dict:
    """A current-format spec_details item; keyword arguments override fields (None removes a key)."""
    spec = {
        "compiler": "none",
        "hash": fake_hash(json.dumps(fields, sort_keys=True, default=str)),
        "os": "ubuntu22.04",
        "platform": "linux",
        "size": "-",
        "stacks": ["root"],
        "target": "x86_64_v3",
        "variants": ["+shared"],
        "versions": ["1.0"],
    }
    for key, value in fields.items():
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    return spec


def page_text(package="pkg", tag="develop", specs=(), meta=None, *, title=None, categories=None, extra_lines=()) -> str:
    """A page in the generator's layout (one JSON value per line, closing '---' without newline)."""
    lines = ["---"]
    lines.append(f"title: {json.dumps(package) if title is None else title}")
    lines.append("layout: cache")
    if categories is None:
        lines.append(f"categories: [package, {tag}]")
    elif categories is not False:
        lines.append(f"categories: {categories}")
    if meta is not False:
        meta = {"num_specs": len(specs)} if meta is None else meta
        lines.append("meta: " + json.dumps(meta))
    lines.extend(extra_lines)
    lines.append("spec_details: " + json.dumps(list(specs)))
    lines.append("---")
    return "\n".join(lines)


def write_page(root, rel: str, content) -> Path:
    """Write ``content`` (str or bytes) to ``root/rel``, creating directories."""
    path = Path(root) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def bump_mtime(path, seconds: int = 10) -> None:
    """Move a file's mtime back so a (size, mtime) check surely sees a change.

    Back, not forward: a stamp in the future is never trusted (it is not settled).
    """
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def problems_for(catalog, path) -> list:
    path = str(path)
    return [p for p in catalog.problems if p.path == path]
