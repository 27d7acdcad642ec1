"""The partner's updates come back as proposals, never as silent writes: a workbook (or CSV
file) read on the demo into proposals beside the current values, each wrong line flagged with
its row, a file that is not the one sent refused whole; what is accepted written in one
transaction, from the partner in the audit log, and nothing else."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import pytest
from openpyxl import Workbook
from sqlite_utils import Database

from core import workbook_format as shape
from core.errors import LifecycleError, ValidationError
from core.ids import new_id
from core.kpis import ReadingEntry
from core.model import (
    AgendaItemKind,
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    Meeting,
    MeetingStatus,
    Partnership,
    Party,
    ReadingConfirmation,
    ReviewStatus,
    Side,
)
from core.partner_updates import (
    BY_CSV,
    BY_WORKBOOK,
    PartnerUpdates,
    Proposal,
    ProposalKind,
    WorkbookContext,
    WorkbookRefused,
    read_csv,
)
from storage import kpis, repository
from storage.partner_updates import (
    AUDIT_FIELD,
    accept_proposals,
    read_updates,
    received_workbooks,
    workbook_context,
)
from tests.partner_workbook import add_item, blank, fill, row_of, sheet, to_bytes

NOW = dt.datetime(2026, 11, 25, 9, 0)
WATCHED = (
    "action",
    "action_review",
    "reading",
    "reading_review",
    "meeting_item",
    "audit_log",
    "received_workbook",
)


def _draft(db: Database) -> Meeting:
    pid = repository.partnerships(db)[0].id
    return next(m for m in repository.meetings(db, pid) if m.status is MeetingStatus.DRAFT)


def _known(db: Database) -> WorkbookContext:
    return workbook_context(db, _draft(db).id)


def _read(db: Database, book: Workbook) -> PartnerUpdates:
    return read_updates(db, _draft(db).id, to_bytes(book), "updates.xlsx")


def _stored(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in WATCHED}


def _accept_all(db: Database, updates: PartnerUpdates) -> int:
    return accept_proposals(db, updates, [(p, None) for p in updates.proposals], NOW)


def _only(updates: PartnerUpdates, kind: ProposalKind) -> list[Proposal]:
    return [p for p in updates.proposals if p.kind is kind]


def _problems(updates: PartnerUpdates) -> list[str]:
    return [str(p) for p in updates.problems]


def _partner_audit(db: Database) -> list[tuple[str, str, str, str, str]]:
    return db.execute(
        "SELECT entity, entity_id, old, new, meeting_id FROM audit_log "
        "WHERE field = ? AND changed_by = ? ORDER BY id",
        [AUDIT_FIELD, BY_WORKBOOK],
    ).fetchall()


# --- the happy path -----------------------------------------------------------------------


def test_proposals_show_current_values_and_only_the_accepted_are_written(
    demo_db: Database,
) -> None:
    """A filled-in workbook: every line proposed beside the value it would replace; the
    accepted ones written (a review for this meeting, the partner's figure, the partner's
    dispute and confirmation), each in the audit log as from the partner with its comment;
    the rejected ones leave no trace; the workbook is recorded as received."""
    draft = _draft(demo_db)
    pid = draft.partnership_id
    known = _known(demo_db)
    partner_kpi = next(iter(known.kpis.values()))
    # The enterprise reports a figure of one of the partner's KPIs: the partner confirms it.
    other_kpi = list(known.kpis.values())[1]
    kpis.enter_readings(
        demo_db, pid, [ReadingEntry(other_kpi.id, draft.period, 97.0)], Side.ENTERPRISE, "2026-11"
    )
    known = _known(demo_db)
    to_confirm = next(r for r in known.readings.values() if r.kpi_id == other_kpi.id)
    to_dispute = next(r for r in known.readings.values() if r.kpi_id != other_kpi.id)
    first, second = list(known.actions.values())[:2]

    book = blank(known)
    fill(
        book,
        shape.ACTIONS,
        first.id,
        Status="at risk",
        Comment="Vendor is late",
        Proposed_new_due_date="15/01/2027",
    )
    fill(book, shape.ACTIONS, second.id, Status="Done")
    fill(book, shape.READINGS, partner_kpi.id, Value="99,5", Comment="Restated after audit")
    fill(book, shape.CONFIRMATIONS, to_dispute.id, Verdict="dispute", Reason="We measured 93.1")
    fill(book, shape.CONFIRMATIONS, to_confirm.id, Verdict="confirm")
    item_row = add_item(book, "Licence renewal", "Before March, please")
    updates = _read(demo_db, book)

    assert updates.problems == ()
    assert updates.meeting_id == draft.id and len(updates.file_sha256) == 64
    action, done = _only(updates, ProposalKind.ACTION)
    assert action.where == f"Our actions, row {row_of(book, shape.ACTIONS, first.id)}"
    was = first.status.label if first.status else "not reviewed yet"
    assert action.current == f"{was}, due {first.due.isoformat()}"
    assert (action.proposed, action.comment) == ("at risk, due 2027-01-15", "Vendor is late")
    assert done.proposed == "done"
    (figure,) = _only(updates, ProposalKind.READING)
    old_value, _ = partner_kpi.readings[draft.period]
    assert (figure.current, figure.proposed, figure.value) == (f"{old_value:g}", "99.5", 99.5)
    verdicts = {p.target_id: p for p in _only(updates, ProposalKind.CONFIRMATION)}
    dispute, confirm = verdicts[to_dispute.id], verdicts[to_confirm.id]
    assert (dispute.current, dispute.proposed, dispute.comment) == (
        "confirmed",
        "dispute",
        "We measured 93.1",
    )
    assert (confirm.current, confirm.proposed) == ("to be confirmed", "confirm")
    (item,) = _only(updates, ProposalKind.ITEM)
    assert (item.where, item.proposed, item.comment) == (
        f"Items to raise, row {item_row}",
        "Licence renewal",
        "Before March, please",
    )

    reviews_before = {r.action_id: r for r in repository.reviews_in_meeting(demo_db, draft.id)}
    items_before = repository.meeting_items(demo_db, draft.id)
    accepted = [(p, None) for p in (action, figure, dispute, confirm)]  # not `done`, nor the item
    assert accept_proposals(demo_db, updates, accepted, NOW) == 4

    reviews = {r.action_id: r for r in repository.reviews_in_meeting(demo_db, draft.id)}
    written = reviews[first.id]
    assert (written.status, written.comment, written.new_due) == (
        ReviewStatus.AT_RISK,
        "Vendor is late",
        dt.date(2027, 1, 15),
    )
    assert reviews.get(second.id) == reviews_before.get(second.id)
    reading = next(
        r for r in repository.readings(demo_db, partner_kpi.id) if r.period == draft.period
    )
    assert (reading.value, reading.comment, reading.entered_by) == (
        99.5,
        "Restated after audit",
        Side.PARTNER,
    )
    assert kpis.reading(demo_db, to_dispute.id).confirmation is ReadingConfirmation.DISPUTED
    assert kpis.reading(demo_db, to_confirm.id).confirmation is ReadingConfirmation.CONFIRMED
    (said,) = [
        r for r in repository.reading_reviews(demo_db, to_dispute.id) if r.meeting_id == draft.id
    ]
    assert (said.side, said.comment) == (Side.PARTNER, "We measured 93.1")
    assert repository.meeting_items(demo_db, draft.id) == items_before

    assert _partner_audit(demo_db) == [
        ("action", first.id, action.current, "at risk, due 2027-01-15 — Vendor is late", draft.id),
        ("reading", reading.id, f"{old_value:g}", "99.5 — Restated after audit", draft.id),
        ("reading", to_dispute.id, "confirmed", "dispute — We measured 93.1", draft.id),
        ("reading", to_confirm.id, "to be confirmed", "confirm", draft.id),
    ]
    # The fields each write changed are audited as the partner's too.
    changed = demo_db.execute(
        "SELECT DISTINCT entity, field FROM audit_log WHERE changed_by = ? AND field != ?",
        [BY_WORKBOOK, AUDIT_FIELD],
    ).fetchall()
    assert {("reading", "value"), ("reading", "confirmation")} <= set(changed)
    (received,) = received_workbooks(demo_db, draft.id)
    assert (received.workbook_id, received.file_sha256, received.received_at) == (
        updates.workbook_id,
        updates.file_sha256,
        NOW,
    )


def test_an_accepted_item_goes_on_the_agenda_before_any_other_business(
    demo_db: Database,
) -> None:
    """Items to raise become discussion items of the meeting, in their order, before AOB and
    the closing, with their details in the notes; the agenda keeps its order otherwise."""
    draft = _draft(demo_db)
    before = repository.meeting_items(demo_db, draft.id)
    book = blank(_known(demo_db))
    add_item(book, "Licence renewal", "Before March")
    add_item(book, "Office move", None)
    assert _accept_all(demo_db, _read(demo_db, book)) == 2
    after = repository.meeting_items(demo_db, draft.id)
    assert [i.position for i in after] == list(range(len(before) + 2))
    aob = next(i for i, item in enumerate(after) if item.kind is AgendaItemKind.AOB)
    new = after[aob - 2 : aob]
    assert [(i.title, i.kind, i.timebox_minutes, i.notes) for i in new] == [
        ("Licence renewal", AgendaItemKind.DISCUSSION, 10, "Raised by the partner: Before March"),
        ("Office move", AgendaItemKind.DISCUSSION, 10, "Raised by the partner."),
    ]
    assert [i.id for i in after if i not in new] == [i.id for i in before]


def test_an_edited_value_is_read_as_its_cell_would_be(demo_db: Database) -> None:
    """The facilitator's edit replaces the proposed value: a status with a day-first date,
    a figure with a decimal comma."""
    draft = _draft(demo_db)
    known = _known(demo_db)
    action = next(iter(known.actions.values()))
    kpi = next(iter(known.kpis.values()))
    book = blank(known)
    fill(book, shape.ACTIONS, action.id, Status="on track")
    fill(book, shape.READINGS, kpi.id, Value=91)
    updates = _read(demo_db, book)
    review, figure = updates.proposals
    edits = [(review, "late, due 15.02.2027"), (figure, "98,25")]
    assert accept_proposals(demo_db, updates, edits, NOW) == 2
    written = next(
        r for r in repository.reviews_in_meeting(demo_db, draft.id) if r.action_id == action.id
    )
    assert (written.status, written.new_due) == (ReviewStatus.LATE, dt.date(2027, 2, 15))
    reading = next(r for r in repository.readings(demo_db, kpi.id) if r.period == draft.period)
    assert reading.value == 98.25
    audited = _partner_audit(demo_db)
    assert [new for _, _, _, new, _ in audited] == ["late, due 2027-02-15", "98.25"]


@pytest.mark.parametrize("typed", ["maybe", "late, due 02/31/2027", ""])
def test_an_edit_that_cannot_be_read_writes_nothing(demo_db: Database, typed: str) -> None:
    """A typed value that is no status (or no date) is refused naming its line; nothing of
    the other accepted proposals is written either."""
    known = _known(demo_db)
    first, second = list(known.actions.values())[:2]
    book = blank(known)
    fill(book, shape.ACTIONS, first.id, Status="done")
    row = fill(book, shape.ACTIONS, second.id, Status="late")
    updates = _read(demo_db, book)
    before = _stored(demo_db)
    accepted = [(updates.proposals[0], None), (updates.proposals[1], typed)]
    with pytest.raises(ValidationError, match=f"Our actions, row {row}"):
        accept_proposals(demo_db, updates, accepted, NOW)
    assert _stored(demo_db) == before


def test_a_proposal_storage_refuses_writes_nothing_at_all(demo_db: Database) -> None:
    """All accepted proposals or none: a figure for a month that has not begun (the clock
    says October) is refused, and the action review accepted with it is not written."""
    known = _known(demo_db)
    book = blank(known)
    fill(book, shape.ACTIONS, next(iter(known.actions)), Status="done")
    fill(book, shape.READINGS, next(iter(known.kpis)), Value="12")
    updates = _read(demo_db, book)
    before = _stored(demo_db)
    with pytest.raises(ValidationError, match="in the future"):
        accept_proposals(
            demo_db, updates, [(p, None) for p in updates.proposals], dt.datetime(2026, 10, 1)
        )
    assert _stored(demo_db) == before


def test_nothing_accepted_writes_nothing(demo_db: Database) -> None:
    """Rejecting every proposal writes nothing, not even the workbook as received."""
    known = _known(demo_db)
    book = blank(known)
    fill(book, shape.ACTIONS, next(iter(known.actions)), Status="done")
    updates = _read(demo_db, book)
    before = _stored(demo_db)
    assert accept_proposals(demo_db, updates, [], NOW) == 0
    assert _stored(demo_db) == before


def test_the_workbook_the_pre_read_writes_reads_back(demo_db: Database) -> None:
    """The pre-read's own workbook (core.preread): untouched, it proposes nothing (its figures
    are those recorded); filled in by the partner in Excel's way (a date cell, a decimal
    comma), it proposes each line."""
    from openpyxl import load_workbook

    from core.preread import partner_workbook
    from storage.preread import preread_source

    draft = _draft(demo_db)
    data = partner_workbook(preread_source(demo_db, draft.id), str(uuid.uuid4()))
    untouched = read_updates(demo_db, draft.id, data, "sent.xlsx")
    assert (untouched.proposals, untouched.problems) == ((), ())
    assert untouched.unchanged == len(_known(demo_db).kpis)
    book = load_workbook(io.BytesIO(data))
    actions = sheet(book, shape.ACTIONS)
    actions["E3"], actions["G3"] = "late", dt.datetime(2027, 1, 15)
    sheet(book, shape.READINGS)["E3"] = "98,7"
    sheet(book, shape.ITEMS)["B3"] = "Licence renewal"
    updates = read_updates(demo_db, draft.id, to_bytes(book), "sent.xlsx")
    assert [(p.where, p.proposed) for p in updates.proposals] == [
        ("Our actions, row 3", "late, due 2027-01-15"),
        ("Our KPI figures, row 3", "98.7"),
        ("Items to raise, row 3", "Licence renewal"),
    ]
    assert updates.problems == ()


# --- a file that is not the workbook sent is refused whole ------------------------------------


def _renamed(book: Workbook) -> None:
    book[shape.ACTIONS.name].title = "Actions"


def _deleted(book: Workbook) -> None:
    del book[shape.CONFIRMATIONS.name]


def _moved(book: Workbook) -> None:
    page = sheet(book, shape.ACTIONS)
    page.move_range("E2:E100", cols=3)  # Status moved after the proposed date
    page.delete_cols(5)


def _renamed_heading(book: Workbook) -> None:
    sheet(book, shape.READINGS).cell(2, 5, "Figure")


def _added_column(book: Workbook) -> None:
    sheet(book, shape.ITEMS).cell(2, 4, "Owner")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_renamed, ["sheet 'Our actions' is missing", "'Actions'"]),
        (_deleted, ["sheet 'Their KPI figures' is missing"]),
        (_moved, ["'Our actions'", "column E is 'Comment' where 'Status' was sent"]),
        (_renamed_heading, ["'Our KPI figures'", "column E is 'Figure'"]),
        (_added_column, ["'Items to raise' has a column 'Owner'"]),
    ],
    ids=["renamed sheet", "deleted sheet", "moved column", "renamed heading", "added column"],
)
def test_a_changed_shape_refuses_the_whole_workbook(
    demo_db: Database, change: Any, words: list[str]
) -> None:
    """A sheet renamed or gone, a column moved, renamed or added: one message, nothing read."""
    known = _known(demo_db)
    book = blank(known)
    fill(book, shape.ACTIONS, next(iter(known.actions)), Status="done")
    change(book)
    with pytest.raises(WorkbookRefused) as refused:
        _read(demo_db, book)
    message = str(refused.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def _other_meeting(db: Database) -> Meeting:
    pid = repository.partnerships(db)[0].id
    return [m for m in repository.meetings(db, pid) if m.status is MeetingStatus.SIGNED][-1]


@pytest.mark.parametrize(
    ("about", "words"),
    [
        ({"meeting": "other", "meeting_number": 24}, ["for meeting 24, not meeting 25"]),
        ({"partnership_id": str(uuid.uuid4())}, ["for another partnership", "Halden"]),
        ({"workbook_id": "not-an-id"}, ["no workbook id"]),
    ],
    ids=["another meeting", "another partnership", "no workbook id"],
)
def test_a_workbook_for_something_else_is_refused(
    demo_db: Database, about: dict[str, Any], words: list[str]
) -> None:
    """Another meeting's or partnership's workbook is refused, saying whose it is."""
    known = _known(demo_db)
    if about.get("meeting") == "other":
        about["meeting_id"] = _other_meeting(demo_db).id
        del about["meeting"]
    book = blank(known, **about)
    fill(book, shape.ACTIONS, next(iter(known.actions)), Status="done")
    with pytest.raises(WorkbookRefused) as refused:
        _read(demo_db, book)
    for word in words:
        assert word in str(refused.value)


def _about_row(book: Workbook, key: str) -> int:
    page = book[shape.ABOUT]
    return next(n for n in range(1, page.max_row + 1) if page.cell(n, 1).value == key)


def test_no_about_sheet_or_another_format_is_refused(demo_db: Database) -> None:
    """A workbook without its About sheet, or of another format, is not read."""
    book = blank(_known(demo_db))
    book[shape.ABOUT].cell(_about_row(book, "format"), 2, "partner-update/2")
    with pytest.raises(WorkbookRefused, match=r"another format \('partner-update/2'\)"):
        _read(demo_db, book)
    del book[shape.ABOUT]
    with pytest.raises(WorkbookRefused, match="no sheet 'About'"):
        _read(demo_db, book)


@pytest.mark.parametrize(
    "data",
    [b"Action id;Status\n1;done\n", b"PK\x03\x04 not really a zip", b"", b"\xd0\xcf\x11\xe0old"],
    ids=["csv named xlsx", "broken zip", "empty", "old xls"],
)
def test_a_file_that_is_no_workbook_is_refused(demo_db: Database, data: bytes) -> None:
    """Not an .xlsx, or one that cannot be read: one message, in words."""
    with pytest.raises(WorkbookRefused, match="Excel workbook"):
        read_updates(demo_db, _draft(demo_db).id, data, "updates.xlsx")


def test_a_cut_short_workbook_is_refused(demo_db: Database) -> None:
    """A workbook cut short in transfer is refused as unreadable."""
    data = to_bytes(blank(_known(demo_db)))
    with pytest.raises(WorkbookRefused, match="cannot be read"):
        read_updates(demo_db, _draft(demo_db).id, data[: len(data) // 2], "updates.xlsx")


def test_the_same_workbook_twice_is_refused_and_writes_nothing(demo_db: Database) -> None:
    """Once received, the workbook (or a copy saved again, with the same workbook id) is
    refused with the day it came in; accepting the first reading again writes nothing."""
    known = _known(demo_db)
    book = blank(known)
    fill(book, shape.ACTIONS, next(iter(known.actions)), Status="done")
    updates = _read(demo_db, book)
    assert _accept_all(demo_db, updates) == 1
    before = _stored(demo_db)
    add_item(book, "Saved again, with a change")
    for data in (to_bytes(book), to_bytes(book)):
        with pytest.raises(WorkbookRefused, match="already received on 2026-11-25 at 09:00"):
            read_updates(demo_db, _draft(demo_db).id, data, "updates.xlsx")
    with pytest.raises(WorkbookRefused, match="already received"):
        _accept_all(demo_db, updates)
    assert _stored(demo_db) == before


def test_a_signed_meeting_takes_no_updates(demo_db: Database) -> None:
    """The workbook of a meeting since signed is read, but its proposals are refused."""
    signed = _other_meeting(demo_db)
    known = workbook_context(demo_db, signed.id)
    book = blank(known, meeting_number=signed.number)
    add_item(book, "Too late")
    updates = read_updates(demo_db, signed.id, to_bytes(book), "updates.xlsx")
    before = _stored(demo_db)
    with pytest.raises(LifecycleError, match=f"Meeting {signed.number} is signed"):
        _accept_all(demo_db, updates)
    assert _stored(demo_db) == before


# --- a wrong line is flagged with its row, the others proposed --------------------------------


def test_text_in_a_number_cell_flags_that_line_only(demo_db: Database) -> None:
    """'n/a' in a value cell is flagged with its row and why; the other lines are proposed,
    numbers stored as text and decimal commas read."""
    known = _known(demo_db)
    ids = list(known.kpis)
    book = blank(known)
    bad = fill(book, shape.READINGS, ids[0], Value="n/a")
    fill(book, shape.READINGS, ids[1], Value="99,5")
    fill(book, shape.READINGS, ids[2], Value=" 98.75 ")
    fill(book, shape.READINGS, ids[3], Value=97)
    fill(book, shape.READINGS, ids[4], Value="1 234,5")
    updates = _read(demo_db, book)
    assert _problems(updates) == [
        f"Our KPI figures, row {bad}: Value: 'n/a' is not a number: type e.g. 99.5 or 99,5"
    ]
    assert [p.value for p in updates.proposals] == [99.5, 98.75, 97.0, 1234.5]


@pytest.mark.parametrize(
    "cell",
    [dt.datetime(2026, 12, 15), "2026-12-15", "15/12/2026", "15.12.2026", " 15/12/2026 "],
)
def test_a_date_is_read_as_a_date_or_as_text(demo_db: Database, cell: Any) -> None:
    """An Excel date, or a date typed as text in ISO or day-first form, is the same day."""
    known = _known(demo_db)
    book = blank(known)
    fill(book, shape.ACTIONS, next(iter(known.actions)), Status="late", Proposed_new_due_date=cell)
    (proposal,) = _read(demo_db, book).proposals
    assert proposal.new_due == dt.date(2026, 12, 15)
    assert proposal.proposed == "late, due 2026-12-15"


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("12/15/2026", "'12/15/2026' is not a date (day first, then month)"),
        ("15/12/26", "'15/12/26' is not a date: write it as 2026-12-15"),
        ("next week", "'next week' is not a date"),
        ("2026-02-30", "'2026-02-30' is not a date"),
        (46371, "46371 is a number, not a date"),
    ],
)
def test_a_date_that_cannot_be_told_is_flagged(demo_db: Database, cell: Any, why: str) -> None:
    """A month-first date, a two-digit year, words or a bare number are refused, not guessed."""
    known = _known(demo_db)
    first, second = list(known.actions)[:2]
    book = blank(known)
    row = fill(book, shape.ACTIONS, first, Status="late", Proposed_new_due_date=cell)
    fill(book, shape.ACTIONS, second, Status="on track")
    updates = _read(demo_db, book)
    (problem,) = _problems(updates)
    assert problem.startswith(f"Our actions, row {row}: Proposed new due date: {why}")
    assert [p.target_id for p in updates.proposals] == [second]


def test_a_formula_is_flagged_not_read(demo_db: Database) -> None:
    """A formula is "a formula, not a value", in a number cell or a text cell alike."""
    known = _known(demo_db)
    book = blank(known)
    value = fill(book, shape.READINGS, next(iter(known.kpis)), Value="=99+0.5")
    status = fill(book, shape.ACTIONS, next(iter(known.actions)), Status='="done"')
    updates = _read(demo_db, book)
    assert updates.proposals == ()
    assert _problems(updates) == [
        f"Our actions, row {status}: Status: '=\"done\"' is a formula, not a value: "
        "type the value itself",
        f"Our KPI figures, row {value}: Value: '=99+0.5' is a formula, not a value: "
        "type the value itself",
    ]


def _other_partnership_kpi(db: Database) -> str:
    pid = new_id()
    repository.create_partnership(
        db,
        Partnership(pid, "Other – Vendor", dt.datetime(2026, 1, 1)),
        [Party(new_id(), pid, side, side.label) for side in Side],
        [],
    )
    kpi = Kpi(
        new_id(), pid, "Uptime", "%", Direction.HIGHER_IS_BETTER, Side.PARTNER, KpiCategory.SERVICE
    )
    kpis.add_kpi(db, kpi, KpiTarget(new_id(), kpi.id, "2026-01", 99.0, 97.0))
    return kpi.id


def test_an_id_not_of_this_partnership_or_side_is_flagged(demo_db: Database) -> None:
    """A KPI of another partnership, the enterprise's own KPI, an unknown action or reading:
    each line flagged, none proposed."""
    known = _known(demo_db)
    stranger = _other_partnership_kpi(demo_db)
    enterprise_kpi = next(
        k for k in repository.kpis(demo_db, known.partnership_id) if k.owner_side is Side.ENTERPRISE
    )
    book = blank(known)
    readings = sheet(book, shape.READINGS)
    readings.append([stranger, "Uptime", "%", known.period, 99.9, None])
    readings.append([enterprise_kpi.id, enterprise_kpi.name, "%", known.period, 50, None])
    sheet(book, shape.ACTIONS).append(["no-such-action", "?", "?", None, "done", None, None])
    sheet(book, shape.CONFIRMATIONS).append(["no-such-reading", "?", "?", 1, "confirm", None])
    updates = _read(demo_db, book)
    assert updates.proposals == ()
    problems = _problems(updates)
    assert len(problems) == 4
    assert "unknown action id 'no-such-action': not one of your open actions" in problems[0]
    assert f"unknown KPI id '{stranger}': not one of your KPIs in this partnership" in problems[1]
    assert f"unknown KPI id '{enterprise_kpi.id}'" in problems[2]
    assert "unknown reading id 'no-such-reading'" in problems[3]


@pytest.mark.parametrize(
    ("sheet_of", "cells", "why"),
    [
        (shape.ACTIONS, {"Status": "finished"}, "'finished' is not a status: choose one of"),
        (shape.ACTIONS, {"Comment": "no status"}, "needs a status"),
        (shape.CONFIRMATIONS, {"Verdict": "dispute"}, "a dispute needs its reason"),
        (shape.CONFIRMATIONS, {"Reason": "why"}, "a reason without a verdict"),
        (shape.CONFIRMATIONS, {"Verdict": "maybe", "Reason": "x"}, "'maybe' is not a verdict"),
    ],
    ids=[
        "status not in the list",
        "comment only",
        "dispute without reason",
        "reason only",
        "verdict not in the list",
    ],
)
def test_an_incomplete_line_is_flagged(
    demo_db: Database, sheet_of: shape.Sheet, cells: dict[str, str], why: str
) -> None:
    """A status or verdict not in the list, or a line missing what it needs, is flagged."""
    known = _known(demo_db)
    target = next(iter(known.actions if sheet_of is shape.ACTIONS else known.readings))
    book = blank(known)
    row = fill(book, sheet_of, target, **cells)
    updates = _read(demo_db, book)
    assert updates.proposals == ()
    (problem,) = _problems(updates)
    assert problem.startswith(f"{sheet_of.name}, row {row}: ")
    assert why in problem


def test_what_the_database_already_says_is_not_proposed(demo_db: Database) -> None:
    """Confirming a figure already confirmed, or typing a figure as recorded, proposes
    nothing; a figure typed anew and confirmed too: the confirmation is flagged."""
    known = _known(demo_db)
    draft = _draft(demo_db)
    kpi = next(iter(known.kpis.values()))
    value, comment = kpi.readings[draft.period]
    confirmed = next(
        r for r in known.readings.values() if r.confirmation is ReadingConfirmation.CONFIRMED
    )
    book = blank(known)
    fill(book, shape.READINGS, kpi.id, Value=value, Comment=comment or None)
    fill(book, shape.CONFIRMATIONS, confirmed.id, Verdict="confirm")
    updates = _read(demo_db, book)
    assert (updates.proposals, updates.problems, updates.unchanged) == ((), (), 2)


def test_a_large_workbook_is_read_and_accepted_whole(demo_db: Database) -> None:
    """5,000 filled rows: read in one go, the wrong ones flagged by row, the rest accepted."""
    draft = _draft(demo_db)
    known = _known(demo_db)
    book = blank(known, item_rows=0)
    page = sheet(book, shape.ITEMS)
    flagged = []
    for number in range(1, 5001):
        if number % 500 == 0:
            page.append([number, None, f"details without a title {number}"])
            flagged.append(page.max_row)
        else:
            page.append([number, f"Topic {number}", f"Details {number}"])
    updates = _read(demo_db, book)
    assert len(updates.proposals) == 4990
    assert [p.row for p in updates.problems] == flagged
    assert all("details without a title" in p.message for p in updates.problems)
    before = len(repository.meeting_items(demo_db, draft.id))
    assert _accept_all(demo_db, updates) == 4990
    items = repository.meeting_items(demo_db, draft.id)
    assert len(items) == before + 4990
    assert items[-1].kind is AgendaItemKind.CLOSING
    titles = [i.title for i in items if i.title.startswith("Topic ")]
    assert titles[:2] == ["Topic 1", "Topic 2"] and titles[-1] == "Topic 4999"


# --- a CSV file from another tool ---------------------------------------------------------------


def test_a_csv_file_is_read_with_the_same_checks(demo_db: Database) -> None:
    """One CSV file with a `kind` column and the workbook's column names: the same
    proposals and the same flags, by line number; accepted as from the partner's CSV file;
    the same file again is refused."""
    draft = _draft(demo_db)
    known = _known(demo_db)
    action = next(iter(known.actions.values()))
    kpi_ids = list(known.kpis)
    reading = next(iter(known.readings.values()))
    text = (
        "kind;Action id;KPI id;Reading id;Period;Status;Value;Verdict;Reason;Comment;"
        "Proposed new due date;Title;Details\n"
        f"action;{action.id};;;;At risk;;;;Waiting for the vendor;15.01.2027;;\n"
        f"reading;;{kpi_ids[0]};;{draft.period};;99,5;;;;;;\n"
        f"reading;;{kpi_ids[1]};;{draft.period};;lots;;;;;;\n"
        f"confirmation;;;{reading.id};;;;dispute;Our figure is 93;;;;\n"
        "item;;;;;;;;;;;Licence renewal;Before March\n"
        "memo;;;;;;;;;;;Not a kind;\n"
    )
    updates = read_csv(text, known)
    assert [(p.kind, p.where, p.proposed) for p in updates.proposals] == [
        (ProposalKind.ACTION, "line 2", "at risk, due 2027-01-15"),
        (ProposalKind.READING, "line 3", "99.5"),
        (ProposalKind.CONFIRMATION, "line 5", "dispute"),
        (ProposalKind.ITEM, "line 6", "Licence renewal"),
    ]
    assert _problems(updates) == [
        "line 4: Value: 'lots' is not a number: type e.g. 99.5 or 99,5",
        "line 7: 'memo' is not a kind: write action, reading, confirmation or item",
    ]
    data = text.encode("utf-8")
    assert read_updates(demo_db, draft.id, data, "updates.csv") == updates
    assert _accept_all(demo_db, updates) == 4
    by = demo_db.execute(
        "SELECT DISTINCT changed_by FROM audit_log WHERE field = ?", [AUDIT_FIELD]
    ).fetchall()
    assert by == [(BY_CSV,)]
    with pytest.raises(WorkbookRefused, match="already received"):
        read_updates(demo_db, draft.id, data, "updates.csv")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Action id,Status\nx,done\n", "does not start with a 'kind' column"),
        ("kind,Action id,Colour\naction,x,red\n", "column 'Colour' is not one of"),
        ("kind,Action id\naction,x\n", "no column 'Status'"),
        ("", "empty"),
    ],
)
def test_a_csv_file_of_another_shape_is_refused(demo_db: Database, text: str, why: str) -> None:
    """A CSV file without its kind column, with a column of no sheet, or missing a column
    its lines need, is refused whole."""
    with pytest.raises(WorkbookRefused, match=why):
        read_csv(text, _known(demo_db))


def test_a_csv_file_that_is_not_text_is_refused(demo_db: Database) -> None:
    data = io.BytesIO(b"kind,Title\nitem,\x00\x01\x02\n").getvalue()
    with pytest.raises(WorkbookRefused, match="not text"):
        read_updates(demo_db, _draft(demo_db).id, data, "updates.csv")


def test_the_workbook_saved_again_by_libreoffice_reads_back(
    demo_db: Database, tmp_path: Any
) -> None:
    """The partner fills the pre-read's workbook in and LibreOffice saves it (its own .xlsx:
    shared strings, styles, dates and numbers as it writes them, protection kept): every
    line still reads back as the same proposals."""
    import shutil
    import subprocess

    from openpyxl import load_workbook

    from core.preread import partner_workbook
    from storage.preread import preread_source

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui)")
    draft = _draft(demo_db)
    book = load_workbook(
        io.BytesIO(partner_workbook(preread_source(demo_db, draft.id), str(uuid.uuid4())))
    )
    actions = sheet(book, shape.ACTIONS)
    actions["E3"], actions["F3"], actions["G3"] = "late", "Vendor delay", dt.datetime(2027, 1, 15)
    sheet(book, shape.READINGS)["E3"] = "98,7"
    sheet(book, shape.ITEMS)["B3"] = "Licence renewal"
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    out = tmp_path / "libreoffice"
    done = subprocess.run(
        [
            soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
            str(filled),
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    saved = out / "filled.xlsx"
    assert saved.is_file(), done.stdout + done.stderr
    assert saved.read_bytes() != filled.read_bytes()
    updates = read_updates(demo_db, draft.id, saved.read_bytes(), "from the partner.xlsx")
    assert updates.problems == ()
    assert [(p.where, p.proposed) for p in updates.proposals] == [
        ("Our actions, row 3", "late, due 2027-01-15"),
        ("Our KPI figures, row 3", "98.7"),
        ("Items to raise, row 3", "Licence renewal"),
    ]
