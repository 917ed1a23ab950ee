"""Mirror tags and their order on the site."""

from __future__ import annotations

import datetime as _dt
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


# When each Spack release was made (its CHANGELOG's headings), newest version first: the site lists
# releases by version, so a patch release of an old series comes before a newer series' first release.
RELEASE_DATES: tuple[tuple[str, str], ...] = (
    ("v1.0.0", "2025-07-20"),
    ("v0.23.1", "2025-02-19"),
    ("v0.23.0", "2024-11-13"),
    ("v0.22.5", "2025-03-06"),
    ("v0.22.4", "2025-02-18"),
    ("v0.22.3", "2024-11-18"),
    ("v0.22.2", "2024-09-21"),
    ("v0.22.1", "2024-07-04"),
    ("v0.22.0", "2024-05-12"),
    ("v0.21.3", "2024-10-02"),
    ("v0.21.2", "2024-02-14"),
    ("v0.21.1", "2024-01-12"),
    ("v0.21.0", "2023-11-11"),
    ("v0.20.3", "2023-10-31"),
    ("v0.20.2", "2023-10-03"),
    ("v0.20.1", "2023-07-10"),
    ("v0.20.0", "2023-05-21"),
    ("v0.19.2", "2023-04-04"),
    ("v0.19.1", "2023-02-07"),
    ("v0.19.0", "2022-11-11"),
    ("v0.18.1", "2022-07-19"),
    ("v0.18.0", "2022-05-28"),
    ("v0.17.3", "2022-07-14"),
    ("v0.17.2", "2022-04-13"),
    ("v0.17.1", "2021-12-23"),
    ("v0.17.0", "2021-11-05"),
    ("v0.16.3", "2021-09-21"),
    ("v0.16.2", "2021-05-22"),
    ("v0.16.1", "2021-02-22"),
    ("v0.16.0", "2020-11-18"),
)
_RELEASE_DATE = {tag.lstrip("v"): _dt.date.fromisoformat(day) for tag, day in RELEASE_DATES}


def tag_date(tag: str) -> _dt.date | None:
    """When a tag's binaries were built: a snapshot's date, a release's (``RELEASE_DATES``), else None."""
    m = _SNAPSHOT.match(tag)
    if m:
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:  # develop-2025-13-40
            return None
    m = _RELEASE.match(tag)
    return _RELEASE_DATE.get(m.group(1)) if m else None


def time_key(tag: str) -> tuple[Any, ...]:
    """Oldest first: legacy pages, then tags of unknown date (by name), then by date, ``develop`` last."""
    if tag == "develop":
        return (3,)
    day = tag_date(tag)
    if day is not None:
        return (2, day, tag)
    return (0,) if tag == LEGACY_TAG else (1, tag)


def sort_tags(tags: Iterable[str]) -> list[str]:
    return sorted(tags, key=tag_sort_key)


def is_release(tag: str) -> bool:
    """``v0.23.0``, ``0.22.1``: a release tag."""
    return _RELEASE.match(tag) is not None


def is_snapshot(tag: str) -> bool:
    """``develop-2025-07-13``: a weekly snapshot tag."""
    return _SNAPSHOT.match(tag) is not None
