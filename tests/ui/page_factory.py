"""Write small synthetic build-cache pages for UI tests (hostile strings, huge pages, many packages)."""

from __future__ import annotations

import hashlib
import json
import os

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def fake_hash(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(ALPHABET[b % 32] for b in digest[:32])


def spec(seed: str, **fields) -> dict:
    base = {
        "hash": fake_hash(seed),
        "compiler": "gcc@=11.4.0",
        "versions": ["1.0"],
        "os": "ubuntu22.04",
        "platform": "linux",
        "target": "x86_64_v3",
        "variants": ["+mpi"],
        "stacks": ["root"],
        "size": "-",
    }
    base.update(fields)
    return base


def write_page(
    root,
    tag: str,
    package: str,
    specs: list[dict],
    *,
    title: str | None = None,
    categories_yaml: str | None = None,
    dirname: str | None = None,
) -> str:
    """Write ``root/<tag>/<package>/specs.md`` in the site generator's layout (JSON values per line)."""
    directory = os.path.join(str(root), dirname or tag, package if dirname is None else "")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "specs.md")
    title_value = json.dumps(title if title is not None else package)
    categories = categories_yaml or f"[package, {tag}]"
    meta = {"num_specs": len(specs)}
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("---\n")
        handle.write(f"title: {title_value}\n")
        handle.write("layout: cache\n")
        handle.write(f"categories: {categories}\n")
        handle.write(f"meta: {json.dumps(meta)}\n")
        handle.write(f"spec_details: {json.dumps(specs)}\n")
        handle.write("---\n")
    return path
