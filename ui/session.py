"""The open database and partnership, and one operation per user action; screens listen.

Each operation calls core for the rules and storage for the writes, then emits `changed`
with what changed, so screens redraw from one signal instead of calling each other.
Undoable operations hand back a `Reversal` (ui/undo.py pushes it). Long on purpose: this is
the one door, every change a user can make is a method here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from core import accountability, actions, agenda, initiatives, lifecycle, quickadd
from core.accountability import SideRecord
from core.backups import BackupContents
from core.changes import Change
from core.errors import ReviewError
from core.ids import new_id
from core.initiatives import DueMilestone, InitiativeStatus
from core.kpis import ReadingEntry, reviewing_side
from core.model import (
    Action,
    ActionReview,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    AuditEntry,
    Decision,
    InitiativeProgress,
    Kpi,
    KpiTarget,
    Meeting,
    MeetingItem,
    MeetingStatus,
    Partnership,
    Party,
    Person,
    RaciAssignment,
    RaciRole,
    Rag,
    Reading,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    ReviewStatus,
    Side,
    SignatoryCertificate,
    SigningAuthority,
    StandingAgendaItem,
)
from core.partner_updates import PartnerUpdates, Proposal, ProposalKind
from core.people import clean_name
from core.periods import period_of
from core.readings_csv import ImportResult
from core.record import TamperedMeeting
from core.register import ActionFilter, ActionRow
from storage import backups, dashboard, kpis, register, repository
from storage import initiatives as initiative_store
from storage import partner_updates as partner_store
from storage.database import (
    Database,
    open_database,
    open_warnings,
    read_only_reason,
    settle_structure_check,
    structure_check,
)
from storage.errors import StorageError

if TYPE_CHECKING:
    from core.exchange import ImportResult as ImportedMinutes
    from core.portfolio import PortfolioRow
    from core.received import DocumentToSign
    from core.search import Hit, Query
    from core.signatures import Identity

TREND_WINDOW = 3
# Every kind of record: another partnership opened, or a whole meeting imported.
EVERY_RECORD = (
    Change.PARTNERSHIP | Change.PEOPLE | Change.AGENDA | Change.MEETINGS | Change.ATTENDANCE
    | Change.DECISIONS | Change.REVIEWS | Change.ACTIONS | Change.KPIS | Change.READINGS
    | Change.INITIATIVES | Change.MINUTES
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Reversal:
    """How to take an operation back, and do it again exactly (the same records, the same
    ids): what every undoable operation returns, for ui.undo's one command."""

    undo: Callable[[], None]
    redo: Callable[[], None]


class Session(QObject):
    """One open database and the partnership being worked on."""

    changed = Signal(object)  # a core.changes.Change: what the operation changed
    warned = Signal(str)  # something went wrong beside the user's action, which itself worked
    # The file failed the check of its pages that ran once it was open (a StorageError, in
    # words): nothing was written to it, and the window closes it.
    check_failed = Signal(object)
    checked = Signal()  # that check passed: the file can be written
    _check_ended = Signal()  # from the check's thread

    def __init__(self, db: Database, path: Path, partnership_id: str | None) -> None:
        super().__init__()
        self._db = db
        self.path = path
        self.partnership_id = partnership_id
        # The clock every operation reads: tests and screenshots may fix it.
        self.now: Callable[[], dt.datetime] = dt.datetime.now
        self._closed = False
        check = structure_check(db)
        self._check_told = check is None  # nothing to tell of a file checked before it opened
        if check is not None:
            # Told in the window's thread, which alone may use the connection.
            self._check_ended.connect(self._on_check_ended, Qt.ConnectionType.QueuedConnection)
            check.when_done(self._check_ended.emit)

    @classmethod
    def open(cls, path: Path) -> Session:
        """Open `path` (backed up, migrated) on its first partnership, if any.

        The check of every page of the file runs in a thread while the window is built
        (storage.database.StructureCheck): until it passes, a write waits for it; if it fails,
        `check_failed` says why, nothing having been written.
        """
        # A second window only reads (issue 7).
        db = open_database(path, one_writer=True, check_later=True)
        try:
            found = repository.partnerships(db)
        except BaseException:
            problem = _refusal_of_unchecked(db)
            db.close()
            if problem is not None:
                raise problem from None
            raise
        return cls(db, path, found[0].id if found else None)

    @property
    def checking(self) -> bool:
        """Whether the check of the file's pages still runs (writes wait for it)."""
        return structure_check(self._db) is not None

    def wait_until_checked(self) -> None:
        """Wait for the check of the file's pages, and take in its outcome now (`checked` or
        `check_failed` is emitted)."""
        check = structure_check(self._db)
        if check is not None:
            check.wait()
        self._on_check_ended()

    def _on_check_ended(self) -> None:
        if self._closed or self._check_told:
            return
        self._check_told = True
        problem = settle_structure_check(self._db)  # a write may have taken it in already
        if problem is None:
            self.checked.emit()
        else:
            self.check_failed.emit(problem)

    def today(self) -> dt.date:
        """The day the app believes it is (from `now`)."""
        return self.now().date()

    @property
    def read_only_reason(self) -> str | None:
        """Why this window only reads the file (another window writes it); None if it writes."""
        return read_only_reason(self._db)

    @property
    def open_warnings(self) -> list[str]:
        """What went wrong opening the file without stopping it (a backup not written)."""
        return open_warnings(self._db)

    def close(self) -> None:
        self._closed = True
        self._db.close()

    # --- reading ----------------------------------------------------------------------

    @property
    def partnership(self) -> Partnership | None:
        if self.partnership_id is None:
            return None
        return repository.partnership(self._db, self.partnership_id)

    def parties(self) -> dict[Side, Party]:
        return {p.side: p for p in repository.parties(self._db, self._pid)}

    def people(self) -> list[Person]:
        return repository.people(self._db, self._pid)

    def meetings(self) -> list[Meeting]:
        return repository.meetings(self._db, self._pid)

    def meetings_newest_first(self, offset: int, limit: int) -> list[Meeting]:
        """A page of the meetings, newest first (a long history is listed page by page)."""
        return repository.meetings_newest_first(self._db, self._pid, limit, offset)

    def meeting_count(self) -> int:
        return repository.meeting_count(self._db, self._pid)

    def meeting(self, meeting_id: str) -> Meeting:
        return repository.meeting(self._db, meeting_id)

    def items(self, meeting_id: str) -> list[MeetingItem]:
        return repository.meeting_items(self._db, meeting_id)

    def attendance(self, meeting_id: str) -> list[Attendance]:
        return repository.attendance(self._db, meeting_id)

    def decisions(self, meeting_id: str) -> list[Decision]:
        return repository.decisions(self._db, meeting_id)

    def standing_agenda(self) -> list[StandingAgendaItem]:
        return repository.standing_agenda(self._db, self._pid)

    def open_action_count(self) -> int:
        return len(repository.open_actions(self._db, self._pid))

    def count_actions(self, spec: ActionFilter) -> int:
        return register.count_actions(self._db, self._pid, spec)

    def action_rows(
        self, spec: ActionFilter, offset: int = 0, limit: int = -1, meeting_id: str | None = None
    ) -> list[ActionRow]:
        """A page of actions (by current due date), with `meeting_id`'s review of each."""
        return register.action_rows(self._db, self._pid, spec, offset, limit, meeting_id)

    def search(self, text: str, everywhere: bool = False) -> tuple[Query, list[Hit]]:
        """What matches `text` in this partnership (or, `everywhere`, in every partnership of
        the file), and the query as understood (for marking the words it matched)."""
        from core.search import parse_query
        from storage.search import search

        query = parse_query(text)
        scope = None if everywhere or self.partnership_id is None else self.partnership_id
        return query, search(self._db, query, scope)

    def partnerships(self) -> list[Partnership]:
        return repository.partnerships(self._db)

    def portfolio(self) -> list[PortfolioRow]:
        """Every partnership of the file, one row each, as of today."""
        from storage.portfolio import portfolio

        return portfolio(self._db, self.today())

    def open_partnership(self, partnership_id: str) -> None:
        """Work on another partnership of the file."""
        repository.partnership(self._db, partnership_id)  # refuses one not in the file
        self.partnership_id = partnership_id
        self.changed.emit(EVERY_RECORD)

    def action_history(self, action_id: str) -> tuple[list[ActionReview], list[AuditEntry]]:
        """Every review of an action across meetings, and every change in the audit log."""
        return (
            repository.reviews_of_action(self._db, action_id),
            repository.audit_trail(self._db, action_id),
        )

    def review_action(
        self,
        meeting_id: str,
        action_id: str,
        status: ReviewStatus,
        comment: str = "",
        new_due: dt.date | None = None,
    ) -> Reversal:
        """Record this meeting's review of an action, replacing an earlier one of this meeting;
        undone, the earlier one (or none) is back."""
        meeting = self.meeting(meeting_id)
        earlier = next(
            (
                r
                for r in repository.reviews_of_action(self._db, action_id)
                if r.meeting_id == meeting_id
            ),
            None,
        )
        review = ActionReview(
            new_id(),
            action_id,
            meeting_id,
            status,
            " ".join(comment.split()),
            new_due,
            meeting.date if meeting.actual_start is None else meeting.actual_start.date(),
        )
        self._put_review(review)
        return Reversal(
            undo=lambda: (
                self._put_review(earlier)
                if earlier is not None
                else self._remove_review(meeting_id, action_id)
            ),
            redo=lambda: self._put_review(review),
        )

    def _put_review(self, review: ActionReview) -> None:
        meeting = self.meeting(review.meeting_id)
        repository.record_review(self._db, review, by=self._facilitator_name(meeting))
        self.changed.emit(Change.REVIEWS)

    def _remove_review(self, meeting_id: str, action_id: str) -> None:
        meeting = self.meeting(meeting_id)
        repository.remove_review(
            self._db, action_id, meeting_id, by=self._facilitator_name(meeting)
        )
        self.changed.emit(Change.REVIEWS)

    def _facilitator_name(self, meeting: Meeting) -> str:
        if meeting.facilitator_id is None:
            return ""
        return repository.person(self._db, meeting.facilitator_id).name

    def accountability(
        self, upto_id: str, windows: tuple[int, ...] = (3, 6, 12), trend_meetings: int = 24
    ) -> tuple[dict[int, dict[Side, SideRecord]], list[tuple[Meeting, dict[Side, float | None]]]]:
        """Both sides' figures for the last N meetings up to one, and the say/do trend."""
        meetings = [m for m in self.meetings() if m.amends_id is None]
        upto = self.meeting(upto_id)
        held = [m for m in meetings if m.scheduled_start <= upto.scheduled_start]
        actions = repository.actions(self._db, self._pid)
        figures = {
            size: accountability.accountability(held, actions, upto, size) for size in windows
        }
        trend = accountability.say_do_trend(held, actions, last=trend_meetings, size=TREND_WINDOW)
        return figures, trend

    def add_commitment(
        self,
        meeting_id: str,
        title: str,
        owner: Person | None,
        due: dt.date | None,
        raci: dict[RaciRole, list[str]] | None = None,
        past_confirmed: bool = False,
        action_id: str | None = None,
    ) -> Reversal:
        """A new action raised in this meeting: checked, with its RACI people (the owner is R);
        undone, it is removed, and done again with the same id."""
        meeting = self.meeting(meeting_id)
        people = self.people()
        today = meeting.actual_start.date() if meeting.actual_start else self.today()
        clean = quickadd.check_commitment(title, owner, due, people, today, past_confirmed)
        assert owner is not None and due is not None
        new = Action(
            action_id or new_id(),
            self._pid,
            clean,
            owner.id,
            owner.side,
            due,
            meeting_id,
            today,
            due,
        )
        assignments = actions.raci_assignments(new.id, owner.id, raci or {}, (p.id for p in people))
        by = self._facilitator_name(meeting)
        repository.add_action(self._db, new, assignments, by=by)
        self.changed.emit(Change.ACTIONS)

        def again() -> None:
            repository.add_action(self._db, new, assignments, by=by)
            self.changed.emit(Change.ACTIONS)

        return Reversal(undo=lambda: self._remove_commitment(new.id), redo=again)

    def _remove_commitment(self, action_id: str) -> None:
        repository.remove_action(self._db, action_id)
        self.changed.emit(Change.ACTIONS)

    def decision_references(self, meeting_id: str) -> dict[str, str]:
        """Each of a meeting's decisions' reference (D-2026-11-03), by decision id."""
        from core.minutes import decision_references
        from storage.minutes import decisions_before

        meeting = self.meeting(meeting_id)
        return decision_references(
            self.decisions(meeting_id),
            self.items(meeting_id),
            meeting,
            decisions_before(self._db, meeting),
        )

    def commitments(self, meeting_id: str) -> list[Action]:
        return repository.actions_raised_in(self._db, meeting_id)

    def raci(self, action_id: str) -> list[RaciAssignment]:
        return repository.raci(self._db, action_id)

    def latest_period(self) -> str | None:
        return repository.latest_period(self._db, self._pid)

    def next_draft(self) -> Meeting | None:
        """The earliest prepared meeting (core.lifecycle.next_draft), read without the
        partnership's whole history."""
        return lifecycle.next_draft(repository.meetings_ahead(self._db, self._pid))

    def next_meeting(self, meetings: list[Meeting] | None = None) -> Meeting | None:
        """The meeting to work on next (core.lifecycle.next_meeting), of `meetings` or of those
        not yet signed (the only ones it can be)."""
        if meetings is None:
            meetings = repository.meetings_unsigned(self._db, self._pid)
        return lifecycle.next_meeting(meetings)

    @property
    def _pid(self) -> str:
        if self.partnership_id is None:
            raise RuntimeError("no partnership is open")
        return self.partnership_id

    # --- operations ---------------------------------------------------------------------

    def create_partnership(
        self,
        names: dict[Side, str],
        people: list[tuple[Side, str, str, str]],
        agenda_items: list[tuple[str, str, int]],
    ) -> None:
        """A new partnership with its two parties, their people and a standing agenda."""
        pid = new_id()
        partnership = Partnership(
            pid,
            f"{clean_name(names[Side.ENTERPRISE], 'enterprise')} – "
            f"{clean_name(names[Side.PARTNER], 'partner')}",
            self.now().replace(microsecond=0),
        )
        parties = [Party(new_id(), pid, side, clean_name(names[side], side.value)) for side in Side]
        persons = [
            Person(new_id(), pid, side, name, role, email) for side, name, role, email in people
        ]
        items = [
            StandingAgendaItem(
                new_id(), pid, i, agenda.check_title(t), AgendaItemKind(k), agenda.check_timebox(m)
            )
            for i, (t, k, m) in enumerate(agenda_items)
        ]
        repository.create_partnership(self._db, partnership, parties, persons)
        repository.save_standing_agenda(self._db, pid, items)
        self.partnership_id = pid
        self.changed.emit(Change.PARTNERSHIP | Change.PEOPLE | Change.AGENDA)

    def save_standing_agenda(self, items: list[StandingAgendaItem]) -> None:
        checked = [
            dataclasses.replace(
                item,
                title=agenda.check_title(item.title),
                timebox_minutes=agenda.check_timebox(item.timebox_minutes),
            )
            for item in items
        ]
        repository.save_standing_agenda(self._db, self._pid, checked)
        self.changed.emit(Change.AGENDA)

    def propose_next_meeting(self) -> tuple[Meeting, list[MeetingItem]]:
        """A draft (not yet saved) from the standing agenda, a month after the last meeting."""
        people = self.people()
        facilitator = people[0].id if people else None
        previous = self.meetings()
        if previous and previous[-1].facilitator_id:
            facilitator = previous[-1].facilitator_id
        meeting, items = agenda.prepare_next(
            self._pid, self.standing_agenda(), previous, facilitator, new_id, self.today()
        )
        period = self.latest_period()
        if period is not None:
            meeting = dataclasses.replace(meeting, period=period)
        return meeting, items

    def prepare_meeting(self, meeting: Meeting, items: list[MeetingItem]) -> Meeting:
        """Save a prepared draft after checking its date against the meetings before it."""
        agenda.check_meeting_date(meeting.scheduled_start, self.meetings(), meeting.id)
        repository.save_new_meeting(self._db, meeting, items)
        self.changed.emit(Change.MEETINGS)
        return meeting

    def update_draft(self, meeting: Meeting) -> None:
        agenda.check_meeting_date(meeting.scheduled_start, self.meetings(), meeting.id)
        repository.update_meeting(self._db, meeting)
        self.changed.emit(Change.MEETINGS)

    def start_meeting(self, meeting_id: str, *, move_to_today: bool = False) -> Meeting:
        """Start the meeting now; `move_to_today` first moves it to today (lifecycle.start)."""
        started = lifecycle.start(
            self.meeting(meeting_id), self.now().replace(microsecond=0), move_to_today=move_to_today
        )
        repository.update_meeting(self._db, started)
        self.changed.emit(Change.MEETINGS)
        return started

    def end_meeting(self, meeting_id: str) -> Meeting:
        ended = lifecycle.close(self.meeting(meeting_id), self.now().replace(microsecond=0))
        repository.update_meeting(self._db, ended)
        self.changed.emit(Change.MEETINGS)
        self._back_up("meeting-ended")
        return ended

    def _back_up(self, reason: str) -> None:
        """An automatic backup after a milestone of a meeting, so that the newest backup holds
        it; a failure does not undo the milestone: it is told (`warned`)."""
        try:
            backups.automatic_backup(self.path, reason, source=self._db.conn)
        except StorageError as error:
            self.warned.emit(f"{error.message} The meeting itself is saved.")

    def save_notes(self, item_id: str, notes: str) -> None:
        """Save an item's notes; raises StorageError when the file cannot be written."""
        repository.save_notes(self._db, item_id, notes)

    def save_actual_seconds(self, item_id: str, seconds: int) -> None:
        repository.save_actual_seconds(self._db, item_id, seconds)

    def set_attendance(self, meeting_id: str, person_id: str, status: AttendanceStatus) -> Reversal:
        """Record a person's attendance; undone, what it replaced (or nothing) is back."""
        before = next((a for a in self.attendance(meeting_id) if a.person_id == person_id), None)
        after = Attendance(before.id if before else new_id(), meeting_id, status, person_id)
        self._put_attendance(after)
        return Reversal(
            undo=lambda: (
                self._put_attendance(before)
                if before is not None
                else self._clear_attendance(after.id)
            ),
            redo=lambda: self._put_attendance(after),
        )

    def add_guest(self, meeting_id: str, name: str, side: Side | None) -> Reversal:
        """A guest present at the meeting, by name (and side, if one); undone, gone again."""
        guest = Attendance(
            new_id(), meeting_id, AttendanceStatus.PRESENT, None, clean_name(name, "guest"), side
        )
        self._put_attendance(guest)
        return Reversal(
            undo=lambda: self._clear_attendance(guest.id),
            redo=lambda: self._put_attendance(guest),
        )

    def _put_attendance(self, record: Attendance) -> None:
        repository.set_attendance(self._db, record)
        self.changed.emit(Change.ATTENDANCE)

    def _clear_attendance(self, attendance_id: str) -> None:
        repository.remove_attendance(self._db, attendance_id)
        self.changed.emit(Change.ATTENDANCE)

    def add_decision(self, decision: Decision) -> Reversal:
        """A decision taken in the meeting; undone, it is removed."""
        self._put_decision(decision)
        return Reversal(
            undo=lambda: self._remove_decision(decision.id),
            redo=lambda: self._put_decision(decision),
        )

    def _put_decision(self, decision: Decision) -> None:
        repository.add_decision(self._db, decision)
        self.changed.emit(Change.DECISIONS)

    def _remove_decision(self, decision_id: str) -> None:
        repository.remove_decision(self._db, decision_id)
        self.changed.emit(Change.DECISIONS)

    # --- KPIs and readings ----------------------------------------------------------------

    def this_month(self) -> str:
        """The period of today: readings of later periods are refused."""
        return period_of(self.today())

    def kpis(self) -> list[Kpi]:
        return repository.kpis(self._db, self._pid)

    def kpi_targets(self, kpi_id: str) -> list[KpiTarget]:
        return repository.kpi_targets(self._db, kpi_id)

    def dashboard_data(
        self,
    ) -> tuple[list[Kpi], dict[str, list[KpiTarget]], dict[str, list[Reading]]]:
        """The KPIs, and their targets and readings by KPI id, oldest first."""
        return dashboard.dashboard_data(self._db, self._pid)

    def dashboard_window(
        self, first_period: str, last_period: str
    ) -> tuple[list[Kpi], dict[str, list[KpiTarget]], dict[str, list[Reading]]]:
        """What the tiles show: the KPIs, their targets, and their readings from `first_period`
        to `last_period` (with every older reading still disputed), by KPI id."""
        return dashboard.dashboard_window(self._db, self._pid, first_period, last_period)

    def kpi_readings(self, kpi_id: str) -> list[Reading]:
        """A KPI's whole history, oldest first (its drill-down)."""
        return repository.readings(self._db, kpi_id)

    def add_kpi(self, new: Kpi, first_target: KpiTarget) -> Kpi:
        """A new KPI with the target it starts with, checked whole before anything is written."""
        added = kpis.add_kpi(self._db, new, first_target, by=self._user())
        self.changed.emit(Change.KPIS)
        return added

    def update_kpi(self, changed: Kpi) -> Kpi:
        updated = kpis.update_kpi(self._db, changed, by=self._user())
        self.changed.emit(Change.KPIS)
        return updated

    def add_kpi_target(
        self, kpi_id: str, effective_from: str, target: float, red: float
    ) -> KpiTarget:
        """A new target for a KPI from a period on; older readings keep their old target."""
        added = kpis.add_target(
            self._db,
            KpiTarget(new_id(), kpi_id, effective_from, target, red),
            by=self._user(),
        )
        self.changed.emit(Change.KPIS)
        return added

    def enter_readings(self, entries: Sequence[ReadingEntry], entered_by: Side) -> int:
        """Write readings typed in by one side, all or none; returns how many changed."""
        count = kpis.enter_readings(
            self._db, self._pid, entries, entered_by, self.this_month(), by=self._user(entered_by)
        )
        self.changed.emit(Change.READINGS)
        return count

    def import_readings_elsewhere(
        self, data: bytes, side: Side, progress: Callable[[int, int], None]
    ) -> ImportResult:
        """Import a CSV file's readings, all or none, on a connection of its own: the one call
        of the session a worker thread may make (it reads only values fixed at opening). The
        window's thread then calls `readings_imported` to announce them."""
        db = open_database(self.path, automatic_backups=False)
        try:
            return kpis.import_readings(
                db,
                self._pid,
                data,
                side,
                self.this_month(),
                progress=progress,
                by=f"{side.label} (CSV import)",
            )
        finally:
            db.close()

    def readings_imported(self) -> None:
        """Say that readings were written by an import on another connection."""
        self.changed.emit(Change.READINGS)

    def reading_reviews(self, reading_id: str) -> list[ReadingReview]:
        return repository.reading_reviews(self._db, reading_id)

    def review_reading(
        self, meeting_id: str, kpi: Kpi, reading: Reading, verdict: ReadingVerdict, comment: str
    ) -> Reversal:
        """The other side confirms or disputes a reading in this meeting (a dispute with its
        reason); the reading's confirmation follows. Undone, the reading is as it was."""
        review = ReadingReview(
            new_id(),
            reading.id,
            meeting_id,
            reviewing_side(kpi, reading),
            verdict,
            comment,
            self.now().replace(microsecond=0),
        )
        self._put_reading_review(review)
        was = reading.confirmation
        return Reversal(
            undo=lambda: self._take_back_reading_review(review, was),
            redo=lambda: self._put_reading_review(review),
        )

    def _take_back_reading_review(
        self, review: ReadingReview, confirmation: ReadingConfirmation
    ) -> None:
        """Undo a confirmation or dispute: the reading returns to `confirmation`."""
        meeting = self.meeting(review.meeting_id)
        kpis.take_back_reading_review(
            self._db, review, confirmation, by=self._facilitator_name(meeting)
        )
        self.changed.emit(Change.READINGS)

    def _put_reading_review(self, review: ReadingReview) -> None:
        meeting = self.meeting(review.meeting_id)
        kpis.review_reading(self._db, review, by=self._facilitator_name(meeting))
        self.changed.emit(Change.READINGS)

    def _user(self, side: Side | None = None) -> str:
        """Who a change outside a meeting is recorded as: the side typing, if known."""
        return f"{side.label} (typed in)" if side is not None else "KPI set-up"

    # --- the partner's updates ------------------------------------------------------------

    def partner_updates(self, meeting_id: str, data: bytes, name: str) -> PartnerUpdates:
        """Read a file of the partner's updates (their workbook, or a CSV file named .csv) into
        proposals for a meeting, each beside the value it would replace; nothing is written."""
        return partner_store.read_updates(self._db, meeting_id, data, name)

    def partner_said(self, meeting_id: str) -> dict[str, str]:
        """What the partner's accepted updates said of each action for this meeting."""
        return partner_store.partner_said(self._db, meeting_id)

    def accept_partner_updates(
        self,
        meeting_id: str,
        updates: PartnerUpdates,
        accepted: Sequence[tuple[Proposal, str | None]],
    ) -> int:
        """Write the proposals the facilitator accepted (each with the value typed instead of
        the proposed one, or None), all or none, and record the file as received; the rest
        write nothing. Returns how many were written."""
        if updates.meeting_id != meeting_id:
            raise ReviewError("These updates are for another meeting: nothing was written.")
        count = partner_store.accept_proposals(self._db, updates, accepted, self.now())
        changed = Change(0)
        for proposal, _ in accepted:
            changed |= _PARTNER_CHANGES[proposal.kind]
        if count:
            self.changed.emit(changed)
        return count

    # --- strategic initiatives ------------------------------------------------------------

    def initiative_view(
        self, meeting_id: str
    ) -> tuple[list[InitiativeStatus], list[DueMilestone], dt.date, DueMilestone | None]:
        """Each initiative as this meeting sees it, the milestones due before the next
        meeting (late ones included), the next meeting's date, and the first milestone due
        after it."""
        meeting = self.meeting(meeting_id)
        meetings = [m for m in self.meetings() if m.amends_id is None]
        found, milestones, progress = initiative_store.initiatives_data(self._db, self._pid)
        names = {p.id: p.name for p in self.people()}
        statuses = initiatives.initiative_statuses(meeting, meetings, found, progress, names)
        next_date = initiatives.next_meeting_date(meeting, meetings)
        on = meeting.actual_start.date() if meeting.actual_start else meeting.date
        begun = [s.initiative for s in statuses]
        due = initiatives.milestones_due(begun, milestones, on, next_date)
        upcoming = initiatives.next_milestone(begun, milestones, next_date)
        return statuses, due, next_date, upcoming

    def record_progress(
        self, meeting_id: str, initiative_id: str, percent: int, rag: Rag, comment: str
    ) -> Reversal:
        """This meeting's progress on an initiative, replacing this meeting's earlier record;
        undone, the earlier record (or none) is back."""
        progress = InitiativeProgress(new_id(), initiative_id, meeting_id, percent, rag, comment)
        meeting = self.meeting(meeting_id)
        before = initiative_store.record_progress(
            self._db, progress, by=self._facilitator_name(meeting)
        )
        self.changed.emit(Change.INITIATIVES)
        return Reversal(
            undo=lambda: (
                self._put_progress(before)
                if before is not None
                else self._remove_progress(initiative_id, meeting_id)
            ),
            redo=lambda: self._put_progress(progress),
        )

    def _put_progress(self, progress: InitiativeProgress) -> None:
        meeting = self.meeting(progress.meeting_id)
        initiative_store.record_progress(self._db, progress, by=self._facilitator_name(meeting))
        self.changed.emit(Change.INITIATIVES)

    def _remove_progress(self, initiative_id: str, meeting_id: str) -> None:
        meeting = self.meeting(meeting_id)
        initiative_store.remove_progress(
            self._db, initiative_id, meeting_id, by=self._facilitator_name(meeting)
        )
        self.changed.emit(Change.INITIATIVES)

    # --- minutes ------------------------------------------------------------------------
    # storage.sign_off brings reportlab and pyHanko: imported when minutes are first asked for.

    def person(self, person_id: str) -> Person:
        return repository.person(self._db, person_id)

    def minutes_pdf(self, meeting_id: str) -> bytes:
        """The minutes as they would be exported now (a signed meeting's stored PDF)."""
        from storage import sign_off

        return sign_off.minutes_pdf(self._db, meeting_id)

    def send_preread(self, meeting_id: str, folder: Path) -> list[Path]:
        """Write the pre-read of a prepared (draft) meeting into `folder`: the PDF, the
        calendar invitation, the partner update workbook and an e-mail draft carrying them;
        the send is kept in the audit log, so a re-send updates the same calendar event."""
        from core.preread import check_can_send, make_preread, write_files
        from storage import preread

        meeting = self.meeting(meeting_id)
        check_can_send(meeting)
        source = preread.preread_source(self._db, meeting_id)
        sent = make_preread(source, self.now().replace(microsecond=0), new_id())
        paths = write_files(sent, folder)
        preread.record_send(self._db, sent, by=self._facilitator_name(meeting))
        return paths

    def sides_to_sign(self, meeting_id: str) -> list[Side]:
        from storage import sign_off

        return sign_off.pending_sides(self._db, meeting_id)

    def find_tampered_elsewhere(self) -> list[TamperedMeeting]:
        """The signed meetings whose stored rows, PDF or sign-offs no longer match what was
        signed, checked on a read-only connection of its own: a worker thread may call it."""
        from storage.database import open_for_reading
        from storage.integrity import tampered_meetings

        db = open_for_reading(self.path)
        try:
            return tampered_meetings(db)
        finally:
            db.close()

    # --- keys and certificates ----------------------------------------------------------
    # A key belongs to its holder: the app keeps the user's own key only ("my signing key");
    # anyone else brings a key file or a token for one signature, and nothing of it stays.

    def my_certificate(self) -> bytes | None:
        """The certificate (PEM) of the user's own signing key, if they have one."""
        return my_key_certificate()

    def create_my_key(
        self, name: str, email: str, side: Side, organisation: str, passphrase: str, repeat: str
    ) -> bytes:
        """Create the user's own key and keep it in their user data folder; its certificate."""
        from core.signatures import create_identity, load_identity
        from storage.keys import my_key, save_my_key

        if passphrase != repeat:
            raise ReviewError("The two passphrases differ: type the same one twice.")
        if my_key() is not None:
            raise ReviewError("You already have a signing key: it is kept as it is.")
        data = create_identity(name, email, side.value, organisation, passphrase)
        identity = load_identity(data, passphrase)
        save_my_key(data, identity.certificate_pem)
        return identity.certificate_pem

    def use_key_file_as_mine(self, path: str, passphrase: str) -> bytes:
        """Keep a key file the user already has as their own signing key; its certificate."""
        from core.signatures import load_identity
        from storage.keys import my_key, save_my_key

        if my_key() is not None:
            raise ReviewError("You already have a signing key: it is kept as it is.")
        data = _read_key_file(path)
        identity = load_identity(data, passphrase)
        save_my_key(data, identity.certificate_pem)
        return identity.certificate_pem

    def sign_minutes(
        self,
        meeting_id: str,
        person_id: str,
        key: KeyChoice,
        now: dt.datetime,
    ) -> Meeting:
        """One side's sign-off with the signatory's own key (theirs on this computer, a key
        file brought for this signature, or a token), opened for this signature only; the
        second sign-off freezes the meeting."""
        from core.signatures import load_identity
        from storage import sign_off
        from storage.keys import my_key

        if key.source == "token":
            from core.tokens import open_token_identity

            if not key.path:
                raise ReviewError("Choose the token's PKCS#11 module (a .so file).")
            with open_token_identity(key.path, key.token_label, key.secret) as identity:
                meeting = sign_off.sign_minutes(
                    self._db, meeting_id, person_id, identity, now, timestamp_url=key.tsa
                )
        else:
            if key.source == "mine":
                data = my_key()
                if data is None:
                    raise ReviewError("You have no signing key on this computer.")
            else:
                data = _read_key_file(key.path)
            identity = load_identity(data, key.secret)
            meeting = sign_off.sign_minutes(
                self._db, meeting_id, person_id, identity, now, timestamp_url=key.tsa
            )
        self._after_sign_off(meeting)
        return meeting

    def _after_sign_off(self, meeting: Meeting) -> None:
        self.changed.emit(Change.MINUTES | Change.MEETINGS)
        if meeting.status is MeetingStatus.SIGNED:
            self._back_up("signed")

    def send_for_signature(self, meeting_id: str) -> bytes:
        """The minutes to send to a signatory elsewhere, kept to check the signed copy by."""
        from storage import sign_off

        pdf = sign_off.send_for_signature(self._db, meeting_id, self.now())
        self.changed.emit(Change.MINUTES)
        return pdf

    def receive_signed(self, pdf: bytes) -> Meeting:
        """Record the sign-off a signed copy brings back; see storage.sign_off.receive_signed."""
        from storage import sign_off

        meeting = sign_off.receive_signed(self._db, pdf)
        self._after_sign_off(meeting)
        return meeting

    def import_minutes(self, pdf: bytes, confirmed: Sequence[str] = ()) -> ImportedMinutes:
        """Add the meeting of minutes both sides signed (the other side's record) to this
        copy; see storage.exchange.import_minutes. With no partnership open yet, the
        imported one is opened."""
        from storage import exchange

        result = exchange.import_minutes(self._db, pdf, self.now(), confirmed=confirmed)
        if result.already_present:
            return result
        if self.partnership_id is None:
            self.partnership_id = result.meeting.partnership_id
        self.changed.emit(EVERY_RECORD)
        self._back_up("minutes-imported")
        return result

    def signatory_certificates(self) -> list[SignatoryCertificate]:
        if self.partnership is None:
            return []
        return repository.signatory_certificates(self._db, self.partnership.id)

    def signing_authorities(self) -> list[SigningAuthority]:
        if self.partnership is None:
            return []
        return repository.signing_authorities(self._db, self.partnership.id)

    def register_certificate(self, person_id: str, certificate: bytes) -> None:
        """Register a signatory's certificate on purpose (audited)."""
        from storage import sign_off

        sign_off.register_certificate(self._db, person_id, certificate, self.now())
        self.changed.emit(Change.PEOPLE)

    def register_authority(self, side: Side, certificate: bytes) -> None:
        """Register a side's company certificate authority on purpose (audited)."""
        from storage import sign_off

        if self.partnership is None:
            raise ReviewError("Open a partnership first.")
        sign_off.register_authority(self._db, self.partnership.id, side, certificate, self.now())
        self.changed.emit(Change.PEOPLE)

    def amend_minutes(self, meeting_id: str) -> Meeting:
        """A new revision of signed minutes, to correct and sign; the signed one stays."""
        from storage import sign_off

        amendment = sign_off.amend_minutes(self._db, meeting_id)
        self.changed.emit(Change.MEETINGS | Change.MINUTES)
        return amendment


# What each kind of the partner's proposals changes, once accepted.
_PARTNER_CHANGES = {
    ProposalKind.ACTION: Change.REVIEWS,
    ProposalKind.READING: Change.READINGS,
    ProposalKind.CONFIRMATION: Change.READINGS,
    ProposalKind.ITEM: Change.MEETINGS,
}


@dataclasses.dataclass(frozen=True)
class KeyChoice:
    """The key one signature is made with: the user's own ("mine"), a key `file` brought for
    it, or a PKCS#11 `token` (path: its module; secret: the passphrase or the PIN), and the
    timestamp authority to ask, if any."""

    source: str
    secret: str
    path: str = ""
    token_label: str = ""
    tsa: str | None = None


def _read_key_file(path: str) -> bytes:
    if not path:
        raise ReviewError("Choose the key file (.p12 or .pfx) to sign with.")
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise ReviewError(f"{path} is a folder, not a key file.") from None
    except OSError as error:
        raise ReviewError(f"{path} cannot be read: {error.strerror}.") from None


# --- the file itself: before a session is open on it, or to replace it -----------------------


def default_database() -> Path:
    """The database opened when no other is named or remembered (the user data folder)."""
    from storage.locations import default_database as default

    return default()


def demo_database() -> Path:
    """Where "Open the demo" creates (once) and opens the demo partnership."""
    from storage.locations import demo_database as demo

    return demo()


def log_folder() -> Path:
    """Where the app's log and crash reports are written."""
    from storage.locations import log_folder as folder

    return folder()


def create_demo(path: Path) -> Path:
    """Create the demo partnership in a new file (an existing one is refused, untouched)."""
    from storage.demo import create_demo as create

    return create(path)


def good_backups(path: Path) -> list[BackupContents]:
    """The automatic backups of `path` that open cleanly, newest first, with what each holds."""
    return [backups.backup_contents(b) for b in backups.good_backups(path)]


def backup_taken(backup: Path) -> dt.datetime | None:
    """When an automatic backup was taken (from its name); None for another file."""
    return backups.backup_time(backup)


def restore_backup(path: Path, backup: Path) -> Path | None:
    """Put `backup` back as `path` (checked first; refused while the file is open anywhere);
    returns where the replaced file was kept."""
    return backups.restore(path, backup)


@dataclasses.dataclass(frozen=True)
class OpeningProblem:
    """Why a file did not open, without the remedy (`problem`), the newest good backup to
    offer, and whether a backup is a remedy at all (not for a file locked by another program)."""

    problem: str
    backup: Path | None
    restorable: bool


def opening_problem(error: ReviewError) -> OpeningProblem:
    """What the recovery dialog needs of an error that stopped a file from opening."""
    if isinstance(error, StorageError):
        return OpeningProblem(error.problem, error.backup, error.restorable)
    return OpeningProblem(error.message, None, False)


# --- signing a file sent for signature: no database involved ---------------------------------


def my_key_certificate() -> bytes | None:
    """The certificate (PEM) of the user's own signing key, if they have one."""
    from storage.keys import my_certificate

    return my_certificate()


def document_to_sign(pdf: bytes) -> DocumentToSign:
    """What minutes sent for signature say they are (see core.received.document_to_sign)."""
    from core.received import document_to_sign as read

    return read(pdf)


def sign_file(pdf: bytes, key: KeyChoice, field: str = "") -> tuple[bytes, str]:
    """Sign minutes someone sent for signature, on this computer, with the signer's own key
    (theirs here, a key file, or a token) opened for this one signature. Returns the signed
    PDF and who signed it, as "Name for the partner side"."""
    import datetime as dt

    from core.received import sign_document
    from core.signatures import load_identity
    from storage.keys import my_key

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def signed_by(identity: Identity) -> tuple[bytes, str]:
        signed, _, side = sign_document(pdf, identity, field, now=now, timestamp_url=key.tsa)
        return signed, f"{identity.name} for the {side} side"

    if key.source == "token":
        from core.tokens import open_token_identity

        if not key.path:
            raise ReviewError("Choose the token's PKCS#11 module (a .so file).")
        with open_token_identity(key.path, key.token_label, key.secret) as identity:
            return signed_by(identity)
    if key.source == "mine":
        data = my_key()
        if data is None:
            raise ReviewError("You have no signing key on this computer.")
    else:
        data = _read_key_file(key.path)
    return signed_by(load_identity(data, key.secret))


def _refusal_of_unchecked(db: Database) -> StorageError | None:
    """When reading a file whose check still ran failed: the check's refusal, if it fails
    (the read met the damage it finds), else None (the error was something else)."""
    check = structure_check(db)
    if check is None:
        return None
    try:
        return check.wait()
    except Exception:
        return None
