"""Spack version ordering and matching.

The site sorts versions as strings (``1.14.6`` before ``1.8.23``); Spack users
expect numeric order, with ``develop``/``main``-style versions above releases.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_SEGMENT = re.compile(r"[0-9]+|[a-zA-Z]+")
# Spack's "infinity" versions, highest first: they sort above any release.
_INFINITY = {"develop": 4, "main": 3, "master": 2, "head": 1, "trunk": 1, "stable": 0}


@lru_cache(maxsize=65536)
def version_key(version: str) -> tuple[Any, ...]:
    """Sort key that orders versions the way Spack does."""
    lowered = version.lower()
    if lowered in _INFINITY:
        return (2, _INFINITY[lowered])
    parts = []
    for seg in _SEGMENT.findall(version):
        if seg.isdigit():
            # (digit count, digits) orders numbers exactly without int(), which refuses
            # the 5,000-digit numbers a hostile page can hold.
            digits = seg.lstrip("0")
            parts.append((1, len(digits), digits))
        else:
            low = seg.lower()
            parts.append((2, _INFINITY[low], "") if low in _INFINITY else (0, 0, low))
    return (1, tuple(parts))


def bounded_int(digits: str) -> int:
    """The value of a run of ASCII digits, capped at 10**18 (plus its length, to stay ordered).

    Python refuses to convert numbers of over 4,300 digits; page strings may hold them.
    """
    significant = digits.lstrip("0")
    if len(significant) <= 18:
        return int(significant or "0")
    return 10**18 + len(significant)


def _components(version: str) -> list[str]:
    """Spack compares a version's numbers as numbers: ``1.07.1`` is ``1.7.1``."""
    return [(seg.lstrip("0") or "0") if seg.isdigit() else seg.lower() for seg in _SEGMENT.findall(version)]


def version_in_prefix(version: str, prefix: str) -> bool:
    """True if ``version`` equals ``prefix`` or extends it by whole components.

    Spack's ``@1.14`` means ``1.14`` and every ``1.14.x``, but not ``1.140``.
    """
    if version == prefix:
        return True
    want = _components(prefix)
    have = _components(version)
    return bool(want) and have[: len(want)] == want


class VersionRange:
    """A Spack version constraint: ``1.14``, ``=1.14.6``, ``1.10:1.14``, ``:2``, ``3:``."""

    __slots__ = ("exact", "high", "low", "ranged", "text")

    def __init__(self, text: str):
        self.text = text
        self.exact = text.startswith("=")
        body = text[1:] if self.exact else text
        self.ranged = ":" in body and not self.exact
        if self.ranged:
            low, _, high = body.partition(":")
            self.low, self.high = low or None, high or None
        else:
            self.low = self.high = body

    def matches(self, version: str) -> bool:
        if self.exact:
            return version == self.low or (self.low is not None and version_key(version) == version_key(self.low))
        if not self.ranged:
            return self.low is not None and version_in_prefix(version, self.low)
        key = version_key(version)
        if self.low is not None and key < version_key(self.low):
            return False
        if self.high is not None and key > version_key(self.high):
            # The upper bound is inclusive of its own sub-versions (1.14.9 <= :1.14).
            return version_in_prefix(version, self.high)
        return True

    def __repr__(self) -> str:
        return f"VersionRange({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VersionRange) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)
