"""Chosen binaries written out for Spack: a ``spack.yaml`` of ``/hash`` pins, a shell script, or JSON Lines.

Invariants: every shell word goes through ``command_lines`` (a value a shell line must not carry drops
its line and says so in a comment of fixed text); the YAML is written by PyYAML's safe dumper, so any
tag or URL is quoted as YAML needs; JSON is 7-bit clean; a spec without a hash, or an install tree's,
is left out and counted in the header. The formats are declared once, in ``EXPORTS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .command_lines import command_line, install_command, mirror_of
from .records import Spec


@dataclass(frozen=True)
class Export:
    name: str  # what --export takes and the browser offers
    suffix: str  # the file name the browser proposes: "spack.yaml", "install.sh", "specs.jsonl"
    summary: str
    write: Callable[[Sequence[Spec]], str]


def installable(specs: Sequence[Spec]) -> tuple[list[Spec], int]:
    """(specs with a hash that are binaries, one per hash in the order given; how many were not such)."""
    usable = [s for s in specs if s.hash and s.kind == "binary"]
    first: dict[str | None, Spec] = {}
    for spec in usable:
        first.setdefault(spec.hash, spec)  # the first of each hash, in the order given
    kept = list(first.values())
    return kept, len(specs) - len(usable)


def _mirrors(specs: Sequence[Spec]) -> dict[str, str]:
    found: dict[str, str] = {}
    for spec in specs:
        mirror = mirror_of(spec.tag, spec.source)
        if mirror:
            found.setdefault(*mirror)
    return found


def spack_yaml(specs: Sequence[Spec]) -> str:
    """An environment whose specs are the binaries' hashes, with the mirrors that hold them."""
    import yaml

    kept, left_out = installable(specs)
    doc: dict[str, object] = {
        "spack": {
            "specs": ["/" + str(s.hash) for s in kept],
            "mirrors": _mirrors(kept),
            "concretizer": {"reuse": True},
        }
    }
    head = f"# {len(kept)} binaries chosen with cachetui, pinned by hash"
    if left_out:
        head += f"; {left_out} left out (no hash, or not a binary)"
    return head + "\n" + yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)


def shell_script(specs: Sequence[Spec]) -> str:
    """``spack mirror add`` for each mirror, the keys, then ``spack install --use-buildcache only /HASH``."""
    kept, left_out = installable(specs)
    lines = ["#!/bin/sh", f"# {len(kept)} binaries chosen with cachetui, installed from their build caches only"]
    if left_out:
        lines.append(f"# {left_out} left out (no hash, or not a binary)")
    lines.append("set -eu")
    for name, url in _mirrors(kept).items():
        add = command_line("spack", "mirror", "add", name, url)
        lines.append(f"{add} || true  # already added is fine" if add else "# a mirror left out: unsafe characters")
    lines.append(command_line("spack", "buildcache", "keys", "--install", "--trust") or "")
    for spec in kept:
        lines.append(install_command(spec.hash) or "# a spec left out: unsafe characters")
    return "\n".join(lines) + "\n"


def json_lines(specs: Sequence[Spec]) -> str:
    """One ``--json`` spec object per line, as ``find --json`` writes them."""
    return "".join(json.dumps(s.to_dict(), ensure_ascii=True) + "\n" for s in specs)


EXPORTS: tuple[Export, ...] = (
    Export("spack.yaml", "spack.yaml", "an environment: /hash pins and their mirrors", spack_yaml),
    Export("script", "install.sh", "a shell script: mirror add, keys, install from caches", shell_script),
    Export("jsonl", "specs.jsonl", "one JSON object per spec, as find --json", json_lines),
)
EXPORT_NAMES = tuple(e.name for e in EXPORTS)


def export(specs: Sequence[Spec], name: str) -> str:
    """The specs in the format ``name`` (one of ``EXPORT_NAMES``)."""
    for entry in EXPORTS:
        if entry.name == name:
            return entry.write(specs)
    raise ValueError(f"unknown export format {name!r} (one of {', '.join(EXPORT_NAMES)})")
