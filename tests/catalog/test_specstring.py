"""Spack spec-string tokenizer and the legacy root-spec parser."""

from __future__ import annotations

import pytest

from cachetui.catalog.spack.specstring import normalize_variant, parse_root_spec, split_kv, tokenize

CAMTIMERS = (
    "camtimers@master%gcc@8.4.0 build_type=RelWithDebInfo arch=linux-rhel7-sandybridge "
    "^openmpi@3.1.4%gcc@8.4.0~cuda+cxx_exceptions~java+legacylaunchers~memchecker+pmi~sqlite3+thread_multiple+vt "
    "fabrics=ucx schedulers=slurm arch=linux-rhel7-sandybridge"
)


def test_camtimers_root_spec():
    root = parse_root_spec(CAMTIMERS)
    assert root.name == "camtimers"
    assert root.version == "master"
    assert root.compiler == "gcc@8.4.0"
    assert "build_type=RelWithDebInfo" in root.variants
    assert root.variants == ("build_type=RelWithDebInfo",)  # nothing from ^openmpi
    assert (root.platform, root.os, root.target) == ("linux", "rhel7", "sandybridge")


def test_adiak_style_glued_variants():
    root = parse_root_spec(
        "adiak@0.1.1%gcc@9.3.0+mpi+shared build_type=RelWithDebInfo arch=linux-ubuntu20.04-x86_64 ^libiconv@1.16"
    )
    assert (root.name, root.version, root.compiler) == ("adiak", "0.1.1", "gcc@9.3.0")
    assert root.variants == ("+mpi", "+shared", "build_type=RelWithDebInfo")
    assert (root.platform, root.os, root.target) == ("linux", "ubuntu20.04", "x86_64")


def test_separate_arch_keys_and_defaults():
    root = parse_root_spec("zlib@=1.3 ~shared platform=linux os=centos8 target=zen3")
    assert (root.version, root.compiler, root.variants) == ("1.3", "none", ("~shared",))
    assert (root.platform, root.os, root.target) == ("linux", "centos8", "zen3")
    bare = parse_root_spec("zlib")
    assert (bare.name, bare.version, bare.compiler, bare.platform) == ("zlib", "", "none", "")


@pytest.mark.parametrize("text", ["", "   ", "@1.0%gcc", "^openmpi", "+mpi"])
def test_no_name_raises_value_error(text):
    with pytest.raises(ValueError, match="no package name"):
        parse_root_spec(text)


def test_tokenize_kinds_and_positions():
    tokens = tokenize("hdf5@1.14 +mpi -cuda %gcc@13 os=x /abc ^dep $")
    assert [(t.kind, t.text, t.value, t.start) for t in tokens] == [
        ("name", "hdf5", "hdf5", 0),
        ("version", "@1.14", "1.14", 4),
        ("bool", "+mpi", "+mpi", 10),
        ("bool", "-cuda", "~cuda", 15),
        ("compiler", "%gcc@13", "gcc@13", 21),
        ("kv", "os=x", "os=x", 29),
        ("hash", "/abc", "abc", 34),
        ("dep", "^dep", "dep", 39),
        ("other", "$", "$", 44),
    ]


@pytest.mark.parametrize(
    "variant, key, value, normal",
    [
        ("build_type=Release", "build_type", "Release", "build_type=Release"),
        ("patches:=abc,def", "patches", "abc,def", "patches=abc,def"),
        ("cflags==-O2", "cflags", "-O2", "cflags=-O2"),
    ],
)
def test_split_and_normalize(variant, key, value, normal):
    assert split_kv(variant) == (key, value)
    assert normalize_variant(variant) == normal


def test_normalize_bools():
    assert normalize_variant("++mpi") == "+mpi"
    assert normalize_variant("~~cuda") == "~cuda"
    assert normalize_variant("+mpi") == "+mpi"
