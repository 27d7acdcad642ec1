"""An enterprise's record of a partnership held month after month, every meeting signed by a
present representative of each side with their own key: the signed minutes a partner's copy
imports. Built through storage as the app's screens build it (agenda, attendance, reviews,
commitments, readings, decisions, end, both sign-offs), with a seeded random hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from core import agenda, lifecycle
from core.ids import new_id
from core.kpis import ReadingEntry
from core.model import (
    Action,
    ActionReview,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Decision,
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    Meeting,
    Partnership,
    Party,
    Person,
    ReviewStatus,
    Side,
    StandingAgendaItem,
)
from core.signatures import Identity
from storage import kpis, repository
from storage.minutes import stored_pdf
from storage.sign_off import register_certificate, sign_minutes
from tests.certificates import identity

KEYS_FROM = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
FIRST_MONTH = dt.date(2025, 1, 1)
PEOPLE = {
    Side.ENTERPRISE: [
        ("Maria Lindqvist", "CIO", "maria@northwind.example"),
        ("Tomás Herrera", "Service owner", "tomas@northwind.example"),
        ("Ingrid Olsen", "Finance", "ingrid@northwind.example"),
    ],
    Side.PARTNER: [
        ("Łukasz Nowak", "Account director", "lukasz@contoso.example"),
        ("Grace Okafor", "Delivery lead", "grace@contoso.example"),
        ("Dmitri Smirnov", "Engineer", "dmitri@contoso.example"),
    ],
}
STATUSES = (
    (ReviewStatus.DONE, 50),
    (ReviewStatus.ON_TRACK, 20),
    (ReviewStatus.LATE, 15),
    (ReviewStatus.AT_RISK, 10),
    (ReviewStatus.DROPPED, 5),
)


@dataclass(frozen=True)
class SignedHistory:
    partnership_id: str
    meetings: list[Meeting]  # in order, each signed
    pdfs: list[bytes]  # each meeting's signed minutes, in the same order
    signatories: dict[Side, Person]
    keys: dict[Side, Identity]


def signed_history(db: Database, months: int, seed: int = 7) -> SignedHistory:
    """`months` monthly meetings of a new partnership in `db`, each signed by both sides."""
    rng = random.Random(seed)
    pid = new_id()
    created = dt.datetime(2024, 12, 2, 9)
    repository.create_partnership(
        db,
        Partnership(pid, "Northwind – Contoso", created),
        [
            Party(new_id(), pid, Side.ENTERPRISE, "Northwind"),
            Party(new_id(), pid, Side.PARTNER, "Contoso"),
        ],
        [
            Person(new_id(), pid, side, name, role, email)
            for side, listed in PEOPLE.items()
            for name, role, email in listed
        ],
    )
    standing = [
        StandingAgendaItem(new_id(), pid, i, title, kind, minutes)
        for i, (title, kind, minutes) in enumerate(
            [
                ("Opening", AgendaItemKind.OPENING, 5),
                ("Actions from last time", AgendaItemKind.ACTION_REVIEW, 20),
                ("Service dashboard", AgendaItemKind.DASHBOARD, 15),
                ("New commitments", AgendaItemKind.COMMITMENTS, 10),
                ("Close", AgendaItemKind.CLOSING, 5),
            ]
        )
    ]
    repository.save_standing_agenda(db, pid, standing)
    higher = Direction.HIGHER_IS_BETTER
    measures = [
        (Kpi(new_id(), pid, "Availability", "%", higher, Side.PARTNER, KpiCategory.SERVICE), 99.5),
        (
            Kpi(
                new_id(),
                pid,
                "Invoices on time",
                "%",
                higher,
                Side.ENTERPRISE,
                KpiCategory.COMMERCIAL,
            ),
            95.0,
        ),
    ]
    for kpi, target in measures:
        kpis.add_kpi(db, kpi, KpiTarget(new_id(), kpi.id, "2024-01", target, target - 3))
    people = repository.people(db, pid)
    signatories = {side: next(p for p in people if p.name == PEOPLE[side][0][0]) for side in Side}
    keys = {
        side: identity(p.name, p.email, side.value, start=KEYS_FROM)
        for side, p in signatories.items()
    }
    for side, person in signatories.items():
        register_certificate(db, person.id, keys[side].certificate_pem, created)
    meetings: list[Meeting] = []
    pdfs: list[bytes] = []
    for month in range(months):
        meeting = _hold(db, pid, standing, meetings, people, measures, month, rng)
        end = meeting.actual_end or meeting.scheduled_start
        for side, person in signatories.items():
            sign_minutes(db, meeting.id, person.id, keys[side], end + dt.timedelta(minutes=5))
        signed = repository.meeting(db, meeting.id)
        meetings.append(signed)
        pdf = stored_pdf(db, meeting.id)
        assert pdf is not None
        pdfs.append(pdf)
    return SignedHistory(pid, meetings, pdfs, signatories, keys)


def _hold(
    db: Database,
    pid: str,
    standing: list[StandingAgendaItem],
    previous: list[Meeting],
    people: list[Person],
    measures: list[tuple[Kpi, float]],
    month: int,
    rng: random.Random,
) -> Meeting:
    """One month's meeting, held and ended (not yet signed)."""
    first = dt.date(FIRST_MONTH.year + month // 12, month % 12 + 1, 1)
    day = first + dt.timedelta(days=(1 - first.weekday()) % 7)  # the first Tuesday
    start = dt.datetime.combine(day, dt.time(10))
    period = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    draft, items = agenda.prepare_next(pid, standing, previous, people[0].id, new_id, day)
    draft = dataclasses.replace(draft, scheduled_start=start, period=period)
    repository.save_new_meeting(
        db, draft, [dataclasses.replace(i, meeting_id=draft.id) for i in items]
    )
    absent = rng.choice([p for p in people if p.name not in {PEOPLE[s][0][0] for s in Side}])
    for person in people:
        status = AttendanceStatus.APOLOGIES if person == absent else AttendanceStatus.PRESENT
        repository.set_attendance(db, Attendance(new_id(), draft.id, status, person.id))
    live = lifecycle.start(draft, start)
    repository.update_meeting(db, live)
    for kpi, target in measures:
        value = round(target + rng.uniform(-4, 1), 2)
        kpis.enter_readings(db, pid, [ReadingEntry(kpi.id, period, value)], kpi.owner_side, period)
    for action in repository.open_actions(db, pid):
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        new_due = None
        if status is ReviewStatus.LATE:
            new_due = day + dt.timedelta(days=rng.randint(7, 40))
        repository.record_review(
            db,
            ActionReview(
                new_id(), action.id, live.id, status, f"Reviewed in month {month + 1}", new_due, day
            ),
        )
    for n in range(rng.randint(2, 4)):
        owner = rng.choice(people)
        due = day + dt.timedelta(days=rng.randint(10, 50))
        title = f"Commitment {n + 1} of month {month + 1}"
        repository.add_action(
            db, Action(new_id(), pid, title, owner.id, owner.side, due, live.id, day, due)
        )
    repository.add_decision(
        db,
        Decision(
            new_id(),
            live.id,
            f"Decision of month {month + 1}",
            items[0].id,
            tuple(p.id for p in people[:2]),
        ),
    )
    ended = lifecycle.close(live, start + dt.timedelta(minutes=rng.randint(50, 80)))
    repository.update_meeting(db, ended)
    return ended


def sent_files(folder: Path, months: int) -> tuple[list[Path], SignedHistory]:
    """`months` of an enterprise's signed minutes as the files it sends (minutes-01.pdf...),
    with both signatories' certificates beside them (enterprise.pem, partner.pem)."""
    from storage.database import open_database

    db = open_database(folder / "enterprise.db", automatic_backups=False)
    try:
        history = signed_history(db, months)
    finally:
        db.close()
    paths = []
    for meeting, pdf in zip(history.meetings, history.pdfs, strict=True):
        path = folder / f"minutes-{meeting.number:02d}.pdf"
        path.write_bytes(pdf)
        paths.append(path)
    for side, key in history.keys.items():
        (folder / f"{side.value}.pem").write_bytes(key.certificate_pem)
    return paths, history
