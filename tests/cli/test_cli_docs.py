"""The documentation is generated from the registries: the command table and the query terms stay in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from cachetui.catalog import TERMS, parse_query, query_markdown_table
from cachetui.cli.commands import COMMANDS, markdown_table

ROOT = Path(__file__).resolve().parents[2]


def _block(path: Path, name: str) -> str:
    text = path.read_text()
    start = text.index(f"<!-- {name}:start")
    return text[text.index("\n", start) + 1 : text.index(f"<!-- {name}:end -->")]


def test_the_command_table_of_docs_cli_is_the_generated_one():
    assert _block(ROOT / "docs" / "cli.md", "commands") == markdown_table()


@pytest.mark.parametrize("doc", ["docs/query.md", "README.md"])
def test_the_query_term_tables_are_the_generated_one(doc):
    assert _block(ROOT / doc, "terms") == query_markdown_table(), (
        f"{doc} is stale: python -m cachetui.catalog.query.terms"
    )


def test_help_lists_every_command_and_find_help_every_term(cli):
    top = cli("--help")
    assert all(f"cachetui {c.usage}" in top.out for c in COMMANDS)
    find = cli("find", "--help")
    assert all(t.forms in find.out and t.help in find.out for t in TERMS)


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.syntax)
def test_every_term_example_parses_and_answers_on_the_sample(cli, term):
    parse_query(term.example)
    run = cli("find", term.example, "--limit", "1")
    if term.syntax == "^dependency":  # the sample is pages only: it says where dependencies come from
        assert run.code == 2 and "dependencies come from Spack build-cache indexes" in run.err
    else:
        assert run.code == 0 and "bad term" not in run.err, run.err
