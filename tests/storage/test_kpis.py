"""storage/kpis.py: KPIs and targets added whole, readings imported from CSV all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlite_utils import Database

from core.errors import LifecycleError, ValidationError
from core.ids import new_id
from core.kpis import ReadingEntry, reviewing_side
from core.model import (
    Direction,
    Kpi,
    KpiCategory,
    KpiTarget,
    Meeting,
    MeetingStatus,
    Rag,
    Reading,
    ReadingConfirmation,
    ReadingReview,
    ReadingVerdict,
    Side,
)
from core.rag import rag_of_reading
from core.readings_csv import ReadingsImportError
from storage import repository
from storage.kpis import (
    add_kpi,
    add_target,
    enter_readings,
    import_readings,
    review_reading,
    take_back_reading_review,
    update_kpi,
)

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
    return new, KpiTarget("t-new", "k-new", "2026-01", 90, 75)


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


def test_add_kpi_refuses_red_better_than_the_target(demo_db: Database) -> None:
    """A red threshold better than the target contradicts the direction: refused, nothing
    written."""
    before = _kpi_tables(demo_db)
    new, _ = _new_kpi(demo_db)
    with pytest.raises(ValidationError) as raised:
        add_kpi(demo_db, new, KpiTarget("t-new", "k-new", "2026-01", 90, 95))
    assert raised.value.field == "red"
    assert _kpi_tables(demo_db) == before


# --- add_target ------------------------------------------------------------------------------


def test_new_target_keeps_older_readings_judged_by_the_old_one(demo_db: Database) -> None:
    """A new target from a period judges readings from then on; earlier ones keep their RAG."""
    p1 = _kpi(demo_db, "P1 incidents")  # lower is better: target 1, red 4
    _import(demo_db, "P1 incidents,2026-08,3\nP1 incidents,2026-09,3\n")
    add_target(demo_db, KpiTarget("t-strict", p1.id, "2026-09", 0, 2))
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
        add_target(demo_db, KpiTarget("t-again", p1.id, "2024-11", 0, 2))
    assert _kpi_tables(demo_db) == before


@pytest.mark.parametrize(
    ("target", "field"),
    [
        (KpiTarget("t", "no-such-kpi", "2026-09", 0, 2), "kpi"),
        (KpiTarget("t", "{p1}", "September", 0, 2), "effective_from"),
        (KpiTarget("t", "{p1}", "2026-09", 2, 1), "red"),
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


# --- update_kpi ------------------------------------------------------------------------------


def test_update_kpi_writes_each_changed_field_with_its_audit(demo_db: Database) -> None:
    """An edited KPI's changed fields are written and audited one by one."""
    p1 = _kpi(demo_db, "P1 incidents")
    changed = dataclasses.replace(p1, name="  Priority 1 incidents ", category=KpiCategory.DELIVERY)
    saved = update_kpi(demo_db, changed, by="Margaret Okafor")
    assert saved.name == "Priority 1 incidents"
    assert repository.kpis(demo_db, _pid(demo_db)).count(saved) == 1
    assert {(e.field, e.old, e.new) for e in repository.audit_trail(demo_db, p1.id)} == {
        ("name", "P1 incidents", "Priority 1 incidents"),
        ("category", "service", "delivery"),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "sla attainment"}, "name"),
        ({"direction": Direction.HIGHER_IS_BETTER}, "direction"),  # its targets are 'lower'
        ({"name": " "}, "name"),
    ],
)
def test_update_kpi_refuses_and_writes_nothing(
    demo_db: Database, change: dict[str, Any], field: str
) -> None:
    """A name used twice or a direction its targets contradict: refused, nothing written."""
    p1 = _kpi(demo_db, "P1 incidents")
    before = _kpi_tables(demo_db)
    with pytest.raises(ValidationError) as raised:
        update_kpi(demo_db, dataclasses.replace(p1, **change))
    assert raised.value.field == field
    assert _kpi_tables(demo_db) == before


# --- enter_readings --------------------------------------------------------------------------


def test_typed_readings_are_written_with_their_side_and_audit(demo_db: Database) -> None:
    """New and corrected readings typed by the enterprise: the partner's KPI waits for the
    partner; a changed comment alone keeps who entered the reading."""
    p1 = _kpi(demo_db, "P1 incidents")  # the partner's
    invoices = _kpi(demo_db, "Invoices paid within terms")  # the enterprise's
    sept = _reading(demo_db, "P1 incidents", "2026-09")
    count = enter_readings(
        demo_db,
        _pid(demo_db),
        [
            ReadingEntry(p1.id, "2026-09", sept.value, "Restated after the audit"),
            ReadingEntry(invoices.id, "2019-01", 93.5, ""),
            ReadingEntry(p1.id, "2026-10", 5, "Two from one change"),
        ],
        Side.ENTERPRISE,
        THIS_MONTH,
        by="Daniel Reyes",
    )
    assert count == 3
    after = _reading(demo_db, "P1 incidents", "2026-09")
    assert (after.comment, after.entered_by, after.confirmation) == (
        "Restated after the audit",
        sept.entered_by,
        sept.confirmation,
    )
    october = _reading(demo_db, "P1 incidents", "2026-10")
    assert (october.value, october.entered_by, october.confirmation) == (
        5.0,
        Side.ENTERPRISE,
        ReadingConfirmation.TO_BE_CONFIRMED,
    )
    new = _reading(demo_db, "Invoices paid within terms", "2019-01")
    assert new.confirmation is ReadingConfirmation.CONFIRMED
    assert {e.field for e in repository.audit_trail(demo_db, october.id)} >= {
        "value",
        "entered_by",
        "confirmation",
    }
    assert all(e.changed_by == "Daniel Reyes" for e in repository.audit_trail(demo_db, new.id))


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (ReadingEntry("{p1}", "2026-12", 1.0), "2026-12 is in the future"),
        (ReadingEntry("{p1}", "Dec 2026", 1.0), "not a period"),
        (ReadingEntry("{p1}", "2026-10", float("nan")), "must be a number"),
        (ReadingEntry("no-such-kpi", "2026-10", 1.0), "KPI of no partnership"),
    ],
)
def test_typed_readings_are_all_or_nothing(
    demo_db: Database, entry: ReadingEntry, words: str
) -> None:
    """One wrong reading among good ones: refused, naming it, and nothing is written."""
    p1 = _kpi(demo_db, "P1 incidents")
    readings, audit = _table(demo_db, "reading"), _table(demo_db, "audit_log")
    good = ReadingEntry(p1.id, "2019-05", 2.0)
    bad = dataclasses.replace(entry, kpi_id=entry.kpi_id.format(p1=p1.id))
    with pytest.raises(ValidationError, match=words):
        enter_readings(demo_db, _pid(demo_db), [good, bad], Side.PARTNER, THIS_MONTH)
    assert _table(demo_db, "reading") == readings
    assert _table(demo_db, "audit_log") == audit


# --- confirming and disputing readings --------------------------------------------------------


def _draft(db: Database) -> Meeting:
    return next(m for m in repository.meetings(db, _pid(db)) if m.status is MeetingStatus.DRAFT)


def _review(
    db: Database,
    reading: Reading,
    verdict: ReadingVerdict,
    comment: str = "",
    meeting: Meeting | None = None,
) -> ReadingReview:
    kpi = _kpi_by_id(db, reading.kpi_id)
    return ReadingReview(
        new_id(),
        reading.id,
        (meeting or _draft(db)).id,
        reviewing_side(kpi, reading),
        verdict,
        comment,
        dt.datetime(2026, 12, 1, 10, 30),
    )


def _kpi_by_id(db: Database, kpi_id: str) -> Kpi:
    return next(k for k in repository.kpis(db, _pid(db)) if k.id == kpi_id)


def test_the_demo_has_partner_figures_of_enterprise_kpis_to_confirm(demo_db: Database) -> None:
    """A new user finds readings to confirm in the period the draft meeting reviews."""
    period = _draft(demo_db).period
    waiting = [
        r
        for k in repository.kpis(demo_db, _pid(demo_db))
        for r in repository.readings(demo_db, k.id)
        if r.confirmation is ReadingConfirmation.TO_BE_CONFIRMED
    ]
    assert len(waiting) >= 2
    assert {r.period for r in waiting} == {period}
    assert {r.entered_by for r in waiting} == {Side.PARTNER}


def test_a_dispute_and_its_resolution_are_both_kept(demo_db: Database) -> None:
    """The enterprise disputes the partner's figure (with why), the partner corrects it, the
    dispute stays open through the correction, and a later confirmation resolves it; every
    review is kept and every change of confirmation audited with its meeting."""
    reading = _reading(demo_db, "Invoices paid within terms", "2026-11")
    disputed = review_reading(
        demo_db,
        _review(demo_db, reading, ReadingVerdict.DISPUTED, "Excludes the held invoices"),
        by="Tom Whitfield",
    )
    assert disputed.confirmation is ReadingConfirmation.DISPUTED
    enter_readings(
        demo_db,
        _pid(demo_db),
        [ReadingEntry(reading.kpi_id, "2026-11", 84.0, "Held invoices included")],
        Side.PARTNER,
        THIS_MONTH,
    )
    corrected = _reading(demo_db, "Invoices paid within terms", "2026-11")
    assert (corrected.value, corrected.confirmation) == (84.0, ReadingConfirmation.DISPUTED)
    resolved = review_reading(demo_db, _review(demo_db, corrected, ReadingVerdict.CONFIRMED))
    assert resolved.confirmation is ReadingConfirmation.CONFIRMED
    reviews = repository.reading_reviews(demo_db, reading.id)
    assert [(r.side, r.verdict) for r in reviews] == [
        (Side.ENTERPRISE, ReadingVerdict.DISPUTED),
        (Side.ENTERPRISE, ReadingVerdict.CONFIRMED),
    ]
    assert reviews[0].comment == "Excludes the held invoices"
    trail = [
        (e.field, e.new, e.meeting_id)
        for e in repository.audit_trail(demo_db, reading.id)
        if e.field == "confirmation"
    ]
    assert trail == [
        ("confirmation", "disputed", _draft(demo_db).id),
        ("confirmation", "confirmed", _draft(demo_db).id),
    ]


def test_a_refused_review_writes_nothing(demo_db: Database) -> None:
    """A dispute without its reason, or by the side that entered the figure: refused whole."""
    reading = _reading(demo_db, "Invoices paid within terms", "2026-11")
    tables = [_table(demo_db, t) for t in ("reading", "reading_review", "audit_log")]
    with pytest.raises(ValidationError, match="needs its reason"):
        review_reading(demo_db, _review(demo_db, reading, ReadingVerdict.DISPUTED, "  "))
    own = dataclasses.replace(
        _review(demo_db, reading, ReadingVerdict.CONFIRMED), side=Side.PARTNER
    )
    with pytest.raises(ValidationError, match="not the side that reported it"):
        review_reading(demo_db, own)
    assert [_table(demo_db, t) for t in ("reading", "reading_review", "audit_log")] == tables


def test_taking_a_review_back_restores_the_reading(demo_db: Database) -> None:
    """Undo removes the review and puts the confirmation back as it was."""
    reading = _reading(demo_db, "Requirements signed off on time", "2026-11")
    review = _review(demo_db, reading, ReadingVerdict.CONFIRMED)
    review_reading(demo_db, review)
    take_back_reading_review(demo_db, review, reading.confirmation)
    assert _reading(demo_db, "Requirements signed off on time", "2026-11") == reading
    assert repository.reading_reviews(demo_db, reading.id) == []


def test_a_signed_meeting_takes_no_review(demo_db: Database) -> None:
    """A signed meeting's record is frozen: no review is added to it."""
    signed = next(
        m for m in repository.meetings(demo_db, _pid(demo_db)) if m.status is MeetingStatus.SIGNED
    )
    reading = _reading(demo_db, "P1 incidents", signed.period)
    review = dataclasses.replace(
        _review(demo_db, reading, ReadingVerdict.DISPUTED, "Two were one incident"),
        meeting_id=signed.id,
    )
    with pytest.raises(LifecycleError, match="signed off"):
        review_reading(demo_db, review)
    assert repository.reading_reviews(demo_db, reading.id) == []


def test_an_imported_correction_keeps_the_dispute_open(demo_db: Database) -> None:
    """A disputed figure corrected by a CSV import stays disputed until it is confirmed."""
    reading = _reading(demo_db, "Invoices paid within terms", "2026-11")
    review_reading(demo_db, _review(demo_db, reading, ReadingVerdict.DISPUTED, "Too high"))
    _import(demo_db, "Invoices paid within terms,2026-11,85\n", Side.PARTNER)
    after = _reading(demo_db, "Invoices paid within terms", "2026-11")
    assert (after.value, after.confirmation) == (85.0, ReadingConfirmation.DISPUTED)
