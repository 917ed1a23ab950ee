"""The layers import downward only: catalog (no Textual) < ui, cli. Checked from the source, not by convention."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cachetui"


def imports_of(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
    return found


def test_catalog_imports_neither_textual_nor_the_layers_above():
    for path in (PACKAGE / "catalog").rglob("*.py"):
        for module in imports_of(path):
            assert not module.startswith(("textual", "rich", "cachetui.ui", "cachetui.cli")), (path.name, module)


def test_ui_does_not_import_the_cli():
    for path in (PACKAGE / "ui").rglob("*.py"):
        for module in imports_of(path):
            assert not module.startswith("cachetui.cli"), (path.name, module)


def test_cli_imports_textual_only_through_the_ui():
    for module in imports_of(PACKAGE / "cli.py"):
        assert not module.startswith(("textual", "rich")), module
