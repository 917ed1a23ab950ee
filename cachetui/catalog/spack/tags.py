"""Mirror tags and their order on the site."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .versions import bounded_int

LEGACY_TAG = "legacy"
_RELEASE = re.compile(r"^v?([0-9]+(?:\.[0-9]+)*)$")
_SNAPSHOT = re.compile(r"^develop-([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def tag_sort_key(tag: str) -> tuple[Any, ...]:
    """``develop`` first, releases newest first, weekly snapshots newest first, rest by name, legacy last."""
    if tag == "develop":
        return (0,)
    m = _RELEASE.match(tag)
    if m:
        return (1, tuple(-bounded_int(p) for p in m.group(1).split(".")))
    m = _SNAPSHOT.match(tag)
    if m:
        return (2, -int(m.group(1) + m.group(2) + m.group(3)))
    if tag == LEGACY_TAG:
        return (4, tag)
    return (3, tag)


def sort_tags(tags: Iterable[str]) -> list[str]:
    return sorted(tags, key=tag_sort_key)


def is_release(tag: str) -> bool:
    """``v0.23.0``, ``0.22.1``: a release tag."""
    return _RELEASE.match(tag) is not None


def is_snapshot(tag: str) -> bool:
    """``develop-2025-07-13``: a weekly snapshot tag."""
    return _SNAPSHOT.match(tag) is not None
