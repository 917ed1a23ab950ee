"""The terminal browser (Textual) over the catalog engine.

``run_browser`` is the CLI's entry point; ``CacheTuiApp`` is the app itself
(tests pass a pre-loaded catalog with ``catalog=``). Both are imported lazily,
so ``python -m cachetui.ui.app`` (and the loader's worker processes, which
re-import the main module) do not import the app module twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import CacheTuiApp, run_browser

__all__ = ["CacheTuiApp", "run_browser"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
