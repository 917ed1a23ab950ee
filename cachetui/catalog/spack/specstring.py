"""Tokenizer for Spack spec strings, shared by the legacy page reader and the query language.

``hdf5@1.14+mpi %gcc@13 build_type=Release arch=linux-ubuntu22.04-x86_64_v3 /abc12``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<version>@=?[A-Za-z0-9_.:,=-]*)
  | (?P<compiler>%[A-Za-z0-9_.-]*(?:@=?[A-Za-z0-9_.:,-]*)?)
  | (?P<propbool>(?:\+\+|~~|--)[A-Za-z0-9_.-]*)
  | (?P<bool>[+~][A-Za-z0-9_.-]*)
  | (?P<kv>[A-Za-z0-9_.-]+:?==?\S*)
  | (?P<negbool>(?<![^\s])-[A-Za-z0-9_.-]*)
  | (?P<hash>/[^\s]*)
  | (?P<dep>\^\S*)
  | (?P<name>[A-Za-z0-9_.*-]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # version, compiler, bool, kv, hash, dep, name, other
    text: str  # the token as typed
    value: str  # the token without its sigil
    start: int


def tokenize(text: str) -> list[Token]:
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        raw = m.group()
        if kind == "ws":
            continue
        if kind in ("propbool", "negbool"):
            sigil = "~" if raw[0] in "~-" else "+"
            value = raw.lstrip("+~-")
            tokens.append(Token("bool", raw, sigil + value, m.start()))
            continue
        value = raw
        if kind in ("version", "compiler", "hash", "dep"):
            value = raw[1:]
        tokens.append(Token(kind, raw, value, m.start()))
    return tokens


def split_kv(value: str) -> tuple[str, str]:
    """``build_type=Release`` / ``patches:=a,b`` / ``cflags==-O2`` -> (key, value)."""
    key, _, rest = value.partition("=")
    return key.rstrip(":"), rest.lstrip("=")


def normalize_variant(variant: str) -> str:
    """Canonical spelling for matching: ``patches:=x`` -> ``patches=x``, ``++mpi`` -> ``+mpi``."""
    if "=" in variant:
        key, value = split_kv(variant)
        return f"{key}={value}"
    if variant[:2] in ("++", "~~"):
        return variant[1:]
    return variant


@dataclass(frozen=True, slots=True)
class RootSpec:
    name: str
    version: str
    compiler: str
    variants: tuple[str, ...]
    platform: str
    os: str
    target: str


def spec_string_dependencies(text: str) -> list[tuple[str, str]]:
    """(name, version) of each ``^dependency`` a spec string names, in order (version "" when not given)."""
    found = []
    for part in text.split("^")[1:]:
        name = version = ""
        for token in tokenize(part):
            if token.kind == "name" and not name:
                name = token.value
            elif token.kind == "version" and not version:
                version = token.value.lstrip("=")
        if name:
            found.append((name, version))
    return found


def parse_root_spec(text: str) -> RootSpec:
    """Parse the root of a legacy spec string (everything before the first `` ^``)."""
    root = text.split("^", 1)[0]
    name = version = compiler = ""
    platform = os_ = target = ""
    variants: list[str] = []
    for token in tokenize(root):
        if token.kind == "name" and not name:
            name = token.value
        elif token.kind == "version" and not version:
            version = token.value.lstrip("=")
        elif token.kind == "compiler" and not compiler:
            compiler = token.value
        elif token.kind == "bool":
            variants.append(token.value)
        elif token.kind == "kv":
            key, value = split_kv(token.value)
            if key == "arch":
                platform, os_, target = ([*value.split("-", 2), "", "", ""])[:3]
            elif key in ("platform", "os", "target"):
                platform = value if key == "platform" else platform
                os_ = value if key == "os" else os_
                target = value if key == "target" else target
            else:
                variants.append(token.value)
    if not name:
        raise ValueError("no package name in spec string")
    return RootSpec(name, version, compiler or "none", tuple(variants), platform, os_, target)
