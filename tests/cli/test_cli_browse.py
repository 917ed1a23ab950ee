"""browse / pick / default command, with a stand-in for cachetui.ui.app (no Textual here),
and the error handling of main(): one line, --debug traceback, exit codes."""

import sys
import types

import pytest

from cachetui.catalog import sample_catalog_path


@pytest.fixture
def fake_ui(monkeypatch):
    calls = []
    module = types.ModuleType("cachetui.ui.app")
    module.result = None
    module.error = None
    module.notices = []
    module.environments = []
    module.loads = []

    def run_browser(
        sources, *, cache_dir, use_cache, pick=False, host=None, notice=None, ascii=None, environment=None, load=None
    ):
        calls.append({"sources": list(sources), "cache_dir": cache_dir, "use_cache": use_cache, "pick": pick})
        load.cancel()  # the stand-in UI shows nothing; the load was started for the same catalog
        module.loads.append((load.sources, load.cache_dir, load.use_cache))
        module.environments.append(environment)
        module.notices.append(notice)
        if module.error is not None:
            raise module.error
        return module.result

    module.run_browser = run_browser
    module.calls = calls
    monkeypatch.setitem(sys.modules, "cachetui.ui.app", module)
    import cachetui.cli.commands.browse

    monkeypatch.setattr(
        cachetui.cli.commands.browse, "attach_terminal", lambda: None
    )  # the stand-in UI needs no terminal
    return module


def test_no_arguments_browses_the_sample(cli, fake_ui, cache_dir):
    run = cli()
    assert run.code == 0 and run.out == ""
    assert fake_ui.calls == [
        {"sources": [sample_catalog_path()], "cache_dir": str(cache_dir), "use_cache": True, "pick": False}
    ]
    # The catalog's load was started before the UI, for the same sources and cache.
    assert fake_ui.loads == [([sample_catalog_path()], str(cache_dir), True)]


def test_positional_paths_and_browse_command(cli, fake_ui, tmp_path, monkeypatch):
    a, find_dir = tmp_path / "a", tmp_path / "find"
    a.mkdir()
    find_dir.mkdir()
    assert cli(str(a), "--no-cache").code == 0
    assert fake_ui.calls[-1]["sources"] == [str(a)] and fake_ui.calls[-1]["use_cache"] is False
    assert fake_ui.loads[-1][0] == [str(a)] and fake_ui.loads[-1][2] is False
    monkeypatch.chdir(tmp_path)
    assert cli("browse", "find").code == 0  # a path named like a command
    assert fake_ui.calls[-1]["sources"] == ["find"]
    assert cli("-C", str(a), "browse", str(find_dir)).code == 0
    assert fake_ui.calls[-1]["sources"] == [str(a), str(find_dir)]


def test_environment_catalog_for_browse(cli, fake_ui, tmp_path, monkeypatch):
    monkeypatch.setenv("CACHETUI_CATALOG", str(tmp_path))
    assert cli().code == 0
    assert fake_ui.calls[-1]["sources"] == [str(tmp_path)]


def test_pick_prints_full_hash(cli, fake_ui):
    fake_ui.result = "jasonjuuhs7lgkf5ojybu2sxxalclmxa"
    run = cli("pick")
    assert run.code == 0
    assert run.out == "jasonjuuhs7lgkf5ojybu2sxxalclmxa\n"
    assert fake_ui.calls[-1]["pick"] is True


def test_pick_quit_prints_nothing_exit_1(cli, fake_ui):
    fake_ui.result = None
    run = cli("pick")
    assert run.code == 1 and run.out == "" and run.err == ""


def test_missing_path_exit_2_without_starting_the_ui(cli, fake_ui):
    run = cli("no-such-dir")
    assert run.code == 2 and run.err == "cachetui: no such file or directory: no-such-dir\n"
    run = cli("fnd", "hdf5")
    assert run.code == 2
    assert run.err == "cachetui: no such file or directory: fnd, hdf5 (did you mean 'cachetui find'?)\n"
    assert fake_ui.calls == []


def test_ui_not_importable(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "cachetui.ui.app", None)
    run = cli()
    assert run.code == 1
    assert len(run.err_lines) == 1 and run.err.startswith("cachetui: the browser is not available")


def test_unexpected_error_one_line_and_debug_traceback(cli, fake_ui):
    fake_ui.error = RuntimeError("boom\nsecond line")
    run = cli()
    assert run.code == 1 and run.err == "cachetui: error: boom\n"
    run = cli("--debug")
    assert run.code == 1
    assert "Traceback (most recent call last)" in run.err and run.err_lines[-1] == "cachetui: error: boom"


def test_keyboard_interrupt_exit_130(cli, fake_ui):
    fake_ui.error = KeyboardInterrupt()
    run = cli()
    assert run.code == 130 and run.err == ""


def test_the_bundled_sample_is_announced_in_the_browser_and_on_stderr(cli, fake_ui):
    assert cli().code == 0
    assert fake_ui.notices == [
        "no catalog given: showing the bundled sample (a few dozen pages); "
        "get real data with `cachetui sync --tag develop`, or give -C PATH"
    ]
    found = cli("find", "zlib", "--limit", "1")
    assert found.code == 0 and "showing the bundled sample" in found.err and "cachetui sync --tag develop" in found.err
    assert "bundled sample" not in cli("find", "zlib", "--limit", "1", "-q").err


def test_a_lock_file_given_to_the_browser_is_the_environment_to_check(cli, fake_ui, tmp_path):
    from pathlib import Path

    lock = Path(__file__).resolve().parents[1] / "fixtures" / "locks" / "v6-all-pythons.lock"
    assert cli(str(lock)).code == 0
    assert fake_ui.calls[-1]["sources"] == [sample_catalog_path()]  # the lock is not a catalog source
    assert fake_ui.environments[-1].kind == "spack.lock v6"
    assert cli("check", str(lock), "--browse").code == 0
    assert fake_ui.environments[-1].kind == "spack.lock v6" and len(fake_ui.environments[-1].specs) == 81
    bad = tmp_path / "broken.lock"
    bad.write_text("{")
    run = cli(str(bad))
    assert run.code == 2 and len(run.err_lines) == 1 and "broken.lock" in run.err
