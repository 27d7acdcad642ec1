"""`pre-read` as users run it: the four files of the next prepared meeting into a folder;
a meeting already held, or a folder that is not there, one line and exit 2, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import vobject

from tests.cli.test_cli import assert_one_line_error, run


def _sends(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT count(*) FROM audit_log WHERE field = 'pre-read sent'"
        ).fetchone()[0]
    finally:
        conn.close()


def test_pre_read_of_the_next_meeting_writes_the_four_files(demo: Path, tmp_path: Path) -> None:
    """`--meeting next` finds the draft meeting 25, writes PDF, invitation, workbook and
    e-mail, says so on stdout with nothing on stderr; a second send raises the invitation's
    SEQUENCE (the same meeting by its number this time)."""
    out = tmp_path / "out"
    out.mkdir()
    result = run("pre-read", "--db", demo, "--meeting", "next", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "meeting 25 (first send)" in result.stdout
    files = sorted(out.iterdir())
    assert sorted(p.suffix for p in files) == [".eml", ".ics", ".pdf", ".xlsx"]
    for path in files:
        assert path.name in result.stdout and path.stat().st_size > 0
    pdf = next(p for p in files if p.suffix == ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _sends(demo) == 1

    again = run("pre-read", "--db", demo, "--meeting", "25", "--out", out)
    assert again.returncode == 0, again.stderr
    assert "send 2" in again.stdout
    ics = next(p for p in out.iterdir() if p.suffix == ".ics")
    assert int(vobject.readOne(ics.read_text(encoding="utf-8")).vevent.sequence.value) == 1
    assert _sends(demo) == 2


def test_a_signed_meeting_has_no_pre_read(demo: Path, tmp_path: Path) -> None:
    """Meeting 24 is signed: refused in one line, nothing written, nothing recorded."""
    result = run("pre-read", "--db", demo, "--meeting", "24", "--out", tmp_path)
    assert_one_line_error(result, "meeting 24 is signed", "before a meeting")
    assert [p.name for p in tmp_path.iterdir()] == ["db"]
    assert _sends(demo) == 0


def test_a_missing_folder_is_refused(demo: Path, tmp_path: Path) -> None:
    """The folder must exist: one line naming it, nothing recorded."""
    missing = tmp_path / "no such folder"
    result = run("pre-read", "--db", demo, "--meeting", "next", "--out", missing)
    line = assert_one_line_error(result, "not a folder")
    assert str(missing) in line
    assert not missing.exists()
    assert _sends(demo) == 0
