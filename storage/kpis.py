"""KPIs, their targets and readings written to the database: a new or edited KPI, a new
target from a period, readings typed in or imported from a CSV file all or nothing, and a
meeting's confirmation or dispute of a reading; every change in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sqlite_utils import Database

from core.errors import ValidationError
from core.ids import new_id
from core.kpis import (
    ReadingEntry,
    check_kpi,
    check_kpi_change,
    check_new_target,
    check_reading_entry,
    check_reading_review,
    check_target,
    confirmation_after_entry,
    confirmation_of,
)
from core.model import Kpi, KpiTarget, Reading, ReadingConfirmation, ReadingReview, Side
from core.readings_csv import ImportResult, parse_readings_csv
from core.text import many_lines, without_controls
from storage import repository
from storage.rows import from_row, to_row

# Rows written (and progress reported) per batch of an import.
IMPORT_BATCH = 1000

_AUDIT_INSERT = (
    "INSERT INTO audit_log (at, entity, entity_id, field, old, new, meeting_id, changed_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_READING_INSERT = (
    "INSERT INTO reading (id, kpi_id, period, value, comment, entered_by, confirmation) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_READING_UPDATE = (
    "UPDATE reading SET value = ?, comment = ?, entered_by = ?, confirmation = ? WHERE id = ?"
)
# The columns an imported reading sets, in the order of _READING_UPDATE.
_READING_FIELDS = ("value", "comment", "entered_by", "confirmation")


def kpi(db: Database, kpi_id: str) -> Kpi:
    """One KPI by its id."""
    cursor = db.execute("SELECT * FROM kpi WHERE id = ?", [kpi_id])
    columns = [c[0] for c in cursor.description]
    row = cursor.fetchone()
    if row is None:
        raise ValidationError("kpi", f"No KPI has the id {kpi_id}.")
    return from_row(Kpi, dict(zip(columns, row, strict=True)))


def add_kpi(db: Database, new: Kpi, first_target: KpiTarget, by: str = "") -> Kpi:
    """Add a KPI with the target it starts with, refusing a name the partnership already uses
    or thresholds that contradict its direction; its creation goes to the audit log."""
    checked = check_kpi(new, first_target, repository.kpis(db, new.partnership_id))
    target = check_target(first_target, checked)
    with repository.writes(db):
        repository.insert(db, [checked, target])
        repository.audit(db, "kpi", checked.id, "created", None, checked.name, None, by)
        repository.audit(db, "kpi", checked.id, "target", None, _target_text(target), None, by)
    return checked


def add_target(db: Database, target: KpiTarget, by: str = "") -> KpiTarget:
    """Give a KPI a new target from a period on; readings before it keep being judged by the
    target in force then. A second target from the same period is refused."""
    with repository.writes(db):
        owner = kpi(db, target.kpi_id)
        checked = check_new_target(target, owner, repository.kpi_targets(db, owner.id))
        repository.insert(db, [checked])
        repository.audit(db, "kpi", owner.id, "target", None, _target_text(checked), None, by)
    return checked


def update_kpi(db: Database, changed: Kpi, by: str = "") -> Kpi:
    """Change a KPI's name, unit, direction, owner side or category, refusing a name another
    KPI uses or a direction its targets contradict; each changed field is audited."""
    with repository.writes(db):
        before = kpi(db, changed.id)
        if changed.partnership_id != before.partnership_id:
            raise ValidationError("kpi", "A KPI stays in its partnership.")
        checked = check_kpi_change(
            changed,
            repository.kpi_targets(db, before.id),
            repository.kpis(db, before.partnership_id),
        )
        old_row, new_row = to_row(before), to_row(checked)
        fields = {k: v for k, v in new_row.items() if old_row[k] != v}
        if fields:
            sets = ", ".join(f"{column} = ?" for column in fields)
            db.execute(f"UPDATE kpi SET {sets} WHERE id = ?", [*fields.values(), before.id])
            for column, value in fields.items():
                repository.audit(db, "kpi", before.id, column, old_row[column], value, None, by)
    return checked


def reading(db: Database, reading_id: str) -> Reading:
    """One reading by its id."""
    cursor = db.execute("SELECT * FROM reading WHERE id = ?", [reading_id])
    columns = [c[0] for c in cursor.description]
    row = cursor.fetchone()
    if row is None:
        raise ValidationError("reading", f"No reading has the id {reading_id}.")
    return from_row(Reading, dict(zip(columns, row, strict=True)))


def enter_readings(
    db: Database,
    partnership_id: str,
    entries: Sequence[ReadingEntry],
    entered_by: Side,
    this_month: str,
    by: str = "",
) -> int:
    """Write readings typed in by one side, all or none, in one transaction.

    Each is checked first (a future period, a value that is not a number, a KPI of another
    partnership are refused, naming the KPI and period). A new value entered by the side that
    does not own the KPI waits for the owner's confirmation; a changed comment alone keeps who
    entered the reading. Returns how many readings changed; each changed field is audited.
    """
    with repository.writes(db):
        kpis = {k.id: k for k in repository.kpis(db, partnership_id)}
        checked: list[ReadingEntry] = []
        for entry in entries:
            owner = kpis.get(entry.kpi_id)
            if owner is None:
                raise ValidationError("kpi", "A reading was typed for a KPI of no partnership.")
            try:
                checked.append(check_reading_entry(entry, owner, this_month))
            except ValidationError as error:
                raise ValidationError(
                    error.field, f"{owner.name}, {entry.period}: {error.message}"
                ) from None
        existing = {
            (r.kpi_id, r.period): r
            for kpi_id in {e.kpi_id for e in checked}
            for r in repository.readings(db, kpi_id)
        }
        changed = 0
        for entry in checked:
            owner = kpis[entry.kpi_id]
            before = existing.get((entry.kpi_id, entry.period))
            if before is None:
                new = Reading(
                    new_id(),
                    entry.kpi_id,
                    entry.period,
                    entry.value,
                    entry.comment,
                    entered_by,
                    confirmation_after_entry(owner, entered_by),
                )
                repository.insert(db, [new])
                repository.audit(db, "reading", new.id, "value", None, new.value, None, by)
                changed += 1
                continue
            after = replace(before, comment=entry.comment)
            if entry.value != before.value:
                after = replace(
                    after,
                    value=entry.value,
                    entered_by=entered_by,
                    confirmation=confirmation_after_entry(owner, entered_by, before.confirmation),
                )
            if after != before:
                _write_reading(db, before, after, None, by)
                changed += 1
    return changed


def _write_reading(
    db: Database, before: Reading, after: Reading, meeting_id: str | None, by: str
) -> None:
    old_row, new_row = to_row(before), to_row(after)
    fields = {k: v for k, v in new_row.items() if old_row[k] != v}
    if not fields:
        return
    sets = ", ".join(f"{column} = ?" for column in fields)
    db.execute(f"UPDATE reading SET {sets} WHERE id = ?", [*fields.values(), before.id])
    for column, value in fields.items():
        repository.audit(db, "reading", before.id, column, old_row[column], value, meeting_id, by)


def review_reading(db: Database, review: ReadingReview, by: str = "") -> Reading:
    """Record a meeting's confirmation or dispute of a reading, in one transaction: the review
    is kept (every one, so a dispute and its resolution stay on the record) and the reading's
    confirmation follows it, audited with the meeting. Returns the reading as it now is."""
    with repository.writes(db):
        before = reading(db, review.reading_id)
        owner = kpi(db, before.kpi_id)
        checked = check_reading_review(
            review,
            owner,
            before,
            repository.meeting(db, review.meeting_id),
            repository.reading_reviews(db, before.id),
        )
        repository.insert(db, [checked])
        after = replace(before, confirmation=confirmation_of(checked.verdict))
        _write_reading(db, before, after, checked.meeting_id, by)
        if after == before:
            repository.audit(
                db,
                "reading",
                before.id,
                "confirmation",
                before.confirmation.value,
                after.confirmation.value,
                checked.meeting_id,
                by,
            )
    return after


def take_back_reading_review(
    db: Database, review: ReadingReview, confirmation: ReadingConfirmation, by: str = ""
) -> Reading:
    """Take back a review recorded by mistake (undo): the review goes, the reading's
    confirmation returns to what it was before; a signed meeting's reviews refuse."""
    with repository.writes(db):
        before = reading(db, review.reading_id)
        db.execute("DELETE FROM reading_review WHERE id = ?", [review.id])
        after = replace(before, confirmation=confirmation)
        _write_reading(db, before, after, review.meeting_id, by)
    return after


def _target_text(target: KpiTarget) -> str:
    return f"from {target.effective_from}: target {target.target:g}, red {target.red:g}"


def import_readings(
    db: Database,
    partnership_id: str,
    data: bytes,
    entered_by: Side,
    this_month: str,
    progress: Callable[[int, int], None] | None = None,
    by: str | None = None,
) -> ImportResult:
    """Import a spreadsheet's CSV of readings for one partnership: every line or none.

    A file with any wrong line raises a ReadingsImportError naming each one, and nothing is
    written. Otherwise all readings are written in one transaction: a reading for a period
    that has one replaces it; a reading of a KPI the other side owns is to be confirmed by
    that side, and a disputed reading stays disputed until confirmed. Each new value and
    each changed field goes to the audit log. `progress(done, total)` is called once the file
    is read and every thousand readings; an exception from it cancels the whole import.
    """
    changed_by = without_controls(by if by is not None else f"{entered_by.label} (CSV import)")
    at = dt.datetime.now().isoformat(timespec="seconds")

    def audit(reading_id: str, name: str, old: Any, new: Any) -> tuple[Any, ...]:
        """An audit_log row as repository.save_reading writes it, one changed field."""
        return (at, "reading", reading_id, name, _text(old), _text(new), None, changed_by)

    with repository.writes(db):
        kpis = repository.kpis(db, partnership_id)
        owners = {k.id: k for k in kpis}
        existing = _readings_by_period(db, partnership_id)
        periods: dict[str, set[str]] = {}
        for kpi_id, period in existing:
            periods.setdefault(kpi_id, set()).add(period)
        plan = parse_readings_csv(data, kpis, periods, this_month)
        plan.check()
        total = len(plan.rows)
        if progress is not None:
            progress(0, total)
        replaced = 0
        for start in range(0, total, IMPORT_BATCH):
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            audits: list[tuple[Any, ...]] = []
            for row in plan.rows[start : start + IMPORT_BATCH]:
                found = existing.get((row.kpi_id, row.period))
                confirmation = confirmation_after_entry(
                    owners[row.kpi_id],
                    entered_by,
                    None if found is None else ReadingConfirmation(found[1][3]),
                )
                comment = many_lines(row.comment)  # as to_row writes a reading's comment
                values = (row.value, comment, entered_by.value, confirmation.value)
                if found is None:
                    reading_id = new_id()
                    inserts.append((reading_id, row.kpi_id, row.period, *values))
                    audits.append(audit(reading_id, "value", None, row.value))
                    continue
                replaced += 1
                reading_id, old_values = found
                if old_values == values:
                    continue
                updates.append((*values, reading_id))
                audits += [
                    audit(reading_id, name, old, new)
                    for name, old, new in zip(_READING_FIELDS, old_values, values, strict=True)
                    if old != new
                ]
            db.conn.executemany(_READING_INSERT, inserts)
            db.conn.executemany(_READING_UPDATE, updates)
            db.conn.executemany(_AUDIT_INSERT, audits)
            if progress is not None:
                progress(min(start + IMPORT_BATCH, total), total)
    return ImportResult(written=total, replaced=replaced)


def _text(value: Any) -> str | None:
    return None if value is None else many_lines(str(value))


def _readings_by_period(
    db: Database, partnership_id: str
) -> dict[tuple[str, str], tuple[str, tuple[Any, ...]]]:
    """Each reading of the partnership's KPIs by (KPI id, period): its id and imported fields."""
    cursor = db.execute(
        "SELECT r.kpi_id, r.period, r.id, r.value, r.comment, r.entered_by, r.confirmation "
        "FROM reading r JOIN kpi k ON k.id = r.kpi_id WHERE k.partnership_id = ?",
        [partnership_id],
    )
    return {(row[0], row[1]): (row[2], tuple(row[3:])) for row in cursor}
