"""read_page: formats, broken and hostile input (issue 5), and property tests."""

from __future__ import annotations

import json
import os
import random
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachetui.catalog import LEGACY_TAG, ParsedPage, Problem, load_catalog, printable, read_page
from cachetui.catalog.spack.records import is_valid_hash
from cachetui.catalog.store.spec_store import ChunkBuilder
from tests.catalog.helpers import fake_hash, make_spec, page_text, problems_for, write_page

GOOD = make_spec(versions=["9.9"])


def _load_with_good_neighbour(tmp_path, rel, content):
    """Write a bad page next to a good one; load the directory."""
    good = write_page(tmp_path, "develop/good/specs.md", page_text("good", "develop", [GOOD]))
    bad = write_page(tmp_path, rel, content)
    cat = load_catalog([tmp_path], use_cache=False)
    assert [(p.tag, p.package, p.source) for p in cat.pages if p.package == "good"] == [("develop", "good", str(good))]
    assert cat.spec(cat.rows_of("develop", "good")[0]).hash == GOOD["hash"]
    return cat, bad


# --- broken files -------------------------------------------------------------------

_TRUNCATED = page_text("cut", "develop", [make_spec(), make_spec(versions=["2"])])

BROKEN = {
    "empty": (b"", "empty file"),
    "whitespace-only": (b"  \n\n", "no front matter"),
    "plain-markdown": (b"# hdf5\n\nSome notes about the cache.\n", "no front matter"),
    "never-closed": (b'---\ntitle: "x"\ncategories: [package, develop]\nspec_details: []\n', "never closed"),
    "cut-mid-json": (_TRUNCATED[: _TRUNCATED.index("spec_details") + 60].encode(), "never closed"),
    "cut-mid-json-fenced": (
        _TRUNCATED[: _TRUNCATED.index("spec_details") + 60].encode() + b"\n---\n",
        "spec_details is not valid JSON",
    ),
    "yaml-invalid": (b'---\ntitle: "x\ncategories: [package, develop\nmeta: {: :\n---\n', "not valid YAML at line"),
    "yaml-list": (b"---\n- a\n- b\n---\n", "front matter is a list"),
    "front-matter-empty": (b"---\n---\n", "no spec_details"),
    "no-spec-lists": (
        b'---\ntitle: "x"\ncategories: [package, develop]\n---\n',
        "no spec_details, spec_names or spec_files",
    ),
    "binary-nul": (b"---\n" + bytes(random.Random(5).randrange(256) for _ in range(3000)) + b"\0", "binary data"),
    "spec-details-mapping": (
        page_text("m", specs=[]).replace("spec_details: []", 'spec_details: {"hash": "x"}').encode(),
        "spec_details is a mapping",
    ),
    "spec-details-string": (
        page_text("m", specs=[]).replace("spec_details: []", 'spec_details: "lots of specs"').encode(),
        "spec_details is a str",
    ),
    "spec-names-not-list": (b'---\ntitle: "x"\ncategory: package\nspec_names: 12\n---\n', "spec_names is not a list"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_page_reported_and_neighbours_load(tmp_path, name):
    content, reason = BROKEN[name]
    cat, bad = _load_with_good_neighbour(tmp_path, "develop/bad/specs.md", content)
    assert not [p for p in cat.pages if p.source == str(bad)]
    (problem,) = problems_for(cat, bad)
    assert reason in problem.reason
    assert str(problem) == f"{bad}: {problem.reason}"
    assert cat.num_specs == 1


@pytest.mark.parametrize("name", sorted(set(BROKEN) - {"empty", "whitespace-only", "plain-markdown"}))
def test_read_page_returns_problem(name):
    content, reason = BROKEN[name]
    result = read_page("/x/develop/bad/specs.md", content)
    assert isinstance(result, Problem)
    assert result.path == "/x/develop/bad/specs.md" and reason in result.reason


def test_random_binary_in_walked_dir_named_page_is_reported(tmp_path):
    noise = bytes(random.Random(7).randrange(1, 256) for _ in range(2000))  # no NUL, no fence
    cat, bad = _load_with_good_neighbour(tmp_path, "develop/noise/specs.md", b"\x89PNG" + noise)
    (problem,) = problems_for(cat, bad)
    assert "no front matter" in problem.reason


def test_other_files_in_walked_dirs_are_ignored(tmp_path):
    write_page(tmp_path, "develop/README.txt", b"hello, not a page")
    write_page(tmp_path, "develop/notes.md", b"# notes\n")
    write_page(tmp_path, "develop/blob.bin", os.urandom(64))
    write_page(tmp_path, ".git/config", b"[core]\n")
    cat, _ = _load_with_good_neighbour(tmp_path, "develop/good2/specs.md", page_text("good2", "develop", [make_spec()]))
    assert cat.problems == []
    assert cat.packages == ["good", "good2"]


def test_loose_file_given_explicitly_without_front_matter_is_reported(tmp_path):
    path = write_page(tmp_path, "README.txt", b"just text\n")
    good = write_page(tmp_path, "good.txt", page_text("good", "develop", [GOOD]))
    cat = load_catalog([path, good], use_cache=False)
    assert cat.packages == ["good"]
    (problem,) = cat.problems
    assert problem.path == str(path) and "no front matter" in problem.reason


def test_non_utf8_is_decoded_with_replacement_and_reported(tmp_path):
    content = page_text("latin", "develop", [make_spec(variants=["+cafXX"])], meta=False)
    content = content.encode().replace(b"XX", b"\xe9")  # a raw latin-1 byte inside a variant
    cat, bad = _load_with_good_neighbour(tmp_path, "develop/latin/specs.md", content)
    (page,) = cat.pages_for("develop", "latin")
    assert cat.spec(page.start).variants == ("+caf\ufffd",)
    (problem,) = problems_for(cat, bad)
    assert "not valid UTF-8" in problem.reason and "replacement" in problem.reason


def test_bom_and_crlf_page_loads_without_problem(tmp_path):
    spec = make_spec(size=77)
    content = b"\xef\xbb\xbf" + page_text("bom", "develop", [spec]).replace("\n", "\r\n").encode()
    cat, bad = _load_with_good_neighbour(tmp_path, "develop/bom/specs.md", content)
    assert problems_for(cat, bad) == []
    (page,) = cat.pages_for("develop", "bom")
    loaded = cat.spec(page.start)
    assert (loaded.hash, loaded.size, loaded.stacks) == (spec["hash"], 77, ("root",))


# --- wrong shapes inside spec_details ------------------------------------------------------


def _parse_one_page(specs, **kw) -> ParsedPage:
    result = read_page("/c/develop/p/specs.md", page_text("p", "develop", specs, **kw).encode())
    assert isinstance(result, ParsedPage), result
    return result


def test_spec_without_hash_skipped_others_load(tmp_path):
    specs = [make_spec(versions=["1"]), make_spec(versions=["2"], hash=None), make_spec(versions=["3"])]
    cat, bad = _load_with_good_neighbour(tmp_path, "develop/nohash/specs.md", page_text("nohash", "develop", specs))
    rows = cat.rows_of("develop", "nohash")
    assert [cat.spec(r).version for r in rows] == ["1", "3"]
    (problem,) = problems_for(cat, bad)
    assert "spec 2 has no hash" in problem.reason


@pytest.mark.parametrize(
    "digest", ["abc", "A" * 31, "0" * 32, "a" * 33, "a" * 31 + "1", "a" * 31 + "é", "a" * 31 + "\x1b"]
)
def test_bad_hash_skipped_and_reported(digest):
    page = _parse_one_page([make_spec(hash=digest), make_spec(versions=["2"])])
    assert [row[1] for row in page.rows] == ["2"]
    assert page.skipped == 1
    assert "spec 1 hash" in page.problem().reason and "32 base32" in page.problem().reason
    assert "\x1b" not in page.problem().reason  # shown escaped


def test_uppercase_hash_is_normalised():
    page = _parse_one_page([make_spec(hash="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")])
    assert page.rows[0][0] == "abcdefghijklmnopqrstuvwxyz234567" and not page.notes


def test_non_string_hash_and_non_object_spec():
    page = _parse_one_page([make_spec(hash=12), "not a spec", [1, 2], make_spec(versions=["4"])])
    assert [row[1] for row in page.rows] == ["4"]
    reason = page.problem().reason
    assert (
        "spec 1 hash is not a string" in reason
        and "spec 2 is not an object" in reason
        and "spec 3 is not an object" in reason
    )


def test_versions_as_string_and_version_key_accepted():
    page = _parse_one_page(
        [make_spec(versions="1.2.3"), make_spec(versions=None, version="4.5"), make_spec(versions=[])]
    )
    assert [row[1] for row in page.rows] == ["1.2.3", "4.5", ""]
    assert page.notes == []


def test_missing_stacks_and_variants_are_empty():
    page = _parse_one_page([make_spec(stacks=None), make_spec(variants=None, versions=["2"])])
    assert [(row[6], row[7]) for row in page.rows] == [(("+shared",), ()), ((), ("root",))]
    assert page.notes == []


def test_missing_arch_fields_and_compiler_default():
    page = _parse_one_page([make_spec(compiler=None, os=None, platform=None, target=None), make_spec(compiler="")])
    assert page.rows[0][2:6] == ("none", "", "", "")
    assert page.rows[1][2] == "none"


@pytest.mark.parametrize(
    "size, expected, note",
    [
        (12345, 12345, None),
        ("-", None, None),
        (0, 0, None),
        ("42", 42, None),
        (None, None, None),
        (-5, None, "negative"),
        ("lots", None, "not a byte count"),
        (True, None, "not a byte count"),
        (1.5, 1, None),
        (float("nan"), None, "not a byte count"),
        (float("inf"), None, "not a byte count"),
        (2**70, None, "too large"),
        ("9" * 5000, None, "not a byte count"),
        ("²", None, "not a byte count"),
        ([1], None, "not a byte count"),
    ],
)
def test_size_values(size, expected, note):
    spec = make_spec(size=size) if size is not None else make_spec(size=None)
    page = _parse_one_page([spec, make_spec(versions=["2"])])
    assert len(page.rows) == 2
    assert page.rows[0][8] == expected
    if note is None:
        assert page.notes == []
    else:
        assert len(page.notes) == 1 and note in page.notes[0]
    ChunkBuilder().add("develop", "p", page.rows)  # the store accepts what the reader returns


def test_non_string_fields_skip_the_spec():
    page = _parse_one_page(
        [make_spec(os={"a": 1}), make_spec(versions=["2"], variants=[["nested"]]), make_spec(versions=["3"])]
    )
    assert [row[1] for row in page.rows] == ["3"]
    assert "not a string" in page.notes[0] and "not lists of strings" in page.notes[1]


def test_many_notes_are_summarised():
    page = _parse_one_page([make_spec(hash=f"bad{i}") for i in range(12)])
    assert page.rows == [] and page.skipped == 12
    reason = page.problem().reason
    assert reason.count("is not 32 base32") == 5 and reason.endswith("and 7 more")


def test_numeric_title_and_category_are_strings():
    result = read_page("/x/y/z.txt", b"---\ntitle: 1234\ncategories: [package, 2025]\nspec_details: []\n---")
    assert (result.package, result.tag, result.rows) == ("1234", "2025", [])


def test_title_missing_in_loose_file_is_a_problem():
    result = read_page(
        "/x/y/loose.txt", ("---\nlayout: cache\nspec_details: " + json.dumps([make_spec()]) + "\n---").encode()
    )
    assert isinstance(result, Problem) and "no title" in result.reason


def test_yaml_front_matter_page_loads():
    spec = make_spec()
    yaml_page = (
        "---\ntitle: yamlpkg\nlayout: cache\ncategories:\n  - package\n  - v0.22.1\nspec_details:\n"
        f"  - hash: {spec['hash']}\n    compiler: gcc@12.1.0\n    versions: [2.0]\n    os: rhel8\n"
        "    platform: linux\n    target: zen2\n    variants: [+mpi, 'build_type=Release']\n    stacks: [e4s]\n    size: 99\n---\n"
    )
    result = read_page("/x/p.txt", yaml_page.encode())
    assert isinstance(result, ParsedPage)
    assert (result.package, result.tag) == ("yamlpkg", "v0.22.1")
    assert result.rows == [
        (
            spec["hash"],
            "2.0",
            "gcc@12.1.0",
            "linux",
            "rhel8",
            "zen2",
            ("+mpi", "build_type=Release"),
            ("e4s",),
            99,
            None,
        )
    ]


def test_legacy_spec_files_without_title_named_by_spec_string():
    text = b'---\nlayout: cache\ncategory: package\nspec_files:\n - null\n - "mypkg@1.0%gcc@9 arch=linux-centos7-x86_64": spec-0.json\n---\n'
    result = read_page("/x/loose.txt", text)
    assert isinstance(result, ParsedPage)
    assert (result.package, result.tag, result.format) == ("mypkg", LEGACY_TAG, "legacy-index")
    assert [r[:6] for r in result.rows] == [(None, "1.0", "gcc@9", "linux", "centos7", "x86_64")]
    assert "spec 1 is not a spec string" in result.problem().reason


def test_legacy_bad_entries_reported():
    text = b'---\ntitle: "p"\ncategory: package\nspec_names:\n - ""\n - "@1.0 %gcc"\n - "p@2.0"\n---\n'
    result = read_page("/x/p/specs.md", text)
    assert [r[1] for r in result.rows] == ["2.0"]
    assert "spec 1 is not a spec string" in result.problem().reason
    assert "spec 2: no package name" in result.problem().reason


# --- hostile YAML ---------------------------------------------------------------------------

BILLION_LAUGHS = "\n".join(
    ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi")]
    + ["title: *i", "spec_details: [*i, *i]", "---"]
).encode()


def test_billion_laughs_rejected(tmp_path):
    result = read_page(str(tmp_path / "bomb.md"), BILLION_LAUGHS)
    assert isinstance(result, Problem) and "YAML anchors are not allowed (line 2)" in result.reason
    cat, bad = _load_with_good_neighbour(tmp_path, "develop/bomb/specs.md", BILLION_LAUGHS)
    assert "YAML anchors are not allowed" in problems_for(cat, bad)[0].reason


def test_alias_rejected():
    result = read_page("/x/p/specs.md", b"---\ntitle: *t\nspec_details: []\n---\n")
    assert isinstance(result, Problem) and "YAML aliases are not allowed (line 2)" in result.reason


def test_yaml_error_names_the_file_line():
    result = read_page("/x/p/specs.md", b"---\ntitle: x\nfoo: [a, b\nbar: 1\n---\n")
    assert isinstance(result, Problem)
    assert result.reason.startswith("front matter is not valid YAML at line 4: ")  # file line of "bar: 1"


def test_anchor_without_alias_rejected():
    result = read_page("/x/p/specs.md", b'---\ntitle: &t "x"\nspec_details: []\n---\n')
    assert isinstance(result, Problem) and "anchors are not allowed" in result.reason


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/object/apply:subprocess.call"],
)
def test_python_tags_rejected_and_never_run(tmp_path, tag):
    marker = tmp_path / "pwned"
    command = f"touch {marker}"
    arg = json.dumps([command]) if "subprocess" not in tag else json.dumps([["touch", str(marker)]])
    for place in ("title", "spec_details"):
        body = {"title": '"x"', "spec_details": "[]"}
        body[place] = f"{tag} {arg}"
        text = f"---\n{'title: ' + body['title']}\ncategories: [package, develop]\nspec_details: {body['spec_details']}\n---\n"
        result = read_page(str(tmp_path / "evil.md"), text.encode())
        assert isinstance(result, Problem), place
        assert "not valid YAML" in result.reason and "constructor" in result.reason
    cat, bad = _load_with_good_neighbour(
        tmp_path, "develop/evil/specs.md", f"---\ntitle: {tag} {arg}\nspec_details: []\n---\n"
    )
    assert problems_for(cat, bad)
    assert not marker.exists()


def test_deeply_nested_front_matter_is_a_problem():
    deep = b"---\ntitle: x\nspec_details: " + b"[" * 100_000 + b"]" * 100_000 + b"\n---\n"
    result = read_page("/x/p/specs.md", deep)
    assert isinstance(result, Problem)
    assert "nested too deeply" in result.reason or "not valid" in result.reason


# --- hostile strings --------------------------------------------------------------------------

HOSTILE = [
    "[bold]loud[/bold]",
    "[@click=app.quit]quit[/]",
    "clear\x1b[2Jscreen",
    "clip\x1b]52;c;ZXZpbA==\x07board",
    "title\x1b]0;owned\x07bar",
    "csi\x9b31mred",
    "bell\x07and\x7fdel",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_kept_exactly_and_printable_is_safe(tmp_path, text):
    spec = make_spec(variants=[text, "+mpi"], compiler=text, os=text, target=text, stacks=[text], versions=[text])
    content = page_text(text, "develop", [spec], title=json.dumps(text))
    cat, bad = _load_with_good_neighbour(tmp_path, "develop/hostile/specs.md", content)
    assert problems_for(cat, bad) == []
    (page,) = [p for p in cat.pages if p.source == str(bad)]
    loaded = cat.spec(page.start)
    assert page.package == loaded.package == text
    assert (loaded.compiler, loaded.os, loaded.target, loaded.version) == (text, text, text, text)
    assert loaded.variants == (text, "+mpi") and loaded.stacks == (text,)
    assert loaded.to_dict()["variants"][0] == text
    for value in (loaded.package, loaded.compiler, loaded.os, loaded.variants[0], loaded.spack_string()):
        shown = printable(value)
        assert not any(c in shown for c in "\x1b\x07\x9b\x7f")
        assert all(ch.isprintable() for ch in shown)
        visible = "".join(ch for ch in value if ch.isprintable())
        for word in ("loud", "quit", "clear", "screen", "clip", "board", "owned", "red", "bell", "del"):
            if word in visible:
                assert word in shown
    if "[" not in text:  # brackets are glob classes in os=: see test_catalog's literal-bracket test
        assert cat.query(f"os={text}").count == 1
    assert [s.hash for s in cat.query("+mpi").specs()] == [spec["hash"]]


# --- property tests ------------------------------------------------------------------------------


def _check_result(result, path):
    assert isinstance(result, (ParsedPage, Problem))
    assert result.path == path
    if isinstance(result, Problem):
        assert isinstance(result.reason, str) and result.reason
        assert not result.reason.startswith("unreadable page ("), result.reason  # the catch-all for reader bugs
        return
    assert isinstance(result.package, str) and result.package
    assert isinstance(result.tag, str) and result.tag
    for row in result.rows:
        digest, version, compiler, platform, os_, target, variants, stacks, size, tarball = row
        assert digest is None or is_valid_hash(digest)
        assert all(isinstance(v, str) for v in (version, compiler, platform, os_, target))
        assert all(isinstance(v, str) for v in variants) and all(isinstance(v, str) for v in stacks)
        assert size is None or (type(size) is int and 0 <= size < 2**63)
        assert tarball is None or isinstance(tarball, str)
    ChunkBuilder().add(result.tag, result.package, result.rows)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_read_page_never_raises_on_bytes(data):
    _check_result(read_page("/x/develop/p/specs.md", data), "/x/develop/p/specs.md")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_read_page_never_raises_on_fenced_text(text):
    data = ("---\n" + text + "\n---").encode("utf-8", "surrogatepass")
    _check_result(read_page("/x/develop/p/specs.md", data), "/x/develop/p/specs.md")


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
_field_values = {
    "hash": st.sampled_from([fake_hash(1), fake_hash(2).upper(), "short", ""]) | _json,
    "versions": st.lists(st.text(max_size=8), max_size=2) | _json,
    "compiler": st.sampled_from(["none", "gcc@=11.4.0", "gcc@13"]) | _json,
    "os": st.text(max_size=10) | _json,
    "platform": st.text(max_size=10) | _json,
    "target": st.text(max_size=10) | _json,
    "variants": st.lists(st.text(max_size=10), max_size=3) | _json,
    "stacks": st.lists(st.text(max_size=10), max_size=3) | _json,
    "size": st.integers(min_value=-(2**70), max_value=2**70) | st.just("-") | _json,
    "tarball": st.text(max_size=20) | _json,
}
_spec = st.fixed_dictionaries({}, optional=_field_values)
_meta = st.dictionaries(st.sampled_from(["num_specs", "versions", "compilers", "oss"]), _json, max_size=3) | _json


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(_spec | _json, max_size=5) | _json,
    meta=_meta,
    title=st.text(max_size=10) | _json,
    tag=st.text(alphabet=string.ascii_letters + string.digits + "-._ ,[]'\"", max_size=10),
)
def test_read_page_never_raises_on_near_valid_pages(specs, meta, title, tag):
    lines = [
        "---",
        "title: " + json.dumps(title),
        "layout: cache",
        f"categories: [package, {tag}]",
        "meta: " + json.dumps(meta),
        "spec_details: " + json.dumps(specs),
        "---",
    ]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    result = read_page("/x/develop/p/specs.md", data)
    _check_result(result, "/x/develop/p/specs.md")
    if isinstance(result, ParsedPage) and isinstance(specs, list):
        assert len(result.rows) + result.skipped == len(specs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30) | _json, max_size=4), st.booleans())
def test_read_page_never_raises_on_legacy_pages(entries, as_files):
    key = "spec_files" if as_files else "spec_names"
    data = ("---\ncategory: package\n" + key + ": " + json.dumps(entries) + "\n---\n").encode("utf-8", "surrogatepass")
    _check_result(read_page("/x/legacy/p/index.md", data), "/x/legacy/p/index.md")


_text = st.text(max_size=8)
_shaped_spec = st.fixed_dictionaries(
    {
        "hash": st.sampled_from([fake_hash(1), fake_hash(4), fake_hash(5), fake_hash(2).upper(), " " + fake_hash(3)]),
        "versions": st.lists(_text, min_size=1, max_size=1) | st.lists(_text | st.integers(), max_size=2),
        "compiler": st.sampled_from(["none", "", "gcc@=11.4.0"]),
        "platform": _text,
        "os": _text,
        "target": _text,
        "variants": st.lists(_text, max_size=3),
        "stacks": st.lists(_text, max_size=3),
        "size": st.sampled_from(["-", 0, 7, -1, 2**62, 2**62 + 1, "12"]),
    },
    optional={"tarball": st.none() | _text | st.integers()},
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_shaped_spec, min_size=1, max_size=4))
def test_fast_and_careful_spec_paths_agree(specs):
    """The reader's fast path for generator-shaped specs must give what the careful path gives."""
    from cachetui.catalog.sources.pages.reader import _read_one_spec, _read_spec_details

    fast = ParsedPage(path="/p", package="p", tag="t", format="current")
    _read_spec_details(fast, specs)
    careful = ParsedPage(path="/p", package="p", tag="t", format="current")
    for number, spec in enumerate(specs, 1):
        row = _read_one_spec(careful, number, spec)
        if row is not None:
            careful.rows.append(row)
    assert fast.rows == careful.rows
    assert fast.notes == careful.notes and fast.skipped == careful.skipped
