"""Facet counts over a set of specs: what the detail pane and `show` summarise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..spack.versions import version_key

if TYPE_CHECKING:
    from ..store.spec_store import SpecStore


@dataclass(frozen=True)
class Summary:
    num_specs: int
    versions: dict[str, int]  # newest first
    compilers: dict[str, int]
    platforms: dict[str, int]
    oss: dict[str, int]
    targets: dict[str, int]
    arches: dict[str, int]  # "platform-os-target"
    stacks: dict[str, int]
    total_size: int | None

    def to_dict(self) -> dict[str, object]:
        return {
            "num_specs": self.num_specs,
            "versions": self.versions,
            "compilers": self.compilers,
            "platforms": self.platforms,
            "oss": self.oss,
            "targets": self.targets,
            "arches": self.arches,
            "stacks": self.stacks,
            "total_size": self.total_size,
        }


def _counts(store: SpecStore, name: str, rows: np.ndarray) -> Counter[Any]:
    table = store.tables[name].items
    ids = store.columns[name][rows]
    counts = np.bincount(ids, minlength=0)
    nonzero = np.flatnonzero(counts)
    return Counter({table[i]: int(counts[i]) for i in nonzero.tolist()})


def _by_count(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def summarize(store: SpecStore, rows: np.ndarray) -> Summary:
    rows = np.asarray(rows, dtype=np.int64)
    versions = _counts(store, "version", rows)
    stacks: Counter[str] = Counter()
    for stack_set, count in _counts(store, "stacks", rows).items():
        for stack in stack_set:
            stacks[stack] += count
    t = store.tables
    n_os, n_target = len(t["os"]), len(t["target"])
    arch_key = (
        store.columns["platform"][rows].astype(np.int64) * n_os + store.columns["os"][rows]
    ) * n_target + store.columns["target"][rows]
    arch_counts = np.bincount(arch_key) if len(rows) else np.zeros(0, np.int64)
    arches: Counter[str] = Counter()
    for key in np.flatnonzero(arch_counts).tolist():
        p, rest = divmod(key, n_os * n_target)
        o, g = divmod(rest, n_target)
        arches[f"{t['platform'].items[p]}-{t['os'].items[o]}-{t['target'].items[g]}"] = int(arch_counts[key])
    sizes = store.size[rows]
    known = sizes[sizes >= 0]
    return Summary(
        num_specs=len(rows),
        versions=dict(sorted(versions.items(), key=lambda kv: version_key(kv[0]), reverse=True)),
        compilers=_by_count(_counts(store, "compiler", rows)),
        platforms=_by_count(_counts(store, "platform", rows)),
        oss=_by_count(_counts(store, "os", rows)),
        targets=_by_count(_counts(store, "target", rows)),
        arches=_by_count(arches),
        stacks=_by_count(stacks),
        # Summed as floats: int64 would wrap around on a few absurd sizes (3 x 2**62).
        total_size=int(known.sum(dtype=np.float64)) if len(known) else None,
    )
