"""The action register leaves the app: a CSV for spreadsheets, an iCalendar of open actions."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from icalendar import Calendar, Event

from core.errors import ReviewError
from core.model import ActionState
from core.register import ActionRow

CSV_COLUMNS = (
    "Title",
    "Owner",
    "Side",
    "Raised in",
    "Raised on",
    "Original due",
    "Current due",
    "Times rescheduled",
    "Days overdue",
    "State",
    "Last review",
    "Last comment",
)
UID_DOMAIN = "review-facilitator"
PRODID = "-//Review Facilitator//Action register//EN"

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise translate line ends


def actions_csv(rows: Sequence[ActionRow], on: dt.date) -> str:
    """The register as CSV text (ISO dates); write it as "utf-8-sig" so spreadsheets see UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        action = row.action
        writer.writerow(
            [
                _text_cell(action.title),
                _text_cell(row.owner_name),
                action.side.label,
                "" if row.raised_number is None else row.raised_number,
                row.raised_on.isoformat(),
                action.original_due.isoformat(),
                action.due.isoformat(),
                row.slips,
                row.days_overdue(on),
                action.state.value,
                row.last_status.label if row.last_status is not None else "",
                _text_cell(row.last_comment),
            ]
        )
    return out.getvalue()


def _text_cell(text: str) -> str:
    """Free text a person typed, kept from being run as a spreadsheet formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def open_actions_ics(rows: Sequence[ActionRow], partnership_name: str, now: dt.datetime) -> bytes:
    """An iCalendar with one all-day event per open action, on its current due date."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Open actions – {partnership_name}")
    stamp = now.astimezone(dt.UTC)  # DTSTAMP is UTC; a naive `now` is taken as local time
    for row in rows:
        action = row.action
        if action.state is not ActionState.OPEN:
            continue
        raised = f"meeting #{row.raised_number}" if row.raised_number is not None else "no meeting"
        event = Event()
        event.add("uid", f"{action.id}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", action.due)
        event.add("dtend", action.due + dt.timedelta(days=1))
        event.add("summary", f"Due: {action.title}")
        event.add(
            "description",
            f"Owner: {row.owner_name} ({action.side.label})\n"
            f"Raised in {raised} on {row.raised_on.isoformat()}\n"
            f"Original due: {action.original_due.isoformat()}\n"
            f"Partnership: {partnership_name}",
        )
        event.add("categories", [action.side.label])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: a temporary file beside it, then a rename."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    created = False
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
        created = True
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        reason = error.strerror or str(error)
        raise ReviewError(f"Could not save {path.name} in {path.parent}: {reason}.") from error
