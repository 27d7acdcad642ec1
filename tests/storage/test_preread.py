"""The pre-read of the demo's prepared meeting, each file read back by a tool we did not write:
the PDF by pypdf and poppler, the invitation by vobject, the workbook by openpyxl, the e-mail
by the standard library's parser."""

from __future__ import annotations

import datetime as dt
import email
import io
import shutil
import subprocess
import uuid
from email import policy
from pathlib import Path

import openpyxl
import pytest
import vobject
from pypdf import PdfReader
from sqlite_utils import Database

from core import lifecycle
from core import workbook_format as shape
from core.errors import LifecycleError, ValidationError
from core.model import ActionState, Meeting, MeetingStatus, ReadingConfirmation, Side
from core.preread import PreReadFiles, make_preread, write_files
from storage import repository
from storage.dashboard import dashboard_data
from storage.preread import (
    find_preread_meeting,
    preread_source,
    record_send,
    workbooks_sent,
)

SENT_AT = dt.datetime(2026, 12, 1, 9, 30)


def _draft(db: Database) -> Meeting:
    return find_preread_meeting(db, "next")


def _send(db: Database, at: dt.datetime = SENT_AT) -> PreReadFiles:
    """One send, as the app makes it: built from the database, then kept on record."""
    meeting = _draft(db)
    sent = make_preread(preread_source(db, meeting.id), at, str(uuid.uuid4()))
    record_send(db, sent)
    return sent


def _file(sent: PreReadFiles, suffix: str) -> bytes:
    (data,) = [data for name, data in sent.files if name.endswith(suffix)]
    return data


@pytest.fixture
def sent(demo_db: Database) -> PreReadFiles:
    return _send(demo_db)


def _pdf_text(pdf: bytes) -> str:
    """The PDF's text as pypdf reads it, white space folded (a cell's lines joined)."""
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def _folded(text: str) -> str:
    return " ".join(text.split())


def test_next_is_the_demo_draft_and_only_a_draft_has_a_pre_read(demo_db: Database) -> None:
    """`next` finds the prepared meeting 25; a signed meeting's pre-read is refused in words."""
    meeting = _draft(demo_db)
    assert (meeting.number, meeting.status) == (25, MeetingStatus.DRAFT)
    signed = find_preread_meeting(demo_db, "24")
    with pytest.raises(LifecycleError, match="Meeting 24 is signed"):
        make_preread(preread_source(demo_db, signed.id), SENT_AT, str(uuid.uuid4()))
    repository.update_meeting(demo_db, lifecycle.start(meeting, SENT_AT))
    with pytest.raises(ValidationError, match="No meeting is prepared"):
        find_preread_meeting(demo_db, "next")


def test_the_pdf_has_the_agenda_every_open_action_the_kpis_and_last_decisions(
    demo_db: Database, sent: PreReadFiles
) -> None:
    """Read back by pypdf: the agenda with each item's planned start, every open action of both
    sides with its days overdue on the meeting's date, every KPI with the figures still to be
    confirmed marked, and the decisions of meeting 24."""
    meeting = sent.meeting
    text = _pdf_text(_file(sent, ".pdf"))
    assert "PRE-READ FOR THE PARTNERSHIP REVIEW" in text
    day = meeting.date
    assert f"{day:%A} {day.day} {day:%B %Y}" in text
    assert "10:00 – 11:35 (95 min)" in text
    start = meeting.scheduled_start
    for number, item in enumerate(repository.meeting_items(demo_db, meeting.id), start=1):
        assert f"{number} {_folded(item.title)}" in text
        assert f"{start:%H:%M} {item.timebox_minutes}" in text
        start += dt.timedelta(minutes=item.timebox_minutes)

    open_actions = repository.open_actions(demo_db, meeting.partnership_id)
    assert {a.side for a in open_actions} == {Side.ENTERPRISE, Side.PARTNER}
    overdue = 0
    for action in open_actions:
        assert _folded(action.title) in text
        days = (meeting.date - action.due).days
        if days > 0:
            overdue += 1
            assert f"⚠ {days} {'day' if days == 1 else 'days'}" in text, action.title
        if action.due != action.original_due:
            assert action.original_due.isoformat() in text
    assert overdue >= 5
    assert "Enterprise · Halden Mutual Insurance" in text and "Partner · Brightline" in text

    kpis, _, readings = dashboard_data(demo_db, meeting.partnership_id)
    assert "Dashboard Every KPI for November 2026" in text
    for kpi in kpis:
        assert _folded(kpi.name) in text
    waiting = [
        kpi.name
        for kpi in kpis
        for r in readings.get(kpi.id, ())
        if r.period == meeting.period and r.confirmation is ReadingConfirmation.TO_BE_CONFIRMED
    ]
    assert waiting, "the demo has figures waiting for confirmation"
    assert text.count("To be confirmed") >= len(waiting)
    awaiting = text[text.index("Figures awaiting confirmation Figures") :]
    for name in waiting:
        assert _folded(name) in awaiting

    last = find_preread_meeting(demo_db, "24")
    decisions = repository.decisions(demo_db, last.id)
    assert decisions
    assert f"Decisions of the last meeting (Meeting 24, {last.date.isoformat()})" in text
    for decision in decisions:
        assert _folded(decision.text) in text
    assert "Initiatives" in text


def test_every_font_of_the_pdf_is_embedded(sent: PreReadFiles, tmp_path: Path) -> None:
    """poppler's pdffonts: DejaVu only, every font embedded; no Helvetica left to the reader."""
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "pre-read.pdf"
    path.write_bytes(_file(sent, ".pdf"))
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines, "pdffonts listed no font"
    for line in lines:
        assert "DejaVuSans" in line and "Helvetica" not in line, line
        assert line.split()[-5] == "yes", f"not embedded: {line}"


def test_the_invitation_read_by_vobject_updates_one_event_on_each_send(
    demo_db: Database, sent: PreReadFiles
) -> None:
    """METHOD:REQUEST; the facilitator organises; everyone of both sides with an e-mail is
    invited to answer; start and end from the schedule and the agenda; a second send keeps
    the UID and raises the SEQUENCE."""
    meeting = sent.meeting
    calendar = vobject.readOne(_file(sent, ".ics").decode("utf-8"))
    assert calendar.method.value == "REQUEST"
    event = calendar.vevent
    people = [p for p in repository.people(demo_db, meeting.partnership_id) if p.email]
    assert {p.side for p in people} == {Side.ENTERPRISE, Side.PARTNER}
    invited = {a.value.lower(): a.params for a in event.attendee_list}
    assert set(invited) == {f"mailto:{p.email}".lower() for p in people}
    for person in people:
        params = invited[f"mailto:{person.email}".lower()]
        assert params["CN"] == [person.name]
        assert params["ROLE"] == ["REQ-PARTICIPANT"]
        assert params["PARTSTAT"] == ["NEEDS-ACTION"] and params["RSVP"] == ["TRUE"]
    facilitator = repository.person(demo_db, meeting.facilitator_id or "")
    assert event.organizer.value.lower() == f"mailto:{facilitator.email}".lower()
    assert event.organizer.params["CN"] == [facilitator.name]
    assert event.location.value == meeting.location
    assert event.dtstart.value == meeting.scheduled_start.astimezone(dt.UTC)
    planned = sum(i.timebox_minutes for i in repository.meeting_items(demo_db, meeting.id))
    assert event.dtend.value - event.dtstart.value == dt.timedelta(minutes=planned)
    assert "Review of actions from last meeting" in event.description.value
    assert "meeting 25" in event.summary.value

    again = vobject.readOne(_file(_send(demo_db, SENT_AT.replace(hour=11)), ".ics").decode())
    assert again.vevent.uid.value == event.uid.value
    assert int(event.sequence.value) == 0 and int(again.vevent.sequence.value) == 1


def test_the_workbook_read_by_openpyxl_has_exactly_the_shared_shape(
    demo_db: Database, sent: PreReadFiles
) -> None:
    """Sheets and headings as core.workbook_format says; the identifier hidden; protected
    sheets with only the editable cells unlocked; drop-downs for status and verdict; dates
    as dates, values as numbers; the partner's open actions and none of the enterprise's."""
    meeting = sent.meeting
    book = openpyxl.load_workbook(io.BytesIO(_file(sent, ".xlsx")))
    assert book.sheetnames == [shape.ABOUT, *(s.name for s in shape.SHEETS)]
    about = {row[0]: row[1] for row in book[shape.ABOUT].iter_rows(values_only=True)}
    assert list(about) == list(shape.ABOUT_KEYS)
    assert about["format"] == shape.FORMAT
    assert about["workbook"] == sent.workbook_id == workbooks_sent(demo_db, meeting.id)[-1]
    assert uuid.UUID(about["workbook"]).version == 4
    partnership = repository.partnership(demo_db, meeting.partnership_id)
    assert (about["partnership"], about["partnership_name"]) == (partnership.id, partnership.name)
    assert (about["meeting"], about["meeting_number"]) == (meeting.id, 25)
    assert book[shape.ABOUT].protection.sheet

    for sheet in shape.SHEETS:
        ws = book[sheet.name]
        assert ws["A1"].value == sheet.explanation
        assert tuple(c.value for c in ws[2]) == sheet.columns
        assert ws.column_dimensions["A"].hidden
        assert ws.protection.sheet and not ws.protection.password
        assert ws.max_row > 2, sheet.name
        for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
            for cell in row:
                heading = sheet.columns[cell.column - 1]
                assert cell.protection.locked is (heading not in sheet.editable), cell.coordinate
        assert ws.cell(row=2, column=1).protection.locked

    def validation(sheet: shape.Sheet, heading: str) -> tuple[str, str]:
        ws = book[sheet.name]
        letter = "ABCDEFG"[sheet.columns.index(heading)]
        (found,) = [v for v in ws.data_validations.dataValidation if letter in str(v.sqref)]
        assert found.type == "list"
        return str(found.sqref), found.formula1

    rows = book[shape.ACTIONS.name].max_row
    assert validation(shape.ACTIONS, "Status") == (
        f"E3:E{rows}",
        '"' + ",".join(shape.STATUSES) + '"',
    )
    assert validation(shape.CONFIRMATIONS, "Verdict")[1] == '"' + ",".join(shape.VERDICTS) + '"'

    actions = repository.actions(demo_db, meeting.partnership_id)
    ours = {a.id: a for a in actions if a.state is ActionState.OPEN and a.side is Side.PARTNER}
    listed = list(book[shape.ACTIONS.name].iter_rows(min_row=3, values_only=True))
    assert {row[0] for row in listed} == set(ours)
    assert not {row[0] for row in listed} & {a.id for a in actions if a.side is Side.ENTERPRISE}
    for row in listed:
        assert row[3] == dt.datetime.combine(ours[row[0]].due, dt.time())  # a date, not text
    assert book[shape.ACTIONS.name]["D3"].is_date

    kpis, _, readings = dashboard_data(demo_db, meeting.partnership_id)
    figures = list(book[shape.READINGS.name].iter_rows(min_row=3, values_only=True))
    assert {row[0] for row in figures} == {k.id for k in kpis if k.owner_side is Side.PARTNER}
    for kpi_id, _, _, period, value, _ in figures:
        assert period == meeting.period
        existing = [r.value for r in readings.get(kpi_id, ()) if r.period == meeting.period]
        assert value == (existing[0] if existing else None)
        assert value is None or isinstance(value, int | float)

    theirs = list(book[shape.CONFIRMATIONS.name].iter_rows(min_row=3, values_only=True))
    enterprise = {k.id for k in kpis if k.owner_side is Side.ENTERPRISE}
    by_id = {r.id: r for rs in readings.values() for r in rs}
    assert theirs
    for reading_id, _, period, value, _, _ in theirs:
        reading = by_id[reading_id]
        assert reading.kpi_id in enterprise and reading.period == period == meeting.period
        assert reading.entered_by is not Side.PARTNER and value == reading.value

    items = list(book[shape.ITEMS.name].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in items] == list(range(1, 21))
    assert all(row[1:] == (None, None) for row in items)


def test_the_email_draft_reaches_both_sides_and_carries_the_three_files(
    demo_db: Database, sent: PreReadFiles, tmp_path: Path
) -> None:
    """Parsed by the standard library: addressed to everyone with an e-mail of both sides,
    from the facilitator; its three attachments are byte for byte the files written."""
    paths = write_files(sent, tmp_path)
    assert [p.suffix for p in paths] == [".pdf", ".ics", ".xlsx", ".eml"]
    message = email.message_from_bytes(paths[-1].read_bytes(), policy=policy.default)
    people = [p for p in repository.people(demo_db, sent.meeting.partnership_id) if p.email]
    to = {a.addr_spec for a in message["To"].addresses}
    assert to == {p.email for p in people}
    assert {"margaret.okafor@halden-mutual.example", "stefan.lindqvist@brightline.example"} <= to
    assert "pre-read for meeting 25" in message["Subject"]
    assert message["From"].addresses[0].display_name == "Tom Whitfield"
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == [p.name for p in paths[:3]]
    for attachment, path in zip(attachments, paths[:3], strict=True):
        assert attachment.get_payload(decode=True) == path.read_bytes()
    assert attachments[1].get_content_type() == "text/calendar"
    assert attachments[1].get_param("method") == "REQUEST"
    body = message.get_body(("plain",))
    assert body is not None and "Brightline IT Services" in body.get_content()


def test_each_send_is_kept_with_the_workbook_it_carried(demo_db: Database) -> None:
    """The audit log holds one entry a send, oldest first: the next invitation's SEQUENCE."""
    first, second = _send(demo_db), _send(demo_db)
    assert workbooks_sent(demo_db, first.meeting.id) == [first.workbook_id, second.workbook_id]
    assert (first.sequence, second.sequence) == (0, 1)
    trail = repository.audit_trail(demo_db, first.meeting.id)
    assert [e.field for e in trail] == ["pre-read sent", "pre-read sent"]
