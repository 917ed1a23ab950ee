"""Every key of the browser, described once: the help screen is generated from this list."""

from __future__ import annotations

KEY_HELP: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Moving around",
        [
            ("/", "focus the search bar"),
            ("tab / shift+tab", "cycle panes: search, tree, spec table"),
            ("up down, j k", "move in the tree or the spec table"),
            ("pgup pgdn, home end", "spec table: a page, the first or the last spec (of every match: no cap)"),
            ("right left, l h", "tree: expand / collapse a node (or go to its parent); table: scroll sideways"),
            (
                "enter",
                "search bar: go to the results; tree: open a package's specs, expand a tag; "
                "table: open the spec (pick it in pick mode)",
            ),
            ("space", "table: show all fields of the spec; tree: expand / collapse"),
            ("esc", "clear the search, or go back (spec -> table -> tree -> search)"),
            ("g", "toggle grouping: tags -> packages / packages -> tags"),
            ("s / r", "sort the spec table by the next column / reverse the order"),
            ("D", "compare two tags: pick A, then B; only added (+) and removed (-) specs are shown; D again stops"),
            ("H", "only specs that run on this machine (or --host), or all again; ✓ marks them in the table"),
        ],
    ),
    (
        "Copying (OSC 52, tmux paste buffer, and a notification showing the text)",
        [
            ("y", "copy the spec's full hash"),
            ("Y", "copy /hash7 (the short form Spack accepts)"),
            ("i", "copy  spack install --use-buildcache only /<hash>"),
            ("m", "copy the tag's  spack mirror add ...  command"),
        ],
    ),
    (
        "Other",
        [
            ("p", "list pages that could not be read"),
            ("?  or  f1", "this help"),
            ("ctrl+p", "command palette (every action by name)"),
            ("q  or  ctrl+q", "quit"),
        ],
    ),
]

QUERY_HELP: list[tuple[str, str]] = [
    ("cmake", "fuzzy package name (best matches first)"),
    ("@3.30  @=3.30.5  @3.20:3.30", "version prefix, exact version, range"),
    ("%gcc  %gcc@13", "compiler, optionally with a version"),
    ("+ssl  ~cuda  build_type=Release", "variants (as in Spack)"),
    ("os=ubuntu22.04  target=x86_64_v3  platform=linux", "platform, OS, target (* globs allowed)"),
    ("arch=linux-ubuntu22.04-x86_64_v3", "all three at once"),
    ("tag=develop  stack=e4s", "mirror tag, CI stack"),
    ("/abc12", "hash prefix: jumps to that spec and lists the tags it is in"),
]
