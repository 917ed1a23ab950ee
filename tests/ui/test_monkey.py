"""The browser never crashes on a key: random keys from the key registry, letters and control keys, on every
screen and dialog, at 80x24 and 160x45. After each key the app is still running and answering."""

from __future__ import annotations

import os
import random
import string
from pathlib import Path

import pytest
from browser_helpers import RecordingApp, open_tag_picker, settle

import cachetui.catalog.background as background
from cachetui.catalog import read_concrete
from cachetui.ui.actions import ACTIONS
from cachetui.ui.screens import TagPairScreen

QUITS = {k for a in ACTIONS if a.id == "leave" for k in a.keys.split(",")} | {"ctrl+q", "ctrl+c", "ctrl+z"}
REGISTRY = sorted({k for a in ACTIONS for k in a.keys.split(",") if k} - QUITS)
CONTROLS = ["ctrl+a", "ctrl+e", "ctrl+u", "ctrl+w", "ctrl+p", "ctrl+l", "backspace", "delete", "escape", "tab"]
CONTROLS += ["shift+tab", "enter", "space", "up", "down", "left", "right", "home", "end", "pageup", "pagedown"]
LETTERS = [
    *list(string.ascii_letters + string.digits),
    "at",
    "percent",
    "plus",
    "minus",
    "equals_sign",
    "circumflex_accent",
]
POOL = [k for k in REGISTRY + CONTROLS + LETTERS if k not in QUITS and k != "q"]
STEPS = int(os.environ.get("CACHETUI_MONKEY_STEPS", "60"))


async def _still_answering(pilot, app, history) -> None:
    await pilot.pause()
    assert app.is_running and app.return_code is None, history[-12:]
    assert getattr(app, "_exception", None) is None, history[-12:]
    assert app.screen is not None and app.screen.is_attached, history[-12:]


LOCK = Path(__file__).resolve().parents[1] / "fixtures" / "locks" / "v5-wrf.lock"


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_keys_on_every_screen_never_crash(make_app, size, seed):
    """Seed 3 starts from a checked environment (check --browse): its tree, the nearest screen, exports."""
    rng = random.Random(seed * 1000 + size[0])
    environment = read_concrete(str(LOCK)) if seed == 3 else None
    app: RecordingApp = make_app(environment=environment)
    history: list[str] = []
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for _ in range(STEPS):
            key = rng.choice(POOL)
            history.append(key)
            await pilot.press(key)
            await _still_answering(pilot, app, history)
        screens = {type(s).__name__ for s in app.screen_stack}
        assert screens  # a walk ends somewhere, still answering


async def test_j_and_k_in_the_tag_picker_move_the_highlight(make_app):
    """Tab, D, then j or k: a crash that exited with status 0."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tag_picker(pilot)
        options = app.screen.query_one("#tags-list")
        start = options.highlighted
        moves = {"j": 1, "k": -1}
        for key in ("k", "j", "j", "k") if start else ("j", "j", "k"):
            before = options.highlighted
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running and options.highlighted == before + moves[key]
        await pilot.press("enter", "j")  # A chosen; j moves in B's list as well
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, TagPairScreen) and app.screen.tag_a is not None


def test_a_crash_exits_non_zero(monkeypatch, sample_catalog):
    """Whatever fails inside the browser, the process does not report success."""
    from cachetui.ui import app as app_module

    async def boom(self) -> None:
        raise RuntimeError("a bug")

    real_run = app_module.CacheTuiApp.run
    monkeypatch.setattr(app_module.CacheTuiApp, "on_mount", boom)
    monkeypatch.setattr(app_module.CacheTuiApp, "run", lambda self: real_run(self, headless=True))
    with pytest.raises(SystemExit) as exited:
        app_module.run_browser([str(app_module.sample_catalog_path())], cache_dir=None, use_cache=False)
    assert exited.value.code == 1


async def test_a_thousand_bad_keys_in_the_config_are_one_notice_and_the_browser_answers(make_app):
    app = make_app(config={"keys": {f"bad{i}": "x" for i in range(1000)}})
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        notes = [n for n in app.notes if "[keys]" in n]
        assert notes == [
            "config.toml [keys]: 1000 unknown actions ('bad0', 'bad1', 'bad2' and 997 more); cachetui keys lists them"
        ]
        await pilot.press("z")
        await settle(pilot)
        assert app.browser.search.input.value == "z"


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_question_mark_opens_the_help_from_every_screen_in_one_key(make_app, size):
    from cachetui.ui.screens import HelpScreen

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        starts = [[], ["tab"], ["tab", "tab"], ["tab", "tab", "enter"], ["tab", "p"], ["tab", "D"]]
        for keys in starts:
            while app.screen is not app.browser:
                app.pop_screen()
            app.browser.search.input.focus()
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), (keys, type(app.screen).__name__)
            assert app.browser.search.input.value == ""  # the ? was not typed into the query


async def test_keys_typed_while_the_browser_starts_are_the_query(tmp_path):
    """`cachetui` then at once `zlib` over a slow link: every key after Enter arrives, in order."""
    from cachetui.catalog import sample_catalog_path

    app = RecordingApp(sources=[sample_catalog_path()], cache_dir=str(tmp_path), environ={}, config={})
    async with app.run_test(size=(80, 24)) as pilot:
        for key in "zlib":
            await pilot.press(key)  # while the catalog is still loading
        for _ in range(200):
            await pilot.pause(0.02)
            if not app.loading and not app.busy:
                break
        await settle(pilot)
        assert app.browser.search.input.value == "zlib"
        assert "zlib" in [str(label).split()[0] for label in (n.label for n in app.browser.package_tree.root.children)]


async def test_moving_keys_typed_while_loading_act_in_order_once_the_catalog_is_shown(tmp_path, monkeypatch):
    """`zlib`, tab, j while the catalog loads: the query is zlib, then the tree has focus, then j moves in it."""
    import threading

    from cachetui.catalog import sample_catalog_path

    gate = threading.Event()
    real = background.load_catalog

    def gated(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(background, "load_catalog", gated)
    app = RecordingApp(sources=[sample_catalog_path()], cache_dir=str(tmp_path), environ={}, config={})
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"zlib", "tab", "j")
        assert app.loading
        gate.set()
        for _ in range(300):
            await pilot.pause(0.02)
            if not app.loading and app.focused is app.browser.package_tree:
                break
        await settle(pilot)
        assert app.browser.search.input.value == "zlib"
        assert app.focused is app.browser.package_tree
        assert app.browser.package_tree.cursor_line == 1  # j moved once
