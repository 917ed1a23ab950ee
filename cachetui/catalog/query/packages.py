"""Ranked package-name search: exact, then prefix, then substring, then fuzzy."""

from __future__ import annotations

EXACT = 100.0  # score of an exact name match
PREFIX = 90.0  # lowest score of a name that starts with the text
FUZZY_CUTOFF = 66
FUZZY_LIMIT = 40


class PackageIndex:
    def __init__(self, names: list[str]):
        self.names = names  # sorted, unique
        self._lower = [name.lower() for name in names]
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def search(self, text: str, limit: int | None = None) -> list[tuple[str, float]]:
        """(name, score) best first; score 100 for exact, 90+ prefix, 80+ substring, else fuzzy."""
        text = " ".join(text.lower().split())
        if not text:
            return [(name, 0.0) for name in self.names[:limit]]
        hit = self._cache.get(text)
        if hit is None:
            hit = self._search(text)
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[text] = hit
        return hit[:limit] if limit else hit

    def _search(self, text: str) -> list[tuple[str, float]]:
        scored: dict[int, float] = {}
        for i, name in enumerate(self._lower):
            if name == text:
                scored[i] = EXACT
            elif name.startswith(text):
                scored[i] = PREFIX + 9.0 * len(text) / len(name)
            elif text in name:
                scored[i] = 80.0 + 9.0 * len(text) / len(name)
        if len(text) >= 3:
            from rapidfuzz import fuzz, process, utils  # imported on the first fuzzy search, not at start

            # Plain edit-distance ratio for typos ("opnempi" -> openmpi); word-set ratio when
            # several words are typed ("py numpy"). WRatio's partial matching ranks short
            # unrelated names ("nem") above the intended one.
            scorer = fuzz.token_set_ratio if " " in text else fuzz.ratio
            for _, score, i in process.extract(
                text,
                self._lower,
                scorer=scorer,
                processor=utils.default_process,
                score_cutoff=FUZZY_CUTOFF,
                limit=FUZZY_LIMIT,
            ):
                if i not in scored:
                    scored[i] = min(score, 100.0) * 0.79  # always below substring matches
        ranked = sorted(scored.items(), key=lambda item: (-item[1], len(self.names[item[0]]), self.names[item[0]]))
        return [(self.names[i], score) for i, score in ranked]

    def closest(self, text: str, limit: int = 5) -> list[str]:
        """Suggestions for an unknown name (looser than search)."""
        found = [name for name, _ in self.search(text, limit)]
        if len(found) < limit:
            from rapidfuzz import fuzz, process

            for _, _, i in process.extract(text.lower(), self._lower, scorer=fuzz.ratio, limit=limit, score_cutoff=50):
                real = self.names[i]
                if real not in found:
                    found.append(real)
        return found[:limit]
