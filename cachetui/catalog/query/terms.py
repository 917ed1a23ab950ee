"""The query language's terms, declared once: what each looks like, what it means, an example.

The in-app query help (``?``), ``cachetui find --help``, the parser's error message and the table of
``docs/query.md`` are generated from ``TERMS`` (``tests/catalog/test_query_terms.py`` keeps the doc in
step and checks that every example parses). Parsing and filtering are in ``language.py`` and
``Catalog.query``: a new keyword is added there, and here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    syntax: str  # how it is written, in short: the error message lists these
    forms: str  # the forms, for the help screen and the docs (space-separated examples of each form)
    help: str  # what it matches, in one line
    example: str  # one query using it, run against the sample in the tests


TERMS: tuple[Term, ...] = (
    Term("name", "cmake", "package name, fuzzy: exact match first, then prefix, substring, similar names", "cmake"),
    Term(
        "@version",
        "@3.30  @=3.30.5  @3.20:3.30",
        "version or its sub-versions (@1.14 is 1.14.x, not 1.140); exact; a range, either end open",
        "cmake@3.20:3.30",
    ),
    Term("%compiler[@version]", "%gcc  %gcc@13", "compiler, optionally with a version", "zlib %gcc@11"),
    Term(
        "+variant, ~variant",
        "+ssl  ~cuda  -cuda",
        "boolean variants (-x is ~x, as in Spack)",
        "cmake +ownlibs",
    ),
    Term(
        "key=value",
        "build_type=Release  libs=shared",
        "any other key=value is a variant, as in Spack",
        "cmake build_type=Release",
    ),
    Term(
        "os=, target=, platform=",
        "os=ubuntu22.04  target=x86_64_v3  platform=linux",
        "architecture parts (* globs allowed: target=x86_64_v*)",
        "zlib os=ubuntu22.04",
    ),
    Term(
        "target=[low:high]",
        "target=x86_64_v3:  target=:zen3  target=x86_64_v2:x86_64_v4",
        "Spack's target ranges (archspec): that target or a descendant; or an ancestor; or between",
        "zlib target=x86_64_v2:",
    ),
    Term(
        "arch=platform-os-target",
        "arch=linux-ubuntu22.04-x86_64_v3",
        "platform, OS and target at once",
        "arch=linux-ubuntu22.04-x86_64_v3",
    ),
    Term(
        "host=platform-os-target",
        "host=linux-ubuntu22.04-zen3  host=zen3",
        "runs on that machine (same platform and OS, a compatible target), or on that CPU anywhere",
        "zlib host=linux-ubuntu22.04-zen3",
    ),
    Term("tag=", "tag=develop  tag=develop-2025-*", "mirror tag (glob allowed)", "zlib tag=develop*"),
    Term("stack=", "stack=e4s  stack=e4s*", "CI stack that built the spec (glob allowed)", "stack=e4s*"),
    Term("/hash", "/jasonju", "hash prefix (spack find -l shows 7 characters)", "/jasonju"),
    Term(
        "^dependency",
        "^mpich  ^mpich@4",
        "depends on it, by name and optionally version (Spack indexes; pages list root specs only)",
        "hdf5 ^mpich",
    ),
)

SYNTAX_HELP = ", ".join(term.syntax for term in TERMS)


def help_lines() -> list[tuple[str, str]]:
    """(forms, help) of every term, for the in-app help and ``find --help``."""
    return [(term.forms, term.help) for term in TERMS]


def markdown_table() -> str:
    """The table of ``docs/query.md``."""
    rows = ["| term | meaning | example |", "| --- | --- | --- |"]
    rows += [f"| `{t.forms.replace('  ', '`, `')}` | {t.help} | `{t.example}` |" for t in TERMS]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
