"""storage/kpis.py: KPIs and targets added whole, readings imported from CSV all or nothing."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import ValidationError
from core.kpis import ReadingsImportError
from core.model import (
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    Rag,
    Reading,
    ReadingConfirmation,
    Side,
)
from core.rag import rag_of_reading
from storage import repository
from storage.kpis import add_kpi, add_target, import_readings

THIS_MONTH = "2026-11"  # the demo's today is 2026-11-23


def _pid(db: Database) -> str:
    return repository.partnerships(db)[0].id


def _kpi(db: Database, name: str) -> Kpi:
    (found,) = [k for k in repository.kpis(db, _pid(db)) if k.name == name]
    return found


def _reading(db: Database, name: str, period: str) -> Reading:
    (found,) = [r for r in repository.readings(db, _kpi(db, name).id) if r.period == period]
    return found


def _table(db: Database, table: str) -> list[tuple[Any, ...]]:
    return db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()


def _import(db: Database, text: str, side: Side = Side.PARTNER, **kwargs: Any) -> Any:
    return import_readings(db, _pid(db), text.encode(), side, THIS_MONTH, **kwargs)


# --- import ----------------------------------------------------------------------------------


def test_import_writes_new_readings_and_audits_them(demo_db: Database) -> None:
    """New readings are written with the side that entered them, each value audited."""
    result = _import(
        demo_db,
        "KPI;Period;Value;Comment\n"
        "Core platform availability;2020-01;99,42;Storage firmware bug\n"
        "P1 incidents;Feb 2020;3;\n",
    )
    assert (result.written, result.replaced) == (2, 0)
    january = _reading(demo_db, "Core platform availability", "2020-01")
    assert (january.value, january.comment, january.entered_by) == (
        99.42,
        "Storage firmware bug",
        Side.PARTNER,
    )
    assert _reading(demo_db, "P1 incidents", "2020-02").value == 3.0
    (entry,) = repository.audit_trail(demo_db, january.id)
    assert (entry.entity, entry.field, entry.old, entry.new, entry.changed_by) == (
        "reading",
        "value",
        None,
        "99.42",
        "Partner (CSV import)",
    )


def test_import_replaces_existing_reading(demo_db: Database) -> None:
    """A reading for a period that has one replaces it (same id), the changes audited."""
    before = _reading(demo_db, "Core platform availability", "2026-10")
    count = demo_db["reading"].count
    result = _import(
        demo_db, f"Core platform availability,2026-10,{before.value + 0.01:.2f},Restated\n"
    )
    assert (result.written, result.replaced) == (1, 1)
    after = _reading(demo_db, "Core platform availability", "2026-10")
    assert after.id == before.id
    assert (after.value, after.comment) == (pytest.approx(before.value + 0.01), "Restated")
    assert demo_db["reading"].count == count
    changes = {e.field: (e.old, e.new) for e in repository.audit_trail(demo_db, before.id)}
    assert changes["value"] == (str(before.value), str(after.value))
    assert changes["comment"] == (before.comment, "Restated")


def test_reimporting_the_same_file_changes_nothing(demo_db: Database) -> None:
    """Importing a file twice replaces each reading by itself: no change, no new audit row."""
    text = "P1 incidents,2019-01,1\nP1 incidents,2019-02,2\n"
    _import(demo_db, text)
    readings, audit = _table(demo_db, "reading"), _table(demo_db, "audit_log")
    result = _import(demo_db, text)
    assert (result.written, result.replaced) == (2, 2)
    assert _table(demo_db, "reading") == readings
    assert _table(demo_db, "audit_log") == audit


@pytest.mark.parametrize(
    ("side", "partner_kpi", "enterprise_kpi"),
    [
        (Side.PARTNER, ReadingConfirmation.CONFIRMED, ReadingConfirmation.TO_BE_CONFIRMED),
        (Side.ENTERPRISE, ReadingConfirmation.TO_BE_CONFIRMED, ReadingConfirmation.CONFIRMED),
    ],
)
def test_other_sides_kpi_is_to_be_confirmed(
    demo_db: Database,
    side: Side,
    partner_kpi: ReadingConfirmation,
    enterprise_kpi: ReadingConfirmation,
) -> None:
    """A reading of a KPI the other side owns waits for that side's confirmation."""
    _import(
        demo_db,
        "P1 incidents,2020-01,2\nInvoices paid within terms,2020-01,91.5\n",
        side,
    )
    p1 = _reading(demo_db, "P1 incidents", "2020-01")
    invoices = _reading(demo_db, "Invoices paid within terms", "2020-01")
    assert (p1.confirmation, invoices.confirmation) == (partner_kpi, enterprise_kpi)
    assert p1.entered_by is invoices.entered_by is side


def test_replacing_a_confirmed_reading_asks_for_confirmation_again(demo_db: Database) -> None:
    """A confirmed reading replaced by the other side's figure is to be confirmed again."""
    assert (
        _reading(demo_db, "P1 incidents", "2026-09").confirmation is ReadingConfirmation.CONFIRMED
    )
    _import(demo_db, "P1 incidents,2026-09,7\n", Side.ENTERPRISE)
    after = _reading(demo_db, "P1 incidents", "2026-09")
    assert (after.value, after.entered_by, after.confirmation) == (
        7.0,
        Side.ENTERPRISE,
        ReadingConfirmation.TO_BE_CONFIRMED,
    )


def test_bad_last_line_writes_nothing(demo_db: Database) -> None:
    """One bad line at the end of a long file: the reading and audit tables are unchanged."""
    readings, audit = _table(demo_db, "reading"), _table(demo_db, "audit_log")
    good = "".join(f"P1 incidents,{1900 + n // 12}-{n % 12 + 1:02d},{n % 7}\n" for n in range(1500))
    replacing = "Core platform availability,2026-10,12.5\n"
    with pytest.raises(ReadingsImportError) as raised:
        _import(demo_db, good + replacing + "Availabilty,2026-10,99.9")
    assert raised.value.message.splitlines() == [
        "Nothing was imported: 1 line is wrong.",
        "line 1502: unknown KPI 'Availabilty' (did you mean 'Core platform availability'?)",
    ]
    assert _table(demo_db, "reading") == readings
    assert _table(demo_db, "audit_log") == audit


@pytest.mark.parametrize("text", ["", "KPI,Period,Value\n"])
def test_file_without_readings_is_refused(demo_db: Database, text: str) -> None:
    """An empty file (or a header alone) is refused rather than 'imported'."""
    readings = _table(demo_db, "reading")
    with pytest.raises(ReadingsImportError, match="holds no readings"):
        _import(demo_db, text)
    assert _table(demo_db, "reading") == readings


def test_progress_is_reported_every_thousand_readings(demo_db: Database) -> None:
    """progress(done, total) is called at the start, every 1000 readings and at the end."""
    text = "".join(f"SLA attainment,{1800 + n // 12}-{n % 12 + 1:02d},95\n" for n in range(2500))
    calls: list[tuple[int, int]] = []
    _import(demo_db, text, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]


def test_exception_from_progress_cancels_the_import(demo_db: Database) -> None:
    """An import cancelled from its progress callback leaves nothing written."""
    readings, audit = _table(demo_db, "reading"), _table(demo_db, "audit_log")
    text = "".join(f"SLA attainment,{1800 + n // 12}-{n % 12 + 1:02d},95\n" for n in range(2500))

    def cancel(done: int, total: int) -> None:
        if done >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _import(demo_db, text, progress=cancel)
    assert _table(demo_db, "reading") == readings
    assert _table(demo_db, "audit_log") == audit


def test_audit_rows_for_a_mixed_import(demo_db: Database) -> None:
    """Each new reading has one audit row; each replaced one a row per changed field."""
    audit_before = demo_db["audit_log"].count
    old = _reading(demo_db, "SLA attainment", "2026-11")
    text = "".join(f"SLA attainment,{2000 + n // 12}-{n % 12 + 1:02d},95\n" for n in range(120))
    text += f"SLA attainment,2026-11,{old.value + 1},{old.comment}\n"
    result = _import(demo_db, text, by="Sophie Marchand")
    assert (result.written, result.replaced) == (121, 1)
    assert demo_db["audit_log"].count == audit_before + 120 + 1
    (entry,) = repository.audit_trail(demo_db, old.id)
    assert (entry.field, entry.changed_by) == ("value", "Sophie Marchand")


# --- add_kpi ---------------------------------------------------------------------------------


def _new_kpi(db: Database, name: str = "Problem records closed") -> tuple[Kpi, KpiTarget]:
    new = Kpi("k-new", _pid(db), name, " % ", Direction.HIGHER_IS_BETTER, Side.PARTNER,
              KpiCategory.SERVICE)  # fmt: skip
    return new, KpiTarget("t-new", "k-new", "2026-01", 90, 85, 75)


def _kpi_tables(db: Database) -> list[list[tuple[Any, ...]]]:
    return [_table(db, t) for t in ("kpi", "kpi_target", "audit_log")]


def test_add_kpi_writes_kpi_and_first_target(demo_db: Database) -> None:
    """A new KPI is written with its first target, cleaned, its creation audited."""
    new, target = _new_kpi(demo_db)
    added = add_kpi(demo_db, new, target, by="Margaret Okafor")
    assert added.unit == "%"
    assert _kpi(demo_db, "Problem records closed") == added
    assert repository.kpi_targets(demo_db, added.id) == [target]
    assert [(e.field, e.changed_by) for e in repository.audit_trail(demo_db, added.id)] == [
        ("created", "Margaret Okafor"),
        ("target", "Margaret Okafor"),
    ]


@pytest.mark.parametrize(
    "name", ["SLA attainment", "sla  ATTAINMENT", " Core platform availability"]
)
def test_add_kpi_refuses_duplicate_name(demo_db: Database, name: str) -> None:
    """A name the partnership already uses is refused and nothing is written."""
    before = _kpi_tables(demo_db)
    new, target = _new_kpi(demo_db, name)
    with pytest.raises(ValidationError) as raised:
        add_kpi(demo_db, new, target)
    assert raised.value.field == "name"
    assert _kpi_tables(demo_db) == before


def test_add_kpi_refuses_red_better_than_amber(demo_db: Database) -> None:
    """Thresholds that contradict the direction are refused and nothing is written."""
    before = _kpi_tables(demo_db)
    new, _ = _new_kpi(demo_db)
    with pytest.raises(ValidationError) as raised:
        add_kpi(demo_db, new, KpiTarget("t-new", "k-new", "2026-01", 90, 80, 85))
    assert raised.value.field == "red"
    assert _kpi_tables(demo_db) == before


# --- add_target ------------------------------------------------------------------------------


def test_new_target_keeps_older_readings_judged_by_the_old_one(demo_db: Database) -> None:
    """A new target from a period judges readings from then on; earlier ones keep their RAG."""
    p1 = _kpi(demo_db, "P1 incidents")  # lower is better: target 1, amber 2, red 4
    _import(demo_db, "P1 incidents,2026-08,3\nP1 incidents,2026-09,3\n")
    add_target(demo_db, KpiTarget("t-strict", p1.id, "2026-09", 0, 1, 2))
    targets = repository.kpi_targets(demo_db, p1.id)
    assert [t.effective_from for t in targets] == ["2024-11", "2026-09"]
    assert rag_of_reading(3, "2026-08", p1.direction, targets) is Rag.AMBER
    assert rag_of_reading(3, "2026-09", p1.direction, targets) is Rag.RED
    assert [e.field for e in repository.audit_trail(demo_db, p1.id)] == ["target"]


def test_second_target_for_the_same_period_is_refused(demo_db: Database) -> None:
    """Two targets of one KPI cannot start in the same period."""
    p1 = _kpi(demo_db, "P1 incidents")
    before = _kpi_tables(demo_db)
    with pytest.raises(ValidationError, match="already has a target from 2024-11"):
        add_target(demo_db, KpiTarget("t-again", p1.id, "2024-11", 0, 1, 2))
    assert _kpi_tables(demo_db) == before


@pytest.mark.parametrize(
    ("target", "field"),
    [
        (KpiTarget("t", "no-such-kpi", "2026-09", 0, 1, 2), "kpi"),
        (KpiTarget("t", "{p1}", "September", 0, 1, 2), "effective_from"),
        (KpiTarget("t", "{p1}", "2026-09", 0, 3, 2), "red"),
    ],
)
def test_bad_target_is_refused(demo_db: Database, target: KpiTarget, field: str) -> None:
    """A target of no KPI, with no valid period, or contradicting thresholds is refused."""
    p1 = _kpi(demo_db, "P1 incidents")
    before = _kpi_tables(demo_db)
    with pytest.raises(ValidationError) as raised:
        add_target(demo_db, dataclasses.replace(target, kpi_id=target.kpi_id.format(p1=p1.id)))
    assert raised.value.field == field
    assert _kpi_tables(demo_db) == before
