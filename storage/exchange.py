"""Importing signed minutes into this copy of the record: the other side's meetings, by UUID.

A copy imports a meeting only from minutes both sides signed, whose signatures it can tie to
people it knows: certificates registered in this file (or issued by a registered company
authority), certificates the user trusts on purpose (`trusted`), or certificates the file
carries whose fingerprints the user confirmed with their holders (`confirmed`; they are then
registered, in the audit log). The rows come from the minutes' exchange.json (core/exchange.py);
core decides what they add, and everything is written in one transaction or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Sequence

from sqlite_utils import Database

from core import exchange
from core.actions import settle
from core.errors import ValidationError
from core.exchange import (
    EXCHANGE_ATTACHMENT,
    ImportPlan,
    ImportRefused,
    ImportResult,
    LocalRows,
    MeetingRecord,
    UnknownSigner,
    UnknownSigners,
    counted_kind,
)
from core.ids import new_id
from core.model import (
    Action,
    AttendanceStatus,
    Initiative,
    Kpi,
    KpiTarget,
    Milestone,
    Party,
    Person,
    Reading,
    Side,
    SignatoryCertificate,
    SignOff,
)
from core.received import signer_certificates
from core.signatures import (
    SignatureReport,
    certificate_email,
    certificate_fingerprint,
    embedded_record,
    load_certificate,
)
from core.verification import verify_minutes
from storage import repository
from storage.repository import writes
from storage.rows import row_reader


def import_minutes(
    db: Database,
    pdf: bytes,
    now: dt.datetime,
    *,
    trusted: Sequence[bytes] = (),
    confirmed: Collection[str] = (),
) -> ImportResult:
    """Add the meeting of signed minutes `pdf` to this copy, row by row with their ids.

    Refuses, changing nothing: a file that is not minutes signed by both sides, a signature
    not intact or not covering the whole file, an attachment swapped, a signer this copy
    cannot tie to a person of that side who attended, minutes whose earlier meetings this copy
    lacks, and anything this copy holds differently (`ImportRefused` lists it).
    """
    if not pdf.startswith(b"%PDF"):
        raise ValidationError("file", "This file is not a PDF.")
    record = _record(pdf)
    confirmed_lower = {c.strip().lower() for c in confirmed}
    carried = signer_certificates(pdf)
    accepted = [pem for pem in carried.values() if certificate_fingerprint(pem) in confirmed_lower]
    known = [*_registered(db), *trusted, *accepted]
    checked = verify_minutes(pdf, known_certificates=known)
    unknown = [
        UnknownSigner(r.field_name, r.signer, r.fingerprint, carried[r.field_name])
        for r in checked.signatures
        if not r.trusted and r.intact and r.field_name in carried
    ]
    if unknown:
        raise UnknownSigners(unknown)
    if not checked.ok:
        raise ValidationError(
            "minutes", "These signed minutes cannot be imported: " + " ".join(checked.failures)
        )
    if checked.content_hash != record.content_hash:
        raise ValidationError(
            "minutes",
            f"The attached {EXCHANGE_ATTACHMENT} belongs to other minutes than the attached "
            "minutes.json: the file was put together from two documents.",
        )
    plan = exchange.plan_import(record, _local_rows(db, record))
    if plan.already_present:
        return ImportResult(record.meeting, record.partnership.name, already_present=True)
    if plan.refused:
        raise ImportRefused(plan)
    sign_offs, registrations = _sign_offs(db, plan.record, checked.signatures, carried, now)
    _write(db, plan, sign_offs, registrations, pdf, now)
    added: dict[str, int] = {}
    for row in plan.inserts:
        kind = counted_kind(row)
        if kind:
            added[kind] = added.get(kind, 0) + 1
    people = {p.id: p for p in record.people}
    return ImportResult(
        meeting=repository.meeting(db, record.meeting.id),
        partnership=record.partnership.name,
        already_present=False,
        new_partnership=plan.new_partnership,
        added=added,
        updated=len(plan.updates),
        signers=tuple(f"{people[s.person_id].name} ({s.side.value})" for s in sign_offs),
        registered=tuple(people[c.person_id].name for c in registrations),
        starts_here=plan.starts_here,
    )


def _record(pdf: bytes) -> MeetingRecord:
    data = embedded_record(pdf, EXCHANGE_ATTACHMENT)
    if data is None:
        if embedded_record(pdf) is None:
            raise ValidationError("file", "This PDF carries no minutes (no attached minutes.json).")
        raise ValidationError(
            "file",
            f"These minutes carry no {EXCHANGE_ATTACHMENT}: they were sent for signature by an "
            "earlier version of the app. They can be verified and read, not imported; ask "
            "the other side for minutes sent for signature again.",
        )
    return exchange.read_exchange(data)


def _registered(db: Database) -> list[bytes]:
    """Every certificate and company authority registered in this file."""
    return [
        pem.encode("ascii")
        for (pem,) in db.execute(
            "SELECT certificate_pem FROM signatory_certificate "
            "UNION ALL SELECT certificate_pem FROM signing_authority"
        ).fetchall()
    ]


def _sign_offs(
    db: Database,
    record: MeetingRecord,
    reports: Sequence[SignatureReport],
    carried: dict[str, bytes],
    now: dt.datetime,
) -> tuple[list[SignOff], list[SignatoryCertificate]]:
    """One sign-off per side, by the person the signature's certificate is registered to or
    names (by e-mail, else name) among that side's people; each must have attended."""
    present = {a.person_id for a in record.attendance if a.status is AttendanceStatus.PRESENT}
    holders = dict(
        db.execute("SELECT fingerprint, person_id FROM signatory_certificate").fetchall()
    )
    sign_offs: list[SignOff] = []
    registrations: list[SignatoryCertificate] = []
    for report in reports:
        if report.field_name not in {s.value for s in Side}:
            raise ValidationError(
                "signature", f'"{report.field_name}" is not a side\'s signature field.'
            )
        side = Side(report.field_name)
        person = _signer(db, record, report, carried, holders, side)
        if person.side is not side:
            raise ValidationError(
                "certificate",
                f"The {side.value} side's signature is by {person.name}, of the "
                f"{person.side.value} side: each side signs its own.",
            )
        if person.id not in present:
            raise ValidationError(
                "signatory",
                f"{person.name} signed for the {side.value} side but is not recorded as present "
                f"at {record.label}.",
            )
        if report.fingerprint not in holders:
            pem = carried[report.field_name].decode("ascii")
            registrations.append(
                SignatoryCertificate(report.fingerprint, person.id, side, pem, now)
            )
        signed_at = report.signed_at.astimezone().replace(tzinfo=None) if report.signed_at else now
        sign_offs.append(
            SignOff(
                new_id(),
                record.meeting.id,
                person.id,
                side,
                signed_at.replace(microsecond=0),
                record.content_hash,
                report.fingerprint,
            )
        )
    return sign_offs, registrations


def _signer(
    db: Database,
    record: MeetingRecord,
    report: SignatureReport,
    carried: dict[str, bytes],
    holders: dict[str, str],
    side: Side,
) -> Person:
    people = {p.id: p for p in record.people}
    holder = holders.get(report.fingerprint)
    if holder is not None:
        if holder in people:
            return people[holder]
        known = repository.person(db, holder)
        raise ValidationError(
            "certificate",
            f"The {side.value} side's signature is by a certificate registered here to "
            f"{known.name}, who is not of this partnership.",
        )
    email = certificate_email(load_certificate(carried[report.field_name])).casefold()
    name = report.signer.casefold()
    matches = [
        p
        for p in record.people
        if p.side is side and ((email and p.email.casefold() == email) or p.name.casefold() == name)
    ]
    if len(matches) != 1:
        raise ValidationError(
            "certificate",
            f"The certificate of {report.signer} names no single person of the {side.value} "
            "side of these minutes (by e-mail or name).",
        )
    return matches[0]


def _local_rows(db: Database, record: MeetingRecord) -> LocalRows:
    """What this copy holds of the rows `record` names."""
    pid = record.partnership.id
    partnership = _one(db, "SELECT id FROM partnership WHERE id = ?", [pid])
    namesake = db.execute(
        "SELECT id FROM partnership WHERE id != ? AND name = ? COLLATE NOCASE LIMIT 1",
        [pid, record.partnership.name],
    ).fetchone()
    meeting = record.meeting
    same_id = _one(db, "SELECT id FROM meeting WHERE id = ?", [meeting.id])
    same_number = db.execute(
        "SELECT id FROM meeting WHERE partnership_id = ? AND number = ? AND revision = ? "
        "AND id != ?",
        [pid, meeting.number, meeting.revision, meeting.id],
    ).fetchone()
    referenced = [r.id for r in record.referenced]
    present = {row[0] for row in _in(db, "SELECT id FROM meeting WHERE id IN {}", referenced)}
    ids: dict[str, frozenset[str]] = {}
    for cls, table, rows in (
        (Party, "party", record.parties),
        (Person, "person", record.people),
        (Kpi, "kpi", record.kpis),
        (KpiTarget, "kpi_target", record.kpi_targets),
        (Initiative, "initiative", record.initiatives),
    ):
        found = _in(db, f"SELECT id FROM {table} WHERE id IN {{}}", [r.id for r in rows])
        ids[cls.__name__] = frozenset(row[0] for row in found)
    raci = _in(
        db,
        "SELECT action_id || '/' || person_id || '/' || role FROM action_raci "
        "WHERE action_id IN {}",
        [a.id for a in record.actions],
    )
    ids["RaciAssignment"] = frozenset(row[0] for row in raci)
    newest = db.execute(
        "SELECT max(scheduled_start) FROM meeting WHERE partnership_id = ? "
        "AND status = 'signed' AND amends_id IS NULL",
        [pid],
    ).fetchone()[0]
    kpi_names = dict(
        db.execute("SELECT lower(name), id FROM kpi WHERE partnership_id = ?", [pid]).fetchall()
    )
    return LocalRows(
        partnership=repository.partnership(db, pid) if partnership else None,
        namesake=repository.partnership(db, namesake[0]) if namesake else None,
        meeting=repository.meeting(db, meeting.id) if same_id else None,
        same_number=repository.meeting(db, same_number[0]) if same_number else None,
        meetings=frozenset(present),
        ids=ids,
        actions={a.id: a for a in repository.by_ids(db, Action, [a.id for a in record.actions])},
        readings={r.id: r for r in repository.by_ids(db, Reading, [r.id for r in record.readings])},
        reading_slots={
            (r.kpi_id, r.period): r
            for r in _slots(db, [(r.kpi_id, r.period) for r in record.readings])
        },
        kpi_names={name.casefold(): kpi_id for name, kpi_id in kpi_names.items()},
        milestones={
            m.id: m for m in repository.by_ids(db, Milestone, [m.id for m in record.milestones])
        },
        newest_signed=dt.datetime.fromisoformat(newest) if newest else None,
    )


def _one(db: Database, sql: str, params: list[str]) -> bool:
    return db.execute(sql, params).fetchone() is not None


def _in(db: Database, sql: str, values: list[str]) -> list[tuple[str, ...]]:
    """Rows of `sql`, whose `{}` stands for the list `values` (as a JSON array)."""
    return db.execute(
        sql.format("(SELECT value FROM json_each(?))"), [json.dumps(values)]
    ).fetchall()


def _slots(db: Database, slots: list[tuple[str, str]]) -> list[Reading]:
    cursor = db.execute(
        "SELECT r.* FROM reading r JOIN json_each(?) s "
        "ON r.kpi_id = json_extract(s.value, '$[0]') AND r.period = json_extract(s.value, '$[1]')",
        [json.dumps(slots)],
    )
    read = row_reader(Reading, [c[0] for c in cursor.description])
    return [read(row) for row in cursor]


def _write(
    db: Database,
    plan: ImportPlan,
    sign_offs: list[SignOff],
    registrations: list[SignatoryCertificate],
    pdf: bytes,
    now: dt.datetime,
) -> None:
    meeting = plan.record.meeting
    with writes(db):
        repository.insert(db, plan.inserts)
        for row in plan.updates:
            if isinstance(row, Action):
                db.execute(
                    "UPDATE action SET raised_in_id = ?, current_due = ?, state = ?, "
                    "closed_in_id = ?, closed_on = ? WHERE id = ?",
                    [
                        row.raised_in_id,
                        _iso(row.current_due),
                        row.state.value,
                        row.closed_in_id,
                        _iso(row.closed_on),
                        row.id,
                    ],
                )
            elif isinstance(row, Milestone):
                db.execute(
                    "UPDATE milestone SET done_on = ? WHERE id = ?", [_iso(row.done_on), row.id]
                )
        for action_id in (a.id for a in plan.record.actions):
            _settle(db, action_id)
        for certificate in registrations:
            repository.insert(db, [certificate])
            repository.audit(
                db,
                "signatory_certificate",
                certificate.fingerprint,
                "registered on importing signed minutes (fingerprint confirmed or trusted)",
                None,
                certificate.person_id,
                meeting.id,
                "",
            )
        repository.insert(db, sign_offs)
        repository.audit(
            db,
            "meeting",
            meeting.id,
            "imported from signed minutes",
            None,
            hashlib.sha256(pdf).hexdigest(),
            meeting.id,
            "",
        )
        repository.sign_meeting(db, meeting.id, plan.record.content_hash, pdf)


def _settle(db: Database, action_id: str) -> None:
    """An action linked to the meeting it was raised in takes the state its reviews in this
    copy give it (core.actions.settle), as every change of state does: whichever order the
    minutes came in. One whose raising meeting this copy lacks keeps the state the newest
    minutes gave it, as its earlier reviews are not here to settle it."""
    before = repository.action(db, action_id)
    if before.raised_in_id is None:
        return
    after = settle(before, repository.reviews_of_action(db, action_id))
    if after != before:
        db.execute(
            "UPDATE action SET current_due = ?, state = ?, closed_in_id = ?, closed_on = ? "
            "WHERE id = ?",
            [
                _iso(after.current_due),
                after.state.value,
                after.closed_in_id,
                _iso(after.closed_on),
                action_id,
            ],
        )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None
