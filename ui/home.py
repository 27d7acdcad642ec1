"""The partnership's home: its meetings, the next one a click away."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.model import Side
from ui.models import STATUS_LABELS, MeetingsModel
from ui.session import Session


class HomePage(QWidget):
    """Upcoming and past meetings of the open partnership."""

    meeting_opened = Signal(str)
    prepare_requested = Signal()
    agenda_requested = Signal()
    register_requested = Signal()
    accountability_requested = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.parties = QLabel()
        self.parties.setObjectName("subtitle")
        self.next_button = QPushButton()
        self.next_button.setObjectName("primaryButton")
        self.next_button.clicked.connect(self._on_next_clicked)
        prepare = QPushButton("Prepare next meeting…")
        prepare.clicked.connect(self.prepare_requested)
        standing = QPushButton("Standing agenda…")
        standing.clicked.connect(self.agenda_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.next_button)
        buttons.addWidget(prepare)
        buttons.addWidget(standing)
        register = QPushButton("Action register…")
        register.setToolTip("All actions of both sides (Ctrl+R)")
        register.clicked.connect(self.register_requested)
        record = QPushButton("Accountability record…")
        record.setToolTip("Both sides' say/do record (Ctrl+Shift+R)")
        record.clicked.connect(self.accountability_requested)
        buttons.addWidget(register)
        buttons.addWidget(record)
        buttons.addStretch(1)

        self.model = MeetingsModel()
        self.table = QTableView()
        self.table.setObjectName("meetingsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        # Widths from the font, not from every row: ResizeToContents reads the whole history.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for column, sample in (
            (0, "No. 999"),
            (1, "Wed 30 Sep 2026, 10:00"),
            (3, "Halden House, Board Room 3"),
            (4, "Closed  "),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 12)
        self.table.activated.connect(self._on_table_activated)
        self.table.doubleClicked.connect(self._on_table_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.parties)
        layout.addLayout(buttons)
        meetings_title = QLabel("Meetings")
        meetings_title.setObjectName("sectionTitle")
        layout.addWidget(meetings_title)
        layout.addWidget(self.table, 1)
        session.changed.connect(self._on_session_changed)

    def refresh(self) -> None:
        partnership = self._session.partnership
        if partnership is None:
            return
        self.title.setText(partnership.name)
        parties = self._session.parties()
        counts = {side: 0 for side in Side}
        for person in self._session.people():
            counts[person.side] += 1
        self.parties.setText(
            "  ·  ".join(
                f"{side.label}: {parties[side].name} ({counts[side]} people)"
                for side in Side
                if side in parties
            )
        )
        meetings = self._session.meetings()
        self.model.set_meetings(meetings)
        upcoming = self._session.next_meeting(meetings)
        if upcoming is None:
            self.next_button.setText("No meeting prepared yet")
            self.next_button.setEnabled(False)
        else:
            self.next_button.setEnabled(True)
            self.next_button.setText(
                f"Open meeting {upcoming.number} · {upcoming.scheduled_start:%a %d %b %Y} "
                f"({STATUS_LABELS[upcoming.status].lower()})"
            )
            row = self.model.row_of(upcoming.id)
            if row >= 0:
                self.table.selectRow(row)
        self.next_button.setFocus()

    def _on_next_clicked(self) -> None:
        upcoming = self._session.next_meeting()
        if upcoming is not None:
            self.meeting_opened.emit(upcoming.id)

    def _on_table_activated(self, index: object) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.meeting_opened.emit(self.model.meeting_at(row).id)

    def _on_session_changed(self, what: str) -> None:
        if what in ("meetings", "partnership", "people"):
            self.refresh()
