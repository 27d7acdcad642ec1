"""KPI set-up: refusals at the field with nothing written, a new KPI, a new target, an edit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.kpi_setup import KpiSetupDialog
from ui.session import Session


@pytest.fixture
def dialog(qtbot: QtBot, demo_session: Session) -> Iterator[KpiSetupDialog]:
    widget = KpiSetupDialog(demo_session)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.close()


def _stored(session: Session) -> list[list[tuple[Any, ...]]]:
    """What the KPI set-up may write: KPIs, targets, the audit log."""
    return [
        session._db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table in ("kpi", "kpi_target", "audit_log")
    ]


def _fill_new(qtbot: QtBot, dialog: KpiSetupDialog, name: str, target: str, red: str) -> None:
    dialog.start_new()
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.unit, "%")
    dialog.direction.setCurrentIndex(0)  # higher is better
    qtbot.keyClicks(dialog.first_target, target)
    qtbot.keyClicks(dialog.first_red, red)


@pytest.mark.parametrize("red", ["95", "90"])
def test_red_better_than_the_target_is_refused_at_the_red_field_and_nothing_is_written(
    qtbot: QtBot, dialog: KpiSetupDialog, demo_session: Session, red: str
) -> None:
    """For 'higher is better', a red threshold above the target, or equal to it (which would
    leave no amber band), is refused under the Red field."""
    before = _stored(demo_session)
    _fill_new(qtbot, dialog, "Problem records closed", "90", red)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "must be lower than the target (90)" in dialog.field_error("red")
    assert dialog.first_red.property("invalid") is True
    assert dialog.field_error("name") == ""
    assert _stored(demo_session) == before


def test_a_name_used_twice_is_refused_at_the_name_field_and_nothing_is_written(
    qtbot: QtBot, dialog: KpiSetupDialog, demo_session: Session
) -> None:
    """A KPI name the partnership uses, in another case, is refused under the Name field."""
    before = _stored(demo_session)
    _fill_new(qtbot, dialog, "sla ATTAINMENT", "95", "85")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "There is already a KPI named 'SLA attainment'" in dialog.field_error("name")
    assert _stored(demo_session) == before


def test_a_threshold_that_is_not_a_number_is_refused_at_its_field(
    qtbot: QtBot, dialog: KpiSetupDialog, demo_session: Session
) -> None:
    """A target typed in words is refused under the Target field."""
    before = _stored(demo_session)
    _fill_new(qtbot, dialog, "Problem records closed", "ninety", "70")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "'ninety' is not a number" in dialog.field_error("target")
    assert _stored(demo_session) == before


def test_a_new_kpi_is_added_then_given_a_new_target_from_a_period(
    qtbot: QtBot, dialog: KpiSetupDialog, demo_session: Session
) -> None:
    """Added whole with its first target; a later target joins its history; a second
    target from the same period is refused at the period."""
    _fill_new(qtbot, dialog, "Problem records closed", "90", "70")
    dialog.first_from.setText("2026-01")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    added = next(k for k in demo_session.kpis() if k.name == "Problem records closed")
    assert dialog.kpi is not None and dialog.kpi.id == added.id
    assert dialog.history.rowCount() == 1
    headers = [dialog.history.horizontalHeaderItem(c) for c in range(dialog.history.columnCount())]
    assert [h.text() for h in headers if h is not None] == ["From", "Target", "Red", "Now"]
    dialog.new_from.setText("2026-07")
    for field, text in ((dialog.new_target, "95"), (dialog.new_red, "80")):
        qtbot.keyClicks(field, text)
    qtbot.mouseClick(dialog.add_target_button, Qt.MouseButton.LeftButton)
    assert [t.effective_from for t in demo_session.kpi_targets(added.id)] == [
        "2026-01",
        "2026-07",
    ]
    assert dialog.history.rowCount() == 2
    cells = [dialog.history.item(1, c) for c in range(dialog.history.columnCount())]
    assert [cell.text() if cell else None for cell in cells] == [
        "2026-07",
        "95",
        "80",
        "✔ in force",
    ]
    for field, text in ((dialog.new_target, "96"), (dialog.new_red, "81")):
        field.setText(text)
    dialog.new_from.setText("2026-07")
    before = _stored(demo_session)
    qtbot.mouseClick(dialog.add_target_button, Qt.MouseButton.LeftButton)
    assert "already has a target from 2026-07" in dialog.target_row_error.text()
    assert dialog.new_from.property("invalid") is True
    assert _stored(demo_session) == before


def test_an_edit_that_would_contradict_the_targets_is_refused_at_the_direction(
    qtbot: QtBot, dialog: KpiSetupDialog, demo_session: Session
) -> None:
    """Turning availability into 'lower is better' contradicts its targets: refused, and
    a rename is saved and shown in the list."""
    availability = next(k for k in demo_session.kpis() if k.name == "Core platform availability")
    dialog.edit(availability.id)
    before = _stored(demo_session)
    dialog.direction.setCurrentIndex(1)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "does not fit a KPI where lower is better" in dialog.field_error("direction")
    assert _stored(demo_session) == before
    dialog.direction.setCurrentIndex(0)
    dialog.name.setText("Core platform availability (24×7)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.field_error("direction") == ""
    names = [dialog.model.kpi_at(r).name for r in range(dialog.model.rowCount())]
    assert "Core platform availability (24×7)" in names
