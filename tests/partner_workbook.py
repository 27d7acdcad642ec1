"""The partner's update workbook as the pre-read sends it (core/workbook_format.py's shape),
built here with openpyxl for the tests, and filled in as a partner would fill it."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core import workbook_format as shape
from core.partner_updates import WorkbookContext


def blank(
    known: WorkbookContext,
    *,
    workbook_id: str | None = None,
    meeting_id: str | None = None,
    meeting_number: int | None = None,
    partnership_id: str | None = None,
    item_rows: int = 5,
) -> Workbook:
    """The workbook sent for `known`'s meeting: every open action, KPI and figure to confirm
    listed, nothing filled in yet."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = shape.ABOUT
    about.append(["Which partnership and meeting this workbook belongs to. Do not change it."])
    about.append(["Key", "Value"])
    values = {
        "format": shape.FORMAT,
        "workbook": workbook_id or str(uuid.uuid4()),
        "partnership": partnership_id or known.partnership_id,
        "partnership_name": "Halden Mutual Insurance – Brightline IT Services",
        "meeting": meeting_id or known.meeting_id,
        "meeting_number": meeting_number if meeting_number is not None else known.meeting_number,
    }
    for key in shape.ABOUT_KEYS:
        about.append([key, values[key]])
    rows: dict[str, list[list[Any]]] = {
        shape.ACTIONS.name: [
            [a.id, a.title, a.owner, a.due, None, None, None] for a in known.actions.values()
        ],
        shape.READINGS.name: [
            [k.id, k.name, k.unit, known.period, None, None] for k in known.kpis.values()
        ],
        shape.CONFIRMATIONS.name: [
            [r.id, r.kpi_name, r.period, r.value, None, None] for r in known.readings.values()
        ],
        shape.ITEMS.name: [[n, None, None] for n in range(1, item_rows + 1)],
    }
    for sheet in shape.SHEETS:
        page = book.create_sheet(sheet.name)
        page.append([sheet.explanation])
        page.append(list(sheet.columns))
        for row in rows[sheet.name]:
            page.append(row)
        page.column_dimensions["A"].hidden = True
    return book


def row_of(book: Workbook, sheet: shape.Sheet, target_id: str) -> int:
    """The row number of the line whose identifier is `target_id`."""
    page = book[sheet.name]
    for number in range(3, page.max_row + 1):
        if page.cell(number, 1).value == target_id:
            return number
    raise KeyError(target_id)


def fill(book: Workbook, sheet: shape.Sheet, target_id: str, **cells: Any) -> int:
    """Type into the editable cells of one line, named by their heading with `_` for spaces
    (Status=..., Proposed_new_due_date=...); returns the row number."""
    number = row_of(book, sheet, target_id)
    page = book[sheet.name]
    for name, value in cells.items():
        heading = name.replace("_", " ")
        assert heading in sheet.columns, heading
        page.cell(number, sheet.columns.index(heading) + 1, value)
    return number


def add_item(book: Workbook, title: Any, details: Any = None) -> int:
    """An item to raise on the first free line; returns its row number."""
    page = book[shape.ITEMS.name]
    for number in range(3, page.max_row + 2):
        if page.cell(number, 2).value is None and page.cell(number, 3).value is None:
            page.cell(number, 1, number - 2)
            page.cell(number, 2, title)
            page.cell(number, 3, details)
            return number
    raise AssertionError("unreachable")


def sheet(book: Workbook, definition: shape.Sheet) -> Worksheet:
    page = book[definition.name]
    assert isinstance(page, Worksheet)
    return page


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def about_of(data: bytes) -> Mapping[str, Any]:
    """The About sheet's values of a saved workbook."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {row[0]: row[1] for row in book[shape.ABOUT].iter_rows(min_row=3, values_only=True)}
    finally:
        book.close()
