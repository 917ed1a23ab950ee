"""`cachetui arch`, `find --here`, `--host` and CACHETUI_HOST, with hosts given (never this machine's CPU)."""

from __future__ import annotations

import json

import archspec.cpu


def test_arch_prints_this_machine_like_spack_arch(cli):
    run = cli("arch")
    assert run.code == 0
    (line,) = run.lines
    platform, os_, target = line.split("-", 2)
    assert platform in ("linux", "darwin", "windows") and os_ and target in archspec.cpu.TARGETS
    data = json.loads(cli("arch", "--json").out)
    assert data["arch"] == line and data["source"] == "detected"
    assert data["ancestors"] == [a.name for a in archspec.cpu.TARGETS[target].ancestors]


def test_arch_of_a_given_host(cli, monkeypatch):
    monkeypatch.setenv("CACHETUI_HOST", "linux-rhel8-sapphirerapids")
    assert cli("arch").lines == ["linux-rhel8-sapphirerapids"]
    data = json.loads(cli("--host", "linux-ubuntu22.04-zen3", "arch", "--json").out)
    assert (data["platform"], data["os"], data["target"], data["source"]) == ("linux", "ubuntu22.04", "zen3", "--host")
    assert data["ancestors"] == ["zen2", "zen", "x86_64_v3", "x86_64_v2", "x86_64"] and "avx2" in data["features"]
    bad = cli("--host", "zen3", "arch")
    assert bad.code == 2 and "not a target alone" in bad.err


def test_find_here_equals_host_term(cli):
    here = cli("find", "hdf5", "--here", "--host", "linux-ubuntu22.04-zen3", "--limit", "0", "--json")
    term = cli("find", "hdf5", "host=linux-ubuntu22.04-zen3", "--limit", "0", "--json")
    assert here.code == term.code == 0 and here.out == term.out
    specs = here.json_lines()
    assert specs and all(
        s["os"] == "ubuntu22.04" and s["target"] in ("x86_64_v3", "x86_64_v2", "x86_64") for s in specs
    )
    every = cli("find", "hdf5", "--limit", "0", "--json").json_lines()
    expected = [
        s
        for s in every
        if s["platform"] == "linux"
        and s["os"] == "ubuntu22.04"
        and archspec.cpu.TARGETS[s["target"]] <= archspec.cpu.TARGETS["zen3"]
    ]
    assert sorted(s["hash"] for s in specs) == sorted(s["hash"] for s in expected)


def test_target_range_from_the_command_line(cli):
    run = cli("find", "target=x86_64_v3:", "--limit", "0", "--json")
    targets = {s["target"] for s in run.json_lines()}
    assert "x86_64_v3" in targets and "x86_64_v4" in targets and "x86_64" not in targets and "aarch64" not in targets
    bad = cli("find", "target=zen33:")
    assert bad.code == 2 and "unknown target 'zen33'; did you mean zen3" in bad.err


def test_a_login_node_asks_about_its_compute_nodes(cli, monkeypatch):
    monkeypatch.setenv("CACHETUI_HOST", "linux-ubuntu22.04-neoverse_v2")
    run = cli("find", "--here", "--limit", "0", "--json")
    assert run.code == 0
    assert {s["target"] for s in run.json_lines()} <= {
        "neoverse_v2",
        "neoverse_v1",
        "neoverse_n1",
        "aarch64",
        "armv8.1a",
        "armv8.2a",
        "armv8.3a",
        "armv8.4a",
        "armv8.5a",
        "armv9.0a",
        "cortex_a72",
    }
