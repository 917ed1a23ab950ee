"""The screenshot script drives the real app over the bundled sample."""

from __future__ import annotations

import cachetui.screenshots as screenshots


async def test_main_screenshot_shows_a_query_and_its_specs(tmp_path):
    shot = next(s for s in screenshots.SHOTS if s.name == "main.svg")
    path = await screenshots.take(shot, str(tmp_path))
    with open(path, encoding="utf-8") as handle:
        svg = handle.read()
    assert svg.startswith("<svg")
    for text in ("cmake", "os=ubuntu22.04", "28", "specs", "match", "platform-os-target"):
        assert text in svg, text


def test_every_screenshot_has_a_distinct_name():
    names = [s.name for s in screenshots.SHOTS]
    assert len(names) == len(set(names)) and "main.svg" in names
