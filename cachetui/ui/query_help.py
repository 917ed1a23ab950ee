"""Examples of the query language for the help screen (the keys come from ``actions.py``)."""

from __future__ import annotations

QUERY_HELP: list[tuple[str, str]] = [
    ("cmake", "fuzzy package name (best matches first)"),
    ("@3.30  @=3.30.5  @3.20:3.30", "version prefix, exact version, range"),
    ("%gcc  %gcc@13", "compiler, optionally with a version"),
    ("+ssl  ~cuda  build_type=Release", "variants (as in Spack)"),
    ("os=ubuntu22.04  target=x86_64_v3  platform=linux", "platform, OS, target (* globs allowed)"),
    ("arch=linux-ubuntu22.04-x86_64_v3", "all three at once"),
    ("tag=develop  stack=e4s", "mirror tag, CI stack"),
    ("/abc12", "hash prefix: jumps to that spec and lists the tags it is in"),
]
