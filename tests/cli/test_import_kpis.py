"""`main.py import-kpis`: readings from a CSV file, all or none, every mistake told without a
traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import assert_one_line_error, run

MAIN = "Halden Mutual Insurance – Brightline IT Services"  # the demo file's first partnership


def _rows(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _tables(path: Path) -> list[list[tuple[Any, ...]]]:
    return [
        _rows(path, f"SELECT * FROM {table} ORDER BY rowid") for table in ("reading", "audit_log")
    ]


def _latest(path: Path, kpi: str) -> tuple[str, float]:
    (row,) = _rows(
        path,
        "SELECT r.period, r.value FROM reading r JOIN kpi k ON k.id = r.kpi_id "
        "WHERE k.name = ? ORDER BY r.period DESC LIMIT 1",
        kpi,
    )
    return row[0], row[1]


def _csv(tmp_path: Path, text: str | bytes, name: str = "readings.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_import_succeeds_in_one_line(demo: Path, tmp_path: Path) -> None:
    """A good file is imported: one line on stdout saying how many, exit 0."""
    period, _ = _latest(demo, "Core platform availability")
    csv = _csv(
        tmp_path,
        "KPI;Period;Value;Comment\n"
        f"Core platform availability;{period};99,97;Restated\n"
        "P1 incidents;03/2019;2;\n",
    )
    result = run("import-kpis", "--db", demo, csv)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Imported 2 readings (1 replaced) from {csv} into {MAIN}.\n"
    assert result.stderr == ""
    assert _latest(demo, "Core platform availability") == (period, 99.97)
    (row,) = _rows(
        demo,
        "SELECT r.value, r.entered_by, r.confirmation FROM reading r JOIN kpi k "
        "ON k.id = r.kpi_id WHERE k.name = 'P1 incidents' AND r.period = '2019-03'",
    )
    assert row == (2.0, "partner", "confirmed")


@pytest.mark.parametrize(
    ("side", "confirmation"), [("partner", "to_be_confirmed"), ("enterprise", "confirmed")]
)
def test_as_side(demo: Path, tmp_path: Path, side: str, confirmation: str) -> None:
    """`--as` names the side reporting: the other side's KPIs wait for its confirmation."""
    csv = _csv(tmp_path, "Invoices paid within terms,2019-03,93.5\n")
    result = run("import-kpis", "--db", demo, csv, "--as", side)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Imported 1 reading (0 replaced) from {csv} into {MAIN}.\n"
    (row,) = _rows(demo, "SELECT entered_by, confirmation FROM reading WHERE period = '2019-03'")
    assert row == (side, confirmation)


def test_bad_file_imports_nothing(demo: Path, tmp_path: Path) -> None:
    """A file with wrong lines exits 2; stderr says first that nothing was imported, then names
    each wrong line; the database is unchanged."""
    before = _tables(demo)
    csv = _csv(
        tmp_path,
        "KPI,Period,Value\n"
        "P1 incidents,2019-03,2\n"
        "Availabilty,2019-03,99.9\n"
        "P1 incidents,2019-04,two\n",
    )
    result = run("import-kpis", "--db", demo, csv)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "main.py: Nothing was imported: 2 lines are wrong.",
        "line 3: unknown KPI 'Availabilty' (did you mean 'Core platform availability'?)",
        "line 4: 'two' is not a number",
    ]
    assert _tables(demo) == before


def test_many_bad_lines_are_cut_short(demo: Path, tmp_path: Path) -> None:
    """A file of many wrong lines lists twenty of them, then how many more."""
    csv = _csv(tmp_path, "".join(f"Nope,2019-{n:02d},1\n" for n in range(1, 13)) * 5)
    result = run("import-kpis", "--db", demo, csv)
    lines = result.stderr.splitlines()
    assert result.returncode == 2
    assert lines[0] == "main.py: Nothing was imported: 60 lines are wrong."
    assert len(lines) == 22
    assert lines[-1] == "… and 40 more"


def test_missing_csv(demo: Path, tmp_path: Path) -> None:
    """A CSV that does not exist: one line, exit 2, the database not even opened."""
    before = demo.read_bytes()
    result = assert_one_line_error(
        run("import-kpis", "--db", demo, tmp_path / "gone.csv"), "gone.csv", "does not exist"
    )
    assert result.startswith("main.py: ")
    assert demo.read_bytes() == before
    assert sorted(p.name for p in demo.parent.iterdir()) == ["demo.db"]


def test_csv_is_a_folder(demo: Path, tmp_path: Path) -> None:
    """A folder given as the CSV: one line, exit 2."""
    assert_one_line_error(run("import-kpis", "--db", demo, tmp_path), "folder")


def test_missing_database(tmp_path: Path) -> None:
    """A database that does not exist is not created: one line, exit 2."""
    csv = _csv(tmp_path, "P1 incidents,2019-03,2\n")
    assert_one_line_error(run("import-kpis", "--db", tmp_path / "gone.db", csv), "does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["readings.csv"]


def test_not_a_database(tmp_path: Path) -> None:
    """A file that is no database is refused in one line and left as it is."""
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"minutes of the meeting\n")
    csv = _csv(tmp_path, "P1 incidents,2019-03,2\n")
    assert_one_line_error(run("import-kpis", "--db", junk, csv), "not a database")
    assert junk.read_bytes() == b"minutes of the meeting\n"


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04\x14\x00\x06\x00", b"\xff\xfe\x00\xd8", bytes(range(256)) * 3],
    ids=["empty", "xlsx", "broken utf-16", "binary"],
)
def test_junk_files_never_give_a_traceback(demo: Path, tmp_path: Path, data: bytes) -> None:
    """Empty, workbook or binary files: exit 2, no traceback, nothing written."""
    before = _tables(demo)
    result = run("import-kpis", "--db", demo, _csv(tmp_path, data))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("main.py: Nothing was imported")
    assert _tables(demo) == before


def test_bad_side(demo: Path, tmp_path: Path) -> None:
    """`--as` takes only the two sides."""
    csv = _csv(tmp_path, "P1 incidents,2019-03,2\n")
    assert_one_line_error(run("import-kpis", "--db", demo, csv, "--as", "vendor"), "--help")


def test_partnership_names_whose_kpis_the_readings_are(demo: Path, tmp_path: Path) -> None:
    """In a file of several partnerships, --partnership puts the readings on that one's KPIs
    (by a part of its name), and says where they went; the others' KPIs of the same name keep
    their readings."""
    csv = _csv(tmp_path, "P1 incidents,2019-03,7\n")
    result = run("import-kpis", "--db", demo, csv, "--partnership", "northgate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("into Halden Mutual Insurance – Northgate Data Centres.\n")
    rows = _rows(
        demo,
        "SELECT p.name FROM reading r JOIN kpi k ON k.id = r.kpi_id "
        "JOIN partnership p ON p.id = k.partnership_id WHERE r.period = '2019-03'",
    )
    assert rows == [("Halden Mutual Insurance – Northgate Data Centres",)]


def test_an_unknown_partnership_imports_nothing(demo: Path, tmp_path: Path) -> None:
    before = _tables(demo)
    csv = _csv(tmp_path, "P1 incidents,2019-03,7\n")
    refused = run("import-kpis", "--db", demo, csv, "--partnership", "Globex")
    assert_one_line_error(refused, "No partnership is called 'Globex'", "Northgate")
    assert _tables(demo) == before
