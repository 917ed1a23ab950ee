"""Hostile pages: control sequences and markup in page strings never reach plain output raw.

Plain output (terminal or pipe) shows them as visible escapes via printable();
--json keeps the exact strings, escaped by JSON (ESC -> \\u001b), 7-bit clean.
"""

import json
import os
import re
import subprocess
import sys

import pytest

ESC = "\x1b"
CLEAR = ESC + "[2J"
OSC52 = ESC + "]52;c;SGVsbG8=\x07"
TITLE = ESC + "]0;pwned\x07"
PACKAGE = "evil" + CLEAR
TAG = "dev" + TITLE
HASH = "evilhashevilhashevilhashevilhash"
SPEC = {
    "hash": HASH,
    "compiler": "gcc@11" + CLEAR,
    "os": "ubuntu" + OSC52,
    "target": "x86_64" + "\x9b31m",  # C1 CSI
    "variants": ["+mpi" + TITLE, "[bold]red[/bold]", "x=\x7f", "tab=\there", "nl=a\nb"],
    "versions": ["1.0" + ESC + "[31m"],
    "stacks": ["root" + CLEAR],
}
# C0 controls (newline allowed between lines only), DEL, C1 controls
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile(tmp_path, write_page):
    root = tmp_path / "hostile"
    write_page(root, TAG, PACKAGE, [SPEC], title=PACKAGE)
    write_page(root, "develop", "fine", [{}])
    bad_dir = root / "develop" / ("bad" + OSC52)
    bad_dir.mkdir(parents=True)
    (bad_dir / "specs.md").write_text("---\ntitle: [\n---")
    return root


def assert_clean(text: str) -> None:
    found = CONTROL.findall(text)
    assert not found, f"control characters in output: {found!r}"


def test_plain_outputs_have_no_control_characters(cli, hostile):
    runs = [
        cli("find", "-C", str(hostile), "evil"),
        cli("find", "-C", str(hostile), "--limit", "0"),
        cli("show", "-C", str(hostile), PACKAGE),
        cli("hash", "-C", str(hostile), "evilhash"),
        cli("index", "-C", str(hostile)),
        cli("show", "-C", str(hostile), "evil" + OSC52),  # unknown name, echoed in the error
        cli("show", "-C", str(hostile), PACKAGE, "--tag", TITLE),
    ]
    for run in runs:
        assert_clean(run.out)
        assert_clean(run.err)
    find, _, show, hsh, index, unknown, badtag = runs
    assert find.code == 0 and hsh.code == 0 and show.code == 0 and index.code == 0
    assert unknown.code == 1 and badtag.code == 1
    line = find.lines[0]
    assert line.startswith("/evilhas  evil\\x1b[2J@1.0\\x1b[31m %gcc@11\\x1b[2J ")
    assert "+mpi\\x1b]0;pwned\\x07" in line and "[bold]red[/bold]" in line and "x=\\x7f" in line
    assert "arch=linux-ubuntu\\x1b]52;c;SGVsbG8=\\x07-x86_64\\x9b31m" in line
    assert "nl=a\\x0ab" in line and "tab= here" in line
    assert line.endswith("  [dev\\x1b]0;pwned\\x07]")
    problem = [
        ln for ln in index.lines if "/bad" in ln
    ]  # (not the snapshot file, catalog-<hash>, whose hash may hold "bad")
    assert len(problem) == 1 and "bad\\x1b]52;c;SGVsbG8=\\x07" in problem[0]


def test_json_keeps_exact_strings_escaped(cli, hostile):
    run = cli("find", "-C", str(hostile), "evil", "--json")
    assert run.code == 0
    assert run.out.isascii()
    assert "\\u001b[2J" in run.out and "\\u009b" in run.out and "\\u007f" in run.out
    assert_clean(run.out)
    obj = run.json_lines()[0]
    assert obj["package"] == PACKAGE and obj["tag"] == TAG
    assert obj["compiler"] == SPEC["compiler"] and obj["os"] == SPEC["os"] and obj["target"] == SPEC["target"]
    assert obj["variants"] == SPEC["variants"] and obj["version"] == SPEC["versions"][0]

    show = cli("show", "-C", str(hostile), PACKAGE, "--json")
    assert show.out.isascii()
    doc = json.loads(show.out)
    assert doc["package"] == PACKAGE and doc["tags"][0]["tag"] == TAG
    assert doc["tags"][0]["summary"]["oss"] == {SPEC["os"]: 1}

    index = cli("index", "-C", str(hostile), "--json")
    assert index.out.isascii()
    paths = [p["path"] for p in json.loads(index.out)["problems"]]
    assert any(OSC52 in p for p in paths)


def test_hostile_bytes_through_a_real_pipe(hostile, tmp_path):
    """The installed entry point, stdout and stderr as pipes: not one ESC/BEL/C1 byte."""
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    env.pop("CACHETUI_CATALOG", None)
    for args in (["find", "evil"], ["show", PACKAGE], ["index"], ["hash", "evilhash"]):
        proc = subprocess.run(
            [sys.executable, "-m", "cachetui", *args, "-C", str(hostile), "--no-cache"],
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        for stream in (proc.stdout, proc.stderr):
            assert b"\x1b" not in stream and b"\x07" not in stream and b"\x7f" not in stream
            assert b"\xc2\x9b" not in stream  # U+009B encoded
        assert b"\\x1b" in proc.stdout


@pytest.mark.parametrize("term", ["^zlib-ng+shared", "^zlib-ng%gcc", "^zlib-ng/ubtz5nz", "^zlib-*", "@-1", "^zlib@-1"])
def test_terms_that_would_silently_match_nothing_are_errors_naming_the_term(cli, term):
    run = cli("find", "zlib", term)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"cachetui: bad term '{term}': ") and run.err.count("\n") == 1


def test_versions_compare_their_numbers_as_numbers(cli):
    for query in ("bc@1.7.1", "bc@=1.7.1", "bc@1.07.1", "bc@1.7"):
        run = cli("find", query, "--json", "--limit", "0")
        assert run.code == 0 and {row["version"] for row in run.json_lines()} == {"1.07.1"}, query


@pytest.mark.parametrize("command", ["show", "hash"])
@pytest.mark.parametrize("prefix", ["/", "/" + "a" * 33])
def test_a_hash_prefix_that_cannot_be_one_is_a_usage_error(cli, command, prefix):
    run = cli(command, prefix)
    assert run.code == 2 and run.out == "" and run.err.count("\n") == 1


def test_one_path_under_two_names_and_an_empty_name_are_usage_errors(cli, tmp_path):
    from cachetui.catalog import sample_catalog_path

    sample = sample_catalog_path()
    twice = cli("-C", f"a={sample}", "-C", f"b={sample}", "find", "zlib")
    assert twice.code == 2 and twice.err == f"cachetui: {sample} is given twice, as a and as b: give it once\n"
    empty = cli("-C", f"={sample}", "find", "zlib")
    assert empty.code == 2 and "the name before '=' is empty" in empty.err


def test_a_symlink_loop_is_named_as_one(cli, tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    run = cli("-C", str(loop), "find", "zlib")
    assert run.code == 2 and run.err == f"cachetui: symlink loop: {loop}\n"


def test_a_bad_host_variable_is_named(cli, monkeypatch):
    monkeypatch.setenv("CACHETUI_HOST", "linux-x")
    run = cli("find", "zlib", "--here")
    assert run.code == 2 and run.err.startswith("cachetui: CACHETUI_HOST takes platform-os-target")
    monkeypatch.setenv("CACHETUI_HOST", "bogus")
    run = cli("find", "zlib", "--here")
    assert run.code == 2 and run.err.startswith("cachetui: CACHETUI_HOST='bogus': unknown target 'bogus'")


def test_a_cache_directory_that_is_a_file_is_said_and_the_answer_comes(cli, tmp_path, monkeypatch, capsys):
    from cachetui.cli import main

    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    capsys.readouterr()
    code = main(["find", "zlib", "--limit", "1"])
    out, err = capsys.readouterr()
    assert code == 0 and out.count("\n") == 1
    assert f"working without a snapshot: the cache directory's {blocker} is not a directory" in err
    assert "damaged" not in err
