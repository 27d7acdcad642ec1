"""Both sides keep the same signed record: a partner's copy imports the enterprise's signed
minutes, meeting by meeting, row by row by UUID (storage/exchange.py, core/exchange.py).

The enterprise's record is real: two years of monthly meetings held through storage and each
signed by a present representative of each side with their own key (tests/signed_history.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from sqlite_utils import Database

from core import accountability
from core.exchange import EXCHANGE_ATTACHMENT, read_exchange
from core.kpis import ReadingEntry
from core.model import Meeting, MeetingStatus, Side
from core.signatures import embedded_record
from storage import kpis, repository
from storage.database import open_database
from storage.exchange import ImportRefused, UnknownSigners, import_minutes
from storage.sign_off import amend_minutes, current_minutes, sign_minutes, unsigned_pdf
from tests.signed_history import SignedHistory, signed_history

MONTHS = 24
NOW = dt.datetime(2026, 12, 6, 9)
# Every table a refused import must leave exactly as it was.
TABLES = (
    "partnership",
    "party",
    "person",
    "meeting",
    "meeting_item",
    "attendance",
    "action",
    "action_raci",
    "action_review",
    "decision",
    "kpi",
    "kpi_target",
    "reading",
    "reading_review",
    "initiative",
    "milestone",
    "initiative_progress",
    "sign_off",
    "signatory_certificate",
    "audit_log",
)


@dataclasses.dataclass(frozen=True)
class Enterprise:
    path: Path
    history: SignedHistory

    @property
    def trusted(self) -> list[bytes]:
        return [key.certificate_pem for key in self.history.keys.values()]


@pytest.fixture(scope="module")
def enterprise(tmp_path_factory: pytest.TempPathFactory) -> Enterprise:
    """The enterprise's file: 24 monthly meetings, each signed by both sides (made once)."""
    path = tmp_path_factory.mktemp("enterprise") / "enterprise.db"
    db = open_database(path, automatic_backups=False)
    try:
        history = signed_history(db, MONTHS)
    finally:
        db.close()
    return Enterprise(path, history)


@pytest.fixture
def copy(tmp_path: Path) -> Iterator[Database]:
    """The partner's own copy of the app's file: new and empty."""
    db = open_database(tmp_path / "partner.db", automatic_backups=False)
    yield db
    db.close()


def _rows(db: Database) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: sorted(map(tuple, db.execute(f"SELECT * FROM {table}").fetchall()), key=repr)
        for table in TABLES
    }


def _by_id(rows: list) -> list:  # type: ignore[type-arg]
    return sorted(rows, key=lambda row: row.id)


def _import(db: Database, enterprise: Enterprise, month: int):  # type: ignore[no-untyped-def]
    return import_minutes(db, enterprise.history.pdfs[month - 1], NOW, trusted=enterprise.trusted)


def _figures(db: Database, pid: str) -> list[tuple[object, ...]]:
    """Every say/do figure of both sides, for every meeting and window, as the app shows them."""
    meetings = [m for m in repository.meetings(db, pid) if m.amends_id is None]
    actions = repository.actions(db, pid)
    table = []
    for upto in meetings:
        held = [m for m in meetings if m.scheduled_start <= upto.scheduled_start]
        for size in (3, 6, 12):
            for side, figures in accountability.accountability(held, actions, upto, size).items():
                table.append((upto.id, size, side.value, dataclasses.astuple(figures)))
    trend = accountability.say_do_trend(meetings, actions, size=3)
    table += [(m.id, "trend", tuple(sorted(ratios.items()))) for m, ratios in trend]
    return table


# --- the same history on both sides ---------------------------------------------------------


def test_a_partner_importing_every_month_holds_the_same_record_and_figures(
    enterprise: Enterprise, copy: Database
) -> None:
    for month in range(1, MONTHS + 1):
        result = _import(copy, enterprise, month)
        assert not result.already_present
    source = open_database(enterprise.path, automatic_backups=False)
    try:
        pid = enterprise.history.partnership_id
        # the same accountability table, to the last figure, for both sides and every window
        assert _figures(copy, pid) == _figures(source, pid)
        figures = _figures(copy, pid)
        assert len(figures) == MONTHS * 3 * 2 + MONTHS
        # the same rows, by their ids: meetings, actions with their states, reviews, decisions
        assert _by_id(repository.actions(copy, pid)) == _by_id(repository.actions(source, pid))
        for meeting in enterprise.history.meetings:
            mine = repository.meeting(copy, meeting.id)
            assert mine.status is MeetingStatus.SIGNED
            assert mine.content_hash == meeting.content_hash
            for rows in (repository.reviews_in_meeting, repository.decisions):
                assert _by_id(rows(copy, meeting.id)) == _by_id(rows(source, meeting.id))
            # both copies rebuild, byte for byte, the minutes both sides signed: as they stood
            # when the meeting closed, whatever happened after
            assert current_minutes(copy, meeting.id)[1] == meeting.content_hash
            assert current_minutes(source, meeting.id)[1] == meeting.content_hash
            assert {s.side for s in repository.sign_offs(copy, meeting.id)} == set(Side)
    finally:
        source.close()
    # each import is in the copy's audit log
    imported = copy.execute(
        "SELECT count(*) FROM audit_log WHERE field = 'imported from signed minutes'"
    ).fetchone()[0]
    assert imported == MONTHS


def test_importing_the_same_minutes_twice_adds_nothing(
    enterprise: Enterprise, copy: Database
) -> None:
    _import(copy, enterprise, 1)
    before = _rows(copy)
    again = _import(copy, enterprise, 1)
    assert again.already_present
    assert "nothing to import" in again.describe()
    assert _rows(copy) == before


def test_the_enterprise_importing_its_own_signed_minutes_changes_nothing(
    enterprise: Enterprise, tmp_path: Path
) -> None:
    path = tmp_path / "own.db"
    shutil.copy(enterprise.path, path)
    db = open_database(path, automatic_backups=False)
    try:
        before = _rows(db)
        assert import_minutes(db, enterprise.history.pdfs[5], NOW).already_present
        assert _rows(db) == before
    finally:
        db.close()


# --- out of order ---------------------------------------------------------------------------


def test_minutes_whose_earlier_meetings_are_missing_are_refused_naming_them(
    enterprise: Enterprise, copy: Database
) -> None:
    _import(copy, enterprise, 1)
    before = _rows(copy)
    with pytest.raises(ImportRefused) as refused:
        _import(copy, enterprise, 3)
    assert "import them first" in refused.value.message
    assert "meeting 2 of 2025-02-04" in refused.value.message
    assert _rows(copy) == before
    # once the missing meeting is in, the same file imports
    _import(copy, enterprise, 2)
    assert not _import(copy, enterprise, 3).already_present


def test_an_amendment_waits_for_its_original_then_comes_in_as_its_revision(
    enterprise: Enterprise, tmp_path: Path, copy: Database
) -> None:
    path = tmp_path / "amending.db"
    shutil.copy(enterprise.path, path)
    source = open_database(path, automatic_backups=False)
    try:
        original = enterprise.history.meetings[1]
        amendment = amend_minutes(source, original.id)
        item = repository.meeting_items(source, amendment.id)[0]
        repository.save_notes(source, item.id, "Corrected: the date of the workshop is 12 March.")
        for side, person in enterprise.history.signatories.items():
            sign_minutes(source, amendment.id, person.id, enterprise.history.keys[side], NOW)
        amended_pdf = repository.meeting(source, amendment.id)
        pdf = source.execute(
            "SELECT minutes_pdf FROM meeting WHERE id = ?", [amended_pdf.id]
        ).fetchone()[0]
    finally:
        source.close()
    _import(copy, enterprise, 1)
    before = _rows(copy)
    with pytest.raises(ImportRefused) as refused:
        import_minutes(copy, pdf, NOW, trusted=enterprise.trusted)
    assert refused.value.message.endswith(
        "import them first: meeting 2 of 2025-02-04 (the revision these minutes amend)."
    )
    assert _rows(copy) == before
    _import(copy, enterprise, 2)
    result = import_minutes(copy, pdf, NOW, trusted=enterprise.trusted)
    added: Meeting = repository.meeting(copy, amendment.id)
    assert result.meeting.revision == 2
    assert added.amends_id == original.id and added.status is MeetingStatus.SIGNED
    assert repository.meeting(copy, original.id).status is MeetingStatus.SIGNED
    notes = [i.notes for i in repository.meeting_items(copy, amendment.id)]
    assert "Corrected: the date of the workshop is 12 March." in notes


# --- files that must not get in -------------------------------------------------------------


def test_a_swapped_attachment_is_refused_and_nothing_is_written(
    enterprise: Enterprise, copy: Database
) -> None:
    _import(copy, enterprise, 1)
    pdf = enterprise.history.pdfs[1]
    record = embedded_record(pdf, EXCHANGE_ATTACHMENT)
    assert record is not None and b"Commitment 1 of month 2" in record
    # the same length, one action's title changed inside the signed bytes
    in_place = pdf.replace(b"Commitment 1 of month 2", b"Commitment 9 of month 2", 1)
    assert in_place != pdf and len(in_place) == len(pdf)
    # a new revision after the signatures that attaches another exchange.json
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    swapped = record.replace(b"Commitment 1 of month 2", b"Commitment 9 of month 2")
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=EXCHANGE_ATTACHMENT,
            embedded_data=embed.EmbeddedFileObject.from_file_data(writer, swapped),
        ),
    )
    out = io.BytesIO()
    writer.write(out)
    appended = out.getvalue()
    before = _rows(copy)
    for forged in (in_place, appended):
        with pytest.raises(Exception) as refused:
            import_minutes(copy, forged, NOW, trusted=enterprise.trusted)
        message = getattr(refused.value, "message", str(refused.value))
        assert "cannot be imported" in message or "two documents" in message, message
        assert _rows(copy) == before
    assert read_exchange(swapped).content_hash == read_exchange(record).content_hash


def test_minutes_signed_by_unknown_certificates_wait_for_their_fingerprints(
    enterprise: Enterprise, copy: Database
) -> None:
    before = _rows(copy)
    with pytest.raises(UnknownSigners) as unknown:
        import_minutes(copy, enterprise.history.pdfs[0], NOW)
    fingerprints = {s.fingerprint for s in unknown.value.signers}
    assert fingerprints == {k.fingerprint for k in enterprise.history.keys.values()}
    assert all(f in unknown.value.message for f in fingerprints)
    assert _rows(copy) == before
    # only one confirmed: still refused, naming the other
    first = enterprise.history.keys[Side.ENTERPRISE].fingerprint
    with pytest.raises(UnknownSigners) as still:
        import_minutes(copy, enterprise.history.pdfs[0], NOW, confirmed=[first])
    assert [s.side for s in still.value.signers] == ["partner"]
    result = import_minutes(copy, enterprise.history.pdfs[0], NOW, confirmed=fingerprints)
    assert sorted(result.registered) == ["Maria Lindqvist", "Łukasz Nowak"]
    registered = copy.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'signatory_certificate'"
    ).fetchone()[0]
    assert registered == 2
    # registered now: the next month needs no confirmation
    assert not import_minutes(copy, enterprise.history.pdfs[1], NOW).already_present


def test_a_trusted_certificate_of_the_wrong_person_does_not_make_them_a_signer(
    enterprise: Enterprise, copy: Database
) -> None:
    """Trust says whose key it is; the signer must still be that side's present person."""
    from tests.certificates import identity

    stranger = identity(
        "Eve Mallory", "eve@example.org", "partner", start=NOW - dt.timedelta(days=9)
    )
    with pytest.raises(UnknownSigners):
        import_minutes(copy, enterprise.history.pdfs[0], NOW, trusted=[stranger.certificate_pem])
    assert _rows(copy)["meeting"] == []


def test_minutes_without_an_exchange_record_are_refused_in_words(
    enterprise: Enterprise, copy: Database
) -> None:
    source = open_database(enterprise.path, automatic_backups=False)
    try:
        minutes, digest = current_minutes(source, enterprise.history.meetings[0].id)
    finally:
        source.close()
    with pytest.raises(Exception) as refused:
        import_minutes(copy, unsigned_pdf(minutes, digest), NOW)
    assert "carry no exchange.json" in str(getattr(refused.value, "message", refused.value))
    with pytest.raises(Exception) as not_pdf:
        import_minutes(copy, b"hello", NOW)
    assert "not a PDF" in str(getattr(not_pdf.value, "message", not_pdf.value))


# --- what this copy holds differently ---------------------------------------------------------


def test_a_reading_entered_in_this_copy_is_never_overwritten_and_is_shown(
    enterprise: Enterprise, copy: Database
) -> None:
    _import(copy, enterprise, 1)
    pid = enterprise.history.partnership_id
    third = enterprise.history.meetings[2]
    availability = next(k for k in repository.kpis(copy, pid) if k.name == "Availability")
    kpis.enter_readings(
        copy, pid, [ReadingEntry(availability.id, third.period, 12.5)], Side.PARTNER, "2026-12"
    )
    _import(copy, enterprise, 2)
    before = _rows(copy)
    with pytest.raises(ImportRefused) as refused:
        _import(copy, enterprise, 3)
    message = refused.value.message
    assert f"Availability for {third.period}: this copy holds 12.5, entered here" in message
    assert "this copy's is kept" in message
    assert _rows(copy) == before


def test_a_meeting_of_this_copys_own_with_the_same_number_is_kept_and_shown(
    enterprise: Enterprise, copy: Database
) -> None:
    _import(copy, enterprise, 1)
    pid = enterprise.history.partnership_id
    own = dataclasses.replace(
        enterprise.history.meetings[1],
        id="0f3f1d1e-0000-4000-8000-000000000001",
        status=MeetingStatus.DRAFT,
        actual_start=None,
        actual_end=None,
        content_hash=None,
        record_hash=None,
        minutes_sha256=None,
    )
    repository.save_new_meeting(copy, own, [])
    before = _rows(copy)
    with pytest.raises(ImportRefused) as refused:
        _import(copy, enterprise, 2)
    assert "This copy has its own meeting 2 (revision 1, draft" in refused.value.message
    assert _rows(copy) == before
    assert repository.meeting(copy, own.id).partnership_id == pid


def test_a_copy_can_start_with_recent_minutes_and_fill_in_the_earlier_ones_oldest_first(
    enterprise: Enterprise, copy: Database, tmp_path: Path
) -> None:
    """A partner that starts keeping the record mid-way imports the latest minutes first: its
    history starts there. Earlier minutes imported later, oldest first, link it all up: the
    copy then holds exactly what a copy that imported in order holds."""
    started = _import(copy, enterprise, 5)
    assert started.starts_here and "starts with these minutes" in started.describe()
    for month in range(1, 5):
        _import(copy, enterprise, month)
    in_order = open_database(tmp_path / "in-order.db", automatic_backups=False)
    try:
        for month in range(1, 6):
            _import(in_order, enterprise, month)
        pid = enterprise.history.partnership_id
        assert _by_id(repository.actions(copy, pid)) == _by_id(repository.actions(in_order, pid))
        assert _figures(copy, pid) == _figures(in_order, pid)
    finally:
        in_order.close()
