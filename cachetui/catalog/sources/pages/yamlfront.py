"""YAML front matter, loaded safely: a SafeLoader that also refuses anchors and aliases.

Kept apart from the page reader so that PyYAML is imported only for the rare
page that is not in the generator's one-JSON-value-per-line layout.
"""

from __future__ import annotations

from typing import Any

import yaml

FIRST_LINE = 2  # file line number of the front matter's first line (after the opening '---')


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases, so a YAML bomb costs nothing."""

    error: type[Exception] = ValueError

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
        line = event.start_mark.line + FIRST_LINE if event.start_mark is not None else "?"
        if isinstance(event, yaml.AliasEvent):
            raise self.error(f"YAML aliases are not allowed (line {line})")
        if getattr(event, "anchor", None):  # nodes do not keep their anchor: check the event
            raise self.error(f"YAML anchors are not allowed (line {line})")
        node: yaml.Node | None = super().compose_node(parent, index)  # type: ignore[arg-type]  # stubs say Node
        return node


def load_front_matter(text: str, error: type[Exception]) -> Any:
    """The YAML document in ``text``; anchors and aliases raise ``error`` (yaml.YAMLError for the rest)."""
    loader = type("_Loader", (_NoAliasLoader,), {"error": error})
    return yaml.load(text, Loader=loader)
