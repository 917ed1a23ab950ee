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
