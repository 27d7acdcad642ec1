"""The readings grid and the in-app CSV import: refusals at the cell or line, nothing half-saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from core.changes import Change
from core.model import ReadingConfirmation, Side
from core.periods import add_months
from storage import repository
from tests.ui.look import text_width, themed
from ui.readings import ReadingsDialog
from ui.readings_import import ImportReadingsDialog
from ui.session import Session


@pytest.fixture
def grid(qtbot: QtBot, demo_session: Session) -> Iterator[ReadingsDialog]:
    dialog = ReadingsDialog(demo_session, interactive=False)
    qtbot.addWidget(dialog)
    dialog.resize(1600, 800)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.close()


def _stored(session: Session) -> list[list[tuple[Any, ...]]]:
    return [
        session._db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table in ("reading", "audit_log")
    ]


def _type(qtbot: QtBot, grid: ReadingsDialog, kpi: str, period: str, text: str) -> None:
    """Open a cell's editor, type into it and press Enter, as the keyboard does."""
    row = next(i for i, k in enumerate(grid.model.kpis) if k.name == kpi)
    index = grid.model.index(row, grid.model.periods.index(period))
    grid.grid.setCurrentIndex(index)
    grid.grid.edit(index)
    editor = grid.grid.viewport().findChild(QLineEdit)
    assert editor is not None
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.grid.viewport().findChild(QLineEdit) is None)


def test_text_in_a_cell_is_refused_at_the_cell_and_nothing_is_saved(
    qtbot: QtBot, grid: ReadingsDialog, demo_session: Session
) -> None:
    """'abc' stays in its cell marked ⚠ with why; saving is refused; nothing is written."""
    before = _stored(demo_session)
    month = demo_session.this_month()
    grid.set_side(Side.PARTNER)
    _type(qtbot, grid, "P1 incidents", month, "abc")
    row = next(i for i, k in enumerate(grid.model.kpis) if k.name == "P1 incidents")
    index = grid.model.index(row, grid.model.periods.index(month))
    assert grid.model.data(index) == "⚠ abc"
    tip = grid.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tip == f"P1 incidents, {month}: 'abc' is not a number: type digits, e.g. 99.5 or 99,5."
    assert "'abc' is not a number" in grid.message.text()
    assert not grid.save_button.isEnabled()
    assert not grid.save()
    assert "refused (marked ⚠)" in grid.message.text()
    assert _stored(demo_session) == before


def test_a_future_period_is_refused_at_the_cell(
    qtbot: QtBot, grid: ReadingsDialog, demo_session: Session
) -> None:
    """Next month's column is shown as the future; a value typed there is refused."""
    before = _stored(demo_session)
    grid.move_months(1)
    future = add_months(demo_session.this_month(), 1)
    assert grid.model.periods[-1] == future
    _type(qtbot, grid, "P1 incidents", future, "2")
    assert f"{future} is in the future" in grid.message.text()
    assert not grid.save()
    assert _stored(demo_session) == before


def test_typed_readings_and_a_comment_are_saved_as_the_entering_side(
    qtbot: QtBot, grid: ReadingsDialog, demo_session: Session
) -> None:
    """Values typed with a comment are saved at once, as the side chosen: the partner's figure
    for the enterprise's KPI waits for the enterprise; each change is in the audit log."""
    month = add_months(demo_session.this_month(), -30)
    grid.last.setText(add_months(month, 2))
    grid.reload()
    _type(qtbot, grid, "Invoices paid within terms", month, "91,5")
    grid.comment.setPlainText("Two invoices paid late after the ERP freeze")
    _type(qtbot, grid, "P1 incidents", month, "3")
    assert not grid.save()  # no side chosen yet
    assert "Choose who is entering these readings" in grid.message.text()
    grid.set_side(Side.PARTNER)
    qtbot.mouseClick(grid.save_button, Qt.MouseButton.LeftButton)
    assert "Saved 2 readings as Partner" in grid.message.text()
    kpis = {k.name: k for k in demo_session.kpis()}
    invoices = next(
        r
        for r in repository.readings(demo_session._db, kpis["Invoices paid within terms"].id)
        if r.period == month
    )
    assert (invoices.value, invoices.comment, invoices.entered_by, invoices.confirmation) == (
        91.5,
        "Two invoices paid late after the ERP freeze",
        Side.PARTNER,
        ReadingConfirmation.TO_BE_CONFIRMED,
    )
    p1 = next(
        r
        for r in repository.readings(demo_session._db, kpis["P1 incidents"].id)
        if r.period == month
    )
    assert p1.confirmation is ReadingConfirmation.CONFIRMED
    trail = repository.audit_trail(demo_session._db, invoices.id)
    assert [(e.field, e.new, e.changed_by) for e in trail] == [
        ("value", "91.5", "Partner (typed in)")
    ]
    assert grid.model.typed == {}


def test_a_csv_with_a_bad_line_imports_nothing_and_lists_each_line(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """Two wrong lines among good ones: each is listed with its number and why; nothing is
    written."""
    path = tmp_path / "readings.csv"
    path.write_text(
        "KPI;Period;Value\nP1 incidents;2019-01;2\nP1 incidnets;2019-02;1\n"
        "SLA attainment;2019-03;abc\n",
        encoding="utf-8",
    )
    before = _stored(demo_session)
    dialog = ImportReadingsDialog(demo_session, interactive=False)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(path))
    dialog.set_side(Side.PARTNER)
    assert not dialog.run_import()
    assert [(p.line, p.message) for p in dialog.problems] == [
        (3, "unknown KPI 'P1 incidnets' (did you mean 'P1 incidents'?)"),
        (4, "'abc' is not a number"),
    ]
    table = dialog.problems_dialog.table if dialog.problems_dialog else None
    assert table is not None and table.rowCount() == 2
    assert (table.item(0, 0).text(), table.item(1, 1).text()) == ("3", "'abc' is not a number")
    assert _stored(demo_session) == before


def test_a_large_csv_is_imported_in_the_background_and_the_views_hear_of_it(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """Three thousand lines written on the worker's own connection, then `readings` is said."""
    lines = [
        f"P1 incidents,{year}-{month:02d},{(year + month) % 5}"
        for year in range(1775, 2025)
        for month in range(1, 13)
    ]
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    dialog = ImportReadingsDialog(demo_session, interactive=False)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(path))
    dialog.set_side(Side.PARTNER)
    with qtbot.waitSignal(demo_session.changed) as said:
        assert dialog.run_import()
    assert said.args == [Change.READINGS]
    assert dialog.result_ is not None and dialog.result_.written == len(lines) == 3000
    p1 = next(k for k in demo_session.kpis() if k.name == "P1 incidents")
    assert (
        len([r for r in repository.readings(demo_session._db, p1.id) if r.period < "2025"]) == 3000
    )


@pytest.mark.parametrize(
    ("path", "side", "words"),
    [("", Side.PARTNER, "Choose the CSV file"), ("x.csv", None, "Choose who entered")],
)
def test_the_import_asks_for_what_it_needs(
    qtbot: QtBot, demo_session: Session, tmp_path: Path, path: str, side: Side | None, words: str
) -> None:
    """No file, or no side: said in the dialog, nothing run."""
    dialog = ImportReadingsDialog(demo_session, interactive=False)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / path) if path else "")
    if side is not None:
        dialog.set_side(side)
    assert not dialog.run_import()
    assert words in dialog.error.text()


def test_the_first_month_is_in_view_when_the_grid_opens(
    qtbot: QtBot, qapp: QApplication, settings: QSettings, demo_session: Session
) -> None:
    """Opened at its own size, the grid shows all twelve months: the first one inside the
    view beside the names (not scrolled under them), every figure and header whole; a name
    too long for its column is elided with its whole name in the tooltip."""
    with themed(qapp, settings):
        dialog = ReadingsDialog(demo_session, interactive=False)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        table = dialog.grid
        viewport = table.viewport().width()
        assert table.horizontalScrollBar().value() == 0
        first = table.columnViewportPosition(0)
        assert first >= 0 and first + table.columnWidth(0) <= viewport
        last = table.model().columnCount() - 1
        assert table.columnViewportPosition(last) + table.columnWidth(last) <= viewport
        for column in range(table.model().columnCount()):
            for row in range(table.model().rowCount()):
                assert text_width(table, table.model().index(row, column)) <= table.columnWidth(
                    column
                )
        names = table.verticalHeader()
        for row, kpi in enumerate(dialog.model.kpis):
            shown = str(dialog.model.headerData(row, Qt.Orientation.Vertical))
            assert dialog.model.names_metrics.horizontalAdvance(shown) <= names.width()
            whole = f"{kpi.name} ({kpi.unit})" if kpi.unit else kpi.name
            if shown != whole:
                assert shown.endswith("…") and whole.startswith(shown[:-1])
                tip = dialog.model.headerData(
                    row, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole
                )
                assert str(tip).startswith(kpi.name)
        dialog.discard()
        dialog.close()
