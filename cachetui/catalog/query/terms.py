"""The query language's terms, each declared once: how it is written, what it means, how a token of it
is parsed, and how it narrows the catalog's rows.

Invariants: a new keyword is one ``Term`` here (plus its ``SpecQuery`` field, also here) and its test;
``language.parse_query`` and ``Catalog.query`` dispatch through ``TERMS`` without naming terms. The
in-app help (``?``), ``cachetui find --help``, the parser's error message and the tables of
``docs/query.md`` and the README are generated from ``TERMS`` (``tests/cli/test_cli_docs.py``). A
filter narrows through a boolean lookup table over a column's interned values, never a Python loop
over specs. Terms combine with AND.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from ..spack.microarch import Host, UnknownTarget, check_target, in_range, parse_host, runs_on
from ..spack.records import HASH_ALPHABET, HASH_LENGTH, compiler_name, compiler_version
from ..spack.specstring import Token, normalize_variant, split_kv
from ..spack.versions import VersionRange


class QueryError(ValueError):
    """A malformed query; ``token`` is the offending text as typed."""

    def __init__(self, message: str, token: str = "", position: int = 0):
        super().__init__(message)
        self.message = message
        self.token = token
        self.position = position


@dataclass(frozen=True)
class SpecQuery:
    """A parsed query: one field per kind of constraint (empty fields do not constrain)."""

    text: str = ""
    names: tuple[str, ...] = ()  # fuzzy package-name words
    versions: tuple[VersionRange, ...] = ()
    compilers: tuple[tuple[str, VersionRange | None], ...] = ()  # (name, version range)
    variants: tuple[str, ...] = ()  # normalised: "+mpi", "~cuda", "build_type=Release"
    platforms: tuple[str, ...] = ()
    oss: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    target_ranges: tuple[tuple[str | None, str | None], ...] = ()  # target=low:high (either may be open)
    hosts: tuple[Host, ...] = ()  # host=: specs that run on that machine
    tags: tuple[str, ...] = ()
    stacks: tuple[str, ...] = ()
    hash_prefixes: tuple[str, ...] = ()
    dependencies: tuple[tuple[str, VersionRange | None, str], ...] = ()  # ^name[@version]: (name, range, as typed)
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def name_text(self) -> str:
        return " ".join(self.names)

    @property
    def has_spec_terms(self) -> bool:
        """True if anything beyond the package name constrains specs."""
        return any(getattr(self, f) for f in CONSTRAINT_FIELDS if f != "names")

    @property
    def has_spec_terms_besides_hosts(self) -> bool:
        """True if a term other than the package name and ``host=`` constrains specs."""
        return any(getattr(self, f) for f in CONSTRAINT_FIELDS if f not in ("names", "hosts"))

    @property
    def uses_microarchitectures(self) -> bool:
        """True if a term compares targets by archspec's ancestry (host=, target=a:b)."""
        return bool(self.hosts or self.target_ranges)

    def with_host(self, host: Host) -> SpecQuery:
        """This query plus ``host=`` (the CLI's --here, the browser's "runs here" filter)."""
        return replace(self, hosts=(*self.hosts, host))

    @property
    def is_empty(self) -> bool:
        return not self.names and not self.has_spec_terms


class Searchable(Protocol):
    """What a term's filter may ask of the catalog (``Catalog`` provides it)."""

    def narrow_column(
        self, rows: np.ndarray | None, column: str, key: object, match: Callable[[Any], bool]
    ) -> np.ndarray: ...

    def narrow_by_names(self, rows: np.ndarray | None, text: str) -> np.ndarray: ...

    def narrow_by_tag(self, rows: np.ndarray | None, wanted: str) -> np.ndarray: ...

    def narrow_by_variant(self, rows: np.ndarray | None, variant: str) -> np.ndarray: ...

    def narrow_by_hash(self, rows: np.ndarray | None, prefix: str) -> np.ndarray: ...

    def narrow_by_dependency(
        self, rows: np.ndarray | None, name: str, version: VersionRange | None, typed: str
    ) -> np.ndarray: ...


Found = Iterable[tuple[str, Any]]  # (SpecQuery field, one value for it), or ("notes", a remark)
Narrow = Callable[[Searchable, "np.ndarray | None", Any], np.ndarray]


@dataclass(frozen=True)
class Term:
    syntax: str  # how it is written, in short: the parser's error message lists these
    forms: str  # its forms, space-separated: the help screen, find --help and the docs
    help: str  # what it matches, in one line
    example: str  # a query using it; the tests run it against the bundled sample
    kind: str  # the token kind it takes (specstring.tokenize): name, version, compiler, bool, kv, hash, dep
    parse: Callable[[Token, str], Found]  # the token and its value -> what it adds to the query
    filters: dict[str, Narrow]  # SpecQuery field -> rows (None: every row) narrowed by one of its values
    keys: tuple[str, ...] = ()  # for kv terms: the keys it owns (none: any other key)
    when: Callable[[str], bool] = lambda value: True  # for kv terms: which values of those keys


def bad(token: Token, message: str) -> QueryError:
    return QueryError(f"bad term '{token.text}': {message}", token.text, token.start)


_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
_VERSION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*\Z")


def version_range(token: Token, text: str, what: str = "'@'") -> VersionRange:
    """``text`` (after the ``@``) as a range, or QueryError naming the term: ``@-1`` is not ``@1``."""
    body = text[1:] if text.startswith("=") else text
    bounds = body.split(":") if ":" in body and not text.startswith("=") else [body]
    if not body or body == ":" or len(bounds) > 2 or not all(b == "" or _VERSION.match(b) for b in bounds):
        raise bad(token, f"{what} needs a version such as @1.14, @=1.14.6 or @1.10:1.14")
    return VersionRange(text)


def matcher(wanted: str) -> Callable[[str], bool]:
    """Exact (case-insensitive) match, or a glob if ``wanted`` has ``*``/``?``."""
    import fnmatch

    wanted = wanted.lower()
    if any(c in wanted for c in "*?["):
        return lambda value: value.lower() == wanted or fnmatch.fnmatchcase(value.lower(), wanted)
    return lambda value: value.lower() == wanted


# --- parsing, one function per term ---------------------------------------------------------------


def _name(token: Token, value: str) -> Found:
    return [("names", value.lower())]


def _versions(token: Token, value: str) -> Found:
    return [("versions", version_range(token, value))]


def _name_at(token: Token, value: str, no_name: str, no_version: str) -> tuple[str, str]:
    """``name@version`` of a ``%`` or ``^`` term (version "" when none given); the messages say what is missing."""
    name, _, version = value.partition("@")
    if not name:
        raise bad(token, no_name)
    if "@" in value and not version.lstrip("="):
        raise bad(token, no_version)
    return name, version


def _compiler(token: Token, value: str) -> Found:
    name, version = _name_at(
        token, value, "'%' needs a compiler name such as %gcc or %gcc@13", "compiler version is empty"
    )
    return [("compilers", (name.lower(), version_range(token, version, "'%name@'") if version else None))]


def _flag(token: Token, value: str) -> Found:
    if len(value) < 2:
        raise bad(token, f"'{token.text}' needs a variant name such as {token.text}mpi")
    return [("variants", value)]


def _key_value(token: Token, value: str) -> tuple[str, str]:
    key, val = split_kv(value)
    if not val:
        raise bad(token, f"'{key.lower()}=' needs a value")
    return key.lower(), val


def _variant_kv(token: Token, value: str) -> Found:
    _key_value(token, value)
    return [("variants", normalize_variant(value))]


def _arch_part(token: Token, value: str) -> Found:
    key, val = _key_value(token, value)
    return [({"platform": "platforms", "os": "oss", "target": "targets"}[key], val)]


def _target_range(token: Token, value: str) -> Found:
    """Spack's ``target=low:``, ``target=:high``, ``target=low:high``, names checked against archspec."""
    low, _, high = _key_value(token, value)[1].partition(":")
    if ":" in high or not (low or high):
        raise bad(token, "a target range is low:, :high or low:high, such as target=x86_64_v3:")
    try:
        return [("target_ranges", (check_target(low) if low else None, check_target(high) if high else None))]
    except UnknownTarget as exc:
        raise bad(token, str(exc)) from None


def _arch(token: Token, value: str) -> Found:
    parts = _key_value(token, value)[1].split("-")
    if len(parts) != 3 or not all(parts):
        raise bad(token, "arch= takes platform-os-target such as linux-ubuntu22.04-x86_64_v3")
    return [("platforms", parts[0]), ("oss", parts[1]), ("targets", parts[2])]


def _host(token: Token, value: str) -> Found:
    try:
        return [("hosts", parse_host(_key_value(token, value)[1]))]
    except ValueError as exc:
        raise bad(token, str(exc)) from None


def _tag(token: Token, value: str) -> Found:
    return [("tags", _key_value(token, value)[1])]


def _stack(token: Token, value: str) -> Found:
    return [("stacks", _key_value(token, value)[1])]


def _hash(token: Token, value: str) -> Found:
    digest = value.lower()
    if not digest:
        raise bad(token, "'/' needs a hash prefix such as /abc1234")
    if len(digest) > HASH_LENGTH or not digest.isalnum() or not digest.isascii():
        raise bad(token, f"a hash prefix is up to {HASH_LENGTH} letters and digits")
    found: list[tuple[str, Any]] = [("hash_prefixes", digest)]
    if not set(digest) <= HASH_ALPHABET:
        found.append(("notes", f"'{token.text}' cannot match: Spack hashes use only a-z and 2-7"))
    return found


def _dependency(token: Token, value: str) -> Found:
    name, version = _name_at(
        token, value, "'^' needs a package name such as ^mpich or ^mpich@4", "dependency version is empty"
    )
    if not _NAME.match(name):
        raise bad(
            token,
            "a dependency is matched by ^name or ^name@version (its variants, compiler, "
            "hash or a wildcard are not matched)",
        )
    return [
        ("dependencies", (name.lower(), version_range(token, version, "'^name@'") if version else None, token.text))
    ]


# --- filtering, one function per term ---------------------------------------------------------------


def _by_compiler(cat: Searchable, rows: np.ndarray | None, value: tuple[str, VersionRange | None]) -> np.ndarray:
    cname, crange = value

    def match(compiler: str) -> bool:
        if compiler_name(compiler).lower() != cname:
            return False
        return crange is None or crange.matches(compiler_version(compiler))

    return cat.narrow_column(rows, "compiler", ("c", cname, crange), match)


def _by_host(cat: Searchable, rows: np.ndarray | None, host: Host) -> np.ndarray:
    rows = cat.narrow_column(rows, "target", ("runs-on", host.target), runs_on(host.target).__contains__)
    if host.platform is not None:
        rows = cat.narrow_column(rows, "platform", ("eq", host.platform), matcher(host.platform))
    if host.os is not None:
        rows = cat.narrow_column(rows, "os", ("eq", host.os), matcher(host.os))
    return rows


def _by_stack(cat: Searchable, rows: np.ndarray | None, stack: str) -> np.ndarray:
    match = matcher(stack)
    return cat.narrow_column(rows, "stacks", ("s", stack), lambda values: any(match(v) for v in values))


def _by_column(column: str) -> Narrow:
    def narrow(cat: Searchable, rows: np.ndarray | None, wanted: str) -> np.ndarray:
        return cat.narrow_column(rows, column, ("eq", wanted), matcher(wanted))

    return narrow


TERMS: tuple[Term, ...] = (
    Term(
        "name",
        "cmake",
        "package name, fuzzy: exact match first, then prefix, substring, similar names",
        "cmake",
        "name",
        _name,
        {"names": lambda cat, rows, text: cat.narrow_by_names(rows, text)},
    ),
    Term(
        "@version",
        "@3.30  @=3.30.5  @3.20:3.30",
        "version or its sub-versions (@1.14 is 1.14.x, not 1.140); exact; a range, either end open",
        "cmake@3.20:3.30",
        "version",
        _versions,
        {"versions": lambda cat, rows, vrange: cat.narrow_column(rows, "version", ("v", vrange), vrange.matches)},
    ),
    Term(
        "%compiler[@version]",
        "%gcc  %gcc@13",
        "compiler, optionally with a version",
        "zlib %gcc@11",
        "compiler",
        _compiler,
        {"compilers": _by_compiler},
    ),
    Term(
        "+variant, ~variant",
        "+ssl  ~cuda  -cuda",
        "boolean variants (-x is ~x, as in Spack)",
        "cmake +ownlibs",
        "bool",
        _flag,
        {"variants": lambda cat, rows, variant: cat.narrow_by_variant(rows, variant)},
    ),
    Term(
        "os=, target=, platform=",
        "os=ubuntu22.04  target=x86_64_v3  platform=linux",
        "architecture parts (* globs allowed: target=x86_64_v*)",
        "zlib os=ubuntu22.04",
        "kv",
        _arch_part,
        {"platforms": _by_column("platform"), "oss": _by_column("os"), "targets": _by_column("target")},
        keys=("os", "target", "platform"),
        when=lambda value: ":" not in value,
    ),
    Term(
        "target=[low:high]",
        "target=x86_64_v3:  target=:zen3  target=x86_64_v2:x86_64_v4",
        "Spack's target ranges (archspec): that target or a descendant; or an ancestor; or between",
        "zlib target=x86_64_v2:",
        "kv",
        _target_range,
        {
            "target_ranges": lambda cat, rows, bounds: cat.narrow_column(
                rows, "target", ("range", *bounds), lambda t: in_range(t, low=bounds[0], high=bounds[1])
            )
        },
        keys=("target",),
        when=lambda value: ":" in value,
    ),
    Term(
        "arch=platform-os-target",
        "arch=linux-ubuntu22.04-x86_64_v3",
        "platform, OS and target at once",
        "arch=linux-ubuntu22.04-x86_64_v3",
        "kv",
        _arch,
        {},  # it fills platforms, oss and targets, which the os=, target=, platform= term filters
        keys=("arch",),
    ),
    Term(
        "host=platform-os-target",
        "host=linux-ubuntu22.04-zen3  host=zen3",
        "runs on that machine (same platform and OS, a compatible target), or on that CPU anywhere",
        "zlib host=linux-ubuntu22.04-zen3",
        "kv",
        _host,
        {"hosts": _by_host},
        keys=("host",),
    ),
    Term(
        "tag=",
        "tag=develop  tag=develop-2025-*",
        "mirror tag (glob allowed)",
        "zlib tag=develop*",
        "kv",
        _tag,
        {"tags": lambda cat, rows, wanted: cat.narrow_by_tag(rows, wanted)},
        keys=("tag",),
    ),
    Term(
        "stack=",
        "stack=e4s  stack=e4s*",
        "CI stack that built the spec (glob allowed)",
        "stack=e4s*",
        "kv",
        _stack,
        {"stacks": _by_stack},
        keys=("stack",),
    ),
    Term(
        "key=value",
        "build_type=Release  libs=shared",
        "any other key=value is a variant, as in Spack",
        "cmake build_type=Release",
        "kv",
        _variant_kv,
        {},  # it fills variants, which the +variant term filters
    ),
    Term(
        "/hash",
        "/jasonju",
        "hash prefix (spack find -l shows 7 characters)",
        "/jasonju",
        "hash",
        _hash,
        {"hash_prefixes": lambda cat, rows, prefix: cat.narrow_by_hash(rows, prefix)},
    ),
    Term(
        "^dependency",
        "^mpich  ^mpich@4",
        "depends on it, by name and optionally version (Spack indexes and legacy pages; current pages name none)",
        "hdf5 ^mpich",
        "dep",
        _dependency,
        {"dependencies": lambda cat, rows, dep: cat.narrow_by_dependency(rows, *dep)},
    ),
)

FILTERS: dict[str, Narrow] = {name: narrow for term in TERMS for name, narrow in term.filters.items()}
CONSTRAINT_FIELDS = tuple(name for name in SpecQuery.__dataclass_fields__ if name not in ("text", "notes"))
SYNTAX_HELP = ", ".join(term.syntax for term in TERMS)


def term_for(token: Token) -> Term | None:
    """The term a token belongs to (for ``key=value``: the one that owns the key, else a variant)."""
    if token.kind != "kv":
        return next((t for t in TERMS if t.kind == token.kind), None)
    key, val = split_kv(token.value)
    key = key.lower()
    owner = [t for t in TERMS if t.kind == "kv" and key in t.keys and t.when(val)]
    return owner[0] if owner else next(t for t in TERMS if t.kind == "kv" and not t.keys)


def help_lines() -> list[tuple[str, str]]:
    """(forms, help) of every term, for the in-app help and ``find --help``."""
    return [(term.forms, term.help) for term in TERMS]


def markdown_table() -> str:
    """The table of ``docs/query.md`` and the README."""
    rows = ["| term | meaning | example |", "| --- | --- | --- |"]
    rows += [f"| `{t.forms.replace('  ', '`, `')}` | {t.help} | `{t.example}` |" for t in TERMS]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
