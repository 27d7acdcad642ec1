"""Preparing the next meeting from the standing agenda."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from core import agenda
from core.errors import ReviewError, ValidationError
from core.model import Meeting, MeetingStatus
from ui.field_error import FieldError
from ui.session import Session


class PrepareMeetingDialog(QDialog):
    """A draft a month after the last meeting; title, date, time, location, facilitator editable."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.resize(560, 360)
        self._session = session
        upcoming = session.next_meeting()
        # A draft already prepared is edited, not prepared twice.
        self._existing = upcoming if upcoming and upcoming.status is MeetingStatus.DRAFT else None
        if self._existing is not None:
            self._draft, self._items = self._existing, session.items(self._existing.id)
            self.setWindowTitle(f"Meeting {self._existing.number} (draft)")
        else:
            self._draft, self._items = session.propose_next_meeting()
            self.setWindowTitle("Prepare next meeting")
        self.meeting: Meeting | None = None
        form = QFormLayout()
        self.title = QLineEdit(self._draft.title)
        start = self._draft.scheduled_start
        self.when = QDateTimeEdit(
            QDateTime(
                QDate(start.year, start.month, start.day),
                QTime(start.hour, start.minute, start.second, start.microsecond // 1000),
            )
        )
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        self.location = QLineEdit(self._draft.location)
        self.location.setPlaceholderText("Room, building or video link")
        self.facilitator = QComboBox()
        for person in session.people():
            self.facilitator.addItem(f"{person.name} ({person.side.label})", person.id)
        index = self.facilitator.findData(self._draft.facilitator_id)
        self.facilitator.setCurrentIndex(max(0, index))
        form.addRow("Title", self.title)
        form.addRow("Date and time", self.when)
        form.addRow("Location", self.location)
        form.addRow("Facilitator", self.facilitator)
        planned = agenda.planned_minutes(self._items)
        summary = QLabel(
            f"{len(self._items)} agenda items from the standing agenda "
            f"({planned // 60} h {planned % 60:02d} min).\n"
            f"{session.open_action_count()} open actions will be reviewed.\n"
            f"Dashboard period: {self._draft.period}."
        )
        summary.setObjectName("subtitle")
        self.error = FieldError()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Save draft" if self._existing else "Prepare meeting"
        )
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(summary)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def _on_accepted(self) -> None:
        title = " ".join(self.title.text().split())
        if not title:
            self._refuse(self.title, "A meeting needs a title.")
            return
        draft = dataclasses.replace(
            self._draft,
            title=title,
            scheduled_start=self._chosen_start(),
            location=" ".join(self.location.text().split()),
            facilitator_id=self.facilitator.currentData(),
        )
        try:
            if self._existing is not None:
                self._session.update_draft(draft)
                self.meeting = draft
            else:
                self.meeting = self._session.prepare_meeting(draft, self._items)
        except ValidationError as error:
            self._refuse(self.when if error.field == "date" else self.title, error.message)
            return
        except ReviewError as error:
            self._refuse(self.title, error.message)
            return
        self.accept()

    def _chosen_start(self) -> dt.datetime:
        """The start as edited, to the minute (seconds are not shown, so not kept)."""
        chosen = self.when.dateTime()
        day, time = chosen.date(), chosen.time()
        return dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())

    def _refuse(self, field: QLineEdit | QDateTimeEdit, message: str) -> None:
        self.error.setText(message)
        field.setFocus()
