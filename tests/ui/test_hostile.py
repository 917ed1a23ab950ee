"""Hostile pages: markup and terminal control sequences in page strings are shown literally.

Titles, versions, compilers, OS names, variants, stacks, tags and paths may carry
Rich/Textual markup (``[bold]``, ``[@click=app.quit]``, ``[link=...]``) or escape
sequences (ESC [2J, OSC 52, OSC 0). None may style the screen, run an action or
reach the terminal as control: the tree, the table, the summary, the spec screen,
the problems view and notifications all show them as text.
"""

from __future__ import annotations

import os

import pytest
from browser_helpers import RecordingApp, dialog_text, open_tag_picker, query_in_table, screen_text, settle, type_query
from page_factory import spec, write_page

from cachetui.catalog import load_catalog
from cachetui.ui.screens import ProblemsScreen, SpecScreen
from cachetui.ui.widgets.tree import PackageTree

ESC = "\x1b"
EVIL_TITLE = "[bold]evil[/bold] [@click=app.quit]quit[/]" + ESC + "[2J"
EVIL_COMPILER = "gcc@=11[bold]x[/bold]" + ESC + "[2J"
EVIL_VERSION = "1.0[link=https://evil.example]click[/link]"
EVIL_OS = "ubuntu22.04" + ESC + "]52;c;ZXZpbA==\x07"
EVIL_VARIANTS = ["+mpi", "[@click=app.quit]boom[/]", ESC + "]0;pwned\x07title"]
EVIL_TAG = "[b]tag" + ESC + "[2J"


@pytest.fixture(scope="module")
def hostile_catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    write_page(
        root,
        "develop",
        "evil",
        [
            spec(
                "evil-1",
                compiler=EVIL_COMPILER,
                versions=[EVIL_VERSION],
                os=EVIL_OS,
                variants=EVIL_VARIANTS,
                stacks=["[red]stack[/red]"],
            ),
        ],
        title=EVIL_TITLE,
    )
    write_page(root, "x", "weird", [spec("weird-1")], categories_yaml='["package", "[b]tag\\e[2J"]', dirname="weirdtag")
    broken = os.path.join(str(root), "develop", "[red]broken[/red]")
    os.makedirs(broken)
    with open(os.path.join(broken, "specs.md"), "w") as handle:
        handle.write("---\ntitle: broken\n")
    return load_catalog([str(root)], use_cache=False)


def assert_no_control(text: str) -> None:
    assert ESC not in text and "\x07" not in text and "\x9b" not in text


async def test_hostile_strings_are_literal_everywhere(hostile_catalog, tmux):
    assert EVIL_TITLE in hostile_catalog.packages and EVIL_TAG in hostile_catalog.tags
    app = RecordingApp(catalog=hostile_catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        await type_query(pilot, "evil")
        text = screen_text(app)
        assert_no_control(text)
        # Tree label and summary title: the markup is visible text, the ESC a visible escape.
        assert "[bold]evil[/bold] [@click=app.quit]quit[/]\\x1b[2J" in text
        # Summary and table: compiler, version, OS, variants, stacks.
        assert "gcc@=11[bold]x[/bold]\\x1b[2J" in text
        assert "1.0[link=https://evil.example]click[/link]" in text
        assert "ubuntu22.04\\x1b]52;c;ZXZpbA==\\x07" in text
        assert "[red]stack[/red]" in text

        # Clicking the labels that carry [@click=app.quit] must not quit.
        tree_row = app.browser.package_tree.region.y
        await pilot.click(PackageTree, offset=(4, 0))
        await pilot.click(app.browser.table, offset=(2, 1))
        await settle(pilot)
        assert app.is_running and app.return_value is None

        # The spec screen shows every field literally too.
        app.browser.table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen)
        spec_text = dialog_text(app)
        assert_no_control(screen_text(app))
        assert "[@click=app.quit]boom[/]" in spec_text
        assert "\\x1b]0;pwned\\x07title" in spec_text
        await pilot.press("escape")
        assert tree_row == app.browser.package_tree.region.y


async def test_hostile_tag_in_tree_and_refused_in_mirror_command(hostile_catalog, tmux):
    app = RecordingApp(catalog=hostile_catalog, environ={"TMUX": "x"}, tmux_loader=tmux)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert_no_control(text)
        assert "[b]tag\\x1b[2J" in text  # a top-level tag node
        await type_query(pilot, "weird")
        app.browser.table.focus()
        await pilot.press("m")
        assert app.clipboard == ""  # not put into a shell command
        message = app.notes[-1]
        assert "no command line should carry; nothing copied" in message and ESC not in message
        await pilot.press("y")  # the hash itself is fine
        assert app.clipboard == app.browser.table.current_spec.hash
        app.copier.wait()
        assert tmux.buffers == [app.clipboard]
        assert_no_control(screen_text(app))  # notifications included


async def test_hostile_path_in_problems_view(hostile_catalog):
    app = RecordingApp(catalog=hostile_catalog, environ={})
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        app.browser.package_tree.focus()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        text = dialog_text(app)
        assert "[red]broken[/red]/specs.md: front matter never closed" in text
        assert app.is_running


async def test_huge_page_stays_responsive(tmp_path):
    """A 20,000-spec page: every row is in the table, newest first, and End reaches the last."""
    specs = [
        spec(
            f"big-{i}",
            versions=[f"1.{i % 50}.{i % 7}"],
            compiler=f"gcc@={9 + i % 5}.1.0",
            variants=[f"+v{i % 3}", f"opt={i % 11}"],
        )
        for i in range(20_000)
    ]
    path = write_page(tmp_path, "develop", "bigpkg", specs)
    assert os.path.getsize(path) > 4_000_000
    catalog = load_catalog([str(tmp_path)], use_cache=False)
    app = RecordingApp(catalog=catalog, environ={})
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await type_query(pilot, "bigpkg")
        assert app.browser.table.row_count == 20_000
        # The first rows are the newest versions of the whole page, not just the first rows read.
        assert app.browser.table.specs[0].version.startswith("1.49")
        app.browser.table.focus()
        await pilot.press("end")
        await settle(pilot)
        last = app.browser.table.current_spec
        assert last is not None and last.short_hash in screen_text(app)
        assert "20,000/20,000" in screen_text(app)
        await type_query(pilot, "bigpkg %gcc@13 +v1 opt=4")
        expected = catalog.query("bigpkg %gcc@13 +v1 opt=4").count
        assert 0 < expected < 20_000 and app.browser.table.row_count == expected
        assert f"/{expected:,} ·" in screen_text(app)


@pytest.fixture(scope="module")
def acting_catalog(tmp_path_factory):
    """Strings that act: a tag that is a shell command, invisible characters, a huge title, combining marks."""
    root = tmp_path_factory.mktemp("acting")
    write_page(root, "$(touch /tmp/x)", "shellish", [spec("shellish-1")], dirname="shelltag")
    write_page(root, "develop", "zw", [spec("zw-1")], title="hdf5\u200b")
    write_page(root, "develop", "long", [spec("long-1")], title="long" + "x" * 200_000)
    write_page(root, "develop", "marks", [spec("marks-1")], title="ma" + "\u0301" * 12 + "rks\u2764\ufe0f")
    return load_catalog([str(root)], use_cache=False)


async def test_a_tag_that_is_a_command_is_quoted_in_the_pane_and_the_copy(acting_catalog, tmux):
    import shlex

    app = RecordingApp(catalog=acting_catalog, environ={"TMUX": "x"}, tmux_loader=tmux)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "shellish")
        await pilot.press("m")
        assert shlex.split(app.clipboard) == [
            "spack",
            "mirror",
            "add",
            "spack-build-cache-$(touch /tmp/x)",
            "https://binaries.spack.io/$(touch /tmp/x)",
        ]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen)
        assert "'spack-build-cache-$(touch /tmp/x)' 'https://binaries.spack.io/$(touch /tmp/x)'" in dialog_text(app)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_invisible_huge_and_combining_labels_stay_visible_and_inside_their_panes(acting_catalog, tmux, size):
    app = RecordingApp(catalog=acting_catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await type_query(pilot, "")
        app.browser.package_tree.focus()
        await pilot.press("g")  # packages at the top of the tree
        await settle(pilot)
        text = screen_text(app)
        assert "hdf5\\u200b" in text  # never printed exactly like "hdf5"
        assert "ma\\u0301\\u0301" in text  # combining marks shown, not stacked on one cell
        width = size[0]
        for line in text.splitlines():
            assert len(line) <= width
        # The pane borders stay in one column on every line.
        columns = {line.find("▏") for line in text.splitlines()[:-1] if "▏" in line}  # not the footer
        assert len(columns) == 1
        await query_in_table(pilot, "long")
        assert "…" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen)  # the spec screen has the whole title


async def test_hostile_tags_in_the_tag_picker_the_diff_counter_and_the_tree_title(hostile_catalog, tmux):
    from browser_helpers import pick_tag

    app = RecordingApp(catalog=hostile_catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await open_tag_picker(pilot)
        await pick_tag(pilot, EVIL_TAG)
        prompt = screen_text(app)
        assert_no_control(prompt)
        assert "B: the tag to compare [b]tag\\x1b[2J with (newer)" in prompt
        await pick_tag(pilot, "develop")
        await settle(pilot)
        text = screen_text(app)
        assert_no_control(text)
        assert "diff [b]tag\\x1b[2J → develop" in text  # the tree's title: neither bold nor a cleared screen
        assert "[b]tag\\x1b[2J → develop: +" in text  # the counter
        assert app.is_running


async def test_a_dependency_without_a_binary_is_named_literally_in_its_notice(tmp_path, tmux):
    """Enter on a dependency the cache has no binary of: the notice shows its name as text, not as control."""
    import json
    import sys
    from pathlib import Path

    from cachetui.ui.screens import SpecScreen

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from make_index import dag_hash, node

    arch = {"platform": "linux", "platform_os": "ubuntu22.04", "target": "x86_64"}
    evil_name = "zlib" + ESC + "]52;c;ZXZpbA==\x07" + ESC + "[2J"
    dep_hash, top_hash = dag_hash("evil-dep"), dag_hash("top")
    installs = {
        dep_hash: {
            "spec": node(8, evil_name, "1.0", arch, {}, [], None, False),
            "ref_count": 1,
            "in_buildcache": False,
        },
        top_hash: {
            "spec": node(8, "top", "2.0", arch, {}, [(evil_name, dep_hash, ["link"], [])], None, False),
            "ref_count": 0,
            "in_buildcache": True,
        },
    }
    mirror = tmp_path / "m" / "build_cache"
    mirror.mkdir(parents=True)
    (mirror / "index.json").write_text(json.dumps({"database": {"version": "8", "installs": installs}}))
    catalog = load_catalog([str(tmp_path / "m")], use_cache=False)
    app = RecordingApp(catalog=catalog, environ={}, tmux_loader=tmux)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        await query_in_table(pilot, "top")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SpecScreen)
        app.screen.query_one("OptionList").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.notes and app.notes[-1].endswith("has no binary in this catalog.")
        assert_no_control(app.notes[-1])
        assert "\\x1b]52;c;ZXZpbA==" in app.notes[-1]
        assert_no_control(screen_text(app))
