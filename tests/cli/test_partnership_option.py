"""`--partnership NAME|ID` where a file of several partnerships makes a meeting number
ambiguous: export-minutes and pre-read (search has it too, tests/cli/test_search_cli.py)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import assert_one_line_error, run


def test_export_and_pre_read_take_the_partnership_by_a_part_of_its_name(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "minutes.pdf"
    exported = run(
        "export-minutes", "--db", demo, "--meeting", "latest", "--partnership", "brightline",
        "--out", out,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert out.read_bytes().startswith(b"%PDF")
    sent = run(
        "pre-read",
        "--db",
        demo,
        "--meeting",
        "next",
        "--partnership",
        "BRIGHTLINE",
        "--out",
        tmp_path,
    )
    assert sent.returncode == 0, sent.stderr


def test_an_unknown_partnership_is_named_with_those_the_file_has(
    demo: Path, tmp_path: Path
) -> None:
    refused = run(
        "export-minutes", "--db", demo, "--meeting", "latest", "--partnership", "Globex",
        "--out", tmp_path / "m.pdf",
    )  # fmt: skip
    assert_one_line_error(refused, "No partnership is called 'Globex'", "Brightline")
    assert not (tmp_path / "m.pdf").exists()
