"""Argument handling: default command, global options anywhere, version, usage errors."""

import pytest

from cachetui import __version__
from cachetui.cli import DEFAULT_LIMIT, parse_args, with_default_command


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], ["browse"]),
        (["path/to/_cache"], ["browse", "path/to/_cache"]),
        (["-C", "find"], ["-C", "find", "browse"]),  # 'find' is -C's value, not the command
        (["--cache-dir", "d", "x"], ["--cache-dir", "d", "browse", "x"]),
        (["--no-cache", "a", "b"], ["--no-cache", "browse", "a", "b"]),
        (["find", "hdf5"], ["find", "hdf5"]),
        (["-C", "dir", "find", "hdf5"], ["-C", "dir", "find", "hdf5"]),
        (["browse", "find"], ["browse", "find"]),
        (["--", "find"], ["browse", "--", "find"]),
        (["pick"], ["pick"]),
    ],
)
def test_default_command(argv, expected):
    assert with_default_command(argv) == expected


def test_global_options_before_and_after_the_command():
    before = parse_args(["-C", "a", "--no-cache", "--cache-dir", "c", "find", "hdf5"])
    after = parse_args(["find", "-C", "a", "hdf5", "--no-cache", "--cache-dir", "c"])
    for opts in (before, after):
        assert opts.command == "find"
        assert opts.catalog == ["a"]
        assert opts.no_cache is True
        assert opts.cache_dir == "c"
        assert opts.query == ["hdf5"]
        assert opts.limit == DEFAULT_LIMIT


def test_catalog_options_accumulate_across_positions():
    opts = parse_args(["-C", "a", "find", "-C", "b", "--catalog", "c", "x"])
    assert opts.catalog == ["a", "b", "c"]


def test_subcommand_defaults_do_not_override_global_options():
    opts = parse_args(["--no-cache", "-q", "--debug", "hash", "abc"])
    assert (opts.no_cache, opts.quiet, opts.debug) == (True, True, True)


def test_find_query_words_around_options_and_dash_variants():
    opts = parse_args(["find", "hdf5", "--json", "+mpi", "-shared", "--limit", "3", "os=ubuntu22.04"])
    assert opts.json is True and opts.limit == 3
    assert " ".join(opts.query) == "hdf5 +mpi ~shared os=ubuntu22.04"
    # '-hl' (hdf5's hl variant) is not '-h'; '-q' alone is still --quiet
    opts = parse_args(["find", "hdf5", "-hl", "-q", "-x"])
    assert opts.query == ["hdf5", "~hl", "-x"] and opts.quiet is True
    # after '--' everything is query text, verbatim
    assert parse_args(["find", "--", "hdf5", "-hl", "--json"]).query == ["hdf5", "-hl", "--json"]


def test_browse_paths():
    opts = parse_args(["a", "b", "-C", "c"])
    assert opts.command == "browse" and opts.paths == ["a", "b"] and opts.catalog == ["c"]


def test_version(cli):
    run = cli("--version")
    assert run.code == 0
    assert run.out == f"cachetui {__version__}\n"
    assert run.out == "cachetui 0.1.0\n"


def test_help_exits_zero(cli):
    run = cli("--help")
    assert run.code == 0
    assert "find" in run.out and "index" in run.out
    run = cli("find", "--help")
    assert run.code == 0 and "--limit" in run.out


@pytest.mark.parametrize(
    "argv",
    [
        ["find", "x", "--bogus"],
        ["show"],
        ["hash"],
        ["find", "--limit", "-1", "x"],
        ["find", "--limit", "many"],
        ["show", "bc", "extra"],
    ],
)
def test_usage_errors_are_one_line_exit_2(cli, argv):
    run = cli(*argv)
    assert run.code == 2
    assert run.out == ""
    assert len(run.err_lines) == 1 and run.err.startswith("cachetui: ")
    assert "Traceback" not in run.err
