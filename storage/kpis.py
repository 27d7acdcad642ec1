"""KPIs, their targets and readings written to the database: a new KPI, a new target from a
period, and a CSV file of readings imported all or nothing, every change in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from core.errors import ValidationError
from core.ids import new_id
from core.kpis import check_kpi, check_target, parse_readings_csv
from core.model import Kpi, KpiTarget, ReadingConfirmation, Side
from storage import repository
from storage.rows import from_row

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


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote: `written` readings, of which `replaced` took an earlier one's place."""

    written: int
    replaced: int


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
        checked = check_target(target, owner)
        earlier = repository.kpi_targets(db, owner.id)
        for other in earlier:
            if other.effective_from == checked.effective_from:
                raise ValidationError(
                    "effective_from",
                    f"{owner.name} already has a target from {checked.effective_from} "
                    f"({_target_text(other)}).",
                )
        repository.insert(db, [checked])
        repository.audit(db, "kpi", owner.id, "target", None, _target_text(checked), None, by)
    return checked


def _target_text(target: KpiTarget) -> str:
    return (
        f"from {target.effective_from}: target {target.target:g}, "
        f"amber {target.amber:g}, red {target.red:g}"
    )


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
    that side. Each new value and each changed field goes to the audit log. `progress(done,
    total)` is called every thousand readings; an exception from it cancels the whole import.
    """
    changed_by = by if by is not None else f"{entered_by.label} (CSV import)"
    at = dt.datetime.now().isoformat(timespec="seconds")

    def audit(reading_id: str, name: str, old: Any, new: Any) -> tuple[Any, ...]:
        """An audit_log row as repository.save_reading writes it, one changed field."""
        return (at, "reading", reading_id, name, _text(old), _text(new), None, changed_by)

    with repository.writes(db):
        kpis = repository.kpis(db, partnership_id)
        owners = {k.id: k.owner_side for k in kpis}
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
                confirmation = (
                    ReadingConfirmation.CONFIRMED
                    if owners[row.kpi_id] is entered_by
                    else ReadingConfirmation.TO_BE_CONFIRMED
                )
                values = (row.value, row.comment, entered_by.value, confirmation.value)
                found = existing.get((row.kpi_id, row.period))
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
    return None if value is None else str(value)


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
