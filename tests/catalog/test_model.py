"""Spec, Page, Problem records and small helpers."""

from __future__ import annotations

import json

import pytest

from cachetui.catalog import Page, Problem, Spec, compiler_name, human_size, is_valid_hash
from cachetui.catalog.spack.records import compiler_version


def _spec(**kw):
    base = dict(
        row=3,
        hash="abcdefghijklmnopqrstuvwxyz234567",
        package="hdf5",
        tag="develop",
        version="1.14.6",
        compiler="gcc@=13.2.0",
        platform="linux",
        os="ubuntu22.04",
        target="x86_64_v3",
        variants=("+mpi", "build_type=Release"),
        stacks=("e4s", "root"),
        size=2048,
        tarball=None,
        source="/p",
    )
    base.update(kw)
    return Spec(**base)


def test_spec_strings():
    s = _spec()
    assert s.short_hash == "abcdefg"
    assert s.arch == "linux-ubuntu22.04-x86_64_v3"
    assert s.compiler_name == "gcc"
    assert s.spack_string() == "hdf5@1.14.6 %gcc@=13.2.0 +mpi build_type=Release arch=linux-ubuntu22.04-x86_64_v3"
    assert (
        _spec(compiler="none", version="").spack_string()
        == "hdf5 +mpi build_type=Release arch=linux-ubuntu22.04-x86_64_v3"
    )
    assert _spec(hash=None).short_hash == ""


def test_to_dict_is_the_json_object():
    d = _spec().to_dict()
    assert list(d) == [
        "tag",
        "package",
        "hash",
        "version",
        "compiler",
        "platform",
        "os",
        "target",
        "variants",
        "stacks",
        "size",
        "tarball",
        "source",
        "root",
        "dependencies",
        "kind",
    ]
    assert d["variants"] == ["+mpi", "build_type=Release"] and d["size"] == 2048 and d["kind"] == "binary"
    assert d["root"] is None and d["dependencies"] is None  # a page's spec: pages do not say
    json.dumps(d)


def test_spec_equality_ignores_source():
    assert _spec(source="/a") == _spec(source="/b")


def test_page_and_problem():
    page = Page(id=0, tag="develop", package="x", source="/x", format="current", start=5, stop=9)
    assert page.num_specs == 4 and page.declared_specs is None
    assert str(Problem("/p/specs.md", "empty file")) == "/p/specs.md: empty file"


@pytest.mark.parametrize(
    "value, ok",
    [
        ("a" * 32, True),
        ("abcdefghijklmnopqrstuvwxyz234567", True),
        ("a" * 31, False),
        ("A" * 32, False),
        ("a" * 31 + "1", False),
    ],
)
def test_is_valid_hash(value, ok):
    assert is_valid_hash(value) is ok


def test_compiler_helpers():
    assert (compiler_name("gcc@=11.4.0"), compiler_version("gcc@=11.4.0")) == ("gcc", "11.4.0")
    assert (compiler_name("none"), compiler_version("none")) == ("none", "")


@pytest.mark.parametrize(
    "size, text",
    [
        (None, "-"),
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (5 * 1024**2, "5.0 MiB"),
        (3 * 1024**4, "3072.0 GiB"),
    ],
)
def test_human_size(size, text):
    assert human_size(size) == text
