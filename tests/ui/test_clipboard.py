"""Copying: tmux's paste buffer through ``tmux load-buffer``, never a display-bound clipboard program."""

from __future__ import annotations

import os
import stat

from cachetui.ui.clipboard import Copier, load_tmux_buffer


def fake_tmux(directory, script: str) -> None:
    path = directory / "tmux"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_load_tmux_buffer_sends_the_text_on_stdin(tmp_path, monkeypatch):
    out = tmp_path / "buffer"
    fake_tmux(tmp_path, f'echo "$@" > {tmp_path}/args\ncat > {out}\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert load_tmux_buffer("abc /def\n") is True
    assert out.read_text() == "abc /def\n"
    assert (tmp_path / "args").read_text().split() == ["load-buffer", "-w", "-"]


def test_old_tmux_without_w_gets_plain_load_buffer(tmp_path, monkeypatch):
    out = tmp_path / "buffer"
    fake_tmux(tmp_path, f'[ "$2" = "-w" ] && exit 1\ncat > {out}\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert load_tmux_buffer("hash") is True
    assert out.read_text() == "hash"


def test_a_hanging_or_missing_tmux_never_blocks(tmp_path, monkeypatch):
    fake_tmux(tmp_path, "sleep 30\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert load_tmux_buffer("x", timeout=0.2) is False
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert load_tmux_buffer("x") is False


class FakeApp:
    def __init__(self):
        self.copied, self.notes = [], []

    def copy_to_clipboard(self, text):
        self.copied.append(text)

    def notify(self, message, **kwargs):
        self.notes.append((message, kwargs))


def test_copier_uses_osc52_tmux_and_a_literal_notification():
    app, loaded = FakeApp(), []
    copier = Copier(app, environ={"TMUX": "/tmp/tmux-1/default,1,0"}, tmux_loader=loaded.append)
    copier.copy("spack mirror add x\x1b[2J", "mirror command")
    copier.wait()
    assert app.copied == ["spack mirror add x\x1b[2J"] and loaded == app.copied
    message, kwargs = app.notes[0]
    assert message == "spack mirror add x\\x1b[2J" and kwargs["markup"] is False
    assert kwargs["title"] == "Copied mirror command (+ tmux)"


def test_copier_outside_tmux_and_with_a_failing_loader():
    app = FakeApp()
    Copier(app, environ={}, tmux_loader=lambda text: 1 / 0).copy("h", "hash")
    assert app.copied == ["h"]

    def boom(text):
        raise RuntimeError("tmux exploded")

    copier = Copier(app, environ={"TMUX": "x"}, tmux_loader=boom)
    copier.copy("h2", "hash")
    copier.wait()
    assert app.copied == ["h", "h2"]


class FakeDriver:
    def __init__(self):
        self.written = []

    def write(self, data):
        self.written.append(data)


def _decode_screen(data: str) -> bytes:
    """What GNU screen passes to the outer terminal: the payloads of its DCS strings, joined."""
    import base64
    import re

    chunks = re.findall(r"\x1bP(.*?)\x1b\\", data, re.S)
    assert "".join(f"\x1bP{c}\x1b\\" for c in chunks) == data  # nothing outside the wrapping
    assert all(len(c) <= 76 for c in chunks)
    sequence = "".join(chunks)
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    return base64.b64decode(sequence[len("\x1b]52;c;") : -1])


def test_inside_gnu_screen_osc52_is_wrapped_for_screen_in_chunks():
    app = FakeApp()
    app._driver = FakeDriver()
    text = "spack install --use-buildcache only /" + "a" * 200
    Copier(app, environ={"STY": "1234.pts-0.login1"}).copy(text, "install command")
    assert app.copied == [text]
    assert [_decode_screen(w) for w in app._driver.written] == [text.encode()]
    assert app.notes[0][1]["title"] == "Copied install command (through screen)"


def test_tmux_inside_screen_is_tmux_and_plain_terminals_get_no_screen_wrapping():
    app = FakeApp()
    app._driver = FakeDriver()
    Copier(app, environ={"STY": "1.x", "TMUX": "/t,1,0"}, tmux_loader=lambda text: True).copy("h", "hash")
    Copier(app, environ={}).copy("h", "hash")
    assert app._driver.written == []
