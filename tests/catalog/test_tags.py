"""Mirror tags: site order and the mirror command."""

from __future__ import annotations

from cachetui.catalog import LEGACY_TAG, mirror_add_command, sort_tags


def test_site_order():
    tags = [
        "develop-2024-06-09",
        LEGACY_TAG,
        "v0.22.1",
        "develop",
        "other",
        "v0.23.0",
        "develop-2025-07-13",
        "v0.9.0",
        "v1.0",
    ]
    assert sort_tags(tags) == [
        "develop",
        "v1.0",
        "v0.23.0",
        "v0.22.1",
        "v0.9.0",
        "develop-2025-07-13",
        "develop-2024-06-09",
        "other",
        LEGACY_TAG,
    ]


def test_mirror_add_command():
    assert mirror_add_command("develop-2025-07-13") == (
        "spack mirror add spack-build-cache-develop-2025-07-13 https://binaries.spack.io/develop-2025-07-13"
    )
    assert mirror_add_command(LEGACY_TAG) is None
    assert mirror_add_command("") is None
