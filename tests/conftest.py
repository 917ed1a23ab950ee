"""Settings every test shares."""

from __future__ import annotations

import pytest

from cachetui.catalog import discovery


@pytest.fixture(autouse=True)
def _no_settle_window(monkeypatch, request):
    """Tests write their trees and read them back within milliseconds.

    With the real two-second settle window nothing they wrote would ever be
    trusted, so a warm start would never be exercised. Tests of the window
    itself ask for it with ``@pytest.mark.settle_window``.
    """
    if request.node.get_closest_marker("settle_window") is None:
        monkeypatch.setattr(discovery, "SETTLE_NS", 0)
