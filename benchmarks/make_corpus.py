#!/usr/bin/env python3
"""Generate a realistic synthetic corpus of Spack build-cache pages.

Usage::

    python benchmarks/make_corpus.py OUT_DIR --tags N [--packages-per-tag 1300]
        [--seed 0] [--median-specs 15] [--max-specs 2000] [--workers K]

Writes ``OUT_DIR/<tag>/<package>/specs.md`` (the site's ``_cache/<tag>/<pkg>/specs.md``
layout) and prints a one-line summary.  Standard library only (Python 3.10+).

What it models (see shared/docs/page-format.md and the real pages in
shared/corpus/real/):

* Tags in the site's style: ``develop``, releases (``v0.23.1``, ``v0.23.0``,
  ``v0.22.5`` ...) and weekly snapshots (``develop-2025-07-13``,
  ``develop-2025-07-06`` ...).  With N tags: 1 develop, N // 6 releases,
  the rest weekly snapshots.
* A pool of ~1.23 x packages-per-tag package names (real Spack names plus
  names built from syllables, with ``py-``/``r-``/``perl-`` prefixes); every
  tag holds exactly packages-per-tag of them, most packages being in every tag.
* Specs per page: log-normal (median --median-specs, mean ~23 with the
  defaults) plus a few "hub" packages (gcc-runtime, compiler-wrapper, ...)
  whose pages reach --max-specs.
* Binaries are shared between consecutive tags of a lineage (weekly snapshots
  in date order, then ``develop``; each release series, forked from the
  snapshot before its date): ~65% of a page's specs are the exact same spec
  (same hash) as in the parent tag.
* Formats: ``develop`` and 2025 snapshots use the current format (sorted keys,
  no tarball, ``"size": "-"``, compiler ``none`` for new builds of packages
  without a compiler dependency, else ``gcc@11.4.0``; spec_details sorted by
  hash).  Releases and 2023-2024 snapshots use the mid format (key order
  hash, compiler, versions, os, platform, target, variants, stacks, size,
  tarball; compilers ``gcc@=11.4.0``, or ``gcc@11.4.0`` before Spack v0.20;
  ``patches=`` instead of ``patches:=``; integer sizes on some specs; meta
  ``num_specs_by_stack`` in first-seen order and spec_details in build-cache
  index order, i.e. not sorted, as on the real mid-format pages).
* meta is always computed from spec_details, so it is consistent with it.

Deterministic for a given seed (and independent of the number of workers):
every package gets its own random stream derived from the seed and its name,
and the tag plan (names, dates, which packages each tag holds) comes from a
stream derived from the seed alone.

Import use::

    spec = importlib.util.spec_from_file_location("make_corpus", path)
    ...
    counts = make_corpus.generate("/tmp/c", 10, packages_per_tag=200, seed=1)
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import json
import math
import os
import random
import sys
import time

from cachetui.catalog.spack.tags import RELEASE_DATES  # one table of release dates, the catalog's

__all__ = ["generate", "main", "make_tags"]

# ---------------------------------------------------------------------------
# Static tables
# ---------------------------------------------------------------------------

NEWEST_SNAPSHOT = _dt.date(2025, 7, 13)
DEVELOP_DATE = "2025-07-20"
CURRENT_FORMAT_FROM = "2025-01-01"  # snapshots from this date on: current format
EQ_COMPILER_FROM = "2023-05-21"  # Spack v0.20: compilers spelled gcc@=X

# (tag, date) newest version first: the order the site lists releases in (the catalog's table).
RELEASES = [(tag, day) for tag, day in RELEASE_DATES if tag.startswith("v0.")]


def _gcc(v):
    return ("gcc", "gcc", v)


def _oneapi(v):
    return ("oneapi", "intel-oneapi-compilers", v)


def _cce(v):
    return ("cce", "cce", v)


def _apple(v):
    return ("apple-clang", "apple-clang", v)


_MSVC = ("msvc", "msvc", "19.39.33523")

# stack -> (weight, [(start, end, [(os, platform, target, compiler), ...]), ...])
# compiler = (name in mid format, name in current format, version)
_U22 = ("ubuntu22.04", "linux")
STACKS = {
    "e4s": (
        10,
        [
            ("2000-01-01", "2023-09-01", [("ubuntu20.04", "linux", "x86_64_v3", _gcc("11.1.0"))]),
            ("2023-09-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))]),
        ],
    ),
    "e4s-oneapi": (
        5,
        [
            ("2000-01-01", "2024-04-01", [("ubuntu20.04", "linux", "x86_64_v3", _oneapi("2023.0.0"))]),
            ("2024-04-01", "2025-01-01", [(*_U22, "x86_64_v3", _oneapi("2024.1.0"))]),
            ("2025-01-01", "9999-12-31", [(*_U22, "x86_64_v3", _oneapi("2025.1.0"))]),
        ],
    ),
    "e4s-power": (3, [("2000-01-01", "2025-01-01", [("ubuntu20.04", "linux", "ppc64le", _gcc("9.4.0"))])]),
    "e4s-neoverse_v1": (3, [("2022-06-01", "2025-01-01", [(*_U22, "neoverse_v1", _gcc("11.4.0"))])]),
    "e4s-neoverse-v2": (5, [("2024-03-01", "9999-12-31", [(*_U22, "neoverse_v2", _gcc("11.4.0"))])]),
    "e4s-cray-rhel": (
        3,
        [
            (
                "2023-06-01",
                "2025-01-01",
                [("rhel8", "linux", "x86_64_v3", _cce("15.0.1")), ("rhel8", "linux", "zen4", _cce("15.0.1"))],
            ),
            (
                "2025-01-01",
                "9999-12-31",
                [("rhel8", "linux", "x86_64_v3", _cce("18.0.0")), ("rhel8", "linux", "zen4", _cce("18.0.0"))],
            ),
        ],
    ),
    "e4s-cray-sles": (1, [("2023-06-01", "2024-06-01", [("sle_hpc15", "linux", "zen4", _cce("15.0.1"))])]),
    "e4s-rocm-external": (3, [("2023-01-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))])]),
    "ml-linux-x86_64-cpu": (4, [("2023-06-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))])]),
    "ml-linux-x86_64-cuda": (4, [("2023-06-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))])]),
    "ml-linux-x86_64-rocm": (3, [("2023-06-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))])]),
    "ml-linux-aarch64-cpu": (3, [("2024-01-01", "9999-12-31", [(*_U22, "aarch64", _gcc("11.4.0"))])]),
    "ml-linux-aarch64-cuda": (3, [("2024-01-01", "9999-12-31", [(*_U22, "aarch64", _gcc("11.4.0"))])]),
    "ml-darwin-aarch64-mps": (
        2,
        [
            ("2023-06-01", "2024-12-01", [("ventura", "darwin", "aarch64", _apple("15.0.0"))]),
            ("2024-12-01", "9999-12-31", [("sequoia", "darwin", "aarch64", _apple("17.0.0"))]),
        ],
    ),
    "radiuss": (
        3,
        [
            ("2000-01-01", "2023-09-01", [("ubuntu20.04", "linux", "x86_64_v3", _gcc("11.1.0"))]),
            ("2023-09-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))]),
        ],
    ),
    "radiuss-aws": (2, [("2022-06-01", "9999-12-31", [("amzn2", "linux", "x86_64_v3", _gcc("7.3.1"))])]),
    "radiuss-aws-aarch64": (2, [("2022-06-01", "9999-12-31", [("amzn2", "linux", "aarch64", _gcc("7.3.1"))])]),
    "aws-pcluster-x86_64_v4": (
        3,
        [
            (
                "2023-01-01",
                "9999-12-31",
                [("amzn2", "linux", "x86_64_v4", _gcc("12.4.0")), ("amzn2", "linux", "x86_64_v4", _oneapi("2024.1.0"))],
            )
        ],
    ),
    "aws-pcluster-neoverse_v1": (
        2,
        [("2023-01-01", "9999-12-31", [("amzn2", "linux", "neoverse_v1", _gcc("12.4.0"))])],
    ),
    "aws-isc": (1, [("2024-03-01", "2025-01-01", [("amzn2", "linux", "x86_64_v3", _gcc("12.4.0"))])]),
    "aws-isc-aarch64": (1, [("2024-03-01", "2025-01-01", [("amzn2", "linux", "aarch64", _gcc("7.3.1"))])]),
    "aws-ahug": (1, [("2023-01-01", "2024-03-01", [("amzn2", "linux", "x86_64_v3", _gcc("7.3.1"))])]),
    "aws-ahug-aarch64": (1, [("2023-01-01", "2024-03-01", [("amzn2", "linux", "neoverse_n1", _gcc("7.3.1"))])]),
    "tutorial": (3, [("2000-01-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))])]),
    "hep": (3, [("2024-06-01", "9999-12-31", [("ubuntu24.04", "linux", "x86_64_v3", _gcc("13.2.0"))])]),
    "data-vis-sdk": (
        2,
        [
            ("2000-01-01", "2024-06-01", [("ubuntu20.04", "linux", "x86_64_v3", _gcc("9.4.0"))]),
            ("2024-06-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))]),
        ],
    ),
    "build_systems": (1, [("2000-01-01", "9999-12-31", [(*_U22, "x86_64_v3", _gcc("11.4.0"))])]),
    "developer-tools-manylinux2014": (
        1,
        [("2023-06-01", "2025-01-01", [("centos7", "linux", "x86_64", _gcc("10.2.1"))])],
    ),
    "developer-tools-x86_64_v3-linux-gnu": (
        2,
        [
            (
                "2025-01-01",
                "9999-12-31",
                [("rhel8", "linux", "x86_64_v3", _gcc("13.3.0")), ("centos7", "linux", "x86_64_v3", _gcc("10.5.0"))],
            )
        ],
    ),
    "developer-tools-aarch64-linux-gnu": (
        2,
        [
            (
                "2025-01-01",
                "9999-12-31",
                [("ubuntu18.04", "linux", "aarch64", _gcc("7.5.0")), ("rhel8", "linux", "aarch64", _gcc("13.3.0"))],
            )
        ],
    ),
    "developer-tools-darwin": (1, [("2025-01-01", "9999-12-31", [("sequoia", "darwin", "aarch64", _apple("17.0.0"))])]),
    "bootstrap-x86_64-linux-gnu": (1, [("2025-01-01", "9999-12-31", [("centos7", "linux", "x86_64", _gcc("10.5.0"))])]),
    "bootstrap-aarch64-darwin": (
        1,
        [("2025-01-01", "9999-12-31", [("sequoia", "darwin", "aarch64", _apple("16.0.0"))])],
    ),
    "windows-vis": (1, [("2024-01-01", "9999-12-31", [("windows10.0.20348", "windows", "x86_64", _MSVC)])]),
}
STACK_NAMES = list(STACKS)

# Packages that must be in the pool (and in every tag that is large enough).
KEY_PACKAGES = ["cmake", "hdf5", "zlib-ng", "openmpi", "mpich", "boost", "py-numpy"]
# Hub packages: nearly every stack builds them; page sizes reach --max-specs.
HUB_PACKAGES = ["gcc-runtime", "compiler-wrapper", "glibc", "zlib-ng", "pkgconf", "gmake", "ncurses", "openssl"]
REAL_PACKAGES = [
    "python",
    "perl",
    "py-pip",
    "py-setuptools",
    "py-wheel",
    "sqlite",
    "bzip2",
    "xz",
    "zstd",
    "readline",
    "gdbm",
    "berkeley-db",
    "libiconv",
    "libxml2",
    "curl",
    "expat",
    "gettext",
    "tar",
    "libffi",
    "util-linux-uuid",
    "adios2",
    "amrex",
    "arborx",
    "ascent",
    "axom",
    "blaspp",
    "caliper",
    "camp",
    "cgns",
    "chai",
    "conduit",
    "darshan-runtime",
    "dyninst",
    "eigen",
    "ed",
    "fftw",
    "flecsi",
    "flux-core",
    "gasnet",
    "ginkgo",
    "gmp",
    "gptune",
    "heffte",
    "hypre",
    "kokkos",
    "kokkos-kernels",
    "lammps",
    "lapackpp",
    "legion",
    "libcatalyst",
    "libpressio",
    "llvm",
    "mfem",
    "mpfr",
    "nccmp",
    "netcdf-c",
    "netcdf-fortran",
    "netlib-lapack",
    "netlib-scalapack",
    "ninja",
    "omega-h",
    "openblas",
    "papi",
    "parallel-netcdf",
    "paraview",
    "petsc",
    "plasma",
    "precice",
    "pumi",
    "py-h5py",
    "py-petsc4py",
    "py-libensemble",
    "qthreads",
    "raja",
    "slate",
    "slepc",
    "superlu",
    "superlu-dist",
    "swig",
    "sundials",
    "tasmanian",
    "tau",
    "trilinos",
    "umpire",
    "unifyfs",
    "upcxx",
    "variorum",
    "vtk-m",
    "zfp",
    "zlib",
    "libedit",
    "libunwind",
    "libevent",
    "hwloc",
    "libpciaccess",
    "libfabric",
    "ucx",
    "numactl",
    "pmix",
    "munge",
    "rdma-core",
    "openssh",
    "krb5",
    "cuda",
    "hip",
    "rocblas",
    "rocm-cmake",
    "magma",
    "nvtx",
    "py-torch",
    "py-tensorflow",
    "py-jax",
    "py-scipy",
    "py-pandas",
    "py-matplotlib",
    "py-scikit-learn",
    "py-cython",
    "py-pybind11",
    "py-mpi4py",
    "py-pyyaml",
    "py-jinja2",
    "py-markupsafe",
    "py-six",
    "py-packaging",
    "py-pyparsing",
    "py-cffi",
    "py-pycparser",
    "py-requests",
    "py-urllib3",
    "py-idna",
    "py-certifi",
    "py-charset-normalizer",
    "py-pillow",
    "py-sympy",
    "py-mpmath",
    "py-filelock",
    "py-typing-extensions",
    "py-tqdm",
    "py-pytest",
    "py-pluggy",
    "py-attrs",
    "py-hatchling",
    "py-flit-core",
    "py-poetry-core",
    "py-meson-python",
    "meson",
    "py-protobuf",
    "protobuf",
    "abseil-cpp",
    "re2",
    "grpc",
    "py-keras",
    "py-onnx",
    "py-transformers",
    "py-tokenizers",
    "py-safetensors",
    "py-huggingface-hub",
    "r",
    "r-rcpp",
    "r-ggplot2",
    "r-dplyr",
    "r-data-table",
    "r-matrix",
    "r-mass",
    "r-lattice",
    "r-rlang",
    "r-vctrs",
    "perl-data-dumper",
    "perl-test-needs",
    "perl-extutils-makemaker",
    "perl-json",
    "perl-uri",
    "perl-dbi",
    "root",
    "geant4",
    "clhep",
    "xrootd",
    "davix",
    "vdt",
    "podio",
    "edm4hep",
    "dd4hep",
    "acts",
    "bc",
    "acl",
    "attr",
    "astyle",
    "autoconf",
    "automake",
    "libtool",
    "m4",
    "diffutils",
    "findutils",
    "gawk",
    "sed",
    "grep",
    "bison",
    "flex",
    "texinfo",
    "help2man",
    "gdb",
    "binutils",
    "git",
    "tcl",
    "tk",
    "libx11",
    "libxcb",
    "mesa",
    "glew",
    "qt-base",
    "cairo",
    "pango",
    "harfbuzz",
    "freetype",
    "fontconfig",
    "libpng",
    "libjpeg-turbo",
    "libtiff",
    "giflib",
    "pcre2",
    "libsigsegv",
    "nghttp2",
    "aida",
    "amdblis",
    "amg2013",
    "archer",
    "arkouda",
    "armpl-gcc",
    "bash",
    "direnv",
    "byacc",
    "camtimers",
    "cinch",
]

# Versions of well-known packages: (version, release date), oldest first.
KNOWN_VERSIONS = {
    "cmake": [
        ("3.23.1", "2022-04-12"),
        ("3.24.3", "2022-11-01"),
        ("3.25.3", "2023-03-08"),
        ("3.26.3", "2023-04-04"),
        ("3.27.7", "2023-10-10"),
        ("3.27.9", "2023-11-22"),
        ("3.29.2", "2024-04-11"),
        ("3.30.5", "2024-10-08"),
        ("3.31.6", "2025-03-04"),
    ],
    "hdf5": [
        ("1.8.22", "2021-02-15"),
        ("1.10.7", "2020-09-15"),
        ("1.12.2", "2022-04-27"),
        ("1.14.0", "2022-12-28"),
        ("1.14.3", "2023-10-27"),
        ("1.8.23", "2023-02-21"),
        ("1.12.3", "2023-11-30"),
        ("1.14.5", "2024-09-30"),
        ("1.14.6", "2025-02-05"),
    ],
    "zlib-ng": [
        ("2.0.7", "2023-03-17"),
        ("2.1.3", "2023-06-26"),
        ("2.1.4", "2023-10-11"),
        ("2.1.6", "2024-01-30"),
        ("2.2.1", "2024-07-02"),
        ("2.2.4", "2025-02-07"),
    ],
    "openmpi": [
        ("4.1.4", "2022-05-26"),
        ("4.1.5", "2023-02-23"),
        ("4.1.6", "2023-09-30"),
        ("5.0.3", "2024-04-08"),
        ("5.0.5", "2024-07-22"),
        ("5.0.7", "2025-02-14"),
    ],
    "mpich": [
        ("4.0.2", "2022-04-01"),
        ("4.1.1", "2023-03-06"),
        ("4.1.2", "2023-06-07"),
        ("4.2.1", "2024-04-18"),
        ("4.2.3", "2024-09-27"),
        ("4.3.0", "2025-02-03"),
    ],
    "boost": [
        ("1.79.0", "2022-04-13"),
        ("1.80.0", "2022-08-10"),
        ("1.82.0", "2023-04-14"),
        ("1.83.0", "2023-08-11"),
        ("1.85.0", "2024-04-15"),
        ("1.86.0", "2024-08-14"),
        ("1.87.0", "2024-12-12"),
        ("1.88.0", "2025-04-10"),
    ],
    "py-numpy": [
        ("1.23.5", "2022-11-20"),
        ("1.24.3", "2023-04-22"),
        ("1.25.2", "2023-07-31"),
        ("1.26.4", "2024-02-05"),
        ("2.0.1", "2024-07-21"),
        ("2.1.3", "2024-11-02"),
        ("2.2.6", "2025-05-17"),
    ],
    "python": [
        ("3.10.8", "2022-10-11"),
        ("3.11.4", "2023-06-06"),
        ("3.11.7", "2023-12-04"),
        ("3.11.9", "2024-04-02"),
        ("3.12.4", "2024-06-06"),
        ("3.13.2", "2025-02-04"),
    ],
    "compiler-wrapper": [("1.0", "2000-01-01")],
    "glibc": [("2.17", "2000-01-01"), ("2.28", "2000-01-01"), ("2.31", "2000-01-01"), ("2.35", "2000-01-01")],
}

# Variant sets of well-known packages, taken from real pages: (weight, variants
# separated by spaces, mid-format spelling 'patches=').
KNOWN_VARIANTS = {
    "cmake": [
        (43, "build_system=generic build_type=Release ~doc +ncurses +ownlibs patches=dbc3892 ~qtgui"),
        (28, "build_system=generic build_type=Release ~doc +ncurses +ownlibs ~qtgui"),
        (2, "build_system=generic build_type=Release ~doc +ncurses ~ownlibs patches=dbc3892 ~qtgui"),
        (1, "build_system=generic build_type=Release ~doc +ncurses ~ownlibs ~qtgui"),
    ],
    "hdf5": [
        (
            9,
            "api=default build_system=cmake build_type=Release ~cxx ~fortran generator=make "
            "+hl ~ipo ~java ~map +mpi +shared ~subfiling ~szip ~threadsafe +tools",
        ),
        (
            8,
            "api=default build_system=cmake build_type=Release ~cxx +fortran generator=make "
            "+hl ~ipo ~java ~map +mpi +shared ~subfiling ~szip +threadsafe +tools",
        ),
        (
            7,
            "api=default build_system=cmake build_type=Release ~cxx +fortran generator=make "
            "+hl ~ipo ~java ~map +mpi +shared ~subfiling ~szip ~threadsafe +tools",
        ),
        (
            6,
            "api=default build_system=cmake build_type=Release ~cxx ~fortran generator=make "
            "~hl ~ipo ~java ~map +mpi +shared ~subfiling ~szip ~threadsafe +tools",
        ),
    ],
    "zlib-ng": [
        (24, "build_system=autotools +compat +new_strategies +opt +pic +shared"),
        (7, "build_system=autotools +compat ~new_strategies +opt +pic +shared"),
        (1, "build_system=cmake build_type=Release +compat generator=ninja ~ipo +new_strategies +opt +pic +shared"),
    ],
    "mpich": [
        (
            14,
            "~argobots build_system=autotools ~cuda datatype-engine=auto device=ch4 +fortran "
            "~hwloc +hydra ~level_zero +libxml2 netmod=ofi +pci pmi=default ~rocm +romio "
            "~slurm ~vci ~verbs ~wrapperrpath ~xpmem",
        ),
        (
            3,
            "~argobots build_system=autotools ~cuda datatype-engine=auto device=ch4 +fortran "
            "+hwloc +hydra ~level_zero +libxml2 netmod=ofi +pci pmi=default ~rocm +romio "
            "~slurm ~vci ~verbs +wrapperrpath ~xpmem",
        ),
        (
            2,
            "~argobots build_system=autotools ~cuda datatype-engine=auto device=ch4 +fortran "
            "+hwloc +hydra ~level_zero +libxml2 netmod=ofi ~pci pmi=default ~rocm +romio "
            "~slurm ~vci ~verbs +wrapperrpath ~xpmem",
        ),
    ],
    "boost": [
        (
            4,
            "+atomic build_system=generic ~charconv +chrono ~clanglibcpp ~cobalt +container "
            "~context ~contract ~coroutine cxxstd=11 +date_time ~debug +exception ~fiber "
            "+filesystem +graph ~graph_parallel ~icu ~iostreams ~json ~locale ~log ~math +mpi "
            "~mqtt5 +multithreaded ~nowide ~numpy patches=a440f96 ~pic ~program_options "
            "~python +random +regex ~serialization +shared ~signals2 ~singlethreaded "
            "~stacktrace +system ~taggedlayout ~test +thread +timer ~type_erasure ~url "
            "~versionedlayout visibility=global ~wave",
        ),
        (
            4,
            "+atomic build_system=generic ~charconv +chrono ~clanglibcpp ~cobalt ~container "
            "~context ~contract ~coroutine cxxstd=11 +date_time ~debug +exception ~fiber "
            "+filesystem +graph ~graph_parallel +icu +iostreams ~json +locale +log +math +mpi "
            "~mqtt5 +multithreaded ~nowide ~numpy patches=a440f96 ~pic +program_options "
            "~python +random +regex +serialization +shared ~signals2 ~singlethreaded "
            "~stacktrace +system ~taggedlayout +test +thread +timer ~type_erasure ~url "
            "~versionedlayout visibility=hidden +wave",
        ),
        (
            3,
            "+atomic build_system=generic ~charconv +chrono ~clanglibcpp ~cobalt +container "
            "~context ~contract ~coroutine cxxstd=11 +date_time ~debug +exception ~fiber "
            "~filesystem ~graph ~graph_parallel +icu ~iostreams ~json +locale +log ~math +mpi "
            "~mqtt5 +multithreaded ~nowide ~numpy patches=a440f96 ~pic +program_options "
            "~python ~random +regex +serialization +shared ~signals2 ~singlethreaded "
            "~stacktrace +system ~taggedlayout ~test +thread ~timer ~type_erasure ~url "
            "~versionedlayout visibility=hidden ~wave",
        ),
    ],
    "py-numpy": [
        (43, "build_system=python_pip patches=873745d"),
        (3, "build_system=python_pip patches=1c9cb08,873745d"),
    ],
    "cuda": [
        (33, "~allow-unsupported-compilers build_system=generic ~dev"),
    ],
    "gcc-runtime": [
        (18, "build_system=generic"),
    ],
    "compiler-wrapper": [
        (15, "build_system=generic"),
    ],
    "bc": [
        (3, "build_system=autotools"),
    ],
    "acl": [
        (2, "build_system=autotools"),
    ],
    "astyle": [
        (3, "build_system=cmake build_type=Release generator=make ~ipo"),
    ],
    "ed": [
        (1, "build_system=autotools"),
    ],
    "cgns": [
        (
            1,
            "~base_scope build_system=cmake build_type=Release ~fortran generator=make +hdf5 "
            "~int64 ~ipo ~legacy ~mem_debug +mpi ~pic +scoping +shared ~static ~testing "
            "~tools",
        ),
        (
            1,
            "~base_scope build_system=cmake build_type=Release ~fortran generator=ninja +hdf5 "
            "~int64 ~ipo ~legacy ~mem_debug ~mpi ~pic +scoping +shared ~static ~testing "
            "~tools",
        ),
    ],
    "zlib": [
        (3, "build_system=makefile +optimize +pic +shared"),
    ],
    "openmpi": [
        (
            6,
            "~atomics build_system=autotools ~cuda fabrics=none ~gpfs ~internal-hwloc "
            "~internal-libevent ~internal-pmix ~java ~lustre ~memchecker ~openshmem ~romio "
            "romio-filesystem=none +rsh schedulers=none ~static ~two_level_namespace +vt "
            "+wrapper-rpath",
        ),
        (
            2,
            "~atomics build_system=autotools ~cuda fabrics=ofi ~gpfs ~internal-hwloc "
            "~internal-libevent ~internal-pmix ~java ~lustre ~memchecker ~openshmem ~romio "
            "romio-filesystem=none +rsh schedulers=slurm ~static ~two_level_namespace +vt "
            "+wrapper-rpath",
        ),
    ],
}

BOOL_VARIANTS = [
    "shared",
    "pic",
    "mpi",
    "openmp",
    "fortran",
    "cxx",
    "static",
    "docs",
    "tests",
    "python",
    "hdf5",
    "netcdf",
    "zlib",
    "threads",
    "debug",
    "examples",
    "opencl",
    "lapack",
    "blas",
    "ssl",
    "curl",
    "jpeg",
    "png",
    "tiff",
    "x",
    "qt",
    "gui",
    "java",
    "tools",
    "hl",
    "szip",
    "threadsafe",
    "fft",
    "int64",
    "complex",
    "superlu-dist",
    "metis",
    "parmetis",
    "hypre",
    "petsc",
    "kokkos",
    "raja",
    "sycl",
    "vtk",
    "adios2",
    "caliper",
    "papi",
    "ncurses",
    "ownlibs",
    "doc",
]
BUILD_SYSTEMS_PLAIN = [
    ("cmake", 40),
    ("autotools", 30),
    ("generic", 10),
    ("makefile", 8),
    ("meson", 5),
    ("bundle", 2),
    ("cargo", 2),
    ("go", 3),
]

ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "x",
    "z",
    "br",
    "cl",
    "dr",
    "fl",
    "gr",
    "pl",
    "pr",
    "sc",
    "st",
    "tr",
    "qu",
    "sh",
    "th",
    "ch",
    "sp",
    "kr",
    "gl",
]
VOWELS = ["a", "e", "i", "o", "u", "y", "ai", "ea", "io", "ou", "ae"]
CODAS = ["", "", "", "n", "r", "s", "t", "x", "l", "m", "ck", "rd", "ng", "ps", "nd"]
B32 = "abcdefghijklmnopqrstuvwxyz234567"
HEX = "0123456789abcdef"


# ---------------------------------------------------------------------------
# Plan: tags, package pool, presence
# ---------------------------------------------------------------------------


def make_tags(n):
    """Return the tag list in site order: develop, releases (newest first),
    weekly snapshots (newest first).  Each item: dict(name, date, kind)."""
    if n < 1:
        raise ValueError("need at least one tag")
    n_rel = min(n // 6, len(RELEASES))
    n_snap = n - 1 - n_rel
    tags = [{"name": "develop", "date": DEVELOP_DATE, "kind": "develop"}]
    for name, date in RELEASES[:n_rel]:
        tags.append({"name": name, "date": date, "kind": "release"})
    for i in range(n_snap):
        d = NEWEST_SNAPSHOT - _dt.timedelta(days=7 * i)
        tags.append({"name": f"develop-{d.isoformat()}", "date": d.isoformat(), "kind": "snapshot"})
    for t in tags:
        current = t["kind"] == "develop" or (t["kind"] == "snapshot" and t["date"] >= CURRENT_FORMAT_FROM)
        t["fmt"] = "current" if current else "mid"
        if t["kind"] == "release":
            major_minor = tuple(int(x) for x in t["name"][1:].split(".")[:2])
            t["eq"] = major_minor >= (0, 20)
        else:
            t["eq"] = t["date"] >= EQ_COMPILER_FROM
    return tags


def _lineage(tags):
    """Processing order (parents first) and parent index of every tag."""
    snaps = sorted((i for i, t in enumerate(tags) if t["kind"] == "snapshot"), key=lambda i: tags[i]["date"])
    rels = sorted((i for i, t in enumerate(tags) if t["kind"] == "release"), key=lambda i: tags[i]["date"])
    parent = {}
    prev = None
    for i in snaps:
        parent[i] = prev
        prev = i
    parent[0] = prev  # develop follows the newest snapshot
    done_rel = {}
    for i in rels:
        name = tags[i]["name"]
        major, minor, patch = (int(x) for x in name[1:].split("."))
        p = None
        for z in range(patch - 1, -1, -1):  # previous point release of the series
            p = done_rel.get((major, minor, z))
            if p is not None:
                break
        if p is None:  # fork from the newest snapshot before the release date
            before = [j for j in snaps if tags[j]["date"] <= tags[i]["date"]]
            if before:
                p = before[-1]
            elif done_rel:
                p = done_rel[max(done_rel)]
        parent[i] = p
        done_rel[(major, minor, patch)] = i
    order = [*snaps, 0, *rels]
    return order, [parent[i] for i in range(len(tags))]


def _word(rng, syll_min=1, syll_max=3):
    return "".join(
        rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(syll_min, syll_max))
    )


def _make_pool(size, rng):
    names = []
    seen = set()

    def add(nm):
        if nm not in seen:
            seen.add(nm)
            names.append(nm)

    for nm in KEY_PACKAGES + HUB_PACKAGES:
        add(nm)
    real = list(REAL_PACKAGES)
    rng.shuffle(real)
    for nm in real:
        add(nm)
    while len(names) < size:
        r = rng.random()
        if r < 0.35:
            parts = [_word(rng, 1, 3)] + ([_word(rng, 1, 2)] if rng.random() < 0.35 else [])
            nm = "py-" + "-".join(parts)
        elif r < 0.45:
            nm = "r-" + _word(rng, 1, 3)
        elif r < 0.51:
            nm = "perl-" + "-".join(_word(rng, 1, 2) for _ in range(rng.randint(1, 3)))
        else:
            nm = _word(rng, 1, 3)
            q = rng.random()
            if q < 0.15:
                nm = "lib" + nm
            elif q < 0.20:
                nm += "-ng"
            elif q < 0.23:
                nm += "-utils"
            if rng.random() < 0.10:
                nm += str(rng.randint(2, 9))
        if len(nm) >= 2:
            add(nm)
    return names[:size]


def _plan(n_tags, packages_per_tag, seed):
    rng = random.Random(f"cachetui-corpus/plan/{seed}")
    tags = make_tags(n_tags)
    order, parents = _lineage(tags)
    pool_size = max(packages_per_tag, round(packages_per_tag / 0.8125))
    pool = _make_pool(pool_size, rng)
    core_n = min(packages_per_tag, round(0.65 * pool_size))
    score = [rng.random() for _ in pool]
    presence = [0] * len(pool)  # bit t set: package in tag t
    for t in range(len(tags)):
        rest = sorted(range(core_n, len(pool)), key=lambda i: -(score[i] + rng.gauss(0.0, 0.15)))
        chosen = list(range(core_n)) + rest[: packages_per_tag - core_n]
        for i in chosen:
            presence[i] |= 1 << t
    # active stacks (and their environments) at every tag date
    active = []
    for t in tags:
        d = t["date"]
        act = {}
        for s, (_w, periods) in STACKS.items():
            for start, end, envs in periods:
                if start <= d < end:
                    act[s] = envs
        active.append(act)
    # all 8 hubs at the default 1,300 packages per tag; fewer in small corpora
    n_hubs = max(1, min(len(HUB_PACKAGES), round(len(HUB_PACKAGES) * packages_per_tag / 1300)))
    return {
        "tags": tags,
        "order": order,
        "parents": parents,
        "pool": pool,
        "presence": presence,
        "active": active,
        "hubs": HUB_PACKAGES[:n_hubs],
    }


# ---------------------------------------------------------------------------
# Per-package generation
# ---------------------------------------------------------------------------


class _Spec:
    __slots__ = (
        "comp",
        "cur",
        "h",
        "mid",
        "os",
        "plat",
        "size",
        "stacks",
        "tgt",
        "ver",
        "vkey",
    )

    def __init__(self, h, comp, ver, env, vkey, stacks, size):
        self.h = h
        self.comp = comp
        self.ver = ver
        self.os, self.plat, self.tgt = env[0], env[1], env[2]
        self.vkey = vkey
        self.stacks = stacks
        self.size = size
        self.cur = None
        self.mid = None


def _gen_versions(rng):
    style = rng.random()
    day = _dt.date(2021, 6, 1) - _dt.timedelta(days=rng.randint(0, 900))
    end = _dt.date(2025, 7, 20)
    out = []
    if style < 0.62:  # semver
        a, b, c = rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 4, 5]), rng.randint(0, 14), rng.randint(0, 9)
        fmt = lambda: f"{a}.{b}.{c}"  # noqa: E731
    elif style < 0.80:  # major.minor
        a, b, c = rng.randint(0, 9), rng.randint(0, 30), 0
        fmt = lambda: f"{a}.{b}"  # noqa: E731
    elif style < 0.92:  # calver
        a, b, c = day.year, rng.randint(0, 3), 0
        fmt = lambda: f"{a}.{b}"  # noqa: E731
    else:  # calver with patch, e.g. 2023.10.0
        a, b, c = day.year, rng.randint(1, 12), 0
        fmt = lambda: f"{a}.{b:02d}.{c}"  # noqa: E731
    while True:
        out.append((fmt(), day.isoformat()))
        day += _dt.timedelta(days=max(7, int(rng.expovariate(1 / 130))))
        if day > end:
            break
        if style >= 0.80:
            if day.year > a:
                a, b, c = day.year, 0, 0
            elif rng.random() < 0.6:
                b, c = b + 1, 0
            else:
                c += 1
        else:
            r = rng.random()
            if r < 0.6:
                c += 1
            elif r < 0.92:
                b, c = b + 1, 0
            else:
                a, b, c = a + 1, 0, 0
    return out


def _sort_variants(vs):
    return sorted(vs, key=lambda v: v.lstrip("+~").split("=", 1)[0].rstrip(":").lower())


class _Package:
    def __init__(self, name, seed, median, max_specs, stack_names, hubs=HUB_PACKAGES):
        self.name = name
        rng = self.rng = random.Random(f"cachetui-corpus/pkg/{seed}/{name}")
        kind = (
            "py"
            if name.startswith("py-")
            else "r"
            if name.startswith("r-")
            else "perl"
            if name.startswith("perl-")
            else "plain"
        )
        # base number of specs per page
        if name in hubs:
            r = hubs.index(name)
            base = max(1.0, max_specs * 0.9 * 0.55**r)
            self.hub = True
        else:
            base = math.exp(rng.gauss(math.log(max(1.0, median)), 0.78))
            self.hub = False
        self.base = min(float(max_specs), base)
        self.max_specs = max_specs
        self.reuse = rng.uniform(0.5, 0.8)
        # compiler-less in the Spack v1 sense (compiler "none" for new builds)
        pure_p = {"py": 0.9, "perl": 0.8, "r": 0.4, "plain": 0.35}[kind]
        self.pure = name in ("compiler-wrapper", "cuda") or (name != "gcc-runtime" and rng.random() < pure_p)
        self.no_root = rng.random() < 0.003
        # versions
        self.versions = KNOWN_VERSIONS.get(name) or _gen_versions(rng)
        self.branch = rng.choice(["develop", "master", "main"]) if rng.random() < 0.03 else None
        # stack preference: weighted random permutation
        w_mult = {
            "py": lambda s: 3.0 if s.startswith("ml-") else 1.0,
            "r": lambda s: 2.0 if s in ("data-vis-sdk", "e4s") else 1.0,
        }.get(kind, lambda s: 1.0)
        keyed = []
        for s in stack_names:
            w = STACKS[s][0] * w_mult(s)
            keyed.append((rng.random() ** (1.0 / w), s))
        keyed.sort(reverse=True)
        self.stack_pref = [s for _k, s in keyed]
        self.per_stack = rng.uniform(1.5, 4.0)
        # variants
        if kind == "py":
            bs = "python_pip" if rng.random() < 0.9 else "generic"
            nbool = rng.choice([0, 0, 0, 1, 1, 2])
        elif kind == "r":
            bs, nbool = "r", rng.choice([0, 0, 0, 1])
        elif kind == "perl":
            bs, nbool = "perl", rng.choice([0, 0, 1])
        else:
            bs = rng.choices([b for b, _ in BUILD_SYSTEMS_PLAIN], [w for _, w in BUILD_SYSTEMS_PLAIN])[0]
            nbool = rng.choice([0, 1, 2, 3, 3, 4, 5, 6, 8])
        fixed = [f"build_system={bs}"]
        if bs == "cmake":
            fixed.append("build_type=" + ("Release" if rng.random() < 0.8 else "RelWithDebInfo"))
            fixed.append("generator=" + ("make" if rng.random() < 0.7 else "ninja"))
            fixed.append("~ipo" if rng.random() < 0.95 else "+ipo")
        if kind == "plain":
            r = rng.random()
            if r < 0.15:
                fixed.append(rng.choice(["libs=shared,static", "libs=shared", "libs=static"]))
            elif r < 0.22:
                fixed.append("cxxstd=" + rng.choice(["14", "17", "17", "20"]))
            elif r < 0.26:
                fixed.append("precision=" + rng.choice(["double", "float,double"]))
        self.fixed = fixed
        self.bools = [(b, rng.random() < 0.5) for b in rng.sample(BOOL_VARIANTS, nbool)]
        gpu_r = rng.random() if kind in ("plain", "py") else 1.0
        self.has_cuda = gpu_r < 0.12
        self.has_rocm = gpu_r < 0.07
        if rng.random() < 0.12:
            self.patches = ",".join("".join(rng.choice(HEX) for _ in range(7)) for _ in range(rng.randint(1, 2)))
        else:
            self.patches = None
        # variant combinations: 0 = defaults, others flip 1-2 booleans
        combos = [{}]
        if self.bools:
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                flip = rng.sample(self.bools, min(len(self.bools), rng.randint(1, 2)))
                combos.append({b: not d for b, d in flip})
        self.combos = combos
        self.combo_w = [3.0] + [1.0] * (len(combos) - 1)
        self.literal = None
        if name in KNOWN_VARIANTS:
            self.literal = [v.split() for _w, v in KNOWN_VARIANTS[name]]
            self.combos = [{}] * len(self.literal)
            self.combo_w = [float(w) for w, _v in KNOWN_VARIANTS[name]]
        self._vjson = {}

    # -- helpers ---------------------------------------------------------
    def variants_json(self, vkey, fmt):
        key = (vkey, fmt)
        s = self._vjson.get(key)
        if s is None:
            combo_i, gpu = vkey
            if self.literal is not None:
                vs = self.literal[combo_i]
                if fmt == "current":
                    vs = [v.replace("patches=", "patches:=") for v in vs]
                s = self._vjson[key] = json.dumps(vs)
                return s
            over = self.combos[combo_i]
            vs = list(self.fixed)
            for b, d in self.bools:
                vs.append(("+" if over.get(b, d) else "~") + b)
            if self.has_cuda:
                if gpu in ("cuda-x86", "cuda-arm"):
                    vs.append("+cuda")
                    vs.append("cuda_arch=" + ("80" if gpu == "cuda-x86" else "90"))
                else:
                    vs.append("~cuda")
            if self.has_rocm:
                if gpu == "rocm":
                    vs.append("+rocm")
                    vs.append("amdgpu_target=gfx90a")
                else:
                    vs.append("~rocm")
            if self.patches:
                vs.append(("patches:=" if fmt == "current" else "patches=") + self.patches)
            s = self._vjson[key] = json.dumps(_sort_variants(vs))
        return s

    def versions_at(self, date):
        avail = [v for v, d in self.versions if d <= date]
        return avail or [self.versions[0][0]]

    def new_spec(self, rng, tag, active, pkg_stacks, env_stacks, avail):
        primary = rng.choices(pkg_stacks, [STACKS[s][0] for s in pkg_stacks])[0]
        env = rng.choice(active[primary])
        # version: mostly the newest, some older maintained lines
        r = rng.random()
        if self.branch and r < 0.1:
            ver = self.branch
        elif r < 0.7 or len(avail) == 1:
            ver = avail[-1]
        elif r < 0.9 or len(avail) == 2:
            ver = avail[-2]
        else:
            ver = avail[-3]
        comp = env[3]
        if self.name == "gcc-runtime":
            ver = comp[2] if comp[0] == "gcc" else "11.4.0"
        if tag["fmt"] == "current" and self.pure:
            comp = None
        gpu = (
            ("cuda-arm" if "aarch64" in primary else "cuda-x86")
            if "cuda" in primary
            else ("rocm" if "rocm" in primary else "")
        )
        vkey = (rng.choices(range(len(self.combos)), self.combo_w)[0], gpu)
        # stacks: primary, maybe others sharing the environment, and root
        stacks = [primary]
        for s in env_stacks.get(env, ()):
            if s != primary and rng.random() < 0.3 and len(stacks) < 3:
                stacks.append(s)
        if rng.random() < 0.003:
            stacks = []
        elif not self.no_root:
            stacks.append("root")
        rng.shuffle(stacks)
        size = None
        if tag["fmt"] == "mid" and rng.random() < 0.2:
            size = int(math.exp(rng.gauss(math.log(4e6), 1.5))) + 1024
        h = base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode("ascii").lower()
        return _Spec(h, comp, ver, env, vkey, tuple(stacks), size)

    # -- rendering -------------------------------------------------------
    def render_current(self, sp):
        s = sp.cur
        if s is None:
            c = sp.comp
            comp = "none" if c is None else f"{c[1]}@{c[2]}"
            s = sp.cur = (
                f'{{"compiler": "{comp}", "hash": "{sp.h}", "os": "{sp.os}", '
                f'"platform": "{sp.plat}", "size": "-", '
                f'"stacks": {json.dumps(sorted(sp.stacks))}, "target": "{sp.tgt}", '
                f'"variants": {self.variants_json(sp.vkey, "current")}, '
                f'"versions": [{json.dumps(sp.ver)}]}}'
            )
        return s

    def render_mid(self, sp, eq):
        m = sp.mid
        if m is None or m[0] != eq:
            c = sp.comp or ("none", "none", "")
            comp = f"{c[0]}@={c[2]}" if eq else f"{c[0]}@{c[2]}"
            if c[2] == "":
                comp = "none"
            arch = f"{sp.plat}-{sp.os}-{sp.tgt}"
            cdir = f"{c[0]}-{c[2]}" if c[2] else c[0]
            pv = f"{self.name}-{sp.ver}"
            size = '"-"' if sp.size is None else str(sp.size)
            pre = (
                f'{{"hash": "{sp.h}", "compiler": "{comp}", '
                f'"versions": [{json.dumps(sp.ver)}], "os": "{sp.os}", '
                f'"platform": "{sp.plat}", "target": "{sp.tgt}", '
                f'"variants": {self.variants_json(sp.vkey, "mid")}, '
                f'"stacks": {json.dumps(list(sp.stacks))}, "size": {size}, '
                f'"tarball": "https://binaries.spack.io/'
            )
            post = f'/build_cache/{arch}/{cdir}/{pv}/{arch}-{cdir}-{pv}-{sp.h}.spack"}}'
            m = sp.mid = (eq, pre, post, comp)
        return m


def _page_current(pkg, tag, specs):
    specs = sorted(specs, key=lambda s: s.h)
    comps, oss, plats, tgts, vers = set(), set(), set(), set(), set()
    by_stack = {}
    parts = []
    for sp in specs:
        parts.append(pkg.render_current(sp))
        c = sp.comp
        comps.add("none" if c is None else f"{c[1]}@{c[2]}")
        oss.add(sp.os)
        plats.add(sp.plat)
        tgts.add(sp.tgt)
        vers.add(sp.ver)
        for s in sp.stacks:
            by_stack[s] = by_stack.get(s, 0) + 1
    nbs = {k: by_stack[k] for k in sorted(by_stack)}
    meta = {
        "compilers": sorted(comps),
        "num_specs": len(specs),
        "num_specs_by_stack": nbs,
        "oss": sorted(oss),
        "platforms": sorted(plats),
        "stacks": list(nbs),
        "targets": sorted(tgts),
        "versions": sorted(vers),
    }
    return (
        f'---\ntitle: "{pkg.name}"\nlayout: cache\ncategories: [package, {tag["name"]}]\n'
        f"meta: {json.dumps(meta)}\nspec_details: [{', '.join(parts)}]\n---"
    )


def _page_mid(pkg, tag, specs):
    eq = tag["eq"]
    tname = tag["name"]
    comps, oss, plats, tgts, vers = set(), set(), set(), set(), set()
    by_stack = {}
    parts = []
    for sp in specs:
        _eq, pre, post, comp = pkg.render_mid(sp, eq)
        parts.append(pre + tname + post)
        comps.add(comp)
        oss.add(sp.os)
        plats.add(sp.plat)
        tgts.add(sp.tgt)
        vers.add(sp.ver)
        for s in sp.stacks:
            by_stack[s] = by_stack.get(s, 0) + 1
    if "root" in by_stack:  # the site lists root first
        by_stack = {"root": by_stack.pop("root"), **by_stack}
    meta = {
        "versions": sorted(vers),
        "compilers": sorted(comps),
        "oss": sorted(oss),
        "platforms": sorted(plats),
        "targets": sorted(tgts),
        "stacks": sorted(by_stack),
        "num_specs": len(specs),
        "num_specs_by_stack": by_stack,
    }
    return (
        f'---\ntitle: "{pkg.name}"\nlayout: cache\ncategories: [package, {tname}]\n'
        f"meta: {json.dumps(meta)}\nspec_details: [{', '.join(parts)}]\n---"
    )


_WORK = {}


def _init_worker(plan, out_dir, seed, median, max_specs):
    _WORK.update(plan=plan, out_dir=out_dir, seed=seed, median=median, max_specs=max_specs)
    # per tag: environment -> stacks built in it
    env_stacks = []
    for act in plan["active"]:
        m = {}
        for s, envs in act.items():
            for e in envs:
                m.setdefault(e, []).append(s)
        env_stacks.append(m)
    _WORK["env_stacks"] = env_stacks


def _run_chunk(pkg_indices):
    plan = _WORK["plan"]
    tags, order, parents, active = plan["tags"], plan["order"], plan["parents"], plan["active"]
    out_dir = _WORK["out_dir"]
    pages = nspecs = nbytes = reused = 0
    for pi in pkg_indices:
        name = plan["pool"][pi]
        present = plan["presence"][pi]
        pkg = _Package(name, _WORK["seed"], _WORK["median"], _WORK["max_specs"], STACK_NAMES, plan["hubs"])
        rng = pkg.rng
        state = {}
        for t in order:
            tag = tags[t]
            act = active[t]
            act_pref = [s for s in pkg.stack_pref if s in act]
            if not act_pref:
                act_pref = list(act) or ["e4s"]
            k = len(act_pref) if pkg.hub else max(1, min(len(act_pref), round(pkg.base / pkg.per_stack)))
            pkg_stacks = act_pref[:k]
            pset = set(pkg_stacks)
            n = max(1, min(pkg.max_specs, round(pkg.base * math.exp(rng.gauss(0.0, 0.08)))))
            par = parents[t]
            keep = []
            if par is not None:
                r = pkg.reuse
                rand = rng.random
                for sp in state[par]:
                    if rand() < r and (not sp.stacks or any(s in pset for s in sp.stacks)):
                        keep.append(sp)
                if len(keep) > n:
                    keep = rng.sample(keep, n)
            avail = pkg.versions_at(tag["date"])
            env_st = _WORK["env_stacks"][t]
            new = [pkg.new_spec(rng, tag, act, pkg_stacks, env_st, avail) for _ in range(n - len(keep))]
            if tag["fmt"] == "mid":
                # build-cache index order: older binaries first-ish, not sorted
                specs = keep + new
                rng.shuffle(specs)
            else:
                specs = keep + new
            state[t] = specs
            if present >> t & 1:
                text = _page_current(pkg, tag, specs) if tag["fmt"] == "current" else _page_mid(pkg, tag, specs)
                data = text.encode("utf-8")
                d = os.path.join(out_dir, tag["name"], name)
                try:
                    os.mkdir(d)
                except FileExistsError:
                    pass
                with open(os.path.join(d, "specs.md"), "wb") as f:
                    f.write(data)
                pages += 1
                nspecs += len(specs)
                nbytes += len(data)
                reused += len(keep) if par is not None else 0
    return pages, nspecs, nbytes, reused


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def generate(out_dir, tags, packages_per_tag=1300, seed=0, median_specs=15, max_specs=2000, workers=None):
    """Write the corpus under ``out_dir/<tag>/<package>/specs.md``.

    ``tags`` is the number of tags.  Returns a dict with ``tags`` (names in
    site order), ``pages``, ``specs``, ``bytes``, ``reused_specs`` (specs whose
    hash also appears in the parent tag of the same lineage), ``seconds`` and
    ``out_dir``.  Existing files are overwritten; other files are left alone.
    ``workers``: number of processes (default os.cpu_count(); 1 = in-process).
    The output does not depend on ``workers``.
    """
    t0 = time.perf_counter()
    if packages_per_tag < 1:
        raise ValueError("packages_per_tag must be >= 1")
    max_specs = max(1, int(max_specs))
    plan = _plan(int(tags), int(packages_per_tag), seed)
    out_dir = os.fspath(out_dir)
    for t in plan["tags"]:
        os.makedirs(os.path.join(out_dir, t["name"]), exist_ok=True)
    n = len(plan["pool"])
    chunk = 25
    chunks = [list(range(i, min(n, i + chunk))) for i in range(0, n, chunk)]
    # Big (hub) packages first so that workers finish together.
    chunks.sort(key=lambda c: 0 if any(plan["pool"][i] in plan["hubs"] for i in c) else 1)
    workers = (os.cpu_count() or 1) if workers is None else max(1, int(workers))
    args = (plan, out_dir, seed, median_specs, max_specs)
    totals = [0, 0, 0, 0]
    if workers == 1:
        _init_worker(*args)
        results = map(_run_chunk, chunks)
        for r in results:
            totals = [a + b for a, b in zip(totals, r)]
    else:
        import multiprocessing as mp

        with mp.Pool(workers, initializer=_init_worker, initargs=args) as pool:
            for r in pool.imap_unordered(_run_chunk, chunks):
                totals = [a + b for a, b in zip(totals, r)]
    return {
        "out_dir": out_dir,
        "tags": [t["name"] for t in plan["tags"]],
        "pages": totals[0],
        "specs": totals[1],
        "bytes": totals[2],
        "reused_specs": totals[3],
        "seconds": round(time.perf_counter() - t0, 2),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--tags", type=int, required=True, help="number of tags")
    ap.add_argument("--packages-per-tag", type=int, default=1300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--median-specs", type=float, default=15)
    ap.add_argument("--max-specs", type=int, default=2000)
    ap.add_argument(
        "--workers", type=int, default=None, help="processes (default: os.cpu_count()); output does not depend on it"
    )
    a = ap.parse_args(argv)
    r = generate(
        a.out_dir,
        a.tags,
        packages_per_tag=a.packages_per_tag,
        seed=a.seed,
        median_specs=a.median_specs,
        max_specs=a.max_specs,
        workers=a.workers,
    )
    print(
        f"{r['out_dir']}: tags={len(r['tags'])} pages={r['pages']} specs={r['specs']} "
        f"bytes={r['bytes']} ({r['bytes'] / 1e6:.1f} MB) "
        f"reused={r['reused_specs'] / max(1, r['specs']):.0%} seconds={r['seconds']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
