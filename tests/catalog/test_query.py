"""parse_query: every term form, malformed input, and a property test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cachetui.catalog import QueryError, SpecQuery, VersionRange, parse_query


def test_empty_query():
    q = parse_query("   ")
    assert q.is_empty and not q.has_spec_terms and q.names == ()


def test_bare_words_are_lowercased_names():
    q = parse_query("HDF5  py-numpy")
    assert q.names == ("hdf5", "py-numpy") and q.name_text == "hdf5 py-numpy"
    assert not q.has_spec_terms and not q.is_empty


@pytest.mark.parametrize(
    "text, field, expected",
    [
        ("@1.14", "versions", (VersionRange("1.14"),)),
        ("@=1.14.6", "versions", (VersionRange("=1.14.6"),)),
        ("@1.10:1.14", "versions", (VersionRange("1.10:1.14"),)),
        ("@:2", "versions", (VersionRange(":2"),)),
        ("%gcc", "compilers", (("gcc", None),)),
        ("%GCC@13", "compilers", (("gcc", VersionRange("13")),)),
        ("%gcc@=11.4.0", "compilers", (("gcc", VersionRange("=11.4.0")),)),
        ("+mpi", "variants", ("+mpi",)),
        ("~mpi", "variants", ("~mpi",)),
        ("++mpi", "variants", ("+mpi",)),
        ("~~cuda", "variants", ("~cuda",)),
        ("build_type=Release", "variants", ("build_type=Release",)),
        ("libs=shared,static", "variants", ("libs=shared,static",)),
        ("patches:=abc1234", "variants", ("patches=abc1234",)),
        ("cflags==-O2", "variants", ("cflags=-O2",)),
        ("foo=bar", "variants", ("foo=bar",)),
        ("os=ubuntu22.04", "oss", ("ubuntu22.04",)),
        ("target=x86_64_v3", "targets", ("x86_64_v3",)),
        ("platform=linux", "platforms", ("linux",)),
        ("tag=develop-2025*", "tags", ("develop-2025*",)),
        ("stack=e4s", "stacks", ("e4s",)),
        ("/ABCz7", "hash_prefixes", ("abcz7",)),
    ],
)
def test_term_forms(text, field, expected):
    q = parse_query(text)
    assert getattr(q, field) == expected
    assert q.has_spec_terms and q.names == () and q.notes == ()


def test_arch_splits_into_three_constraints():
    q = parse_query("arch=linux-ubuntu22.04-x86_64_v3")
    assert (q.platforms, q.oss, q.targets) == (("linux",), ("ubuntu22.04",), ("x86_64_v3",))


def test_minus_variant_only_after_space():
    assert parse_query("hdf5 -mpi").variants == ("~mpi",)
    assert parse_query("hdf5 -mpi").names == ("hdf5",)
    assert parse_query("hdf5 --mpi").variants == ("~mpi",)
    q = parse_query("hdf5-mpi")
    assert q.names == ("hdf5-mpi",) and q.variants == ()


def test_spack_style_glued_terms():
    q = parse_query("hdf5@1.14+mpi~cuda%gcc@13 build_type=Release")
    assert q.names == ("hdf5",)
    assert q.versions == (VersionRange("1.14"),)
    assert q.variants == ("+mpi", "~cuda", "build_type=Release")
    assert q.compilers == (("gcc", VersionRange("13")),)


def test_and_combination_keeps_every_term():
    q = parse_query(
        "hdf5 @1.14 +mpi %gcc@13 build_type=Release os=ubuntu22.04 target=x86_64_v3 tag=develop stack=e4s /abc"
    )
    assert q.names == ("hdf5",) and len(q.versions) == 1 and len(q.compilers) == 1
    assert q.variants == ("+mpi", "build_type=Release")
    assert (q.oss, q.targets, q.tags, q.stacks, q.hash_prefixes) == (
        ("ubuntu22.04",),
        ("x86_64_v3",),
        ("develop",),
        ("e4s",),
        ("abc",),
    )


def test_hash_with_digits_outside_base32_has_note():
    q = parse_query("/abc1234")
    assert q.hash_prefixes == ("abc1234",)
    assert len(q.notes) == 1 and "cannot match" in q.notes[0] and "/abc1234" in q.notes[0]


@pytest.mark.parametrize(
    "text, token",
    [
        ("@", "@"),
        ("hdf5 @", "@"),
        ("@=", "@="),
        ("@:", "@:"),
        ("@1:2:3", "@1:2:3"),
        ("os=", "os="),
        ("tag=", "tag="),
        ("build_type=", "build_type="),
        ("%", "%"),
        ("%@13", "%@13"),
        ("%gcc@", "%gcc@"),
        ("+", "+"),
        ("~", "~"),
        ("hdf5 -", "-"),
        ("/", "/"),
        ("/" + "a" * 33, "/" + "a" * 33),
        ("/abc!", "/abc!"),
        ("^", "^"),
        ("hdf5 ^@4", "^@4"),
        ("hdf5 ^mpich@", "^mpich@"),
        ("$", "$"),
        ("hdf5 +mpi $HOME", "$"),
        ("arch=linux", "arch=linux"),
        ("arch=linux--x86_64", "arch=linux--x86_64"),
    ],
)
def test_malformed_terms_name_the_token(text, token):
    with pytest.raises(QueryError) as info:
        parse_query(text)
    err = info.value
    assert err.token == token
    assert text[err.position :].startswith(token)
    assert f"'{token}'" in str(err) and err.message == str(err)


def test_error_message_uses_the_typed_sigil():
    with pytest.raises(QueryError) as info:
        parse_query("zlib -")
    assert "'-' needs a variant name" in info.value.message


def test_query_equality_ignores_notes():
    assert parse_query("zlib +mpi") == SpecQuery(text="zlib +mpi", names=("zlib",), variants=("+mpi",))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_query_only_raises_query_error(text):
    try:
        q = parse_query(text)
    except QueryError as err:
        assert isinstance(err.token, str) and err.token
        assert 0 <= err.position <= len(text) and text[err.position :].startswith(err.token)
        return
    assert isinstance(q, SpecQuery) and q.text == text


_pieces = st.sampled_from(
    [
        "hdf5",
        "@",
        "@=",
        ":",
        "%",
        "+",
        "~",
        "-",
        "=",
        "/",
        "^",
        "os",
        "arch",
        "1.14",
        "gcc",
        " ",
        ",",
        "*",
        "a2",
        "\x1b",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=12).map("".join))
def test_parse_query_only_raises_query_error_on_spec_like_text(text):
    test_parse_query_only_raises_query_error.hypothesis.inner_test(text)
