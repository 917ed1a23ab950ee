"""Every key of the browser, declared once.

Each ``Action`` names its binding id (what a user remaps in ``config.toml``),
its default keys, where it applies, and how it is described. Everything else
is generated from ``ACTIONS``: each widget's and screen's ``BINDINGS``
(``bindings_for``), the footer (``show``), the help screen (``help_sections``,
with the keys as remapped), the command palette (``palette_actions``) and the
set of single-letter actions hidden while the search bar has focus.

Remapping goes through Textual's keymap (``App.set_keymap``, binding ids to
keys), so a remapped key works, shows in the footer and in the help, in every
place its action applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType

# Where an action applies: the widget or screen whose BINDINGS hold it.
BROWSER = "browser"  # the main screen, whatever has focus on it
SEARCH = "search"  # the query input
TREE = "tree"  # the package tree
TABLE = "table"  # the spec table
SPEC = "spec"  # the spec screen (one spec's fields)
DIALOG = "dialog"  # help, problems and the tag picker
TAGS = "tags"  # the tag picker
PICK_LIST = "pick list"  # the tag picker's list (``widgets.PickList``)
ENVIRONMENT = "environment"  # a checked environment (``cachetui check FILE --browse``)

SCOPE_NAMES = {
    BROWSER: "",
    SEARCH: "search bar",
    TREE: "tree",
    TABLE: "table",
    SPEC: "spec screen",
    DIALOG: "dialogs",
    TAGS: "tag picker",
    PICK_LIST: "tag list",
    ENVIRONMENT: "environment",
}

MOVING = "Moving around"
MARKING = "Marking and exporting"
COPYING = "Copying (OSC 52, tmux paste buffer, and a notification showing the text)"
OTHER = "Other"
SECTIONS = (MOVING, MARKING, COPYING, OTHER)  # the help screen's order


@dataclass(frozen=True)
class Action:
    """One user action: binding id, default keys, where it applies, and its words."""

    id: str  # the binding id: unique, and the name a user remaps in config.toml
    keys: str  # Textual key names, comma-separated ("" = palette only)
    where: tuple[str, ...]  # scopes (see above) whose BINDINGS hold it
    description: str  # short: footer and palette
    help: str  # a line of the help screen ("" = not listed)
    section: str = MOVING
    action: str = ""  # the Textual action the binding runs; default: the id without its scope prefix
    show: bool = False  # in the footer
    palette: str = ""  # its name in the command palette ("" = not offered there)
    priority: bool = False  # run as Textual takes the key from its queue: for keys that move focus

    @property
    def action_name(self) -> str:
        return self.action or self.id.rsplit(".", 1)[-1]


ACTIONS: tuple[Action, ...] = (
    # --- moving around ---------------------------------------------------------
    Action(
        "focus_search",
        "slash",
        (BROWSER,),
        "Search",
        "focus the search bar",
        show=True,
        palette="Focus search",
        priority=True,
    ),
    Action("clear_search", "", (BROWSER,), "Clear search", "", palette="Clear search"),
    Action(
        "focus_results", "down", (SEARCH,), "Results", "go to the results (like enter)", action="screen.focus_results"
    ),
    Action(
        "back",
        "escape",
        (BROWSER,),
        "Back",
        "clear the search, or go back (table -> tree -> search)",
        show=True,
        priority=True,
    ),
    Action(
        "focus_next",
        "tab",
        (BROWSER,),
        "Panes",
        "cycle panes: search, tree, spec table",
        action="app.focus_next",
        priority=True,
    ),
    Action("tree.cursor_down", "j", (TREE,), "Down", "next node (down arrow too)"),
    Action("tree.cursor_up", "k", (TREE,), "Up", "previous node (up arrow too)"),
    Action("tree.expand", "right,l", (TREE,), "Expand", "expand a node"),
    Action("tree.collapse", "left,h", (TREE,), "Collapse", "collapse a node, or go to its parent"),
    Action("tree.open", "enter", (TREE,), "Open", "open a package's specs, expand a tag"),
    Action("table.cursor_down", "down,j", (TABLE,), "Down", "next spec"),
    Action("table.cursor_up", "up,k", (TABLE,), "Up", "previous spec"),
    Action("table.page_down", "pagedown", (TABLE,), "Page down", "a page down"),
    Action("table.page_up", "pageup", (TABLE,), "Page up", "a page up"),
    Action("table.first", "home", (TABLE,), "First", "the first spec"),
    Action("table.last", "end", (TABLE,), "Last", "the last spec, of every match (no cap)"),
    Action("table.scroll_left", "left,h", (TABLE,), "Left", "scroll sideways, a column at a time"),
    Action("table.scroll_right", "right,l", (TABLE,), "Right", "scroll sideways, a column at a time"),
    Action("table.choose", "enter", (TABLE,), "Open", "open the spec (pick it in pick mode)"),
    Action(
        "table.details",
        "space",
        (TABLE,),
        "Fields",
        "all fields of the highlighted spec above the table, following the cursor; space again: the summary",
        palette="Show the spec's fields above the table",
    ),
    Action("table.sort_next", "s", (TABLE,), "Sort", "sort by the next column", palette="Sort specs by next column"),
    Action("table.sort_reverse", "r", (TABLE,), "Reverse", "reverse the order", palette="Reverse spec order"),
    Action(
        "toggle_grouping",
        "g",
        (BROWSER,),
        "Group",
        "grouping: tags -> packages / packages -> tags",
        show=True,
        palette="Toggle grouping",
    ),
    Action(
        "compare_tags",
        "D",
        (BROWSER,),
        "Diff",
        "compare two tags: pick A, then B; only added (+) and removed (-) specs; D again stops",
        palette="Compare two tags",
    ),
    Action(
        "toggle_every",
        "a",
        (BROWSER,),
        "All",
        "every match in one table, across tags and packages; a again: the selected one",
        palette="Show every match",
    ),
    Action(
        "toggle_here",
        "H",
        (BROWSER,),
        "Runs here",
        "only specs that run on this machine (or --host), or all again; ✓ marks them",
        palette="Toggle runs here",
    ),
    Action("spec.choose", "enter", (SPEC,), "Pick", "pick mode: pick this spec; else open the dependency"),
    Action("scroll_down", "j,down", (SPEC, DIALOG), "Down", "scroll down"),
    Action("scroll_up", "k,up", (SPEC, DIALOG), "Up", "scroll up"),
    Action("close", "escape", (SPEC, DIALOG), "Back", "close, back to the browser", show=True),
    # --- copying -----------------------------------------------------------------
    Action(
        "copy_hash",
        "y",
        (BROWSER, SPEC, ENVIRONMENT),
        "Hash",
        "copy the spec's full hash",
        section=COPYING,
        show=True,
        palette="Copy full hash",
    ),
    Action(
        "copy_short_hash",
        "Y",
        (BROWSER, SPEC, ENVIRONMENT),
        "/hash7",
        "copy /hash7 (the short form Spack accepts)",
        section=COPYING,
        palette="Copy /hash7",
    ),
    Action(
        "copy_install",
        "i",
        (BROWSER, SPEC, ENVIRONMENT),
        "Install",
        "copy  spack install --use-buildcache only /<hash>",
        section=COPYING,
        show=True,
        palette="Copy spack install command",
    ),
    Action(
        "copy_mirror",
        "m",
        (BROWSER, SPEC, ENVIRONMENT),
        "Mirror",
        "copy the tag's  spack mirror add ...  command",
        section=COPYING,
        show=True,
        palette="Copy spack mirror add command",
    ),
    # --- marking and exporting -----------------------------------------------------------
    Action(
        "table.toggle_mark",
        "x",
        (TABLE,),
        "Mark",
        "mark or unmark the spec, then go to the next one; marks stay while you search on",
        section=MARKING,
        palette="Mark or unmark the spec",
    ),
    Action("clear_marks", "X", (BROWSER,), "Unmark all", "unmark every spec", section=MARKING, palette="Unmark all"),
    Action(
        "export",
        "e",
        (BROWSER, ENVIRONMENT),
        "Export",
        "write the marked specs (a checked environment: its cached ones) as spack.yaml, a script or JSON Lines",
        section=MARKING,
        palette="Export marked specs",
    ),
    Action(
        "show_environment",
        "E",
        (BROWSER,),
        "Environment",
        "the environment given to check --browse: cached, missing, nearest binaries",
        section=MARKING,
        palette="Show the checked environment",
    ),
    # --- other ---------------------------------------------------------------------
    Action(
        "show_problems",
        "p",
        (BROWSER,),
        "Problems",
        "list pages that could not be read",
        section=OTHER,
        palette="Show problems",
    ),
    Action(
        "help",
        "question_mark,f1",
        (BROWSER, SPEC, DIALOG),
        "Help",
        "this help (press again to close)",
        section=OTHER,
        action="app.help",
        show=True,
        palette="Help",
    ),
    Action(
        "search.help",
        "question_mark",
        (SEARCH,),
        "Help",
        "",  # listed once, as "help": ? opens it from the search bar too (no query term has a ?)
        action="app.help",
        priority=True,
    ),
    Action("pick.cursor_down", "down", (PICK_LIST,), "Down", "", action="cursor_down"),
    Action("pick.cursor_up", "up", (PICK_LIST,), "Up", "", action="cursor_up"),
    Action("pick.page_down", "pagedown", (PICK_LIST,), "Page down", "", action="page_down"),
    Action("pick.page_up", "pageup", (PICK_LIST,), "Page up", "", action="page_up"),
    Action("pick.first", "home", (PICK_LIST,), "First", "", action="first"),
    Action("pick.last", "end", (PICK_LIST,), "Last", "", action="last"),
    Action("pick.pick", "enter", (PICK_LIST,), "Pick", "pick the highlighted tag", action="pick"),
    Action(
        "tags.filter",
        "slash",
        (TAGS,),
        "Filter",
        "type to narrow the tags (enter picks the highlighted one, down goes back to the list)",
        action="filter",
        priority=True,  # it moves focus: the letters typed right after it are the filter's (no tag holds a /)
    ),
    Action(
        "leave",
        "q",
        (BROWSER, SPEC, DIALOG),
        "Quit",
        "quit (ctrl+q too, even while typing)",
        section=OTHER,
        action="app.leave",
        show=True,
    ),
)

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}
assert len(BY_ID) == len(ACTIONS), "action ids must be unique"

KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def key_display(keys: str) -> str:
    """``question_mark,f1`` -> ``? f1``: how the help screen writes keys."""
    return " ".join(KEY_NAMES.get(key.strip(), key.strip()) for key in keys.split(",") if key.strip())


def bindings_for(scope: str) -> list[BindingType]:
    """The ``BINDINGS`` of the widget or screen that ``scope`` names, with ids for the keymap.

    The keys that move focus (``/``, esc, tab) are priority bindings: Textual
    runs them as it takes the key from its queue, before handing later keys to
    the focused widget, so in a burst (keys typed during an SSH lag) ``/`` has
    moved the focus to the search bar before the letters after it are
    delivered. The others run in order with the keys before them (``end`` then
    ``y`` copies the last spec's hash). ``/`` still types in the search bar:
    its action declines there (``check_action``) and the key goes on.
    """
    return [
        Binding(
            action.keys,
            action.action_name,
            action.description,
            show=action.show,
            id=action.id,
            priority=action.priority,
        )
        for action in ACTIONS
        if scope in action.where and action.keys
    ]


def is_letter_key(key: str) -> bool:
    """A key that types a character (a letter, a digit or ``/``) when the search bar has focus."""
    return len(key) == 1 or key in ("slash", "question_mark", "space")


def letter_actions(keymap: Mapping[str, str] | None = None) -> frozenset[str]:
    """Browser actions whose keys would all type text: hidden from the footer while typing."""
    names = set()
    for action in ACTIONS:
        keys = effective_keys(action, keymap)
        if BROWSER in action.where and keys and all(is_letter_key(k.strip()) for k in keys.split(",")):
            names.add(action.action_name.rsplit(".", 1)[-1])  # check_action gets the name without "app."
    return frozenset(names)


def effective_keys(action: Action, keymap: Mapping[str, str] | None = None) -> str:
    return (keymap or {}).get(action.id, action.keys)


def help_sections(keymap: Mapping[str, str] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(keys, what they do)]) for the help screen, with remapped keys."""
    sections: dict[str, list[tuple[str, str]]] = {title: [] for title in SECTIONS}
    for action in ACTIONS:
        keys = effective_keys(action, keymap)
        if not action.help or not keys:
            continue
        where = ", ".join(SCOPE_NAMES[s] for s in action.where if SCOPE_NAMES[s])
        scope = "" if BROWSER in action.where else f"{where}: "
        sections[action.section].append((key_display(keys), scope + action.help))
    sections[OTHER].append(("ctrl+p", "command palette (every action by name)"))
    return [(title, rows) for title, rows in sections.items() if rows]


def palette_actions(keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(palette name, action to run on the browser screen, help with the key) for the command palette."""
    entries = []
    for action in ACTIONS:
        if not action.palette:
            continue
        keys = effective_keys(action, keymap)
        hint = f" ({key_display(keys)})" if keys else ""
        target = action.action_name
        description = action.help or action.description
        help_text = description[:1].upper() + description[1:] + hint
        entries.append((action.palette, target, "" if help_text == action.palette else help_text))
    return entries


class KeymapProblem(ValueError):
    """A ``[keys]`` entry of the config file that cannot be applied."""


def keymap_from_config(config: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """The ``[keys]`` table of config.toml as a Textual keymap, and a line per entry left out.

    ``copy_hash = "c"`` or ``"table.sort_next" = "o,ctrl+o"``: an action id to
    the keys (Textual key names, comma-separated) that replace its defaults.
    """
    table = config.get("keys", {})
    if not isinstance(table, Mapping):
        return {}, ['config.toml: [keys] must be a table of action = "key"']
    keymap: dict[str, str] = {}
    unknown: list[str] = []
    empty: list[str] = []
    for name, keys in table.items():
        cleaned = ",".join(k.strip() for k in keys.split(",") if k.strip()) if isinstance(keys, str) else ""
        if name not in BY_ID:
            unknown.append(name)
        elif cleaned:
            keymap[name] = cleaned
        else:
            empty.append(name)
    problems = []
    if len(unknown) == 1:
        problems.append(f"config.toml [keys]: no action named {unknown[0]!r} (cachetui keys lists them)")
    elif unknown:
        problems.append(
            f"config.toml [keys]: {len(unknown)} unknown actions ({_some(unknown)}); cachetui keys lists them"
        )
    if empty:
        what = empty[0] if len(empty) == 1 else f"{len(empty)} actions ({_some(empty)})"
        problems.append(f"config.toml [keys]: {what} must be a non-empty string of keys")
    problems.extend(_clashes(keymap))
    return keymap, problems


def _some(names: list[str], shown: int = 3) -> str:
    """The first few names, quoted, and how many more."""
    first = ", ".join(repr(n[:40]) for n in names[:shown])
    return first + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _clashes(keymap: Mapping[str, str]) -> list[str]:
    """A remapped key that another action of the same place already has: only one of them would run."""
    found = []
    for scope in SCOPE_NAMES:
        owners: dict[str, list[str]] = {}
        for action in ACTIONS:
            if scope in action.where:
                for key in effective_keys(action, keymap).split(","):
                    if key:
                        owners.setdefault(key, []).append(action.id)
        for key, ids in owners.items():
            if len(ids) > 1 and any(i in keymap for i in ids):
                where = SCOPE_NAMES[scope] or "browser"
                found.append(
                    f"config.toml [keys]: {key_display(key)} is bound to {' and '.join(ids)} ({where}); the first wins"
                )
    return found


def action_table(keymap: Mapping[str, str] | None = None) -> Iterable[tuple[str, str, str, str]]:
    """(id, keys, where, help) of every remappable action, for ``cachetui keys`` and the docs."""
    for action in ACTIONS:
        if not action.keys:
            continue
        where = ", ".join(SCOPE_NAMES[s] or "browser" for s in action.where)
        yield action.id, effective_keys(action, keymap), where, action.help or action.description


def key_hints(ids: Iterable[str], keymap: Mapping[str, str] | None = None) -> str:
    """``y hash · Y /hash7 · esc back``: the first key of each action and its short name, for a border."""
    parts = []
    for action_id in ids:
        action = BY_ID[action_id]
        keys = key_display(effective_keys(action, keymap)).split()
        if keys:
            parts.append(f"{keys[0]} {action.description.lower()}")
    return " · ".join(parts)


def markdown_table(keymap: Mapping[str, str] | None = None) -> str:
    """The README's key table (``python -m cachetui.ui.actions`` prints it; a test keeps the README in step)."""
    lines = ["| keys | where | action | id (for `[keys]`) |", "| --- | --- | --- | --- |"]
    for action in ACTIONS:
        keys = effective_keys(action, keymap)
        if not keys or not action.help:
            continue
        where = ", ".join(SCOPE_NAMES[s] or "browser" for s in action.where)
        shown = " ".join(f"`{k}`" for k in key_display(keys).split())
        text = action.help.replace("|", "\\|")
        lines.append(f"| {shown} | {where} | {text} | `{action.id}` |")
    lines.append("| `ctrl+p` | browser | command palette: every action by name | |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
