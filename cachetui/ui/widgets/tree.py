"""The package tree: tags -> packages, or packages -> tags, each node with its spec count.

A catalog can hold 100 tags x 1,300 packages, so nothing is built up front:
top-level entries are added in batches of ``TREE_BATCH`` (a "… N more" leaf
adds the next batch), and a node's children are only computed and added
when it is first expanded.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ..actions import TREE, bindings_for
from ..browse_model import BrowseModel
from ..safe import literal
from ..state import GROUP_BY_TAG, TREE_BATCH, QueryView, Selection, TreeEntry
from .scrollbars import settle_scrollbars


class PackageTree(Tree[TreeEntry]):
    """Tags and packages with spec counts; fills itself lazily from a ``BrowseModel``."""

    DEFAULT_CSS = """
    PackageTree {
        width: 36;
        border-top: solid $panel-lighten-2;
        border-title-align: left;
        scrollbar-size-vertical: 1;
        &:focus { border-top: heavy $accent; }
    }
    """

    BINDINGS = bindings_for(TREE)

    class _SelectionMessage(Message):
        def __init__(self, tree: PackageTree, selection: Selection) -> None:
            super().__init__()
            self.tree = tree
            self.selection = selection

        @property
        def control(self) -> PackageTree:
            return self.tree

    class SelectionChanged(_SelectionMessage):
        """The cursor moved to a tag, a package, or a package in a tag."""

    class SelectionOpened(_SelectionMessage):
        """Enter on a package: go to its specs."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("catalog", id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.model: BrowseModel | None = None
        self.view: QueryView | None = None
        self.grouping = GROUP_BY_TAG
        self._rest: dict = {}  # "more" leaf id -> (all entries of its parent, index of the next batch)
        self._filled: set = set()  # ids of nodes whose children were added

    # --- filling ------------------------------------------------------------------

    def show(self, model: BrowseModel, view: QueryView, grouping: str, keep: Selection | None = None) -> Selection:
        """Replace the contents with ``view``'s top-level entries; put the cursor on ``keep`` if listed.

        Returns the selection under the cursor afterwards.
        """
        self.model, self.view, self.grouping = model, view, grouping
        self._rest.clear()
        self._filled.clear()
        self.clear()
        entries = model.top_entries(view, grouping)
        if not entries:
            self.root.add_leaf(Text("no matches", style="italic"), None)
            self.cursor_line = 0
            settle_scrollbars(self)
            return Selection()
        self._add_batch(self.root, entries, 0, child_names_tag=False)
        landing = model.landing(view, grouping, keep)
        line = next((i for i, entry in enumerate(entries[:TREE_BATCH]) if entry.selection == landing), 0)
        self.cursor_line = line  # builds the lines: the virtual size is known from here
        settle_scrollbars(self)
        self.scroll_to_line(line)
        return entries[line].selection

    def _add_batch(
        self, parent: TreeNode, entries: list[TreeEntry], start: int, *, child_names_tag: bool
    ) -> TreeNode | None:
        """Add ``entries[start:start + TREE_BATCH]`` under ``parent``, and a "… N more" leaf if some are left."""
        first = None
        end = start + TREE_BATCH
        for entry in entries[start:end]:
            label = self._label(entry, names_tag=child_names_tag)
            node = parent.add(label, entry, allow_expand=entry.expandable)
            first = first or node
        if len(entries) > end:
            rest = len(entries) - end
            more = TreeEntry(None, None, 0, more=rest)
            label = Text(f"… {rest:,} more (enter shows them; or refine the query)", style="italic")
            leaf = parent.add_leaf(label, more)
            self._rest[leaf.id] = (entries, end, child_names_tag)
        return first

    @staticmethod
    def _label(entry: TreeEntry, *, names_tag: bool) -> Text:
        """``name count``: a tag child of a package names the tag, anything else its own kind."""
        name = entry.tag if entry.tag is not None and (entry.package is None or names_tag) else entry.package or ""
        label = literal(name)
        label.append(f" {entry.count:,}", style="dim")
        return label

    def _fill(self, node: TreeNode) -> None:
        """Add a top-level node's children the first time it is expanded."""
        entry = node.data
        if entry is None or not entry.expandable or node.id in self._filled or self.model is None or self.view is None:
            return
        self._filled.add(node.id)
        children = self.model.child_entries(self.view, entry)
        self._add_batch(node, children, 0, child_names_tag=entry.tag is None)

    def _show_more(self, leaf: TreeNode) -> None:
        entries, start, names_tag = self._rest.pop(leaf.id, (None, 0, False))
        parent = leaf.parent
        if entries is None or parent is None:
            return
        leaf.remove()
        first = self._add_batch(parent, entries, start, child_names_tag=names_tag)
        if first is not None:
            self.call_after_refresh(self.move_cursor, first)  # its line is known once the tree is rebuilt

    # --- events -------------------------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        self._fill(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        entry = event.node.data
        if entry is not None and entry.is_more:
            # Scrolling onto "… N more" adds the next batch, so j (or the arrow) just keeps going.
            self.call_after_refresh(self._show_more, event.node)
            return
        self.post_message(self.SelectionChanged(self, entry.selection if entry is not None else Selection()))

    @property
    def selection(self) -> Selection:
        node = self.cursor_node
        if node is None or node.data is None:
            return Selection()
        return node.data.selection

    # --- actions ------------------------------------------------------------------

    def action_open(self) -> None:
        """Enter: show more entries, open a package's specs, or expand/collapse a tag."""
        node = self.cursor_node
        if node is None or node.data is None:
            return
        entry = node.data
        if entry.is_more:
            self._show_more(node)
        elif entry.package is not None:
            self.post_message(self.SelectionOpened(self, entry.selection))
        elif node.allow_expand:
            node.toggle()

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.is_expanded and node.children:
            self.move_cursor(node.children[0])

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)
