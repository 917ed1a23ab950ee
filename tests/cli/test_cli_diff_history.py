"""`cachetui diff` and `cachetui history` on the bundled sample: output, JSON and exit codes."""

from __future__ import annotations


def test_diff_plain_output(cli):
    run = cli("diff", "v0.23.0", "develop-2025-07-13", "bc")
    assert run.code == 0
    assert run.lines == [
        "v0.23.0 -> develop-2025-07-13: +2 added, -1 removed, 0 packages new, 0 gone",
        "  bc: +2  -1",
        "",
        "- /jasonju  bc@1.07.1 %gcc@=11.4.0 build_system=autotools arch=linux-ubuntu22.04-x86_64_v3  [v0.23.0]",
        "+ /kegjoar  bc@1.07.1 %gcc@11.4.0 build_system=autotools arch=linux-ubuntu22.04-x86_64_v3  [develop-2025-07-13]",
        "+ /q6v22ff  bc@1.07.1 %gcc@11.4.0 build_system=autotools arch=linux-ubuntu22.04-neoverse_v2  [develop-2025-07-13]",
    ]


def test_diff_summary_and_packages(cli):
    run = cli("diff", "latest-release", "latest-snapshot")
    assert run.lines[0] == "v0.23.0 -> develop-2025-07-13: +293 added, -70 removed, 9 packages new, 3 gone"
    assert "  armpl-gcc (gone): +0  -4  dropped: 24.10" in run.lines
    assert "  cmake: +33  -41  versions added: 3.31.8  dropped: 3.30.5" in run.lines
    signs = [line[0] for line in run.lines if line[:2] in ("+ ", "- ")]
    assert signs.count("+") == 293 and signs.count("-") == 70


def test_diff_json(cli):
    objects = cli("diff", "v0.23.0", "develop-2025-07-13", "cmake", "-ownlibs", "--json").json_lines()
    assert {o["change"] for o in objects} == {"added", "removed"}
    assert all(o["tag"] == ("develop-2025-07-13" if o["change"] == "added" else "v0.23.0") for o in objects)
    assert all("~ownlibs" in o["variants"] and o["package"] == "cmake" for o in objects)


def test_diff_exit_codes(cli):
    same = cli("diff", "v0.23.0", "v0.23.0")
    assert same.code == 1 and same.lines == ["v0.23.0 -> v0.23.0: +0 added, -0 removed, 0 packages new, 0 gone"]
    unknown = cli("diff", "v0.23", "develop")
    assert unknown.code == 2 and unknown.out == ""
    assert unknown.err == "cachetui: no tag 'v0.23' in this catalog; did you mean v0.23.0?\n"
    several = cli("diff", "develop-2025-*", "develop")
    assert several.code == 2 and "matches 3 tags" in several.err
    bad = cli("diff", "v0.23.0", "develop", "@")
    assert bad.code == 2 and "'@'" in bad.err


def test_history(cli):
    run = cli("history", "cmake")
    assert run.code == 0
    assert run.lines[0] == "cmake: 3 versions, 74 specs in 2 tags"
    assert run.lines[1].startswith("  weekly snapshots develop-2023-12-10 .. develop-2025-07-13: ")
    assert run.lines[2:] == [
        "  3.31.8: first develop-2025-07-13, last develop-2025-07-13; develop-2025-07-13 (29)",
        "  3.30.5: first v0.23.0, last v0.23.0; v0.23.0 (35)",
        "  3.25.3: first v0.23.0, last develop-2025-07-13; develop-2025-07-13 (4), v0.23.0 (6)",
    ]
    data = cli("history", "cmake", "+ownlibs", "--json").json_lines()[0]
    assert data["package"] == "cmake" and [v["version"] for v in data["versions"]] == ["3.31.8", "3.30.5", "3.25.3"]
    assert set(data["versions"][0]) == {"version", "tags", "first", "last"}


def test_history_of_an_unknown_package(cli):
    run = cli("history", "cmak")
    assert run.code == 1 and "no package named 'cmak' (did you mean: cmake" in run.err
