"""The layers import downward only, the front ends use the engine's face, and nothing imports in a circle.

Checked from the source (every import, lazy and TYPE_CHECKING ones included), not by convention.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cachetui"

# The engine's folders, bottom to top; a module imports from its own folder or one listed before it.
# The root files (catalog.py, changes.py, check.py, loader.py) sit on top, and no folder imports them.
LAYERS = [
    ("spack", "procs"),
    ("store",),
    ("query", "sources"),
    ("scan", "remote"),
    ("snapshot",),
    ("<root>",),
]
# Modules of cachetui below the engine, which anything may import.
BOTTOM = {"cachetui", "cachetui.config", "cachetui.files", "cachetui.signals"}
FACE = "cachetui.catalog"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (``from . import x`` gives the module ``x`` where it is one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
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
            for alias in node.names:  # `from .scan import discovery`: the module discovery
                candidate = f"{module}.{alias.name}"
                if _exists(candidate):
                    found.add(candidate)
    return found


def _exists(module: str) -> bool:
    if not module.startswith("cachetui"):
        return False
    relative = Path(*module.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative / "__init__.py").exists()


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def floor_of(module: str) -> int | None:
    """The engine floor of a module of cachetui.catalog (None for the face and for modules outside it)."""
    parts = module.split(".")
    if parts[:2] != ["cachetui", "catalog"] or len(parts) < 3:
        return None
    folder = parts[2] if (PACKAGE / "catalog" / parts[2]).is_dir() else "<root>"
    return next(i for i, floor in enumerate(LAYERS) if folder in floor)


def test_the_engine_has_only_its_layer_folders_and_its_top_modules():
    top = sorted(p.name for p in (PACKAGE / "catalog").iterdir() if p.name != "__pycache__")
    folders = sorted(f for floor in LAYERS for f in floor if f != "<root>")
    assert top == sorted(
        [*folders, "__init__.py", "background.py", "catalog.py", "changes.py", "check.py", "loader.py"]
    )


def test_engine_imports_go_down_only():
    for module, path in all_modules().items():
        floor = floor_of(module)
        if floor is None:
            continue
        for imported in imports_of(path):
            assert not imported.startswith(("textual", "rich", "cachetui.ui", "cachetui.cli")), (module, imported)
            target = floor_of(imported)
            if imported == FACE:
                raise AssertionError(f"{module} imports the face {FACE}; import the module itself")
            if target is not None:
                assert target <= floor, f"{module} (floor {floor}) imports {imported} (floor {target})"
                same_folder = module.split(".")[2] == imported.split(".")[2]
                assert target < floor or same_folder or LAYERS[floor] == ("<root>",), (module, imported)


def test_front_ends_use_the_face_only():
    for module, path in all_modules().items():
        if not module.startswith(("cachetui.ui", "cachetui.cli", "cachetui.screenshots", "cachetui.site")):
            continue
        for imported in imports_of(path):
            if imported.startswith("cachetui.catalog"):
                assert imported == FACE, f"{module} imports {imported}: add the name to the face instead"
            if module.startswith("cachetui.ui"):
                assert not imported.startswith("cachetui.cli"), (module, imported)
            if module.startswith("cachetui.cli"):
                assert not imported.startswith(("textual", "rich")), (module, imported)


def test_the_face_names_only_what_it_imports():
    import cachetui.catalog as face

    assert all(hasattr(face, name) for name in face.__all__)


def test_no_import_cycles_between_modules_or_folders():
    modules = all_modules()
    graph = {
        m: {i for i in imports_of(p) if i in modules and i != m and not (m.startswith(i + ".") and i + "." in m)}
        for m, p in modules.items()
    }
    # A package's __init__ importing its own modules is its face, not a cycle: drop edges from a module
    # to the packages that contain it.
    for m in graph:
        graph[m] = {i for i in graph[m] if not m.startswith(i + ".")}
    assert _cycle(graph) is None

    def folder(m: str) -> str:
        parts = m.split(".")
        return ".".join(parts[:3]) if len(parts) > 3 else ".".join(parts[:2])

    folders: dict[str, set[str]] = {}
    for m, targets in graph.items():
        for t in targets:
            if folder(m) != folder(t) and not folder(m).startswith(folder(t) + "."):
                folders.setdefault(folder(m), set()).add(folder(t))
    engine = {
        k: {t for t in v if t.startswith("cachetui.catalog.")}
        for k, v in folders.items()
        if k.startswith("cachetui.catalog.")
    }
    assert _cycle(engine) is None


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, if it has any."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None
