"""A checked environment (``cachetui check FILE --browse``): its specs as a tree, and one spec against its nearest.

Invariants: every node says in words what it is (``cached``, ``MISSING``, ``external``, ``build-only``),
never by colour alone; a dependency's node is made when its parent is opened, so a deep DAG costs
only what is looked at; strings from the file and the catalog are literal text.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from cachetui.catalog import CHECK_FIELDS, CheckReport, ConcreteSpec, Host, Nearest, Spec, SpecCheck, cached_binaries

from ..actions import ENVIRONMENT, bindings_for, key_hints
from ..copy_actions import CopyActions
from ..safe import literal, plain
from .dialog import DialogScreen
from .export import ExportScreen
from .spec import SpecScreen

DIFFERS = "*"  # before a field that differs from the user's spec (the highlight is a second cue)


def status_word(check: SpecCheck) -> str:
    if check.spec.is_external:
        return "external"
    if check.cached:
        return "cached"
    return "MISSING" if check.needed else "build-only"


def node_label(check: SpecCheck) -> Text:
    """``cached    hdf5@1.14.3 /abc1234 (root)  runs here  in develop, v0.23.0``: the word first, then the spec,
    whether it runs here, and where its binary is (or what its nearest differs in) last, where a narrow
    screen cuts it."""
    spec = check.spec
    text = Text(f"{status_word(check):<10}", style="bold" if check.missing else "")
    text.append_text(literal(f"{spec.label} /{spec.hash[:7]}"))
    if spec.root:
        text.append(" (root)", style="bold")
    if check.runs_here is not None:
        text.append("  runs here" if check.runs_here else "  not here")
    if spec.is_external:
        text.append_text(literal(f"  at {spec.external}", style="dim"))
    elif check.cached:
        tags = check.tags
        text.append_text(
            literal("  in " + ", ".join(tags[:3]) + (f" and {len(tags) - 3} more" if len(tags) > 3 else ""))
        )
    elif check.nearest:
        best = check.nearest[0]
        text.append_text(literal(f"  nearest /{best.spec.short_hash} {best.text()}", style="dim"))
    else:
        text.append("  no binary of this package", style="dim")
    return text


class EnvironmentScreen(CopyActions, DialogScreen[None]):
    """The environment's roots; opening one shows its dependencies. Enter: the spec (its nearest binaries)."""

    DEFAULT_CSS = """
    EnvironmentScreen {
        & #env-box { max-width: 100%; max-height: 100%; }
        & #env-summary { height: auto; margin-bottom: 1; }
        & #env-tree { height: 1fr; background: $surface; }
    }
    """
    BINDINGS = [*DialogScreen.BINDINGS, *bindings_for(ENVIRONMENT)]

    def __init__(self, report: CheckReport, host: Host | None = None) -> None:
        super().__init__()
        self.report = report
        self.host = host
        self._checks = {c.spec.hash: c for c in report.checks}

    def compose(self) -> ComposeResult:
        with Vertical(id="env-box", classes="dialog") as box:
            box.border_title = f"environment {plain(self.report.environment.path)}"
            keymap = getattr(self.app, "keymap", None)
            box.border_subtitle = "enter: the spec · space/right: its dependencies · " + key_hints(
                ("export", "copy_hash", "close"), keymap
            )
            yield Static(self._summary(), id="env-summary", markup=False)
            tree: Tree[SpecCheck] = Tree(Text(self.report.environment.kind), id="env-tree")
            tree.auto_expand = False
            tree.show_root = False
            yield tree

    def _summary(self) -> Text:
        text = Text(self.report.summary(), style="bold")
        missing = self.report.missing
        if missing:
            text.append("\nfirst to look at: ")
            text.append_text(literal(", ".join(f"{c.spec.label} /{c.spec.hash[:7]}" for c in missing[:4])))
        return text

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        tree = self.query_one("#env-tree", Tree)
        tree.clear()
        for check in self.report.checks:
            if check.spec.root:
                self._add(tree.root, check)
        tree.root.expand()
        tree.cursor_line = 0
        tree.focus()

    def _add(self, parent: TreeNode[SpecCheck], check: SpecCheck) -> None:
        label, opens = node_label(check), bool(check.spec.dependencies)
        if not opens:  # where the others have their arrow: the words line up
            label = Text("  ") + label
        parent.add(label, data=check, allow_expand=opens)

    def update_report(self, report: CheckReport) -> None:
        """The catalog changed: the same environment checked again."""
        self.report = report
        self._checks = {c.spec.hash: c for c in report.checks}
        self.query_one("#env-summary", Static).update(self._summary())
        self._fill()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[SpecCheck]) -> None:
        event.stop()
        node = event.node
        if node.data is None or node.children:
            return
        for _, digest, _ in node.data.spec.dependencies:
            check = self._checks.get(digest)
            if check is not None:
                self._add(node, check)

    def on_tree_node_selected(self, event: Tree.NodeSelected[SpecCheck]) -> None:
        event.stop()
        if event.node.data is not None:
            self.open(event.node.data)

    def open(self, check: SpecCheck) -> None:
        if check.cached:
            self.app.push_screen(SpecScreen(check.binaries[0], host=self.host))
        else:
            self.app.push_screen(NearestScreen(check))

    def _highlighted(self) -> SpecCheck | None:
        node = self.query_one("#env-tree", Tree).cursor_node
        return node.data if node is not None else None

    def current_spec(self) -> Spec | None:
        check = self._highlighted()
        return check.binaries[0] if check is not None and check.cached else None

    def _spec_with_hash(self) -> Spec | None:
        check = self._highlighted()
        if check is not None and not check.cached:
            self._warn(f"{plain(check.spec.label)} is {status_word(check)}: no binary to copy; enter shows why.")
            return None
        return super()._spec_with_hash()

    def action_export(self) -> None:
        """e: the environment's cached specs, for Spack."""
        cached = list(cached_binaries(self.report))
        if not cached:
            self.notify("No spec of this environment is cached: nothing to export.", severity="warning", markup=False)
            return
        self.app.push_screen(ExportScreen(cached, "cached"))

    def action_scroll_down(self) -> None:
        self.query_one("#env-tree", Tree).action_cursor_down()

    def action_scroll_up(self) -> None:
        self.query_one("#env-tree", Tree).action_cursor_up()


def comparison(check: SpecCheck) -> Table:
    """The user's spec beside its nearest binaries, a row per field; a differing field is marked and bold."""
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("yours")
    for other in check.nearest:
        table.add_column(Text.assemble(f"/{other.spec.short_hash} in ", literal(other.spec.tag)))
    spec = check.spec
    for name in CHECK_FIELDS:
        cells: list[Text] = [Text(name), literal(_mine(spec, name), clip=None)]
        for other in check.nearest:
            cells.append(_theirs(other, name))
        table.add_row(*cells)
    return table


def _mine(spec: ConcreteSpec, name: str) -> str:
    if name == "variants":
        return " ".join(spec.variants)
    if name == "dependencies":
        deps = spec.dependencies
        if not deps:
            return "none"
        return f"{len(deps)} ({', '.join(n for n, _, _ in deps[:6])}{', ...' if len(deps) > 6 else ''})"
    return str(getattr(spec, name))


def _theirs(other: Nearest, name: str) -> Text:
    if name not in other.differs:
        if name == "dependencies" and not other.dependencies_known:
            return Text("unknown (a page lists no dependencies)", style="dim")
        return Text("same", style="dim")
    mine, theirs = other.differs[name]
    text = Text(f"{DIFFERS} ", style="bold")
    if name not in ("variants", "dependencies"):
        text.append_text(literal(theirs, style="bold reverse", clip=None))
        return text
    word = _short_dep if name == "dependencies" else str  # lists of variants, or of name/hash
    ours = " ".join(word(v) for v in mine) if isinstance(mine, list) else ""
    value = " ".join(word(v) for v in theirs) if isinstance(theirs, list) else ""
    text.append_text(literal(value or "(none)", style="bold reverse", clip=None))
    text.append_text(literal(f" (yours: {ours or '(none)'})", style="dim", clip=None))
    return text


def _short_dep(value: object) -> str:
    name, _, digest = str(value).partition("/")
    return f"{name}/{digest[:7]}"


class NearestScreen(DialogScreen[None]):
    """A spec no source has: its fields beside the nearest binaries of its package, what differs marked."""

    DEFAULT_CSS = """
    NearestScreen {
        & #nearest-box { max-width: 100%; }
        & #nearest-head { height: auto; margin-bottom: 1; }
        & #nearest-table { height: auto; }
    }
    """

    def __init__(self, check: SpecCheck) -> None:
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        check, spec = self.check, self.check.spec
        with VerticalScroll(id="nearest-box", classes="dialog") as box:
            box.border_title = f"{plain(spec.label)} /{spec.hash[:7]}: not in any source"
            box.border_subtitle = key_hints(("close",), getattr(self.app, "keymap", None))
            head = Text.assemble(("hash ", "bold"), literal(spec.hash), "\n", ("why ", "bold"))
            if not check.nearest:
                head.append_text(literal(f"no source has a binary of {spec.name}: Spack builds it from source"))
            else:
                head.append(
                    f"no binary has this hash; the nearest of {len(check.nearest)} differ where marked {DIFFERS}"
                )
            if not check.needed:
                head.append("\nonly a build dependency of cached specs: installing from the cache does not need it")
            yield Static(head, id="nearest-head", markup=False)
            if check.nearest:
                yield Static(comparison(check), id="nearest-table", markup=False)
