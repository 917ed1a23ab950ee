"""A generated 100-tag catalog (3 packages per tag): tag order, counts, every subcommand."""

import json

import pytest

SHARED = "sharedspecsharedspecsharedspec22"  # the same binary in every tag
RELEASES = [f"v0.{minor}.{patch}" for minor in range(8) for patch in (0, 1)]  # 16
SNAPSHOTS = [f"develop-{2023 + i // 52}-{1 + (i % 52) // 5:02d}-{1 + (i % 5) * 6:02d}" for i in range(83)]
TAGS = ["develop", *RELEASES, *SNAPSHOTS]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, write_page):
    assert len(set(TAGS)) == 100
    root = tmp_path_factory.mktemp("corpus")
    for tag in TAGS:
        write_page(root, tag, "zlib", [{"hash": SHARED, "versions": ["1.3.1"]}, {"versions": ["1.2.13"]}])
        write_page(root, tag, "zlib-ng", [{"versions": ["2.2.4"]}])
        write_page(
            root,
            tag,
            "hdf5",
            [{"versions": ["1.14.6"], "variants": ["+mpi"]}, {"versions": ["1.14.5"], "variants": ["~mpi"]}],
        )
    return str(root)


def newest_first(tags):
    """The site's order: develop, releases newest first, snapshots newest first."""
    releases = sorted((t for t in tags if t.startswith("v")), key=lambda t: [int(x) for x in t[1:].split(".")])
    snapshots = sorted(t for t in tags if t.startswith("develop-"))
    return ["develop", *releases[::-1], *snapshots[::-1]]


def test_index(cli, corpus):
    doc = json.loads(cli("index", corpus, "--json").out)
    assert (doc["pages"], doc["specs"], doc["tags"], doc["packages"], doc["problems"]) == (300, 500, 100, 3, [])


def test_find_newest_tag_first(cli, corpus):
    run = cli("find", "-C", corpus, "zlib", "@1.3", "--limit", "0", "--json")
    assert run.code == 0
    tags = [obj["tag"] for obj in run.json_lines()]
    assert tags == newest_first(TAGS)
    run = cli("find", "-C", corpus, "zlib")
    assert len(run.lines) == 50 and "250 more not shown" in run.err
    assert run.lines[0].endswith("  [develop]") and "zlib@1.3.1" in run.lines[0]
    assert cli("find", "-C", corpus, "hdf5", "+mpi", "tag=v0.7.1").lines == [
        line
        for line in cli("find", "-C", corpus, "hdf5", "--limit", "0").lines
        if line.endswith("[v0.7.1]") and " +mpi " in line
    ]


def test_show_all_tags(cli, corpus):
    doc = json.loads(cli("show", "-C", corpus, "hdf5", "--json").out)
    assert [t["tag"] for t in doc["tags"]] == newest_first(TAGS)
    assert all(t["summary"]["versions"] == {"1.14.6": 1, "1.14.5": 1} for t in doc["tags"])
    plain = cli("show", "-C", corpus, "hdf5", "--tag", "develop-2024-*")
    n2024 = sum(t.startswith("develop-2024-") for t in TAGS)
    assert plain.lines[0] == f"hdf5: {2 * n2024} specs in {n2024} tags"
    assert all(line[1:].startswith("develop-2024-") for line in plain.lines if line.startswith("["))


def test_hash_every_tag(cli, corpus):
    run = cli("hash", "-C", corpus, "/sharedspec")
    assert run.code == 0 and len(run.lines) == 100
    assert [line.rsplit("[", 1)[1].rstrip("]") for line in run.lines] == newest_first(TAGS)
    assert "ambiguous" not in run.err
