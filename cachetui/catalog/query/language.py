"""The query language: Spack spec syntax plus fuzzy package names.

``hdf5@1.14 +mpi %gcc@13 build_type=Release os=ubuntu22.04 target=x86_64_v3``,
``arch=linux-ubuntu22.04-x86_64_v3``, ``tag=develop``, ``stack=e4s``, ``/abc12``.
Terms combine with AND. As in Spack, a ``key=value`` whose key is not one of
ours is a variant constraint (``build_type=Release``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..spack.microarch import Host, UnknownTarget, check_target, parse_host
from ..spack.records import HASH_ALPHABET, HASH_LENGTH
from ..spack.specstring import Token, normalize_variant, split_kv, tokenize
from ..spack.versions import VersionRange
from .terms import SYNTAX_HELP

ARCH_KEYS = ("platform", "os", "target")
OWN_KEYS = (*ARCH_KEYS, "arch", "host", "tag", "stack")


class QueryError(ValueError):
    """A malformed query; ``token`` is the offending text as typed."""

    def __init__(self, message: str, token: str = "", position: int = 0):
        super().__init__(message)
        self.message = message
        self.token = token
        self.position = position


@dataclass(frozen=True)
class SpecQuery:
    """A parsed query. Empty fields do not constrain."""

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
        return any(
            (
                self.versions,
                self.compilers,
                self.variants,
                self.platforms,
                self.oss,
                self.targets,
                self.target_ranges,
                self.hosts,
                self.tags,
                self.stacks,
                self.hash_prefixes,
                self.dependencies,
            )
        )

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


def _bad(token: Token, message: str) -> QueryError:
    return QueryError(f"bad term '{token.text}': {message}", token.text, token.start)


_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
_VERSION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*\Z")


def _version(token: Token, text: str, what: str = "'@'") -> VersionRange:
    """``text`` (after the ``@``) as a range, or QueryError naming the term: ``@-1`` is not ``@1``."""
    body = text[1:] if text.startswith("=") else text
    bounds = body.split(":") if ":" in body and not text.startswith("=") else [body]
    if not body or body == ":" or len(bounds) > 2 or not all(b == "" or _VERSION.match(b) for b in bounds):
        raise _bad(token, f"{what} needs a version such as @1.14, @=1.14.6 or @1.10:1.14")
    return VersionRange(text)


def _target_range(token: Token, value: str) -> tuple[str | None, str | None]:
    """Spack's ``target=low:``, ``target=:high``, ``target=low:high``, names checked against archspec."""
    low, _, high = value.partition(":")
    if ":" in high or not (low or high):
        raise _bad(token, "a target range is low:, :high or low:high, such as target=x86_64_v3:")
    try:
        return (check_target(low) if low else None, check_target(high) if high else None)
    except UnknownTarget as exc:
        raise _bad(token, str(exc)) from None


def parse_query(text: str) -> SpecQuery:
    """Parse ``text`` into a ``SpecQuery`` or raise ``QueryError`` naming the bad token."""
    fields: dict[str, list[Any]] = {
        "names": [],
        "versions": [],
        "compilers": [],
        "variants": [],
        "platforms": [],
        "oss": [],
        "targets": [],
        "target_ranges": [],
        "hosts": [],
        "tags": [],
        "stacks": [],
        "hash_prefixes": [],
        "dependencies": [],
    }
    notes: list[str] = []
    for token in tokenize(text):
        kind, value = token.kind, token.value
        if kind == "name":
            fields["names"].append(value.lower())
        elif kind == "version":
            fields["versions"].append(_version(token, value))
        elif kind == "compiler":
            name, _, version = value.partition("@")
            if not name:
                raise _bad(token, "'%' needs a compiler name such as %gcc or %gcc@13")
            if "@" in value and not version.lstrip("="):
                raise _bad(token, "compiler version is empty")
            fields["compilers"].append((name.lower(), _version(token, version, "'%name@'") if version else None))
        elif kind == "bool":
            if len(value) < 2:
                raise _bad(token, f"'{token.text}' needs a variant name such as {token.text}mpi")
            fields["variants"].append(value)
        elif kind == "kv":
            key, val = split_kv(value)
            key = key.lower()
            if not val:
                raise _bad(token, f"'{key}=' needs a value")
            if key == "arch":
                parts = val.split("-")
                if len(parts) != 3 or not all(parts):
                    raise _bad(token, "arch= takes platform-os-target such as linux-ubuntu22.04-x86_64_v3")
                fields["platforms"].append(parts[0])
                fields["oss"].append(parts[1])
                fields["targets"].append(parts[2])
            elif key == "target" and ":" in val:
                fields["target_ranges"].append(_target_range(token, val))
            elif key == "host":
                try:
                    fields["hosts"].append(parse_host(val))
                except ValueError as exc:
                    raise _bad(token, str(exc)) from None
            elif key in ("platform", "os", "target"):
                fields[{"platform": "platforms", "os": "oss", "target": "targets"}[key]].append(val)
            elif key == "tag":
                fields["tags"].append(val)
            elif key == "stack":
                fields["stacks"].append(val)
            else:
                fields["variants"].append(normalize_variant(value))
        elif kind == "hash":
            digest = value.lower()
            if not digest:
                raise _bad(token, "'/' needs a hash prefix such as /abc1234")
            if len(digest) > HASH_LENGTH or not digest.isalnum() or not digest.isascii():
                raise _bad(token, f"a hash prefix is up to {HASH_LENGTH} letters and digits")
            if not set(digest) <= HASH_ALPHABET:
                notes.append(f"'{token.text}' cannot match: Spack hashes use only a-z and 2-7")
            fields["hash_prefixes"].append(digest)
        elif kind == "dep":
            name, _, version = value.partition("@")
            if not name:
                raise _bad(token, "'^' needs a package name such as ^mpich or ^mpich@4")
            if "@" in value and not version.lstrip("="):
                raise _bad(token, "dependency version is empty")
            if not _NAME.match(name):
                raise _bad(
                    token,
                    "a dependency is matched by ^name or ^name@version (its variants, compiler, "
                    "hash or a wildcard are not matched)",
                )
            dep_range = _version(token, version, "'^name@'") if version else None
            fields["dependencies"].append((name.lower(), dep_range, token.text))
        else:
            raise _bad(token, f"unexpected character; terms are: {SYNTAX_HELP}")
    return SpecQuery(text=text, notes=tuple(notes), **{k: tuple(v) for k, v in fields.items()})
