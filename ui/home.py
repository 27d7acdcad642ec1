"""The partnership's home: its meetings, the next one a click away.

When a file is opened, its signed meetings are checked against their hashes, once the window
is up, in a background thread (storage/integrity.py: a file edited below SQLite); any that no
longer match are marked "TAMPERED" in the table and named in a banner.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QTimer, Signal
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

from core.changes import Change
from core.errors import ReviewError
from core.model import Meeting, Side
from core.record import TamperedMeeting
from ui.models import STATUS_LABELS, MeetingsModel
from ui.session import Session

INTEGRITY_CHECK_DELAY_MS = 250
# Meetings read at a time: a screenful several times over. Ten years of monthly reviews are
# read as the list is scrolled, not before the window shows (issue 18).
MEETINGS_PAGE = 100


class _IntegrityCheck(QObject):
    """Checks a database's signed meetings on a connection of its own, in a thread; the
    result arrives in the main thread as `checked` (a queued signal)."""

    checked = Signal(object)  # list[TamperedMeeting], or the ReviewError that stopped it

    def start(self, session: Session) -> None:
        threading.Thread(target=self._run, args=(session,), daemon=True).start()

    def _run(self, session: Session) -> None:
        try:
            found: object = session.find_tampered_elsewhere()
        except ReviewError as error:
            found = error
        self.checked.emit(found)


class MeetingHistory(MeetingsModel):
    """The partnership's meetings, newest first, read a page at a time as the table is
    scrolled to its end (Qt's fetchMore), so a long history costs nothing until looked at."""

    def __init__(self, session: Session, page: int = MEETINGS_PAGE) -> None:
        super().__init__()
        self._session = session
        self._page = page
        self._total = 0

    def reload(self) -> None:
        """Start again from the newest meetings (the meetings changed)."""
        self._total = self._session.meeting_count()
        self.set_meetings(self._session.meetings_newest_first(0, self._page))

    @property
    def total(self) -> int:
        """How many meetings the partnership has (listed or not yet)."""
        return self._total

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more: list[Meeting] = self._session.meetings_newest_first(len(self._rows), self._page)
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()


class HomePage(QWidget):
    """Upcoming and past meetings of the open partnership."""

    meeting_opened = Signal(str)
    prepare_requested = Signal()
    agenda_requested = Signal()
    register_requested = Signal()
    accountability_requested = Signal()
    portfolio_requested = Signal()
    integrity_checked = Signal(list)  # the tampered meetings found (empty: every one matches)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session
        self.tampered: list[TamperedMeeting] = []
        self.tamper_banner = QLabel()
        self.tamper_banner.setObjectName("errorBanner")
        self.tamper_banner.setWordWrap(True)
        self.tamper_banner.hide()
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
        self.portfolio_button = QPushButton()
        self.portfolio_button.setToolTip(
            "Every partnership of this file side by side (Ctrl+Shift+P)"
        )
        self.portfolio_button.clicked.connect(self.portfolio_requested)
        buttons.addWidget(self.portfolio_button)

        self.model = MeetingHistory(session)
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
        self.table.ensurePolished()  # the style sheet's font, not the default one
        metrics = self.table.fontMetrics()
        for column, sample in (
            (0, "No. 999"),
            (1, "Wed 30 Sep 2026, 10:00"),
            (3, "Halden House, Board Room 3"),
            (4, "Signed  "),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 12)
        self.table.activated.connect(self._on_table_activated)
        self.table.doubleClicked.connect(self._on_table_activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.tamper_banner)
        layout.addWidget(self.title)
        layout.addWidget(self.parties)
        layout.addLayout(buttons)
        meetings_title = QLabel("Meetings")
        meetings_title.setObjectName("sectionTitle")
        layout.addWidget(meetings_title)
        layout.addWidget(self.table, 1)
        session.changed.connect(self._on_session_changed)
        self.refresh()
        self._check = _IntegrityCheck()
        self._check.checked.connect(self._on_check_checked)
        # Once the window is up and idle (as the charts' library is loaded: ui/app.py).
        QTimer.singleShot(INTEGRITY_CHECK_DELAY_MS, self._start_check)

    def _start_check(self) -> None:
        self._check.start(self._session)

    def _on_check_checked(self, found: object) -> None:
        if isinstance(found, ReviewError):
            self.tamper_banner.setText(f"⚠ The signed meetings could not be checked: {found}")
            self.tamper_banner.show()
            return
        assert isinstance(found, list)
        self.tampered = found
        self.model.set_tampered({t.meeting_id: t.message for t in found})
        if found:
            names = ", ".join(t.label for t in found)
            self.tamper_banner.setText(
                f"⚠ TAMPERED: {names} no longer match what was signed off; the file was "
                "changed outside the app. Compare with the signed PDFs (main.py verify) or "
                "restore a backup."
            )
            self.tamper_banner.setToolTip("\n".join(t.message for t in found))
        self.tamper_banner.setVisible(bool(found))
        self.integrity_checked.emit(found)

    def refresh(self) -> None:
        partnership = self._session.partnership
        if partnership is None:
            return
        self.title.setText(partnership.name)
        others = len(self._session.partnerships()) - 1
        self.portfolio_button.setVisible(others > 0)
        self.portfolio_button.setText(f"All partnerships ({others + 1})…")
        parties = self._session.parties()
        counts = {side: 0 for side in Side}
        for person in self._session.people():
            counts[person.side] += 1
        self.parties.setText(
            "  ·  ".join(
                f"{side.label}: {parties[side].name} "
                f"({counts[side]} {'person' if counts[side] == 1 else 'people'})"
                for side in Side
                if side in parties
            )
        )
        self.model.reload()
        upcoming = self._session.next_meeting()
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

    def _on_session_changed(self, what: Change) -> None:
        if what & (Change.MEETINGS | Change.PARTNERSHIP | Change.PEOPLE | Change.MINUTES):
            self.refresh()
