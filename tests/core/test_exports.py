"""The register's exports read back: CSV in a spreadsheet's UTF-8, iCalendar, atomic writes."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from core.errors import ReviewError
from core.exports import CSV_COLUMNS, actions_csv, open_actions_ics, write_atomically
from core.model import Action, ActionState, ReviewStatus, Side
from core.register import ActionRow

ON = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


def _row(
    id: str,
    title: str,
    owner: str,
    side: Side,
    due: dt.date,
    current_due: dt.date | None = None,
    state: ActionState = ActionState.OPEN,
    slips: int = 0,
    raised_number: int | None = 7,
    last_status: ReviewStatus | None = None,
    last_comment: str = "",
) -> ActionRow:
    action = Action(
        id=id,
        partnership_id="p1",
        title=title,
        owner_id=f"owner-{id}",
        side=side,
        original_due=due,
        raised_in_id="m7" if raised_number is not None else None,
        raised_on=dt.date(2026, 6, 2),
        current_due=current_due,
        state=state,
    )
    return ActionRow(
        action, owner, raised_number, action.raised_on, slips, last_status, last_comment
    )


@pytest.fixture
def rows() -> list[ActionRow]:
    """An overdue slipped action, a future one (quotes in its title), a done one."""
    return [
        _row(
            "a1",
            "Share the disaster-recovery test results",
            "Дмитрий Смирнов",
            Side.PARTNER,
            dt.date(2026, 10, 1),
            current_due=dt.date(2026, 11, 11),
            slips=1,
            last_status=ReviewStatus.AT_RISK,
            last_comment="Dependency delayed, new date agreed",
        ),
        _row(
            "a2",
            'Approve the change freeze, "hard" from 15 December',
            "Ζωή Papadopoulou",
            Side.ENTERPRISE,
            dt.date(2026, 12, 15),
        ),
        _row(
            "a3",
            "Renew the licences",
            "Emre Çelik",
            Side.PARTNER,
            dt.date(2026, 9, 1),
            state=ActionState.DONE,
            raised_number=None,
            last_status=ReviewStatus.DONE,
            last_comment="Done.\nSigned by both sides",
        ),
    ]


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_csv_written_as_utf8_sig_reads_back_with_header_iso_dates_and_names(
    rows: list[ActionRow], tmp_path: Path
) -> None:
    """The CSV starts with a BOM, has the header, ISO dates and non-Latin names intact."""
    path = tmp_path / "actions.csv"
    write_atomically(path, actions_csv(rows, ON).encode("utf-8-sig"))
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    table = _read_csv(path)
    assert tuple(table[0]) == CSV_COLUMNS
    records = [dict(zip(table[0], line, strict=True)) for line in table[1:]]
    assert len(records) == 3
    first = records[0]
    assert first["Owner"] == "Дмитрий Смирнов"
    assert first["Side"] == "Partner"
    assert first["Raised in"] == "7"
    assert first["Raised on"] == "2026-06-02"
    assert first["Original due"] == "2026-10-01"
    assert first["Current due"] == "2026-11-11"
    assert first["Times rescheduled"] == "1"
    assert first["Days overdue"] == "12"
    assert first["State"] == "open"
    assert first["Last review"] == "at risk"
    assert first["Last comment"] == "Dependency delayed, new date agreed"
    assert records[1]["Title"] == 'Approve the change freeze, "hard" from 15 December'
    assert records[1]["Owner"] == "Ζωή Papadopoulou"
    assert records[1]["Days overdue"] == "0"
    assert records[2]["Raised in"] == ""
    assert records[2]["Days overdue"] == "0"
    assert records[2]["Last comment"] == "Done.\nSigned by both sides"


def test_csv_text_that_a_spreadsheet_would_run_as_a_formula_is_quoted(tmp_path: Path) -> None:
    """A title typed as "=SUM(...)" reaches the spreadsheet as text, not as a formula."""
    row = _row("a9", '=HYPERLINK("http://x")', "@someone", Side.PARTNER, ON)
    table = list(csv.reader(actions_csv([row], ON).splitlines()))
    assert table[1][0] == '\'=HYPERLINK("http://x")'
    assert table[1][1] == "'@someone"


def test_ics_has_one_all_day_event_per_open_action_on_its_current_due(
    rows: list[ActionRow],
) -> None:
    """Only open actions become events, all-day on the current due date, with stable UIDs."""
    data = open_actions_ics(rows, "Halden Mutual – Brightline", NOW)
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {"a1@review-facilitator", "a2@review-facilitator"}
    first = by_uid["a1@review-facilitator"]
    assert first.decoded("DTSTART") == dt.date(2026, 11, 11)
    assert not isinstance(first.decoded("DTSTART"), dt.datetime)
    assert first.decoded("DTEND") == dt.date(2026, 11, 12)
    assert str(first["SUMMARY"]) == "Due: Share the disaster-recovery test results"
    description = str(first["DESCRIPTION"])
    assert "Дмитрий Смирнов" in description and "Partner" in description
    assert "meeting #7" in description
    assert first.decoded("DTSTAMP") == NOW
    assert by_uid["a2@review-facilitator"].decoded("DTSTART") == dt.date(2026, 12, 15)


def test_ics_uids_are_the_same_on_every_export(rows: list[ActionRow]) -> None:
    """Importing a later export updates the same events instead of duplicating them."""
    first = Calendar.from_ical(open_actions_ics(rows, "P", NOW))
    later = Calendar.from_ical(open_actions_ics(rows, "P", NOW + dt.timedelta(days=30)))
    assert [str(e["UID"]) for e in first.walk("VEVENT")] == [
        str(e["UID"]) for e in later.walk("VEVENT")
    ]


def test_write_atomically_replaces_an_existing_file_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    """An export over an older one replaces it whole; only the file itself remains."""
    path = tmp_path / "open-actions.ics"
    path.write_bytes(b"old")
    write_atomically(path, b"new content")
    assert path.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["open-actions.ics"]


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder its owner may read but not write; writable again afterwards for clean-up."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield folder
    folder.chmod(stat.S_IRWXU)


def test_write_atomically_into_a_read_only_folder_raises_a_review_error(
    read_only_folder: Path,
) -> None:
    """A folder that cannot be written gives a clear ReviewError and leaves nothing behind."""
    if os.access(read_only_folder, os.W_OK):
        pytest.skip("running with rights that ignore folder permissions (root)")
    path = read_only_folder / "actions.csv"
    with pytest.raises(ReviewError, match=r"Could not save actions\.csv"):
        write_atomically(path, b"Title\r\n")
    assert list(read_only_folder.iterdir()) == []


def test_write_atomically_into_a_missing_folder_raises_a_review_error(tmp_path: Path) -> None:
    """A folder that does not exist is reported in words, not as an OSError."""
    with pytest.raises(ReviewError, match="Could not save"):
        write_atomically(tmp_path / "gone" / "actions.csv", b"x")
    assert list(tmp_path.iterdir()) == []
