"""Which binaries run on which CPU, by archspec's microarchitecture ancestry.

A binary built for target T runs on a machine whose CPU is T or a descendant
of T in archspec's graph: a ``zen3`` machine runs ``zen3``, ``zen2``, ``zen``,
``x86_64_v3``, ``x86_64_v2`` and ``x86_64`` binaries, but not ``x86_64_v4`` or
``zen4`` ones. ``spack buildcache list`` compares target *names* instead, which
hides the ``x86_64_v3`` binaries from a ``zen3`` host; this module is the exact
answer. archspec (the Spack project's own library) is imported on first use.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


class UnknownTarget(ValueError):
    """A target name archspec does not know; the message suggests close names."""


@dataclass(frozen=True)
class Host:
    """A machine as Spack names it: ``linux-ubuntu22.04-zen3``. Platform and OS may be unknown (None)."""

    target: str
    platform: str | None = None
    os: str | None = None

    def __str__(self) -> str:
        if self.platform is None or self.os is None:
            return self.target
        return f"{self.platform}-{self.os}-{self.target}"


def targets() -> Mapping[str, Any]:
    """archspec's microarchitectures by name."""
    import archspec.cpu

    table: Mapping[str, Any] = archspec.cpu.TARGETS
    return table


def check_target(name: str) -> str:
    """``name`` if archspec knows it, else UnknownTarget naming it and the closest known names."""
    if name in targets():
        return name
    close = difflib.get_close_matches(name, list(targets()), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else " (see 'cachetui arch --json' for this machine's)"
    raise UnknownTarget(f"unknown target '{name}'{hint}")


@lru_cache(maxsize=1024)
def runs_on(host_target: str) -> frozenset[str]:
    """Targets whose binaries run on ``host_target``: itself and its ancestors."""
    target = targets().get(host_target)
    if target is None:
        return frozenset({host_target})
    return frozenset({host_target, *(a.name for a in target.ancestors)})


def ancestors(name: str) -> list[str]:
    """archspec's ancestors of a target, nearest first (empty for an unknown name)."""
    target = targets().get(name)
    return [a.name for a in target.ancestors] if target is not None else []


def in_range(name: str, low: str | None, high: str | None) -> bool:
    """Spack's ``target=low:high``: ``name`` is ``low`` or descends from it, and is ``high`` or an ancestor of it."""
    if name not in targets():
        return False
    if low is not None and low not in runs_on(name):
        return False
    return high is None or name in runs_on(high)


def parse_host(text: str) -> Host:
    """``platform-os-target`` or a target alone; ValueError says what is wrong or missing."""
    parts = text.split("-")
    if len(parts) == 1:
        return Host(check_target(parts[0]))
    if len(parts) != 3 or not all(parts):
        raise ValueError(
            f"host= takes platform-os-target (linux-ubuntu22.04-zen3) or a target alone (zen3), not '{text}'"
        )
    return Host(check_target(parts[2]), parts[0], parts[1])


def why_not(platform: str, os_: str, target: str, host: Host) -> str | None:
    """None if a binary built for (platform, os, target) runs on ``host``; else the reason, in one line."""
    if host.platform is not None and platform != host.platform:
        return f"built for {platform}; this machine is {host.platform}"
    if host.os is not None and os_ != host.os:
        return f"built for {os_}; this machine runs {host.os}"
    known = targets()
    if target in runs_on(host.target):
        return None
    if target not in known:
        return f"target {target} is not known to archspec, so it cannot be said to run here"
    if host.target not in known:
        return f"this machine's target {host.target} is not known to archspec"
    built, here = known[target], known[host.target]
    if built.family != here.family:
        return f"built for {built.family.name} ({target}); this machine is {here.family.name} ({host.target})"
    missing = _features(set(built.features) - set(here.features))
    if missing:
        return f"needs {target} ({missing}); this machine is {host.target}"
    return f"needs {target}, which {host.target} does not descend from"


def _features(names: set[str]) -> str:
    """A short list of CPU features: the AVX-512 family as one word, at most five names."""
    folded = sorted({"avx512" if n.startswith("avx512") else n for n in names})
    shown = ", ".join(folded[:5])
    return shown + (f" and {len(folded) - 5} more" if len(folded) > 5 else "")
