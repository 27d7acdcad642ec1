"""The partner update workbook's shape: what the pre-read writes for the partner to fill in,
and what "Receive partner updates" reads back. One definition for both, so that a workbook
edited out of this shape is recognised as such.

Every sheet: row 1 says in one line what the sheet is for; row 2 holds the column headings
exactly as below; data starts on row 3. The first column of every data sheet is an
identifier (hidden, locked); the partner edits only the columns marked editable, every other
cell is locked by sheet protection (no password: protection keeps the structure, it is not a
secret). Values are typed in the partner's own locale: a decimal comma is read as well as a
point, a date as an Excel date or as text in ISO or the day-first European forms.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMAT = "partner-update/1"  # a later shape gets a new number, and the old one stays readable

ABOUT = "About"  # key / value rows: which partnership and meeting the workbook belongs to
ABOUT_KEYS = ("format", "workbook", "partnership", "partnership_name", "meeting", "meeting_number")


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    explanation: str  # row 1
    columns: tuple[str, ...]  # row 2, the first is the hidden identifier
    editable: tuple[str, ...]  # the columns the partner types in


ACTIONS = Sheet(
    "Our actions",
    "Your open actions: choose a status for each, add a comment, propose a new due date if it "
    "moves. Leave a row's status empty to say nothing of it.",
    ("Action id", "Action", "Owner", "Due", "Status", "Comment", "Proposed new due date"),
    ("Status", "Comment", "Proposed new due date"),
)
STATUSES = ("done", "on track", "at risk", "late", "dropped")  # the drop-down's list

READINGS = Sheet(
    "Our KPI figures",
    "Your KPIs for the period: type each value (a decimal comma is fine) and a comment if it "
    "needs one. Leave a value empty if you have none yet.",
    ("KPI id", "KPI", "Unit", "Period", "Value", "Comment"),
    ("Value", "Comment"),
)

CONFIRMATIONS = Sheet(
    "Their KPI figures",
    "The enterprise's figures that concern you: choose confirm or dispute for each; a dispute "
    "needs its reason.",
    ("Reading id", "KPI", "Period", "Value", "Verdict", "Reason"),
    ("Verdict", "Reason"),
)
VERDICTS = ("confirm", "dispute")

ITEMS = Sheet(
    "Items to raise",
    "Anything you want on the agenda: a title per row, and details if needed.",
    ("Row", "Title", "Details"),
    ("Title", "Details"),
)

SHEETS = (ACTIONS, READINGS, CONFIRMATIONS, ITEMS)
