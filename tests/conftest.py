"""Settings every test shares."""

from __future__ import annotations

import pytest

from cachetui.catalog.scan import discovery


@pytest.fixture(autouse=True)
def _no_settle_window(monkeypatch, request):
    """Tests write their trees and read them back within milliseconds.

    With the real two-second settle window nothing they wrote would ever be
    trusted, so a warm start would never be exercised. Tests of the window
    itself ask for it with ``@pytest.mark.settle_window``.
    """
    if request.node.get_closest_marker("settle_window") is None:
        monkeypatch.setattr(discovery, "SETTLE_NS", 0)


@pytest.fixture(autouse=True)
def _no_ttl(monkeypatch, request):
    """Every load checks the sources, unless a test is about the TTL (``@pytest.mark.ttl``).

    Tests change their trees between loads in ways the O(1) checks are
    documented not to see (a page edited in place); with the default 600 s TTL
    the second load would rightly trust the snapshot.
    """
    if request.node.get_closest_marker("ttl") is None:
        monkeypatch.setenv("CACHETUI_TTL", "0")
    factory = request.getfixturevalue("tmp_path_factory")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(factory.mktemp("xdg-config")))
    monkeypatch.setenv("XDG_DATA_HOME", str(factory.mktemp("xdg-data")))  # never a developer's synced site
