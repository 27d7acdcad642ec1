"""`main.py search`: grouped hits with the matched words marked, for scripts and people; a
query with nothing in it, or an unknown partnership, told in one line; read-only."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.cli.test_cli import assert_one_line_error, run


def test_search_prints_hits_grouped_with_the_words_marked(demo: Path) -> None:
    before = hashlib.sha256(demo.read_bytes()).hexdigest()
    result = run("search", "--db", demo, "freeze", "--newest")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Decisions (") and any(
        line.startswith("Actions (") for line in lines
    )
    assert "«freeze»" in result.stdout
    assert hashlib.sha256(demo.read_bytes()).hexdigest() == before  # opened read-only


def test_one_partnership_by_name_and_nothing_found(demo: Path) -> None:
    found = run("search", "--db", demo, "secur*", "--partnership", "brightline")
    assert found.returncode == 0, found.stderr
    nothing = run("search", "--db", demo, "zeppelin")
    assert nothing.returncode == 1 and "Nothing matches 'zeppelin'" in nothing.stdout


def test_mistakes_are_one_line(demo: Path, tmp_path: Path) -> None:
    assert_one_line_error(run("search", "--db", demo, "  "), "at least one word")
    assert_one_line_error(
        run("search", "--db", demo, "freeze", "--partnership", "Globex"), "No partnership"
    )
    assert_one_line_error(run("search", "--db", tmp_path / "none.db", "freeze"))
