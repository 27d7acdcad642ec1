"""`main.py import-minutes`: the partner's copy takes the enterprise's signed minutes from the
command line; every mistake is told in our words and changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_one_line_error, run
from tests.signed_history import SignedHistory, sent_files


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SignedHistory]:
    """Three months of signed minutes and both signatories' certificates, as files."""
    folder = tmp_path_factory.mktemp("sent")
    _, history = sent_files(folder, 3)
    return folder, history


def _meetings(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT number, status FROM meeting ORDER BY number").fetchall()
    finally:
        conn.close()


def test_a_new_copy_imports_trusted_minutes_once(
    sent: tuple[Path, SignedHistory], tmp_path: Path
) -> None:
    folder, _ = sent
    copy = tmp_path / "partner.db"
    trust = ["--trust", folder / "enterprise.pem", "--trust", folder / "partner.pem"]
    first = run(
        "import-minutes", "--db", copy, folder / "minutes-01.pdf", folder / "minutes-02.pdf", *trust
    )
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert f"Created {copy}" in first.stdout
    assert (
        "minutes-01.pdf: Imported meeting 1 of 2025-01-07 (Northwind – Contoso, new in this copy)"
        in first.stdout
    )
    assert "Registered the certificate of Łukasz Nowak." in first.stdout
    assert "minutes-02.pdf: Imported meeting 2" in first.stdout
    assert _meetings(copy) == [(1, "signed"), (2, "signed")]
    # registered now: no --trust needed; the same file again adds nothing
    again = run(
        "import-minutes", "--db", copy, folder / "minutes-02.pdf", folder / "minutes-03.pdf"
    )
    assert again.returncode == 0, again.stderr
    assert "identical: nothing to import" in again.stdout
    assert "minutes-03.pdf: Imported meeting 3" in again.stdout
    assert _meetings(copy) == [(1, "signed"), (2, "signed"), (3, "signed")]


def test_unknown_signers_are_named_with_their_fingerprints_and_the_way_to_confirm(
    sent: tuple[Path, SignedHistory], tmp_path: Path
) -> None:
    folder, history = sent
    copy = tmp_path / "partner.db"
    refused = run("import-minutes", "--db", copy, folder / "minutes-01.pdf")
    line = assert_one_line_error(refused, "does not know", "--fingerprint", "Maria Lindqvist")
    assert all(key.fingerprint in line for key in history.keys.values())
    assert _meetings(copy) == []
    confirmed = [arg for key in history.keys.values() for arg in ("--fingerprint", key.fingerprint)]
    done = run("import-minutes", "--db", copy, folder / "minutes-01.pdf", *confirmed)
    assert done.returncode == 0, done.stderr
    assert _meetings(copy) == [(1, "signed")]


def test_minutes_whose_earlier_meeting_is_missing_are_refused_naming_it(
    sent: tuple[Path, SignedHistory], tmp_path: Path
) -> None:
    folder, _ = sent
    copy = tmp_path / "partner.db"
    trust = ["--trust", folder / "enterprise.pem", "--trust", folder / "partner.pem"]
    assert run("import-minutes", "--db", copy, folder / "minutes-01.pdf", *trust).returncode == 0
    refused = run("import-minutes", "--db", copy, folder / "minutes-03.pdf")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "Nothing was imported from the minutes of meeting 3" in refused.stderr
    assert "import them first: meeting 2 of 2025-02-04" in refused.stderr
    assert _meetings(copy) == [(1, "signed")]


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("not a pdf", ("not a PDF",)),
        ("missing file", ("does not exist",)),
        ("bad certificate", ("notes.txt",)),
        ("missing folder", ("does not exist",)),
    ],
)
def test_mistakes_are_told_in_one_line_and_change_nothing(
    sent: tuple[Path, SignedHistory], tmp_path: Path, case: str, words: tuple[str, ...]
) -> None:
    folder, _ = sent
    copy = tmp_path / "partner.db"
    notes = tmp_path / "notes.txt"
    notes.write_text("not a certificate", encoding="utf-8")
    minutes = folder / "minutes-01.pdf"
    args: list[str | Path] = {
        "not a pdf": ["--db", copy, notes],
        "missing file": ["--db", copy, tmp_path / "none.pdf"],
        "bad certificate": ["--db", copy, minutes, "--trust", notes],
        "missing folder": ["--db", tmp_path / "no" / "such" / "copy.db", minutes],
    }[case]
    assert_one_line_error(run("import-minutes", *args), *words)
    assert _meetings(copy) == []
