"""The facilitator's window: pages, menus and shortcuts, all wired in one place.

Long on purpose: the menus, their shortcuts and the wiring between screens live here and
nowhere else (STYLE.md 3), so one file answers "what does this key do".
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from core.changes import Change
from core.errors import ReviewError
from core.model import AgendaItemKind, Meeting, MeetingItem, MeetingStatus
from core.search import Hit
from ui.design import Appearance
from ui.home import HomePage
from ui.session import Session, create_demo, default_database, demo_database
from ui.theme import installed

if TYPE_CHECKING:
    from ui.accountability import AccountabilityDialog
    from ui.meeting import MeetingPage
    from ui.portfolio import PortfolioPage
    from ui.projector import ProjectorWindow

MAX_RECENT = 8


def _last_partnership_key(path: Path) -> str:
    """The setting that remembers which partnership of a file was open last."""
    import hashlib

    return f"last_partnership/{hashlib.sha256(str(path).encode()).hexdigest()[:16]}"


class MainWindow(QMainWindow):
    """Welcome, home and meeting pages, with the menus that drive them."""

    # Each step the facilitator takes, by title or kind of change, for crash reports (ui/crash).
    step_taken = Signal(str)

    def __init__(self, settings: QSettings, interactive: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.interactive = interactive
        self.session: Session | None = None
        self.home: HomePage | None = None
        self.register: QWidget | None = None
        self.portfolio: PortfolioPage | None = None
        self.record_dialog: AccountabilityDialog | None = None
        self.meeting_page: MeetingPage | None = None
        self.projector: ProjectorWindow | None = None
        self.undo_stack = QUndoStack(self)
        self.commitment_dialog: object | None = None
        self.setWindowTitle("Partnership review")
        self.resize(1280, 820)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self.welcome: QWidget | None = None
        self._build_menus()
        self._update_actions()

    # --- menus ---------------------------------------------------------------------------

    def _action(
        self,
        menu_name: str,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        title = f"{menu_name.replace('&', '')} ▸ {text.replace('&', '')}"
        action.triggered.connect(lambda _=False: self.step_taken.emit(title))
        action.triggered.connect(slot)
        self.menus[menu_name].addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menus = {
            name: bar.addMenu(name)
            for name in ("&File", "&Edit", "&Partnership", "&Meeting", "&View")
        }
        f, e, p, m, v = "&File", "&Edit", "&Partnership", "&Meeting", "&View"
        self._action(f, "&New partnership…", self.new_partnership, "Ctrl+Shift+N")
        self._action(f, "&Open…", self.choose_database, QKeySequence.StandardKey.Open)
        self._action(f, "Open the &demo", self.open_demo)
        self.recent_menu = self.menus[f].addMenu("Open &recent")
        self.menus[f].addSeparator()
        self.home_action = self._action(f, "&Meetings overview", self.show_home, "Ctrl+Home")
        self.portfolio_action = self._action(
            f, "All &partnerships", self.show_portfolio, "Ctrl+Shift+P"
        )
        self.switch_action = self._action(
            f, "S&witch partnership…", self.switch_partnership, "Ctrl+P"
        )
        self.register_action = self._action(f, "Action re&gister", self.show_register, "Ctrl+R")
        self.restore_action = self._action(f, "Restore a &backup…", self.restore_backup)
        self.minutes_action = self._action(f, "&Minutes…", self.show_minutes, "Ctrl+M")
        self.receive_action = self._action(
            f, "Receive &signed minutes…", self.receive_signed_minutes
        )
        self.import_minutes_action = self._action(
            f, "Import signed minu&tes…", self.import_signed_minutes
        )
        self.menus[f].addSeparator()
        self.my_key_action = self._action(f, "My si&gning key…", self.show_my_key)
        self._action(f, "Sign minutes sent &to me…", self.sign_sent_minutes)
        self.menus[f].addSeparator()
        self._action(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        self.undo_action = self._action(e, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(e, "&Redo", self.redo, QKeySequence.StandardKey.Redo)
        self.menus[e].addSeparator()
        self.bold_action = self._action(e, "&Bold", self._notes_bold, QKeySequence.StandardKey.Bold)
        self.bullets_action = self._action(e, "Bullet &list", self._notes_bullets, "Ctrl+L")
        self.menus[e].addSeparator()
        self.search_action = self._action(e, "&Search everything…", self.show_search, "Ctrl+K")
        self.search_action.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+F")])
        self.find_action = self._action(e, "&Find in this list", self.find_in_list, "Ctrl+F")

        self.kpis_action = self._action(p, "&KPIs…", self.show_kpi_setup, "Ctrl+Shift+K")
        self.readings_action = self._action(p, "KPI &readings…", self.show_readings, "Ctrl+Shift+G")
        self.import_action = self._action(
            p, "&Import readings…", self.import_readings, "Ctrl+Shift+I"
        )
        self.menus[p].addSeparator()
        self.certificates_action = self._action(
            p, "Signatories' &certificates…", self.show_certificates
        )

        self.prepare_action = self._action(m, "&Prepare next meeting…", self.prepare_next)
        self.agenda_action = self._action(m, "&Standing agenda…", self.edit_standing_agenda)
        self.preread_action = self._action(m, "Send t&he pre-read…", self.send_preread)
        self.updates_action = self._action(
            m, "Receive partner &updates…", self.receive_partner_updates
        )
        self.menus[m].addSeparator()
        self.start_action = self._action(m, "S&tart meeting", self._start_meeting, "Ctrl+Shift+L")
        self.attendance_action = self._action(
            m, "&Attendance…", self.edit_attendance, "Ctrl+Shift+A"
        )
        self.next_action = self._action(m, "&Next item", self._next_item, "Ctrl+PgDown")
        self.previous_action = self._action(m, "Pre&vious item", self._previous_item, "Ctrl+PgUp")
        self.timer_action = self._action(m, "Start / pause &timer", self._toggle_timer, "Ctrl+T")
        self.note_action = self._action(m, "New note &line", self._new_note_line, "Ctrl+Return")
        self.decision_action = self._action(m, "New &decision…", self._new_decision, "Ctrl+D")
        self.commitment_action = self._action(
            m, "New &commitment…", self.quick_add_commitment, QKeySequence.StandardKey.New
        )
        self.accountability_action = self._action(
            m, "Accountability &record…", self.show_accountability, "Ctrl+Shift+R"
        )
        self.confirm_action = self._action(
            m, "Con&firm the reading", self._confirm_reading, "Ctrl+Shift+C"
        )
        self.dispute_action = self._action(
            m, "D&ispute the reading…", self._dispute_reading, "Ctrl+Shift+D"
        )
        self.menus[m].addSeparator()
        self.end_action = self._action(m, "&End meeting", self._end_meeting, "Ctrl+Shift+E")

        self.projector_action = self._action(v, "&Projector view", self.toggle_projector, "F5")
        self.projector_action.setCheckable(True)
        self.screen_menu = self.menus[v].addMenu("Projector &screen")
        self.screen_menu.aboutToShow.connect(self._fill_screen_menu)
        themes = QActionGroup(self)
        for theme in ("dark", "light"):
            action = self._action(
                v,
                f"{theme.capitalize()} projector theme",
                lambda _=False, t=theme: self.set_projector_theme(t),
            )
            action.setCheckable(True)
            action.setChecked(theme == self.settings.value("projector/theme", "dark"))
            themes.addAction(action)
        # The projector's text size, from either window: these are its only zoom shortcuts
        # (a second one with the same keys in the projector would make Qt drop both as
        # ambiguous), with Ctrl+= for keyboards where + needs Shift.
        larger = self._action(
            v, "Larger projector text", self._projector_larger, QKeySequence.StandardKey.ZoomIn
        )
        larger.setShortcuts([*larger.shortcuts(), QKeySequence("Ctrl+=")])
        self._action(
            v, "Smaller projector text", self._projector_smaller, QKeySequence.StandardKey.ZoomOut
        )
        self._action(v, "Projector text at its usual size", self._projector_reset, "Ctrl+0")
        # The room's pages from the facilitator's window (plain Page Down and Page Up there move
        # in the notes or a table, Ctrl+Page Down and Ctrl+Page Up between items).
        self._action(v, "Next projector page", self._projector_next_page, "Alt+PgDown")
        self._action(v, "Previous projector page", self._projector_previous_page, "Alt+PgUp")
        self.menus[v].addSeparator()
        self._build_appearance_menu()
        self._fill_recent_menu()

    def _build_appearance_menu(self) -> None:
        """View ▸ Appearance: follow the system's light or dark scheme, or keep one."""
        theme = installed()
        menu = self.menus["&View"].addMenu("&Appearance")
        menu.setEnabled(theme is not None)
        group = QActionGroup(self)
        self.appearance_actions: dict[Appearance, QAction] = {}
        for appearance, text in (
            (Appearance.SYSTEM, "As the &system"),
            (Appearance.LIGHT, "&Light"),
            (Appearance.DARK, "&Dark"),
        ):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(theme is not None and theme.appearance is appearance)
            action.triggered.connect(lambda _=False, a=appearance: self.choose_appearance(a))
            group.addAction(action)
            self.appearance_actions[appearance] = action

    def choose_appearance(self, appearance: Appearance) -> None:
        theme = installed()
        if theme is None:
            return
        theme.choose(appearance)
        self.appearance_actions[appearance].setChecked(True)
        self.step_taken.emit(f"View ▸ Appearance ▸ {appearance.value}")

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_database(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    def _fill_screen_menu(self) -> None:
        self.screen_menu.clear()
        chosen = self.projector_screen_name()
        for screen in QGuiApplication.screens():
            size = screen.geometry()
            action = self.screen_menu.addAction(f"{screen.name()} ({size.width()}×{size.height()})")
            action.setCheckable(True)
            action.setChecked(screen.name() == chosen)
            name = screen.name()
            action.triggered.connect(lambda _=False, n=name: self.choose_projector_screen(n))

    def _update_actions(self) -> None:
        page = self.meeting_page if self.pages.currentWidget() is self.meeting_page else None
        has_partnership = self.session is not None and self.session.partnership_id is not None
        live = page is not None and page.is_live
        editable = (
            page is not None
            and page.meeting is not None
            and page.meeting.status is not MeetingStatus.SIGNED
        )
        for action in (
            self.prepare_action,
            self.agenda_action,
            self.home_action,
            self.portfolio_action,
            self.switch_action,
            self.search_action,
            self.accountability_action,
            self.register_action,
            self.minutes_action,
            self.receive_action,
            self.certificates_action,
            self.my_key_action,
            self.kpis_action,
            self.readings_action,
            self.import_action,
        ):
            action.setEnabled(has_partnership)
        reviewing = (
            editable and page is not None and page.dashboard_view.chosen_reading() is not None
        )
        self.confirm_action.setEnabled(reviewing)
        self.dispute_action.setEnabled(reviewing)
        self.preread_action.setEnabled(has_partnership and self.preread_meeting() is not None)
        self.updates_action.setEnabled(has_partnership and self.updates_meeting() is not None)
        self.start_action.setEnabled(
            page is not None
            and page.meeting is not None
            and page.meeting.status is MeetingStatus.DRAFT
        )
        self.end_action.setEnabled(live)
        self.timer_action.setEnabled(live)
        for action in (
            self.attendance_action,
            self.decision_action,
            self.note_action,
            self.commitment_action,
        ):
            action.setEnabled(editable)
        for action in (self.next_action, self.previous_action, self.projector_action):
            action.setEnabled(page is not None)

    # --- databases ---------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):  # a list of one comes back from the file as its item
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def open_database(self, path: Path) -> bool:
        """Open `path` in place of the current database; on failure, say why and change nothing.

        The file open here already is closed first (its notes saved): opened twice, the second
        opening would find the first holding the file and only read it.
        """
        if self.session is not None and _same_file(self.session.path, path):
            page = self.meeting_page
            if page is not None and not page.notes.flush():
                self._warn_notes_unsaved("open the file again")
                return False
            self._close_session()
            if not self._open_session(path):
                self.show_welcome()
                return False
            return True
        return self._open_session(path)

    def _warn_notes_unsaved(self, what: str) -> None:
        QMessageBox.warning(
            self,
            "Notes not saved",
            f"The latest notes cannot be saved yet (see the banner): {what} once they are.",
        )

    def _open_session(self, path: Path) -> bool:
        try:
            session = Session.open(path)
        except ReviewError as error:
            if not self.interactive:
                raise
            from ui.recovery import offer_recovery

            if offer_recovery(self, path, error):  # a backup was put back: open it
                return self._open_session(path)
            return False
        self._close_session()
        self.session = session
        session.check_failed.connect(
            lambda error, checked=session: self._on_session_check_failed(checked, error)
        )
        from ui.recovery import show_open_state

        show_open_state(self, session)  # the read-only bar, a backup that failed
        self.settings.setValue("last_database", str(path))
        recent = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._fill_recent_menu()
        self.home = HomePage(session)
        self.home.meeting_opened.connect(self.open_meeting)
        self.home.prepare_requested.connect(self.prepare_next)
        self.home.agenda_requested.connect(self.edit_standing_agenda)
        self.home.register_requested.connect(self.show_register)
        self.home.accountability_requested.connect(self.show_accountability)
        self.home.portfolio_requested.connect(self.show_portfolio)
        session.changed.connect(self._on_session_changed_for_projector)
        session.warned.connect(self.statusBar().showMessage)
        session.changed.connect(lambda what: self.step_taken.emit(f"changed: {what.words}"))
        self.pages.addWidget(self.home)
        self.setWindowFilePath(str(path))
        remembered = str(self.settings.value(_last_partnership_key(path), "") or "")
        if remembered not in ("", session.partnership_id) and remembered in {
            p.id for p in session.partnerships()
        }:
            session.open_partnership(remembered)  # the one the user had open last
        if session.partnership_id is None:
            self.show_welcome()
            if self.interactive:
                self.new_partnership()
        else:
            self.show_home()
        self._update_actions()
        return True

    def _on_session_check_failed(self, session: Session, error: ReviewError) -> None:
        """The file open here failed the check of its pages that ran once it was open: nothing
        was written to it. It is closed and refused in words, as at opening, with its backup."""
        if self.session is not session:
            return
        path = session.path
        self._close_session()
        self.show_welcome()
        self.statusBar().showMessage(error.message)
        self.step_taken.emit(f"refused: {error.message}")
        if not self.interactive:
            return
        from ui.recovery import offer_recovery

        if offer_recovery(self, path, error):  # a backup was put back: open it
            self.open_database(path)

    def _close_session(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.leave()
            self.meeting_page.release_charts()
        if self.projector is not None:
            self.projector.close()
            self.projector.deleteLater()  # not left to the garbage collector's timing
            self.projector = None
        for page in (self.home, self.meeting_page, self.register, self.portfolio):
            if page is not None:
                self.pages.removeWidget(page)
                page.deleteLater()
        self.home = self.meeting_page = self.register = self.portfolio = None
        if self.record_dialog is not None:
            self.record_dialog.release()
            self.record_dialog.deleteLater()
            self.record_dialog = None
        self.undo_stack.clear()
        if self.session is not None:
            self.session.close()
            self.session = None

    def restore_backup(self) -> None:
        """Put back one of the open file's good automatic backups; the file is kept aside."""
        from ui.recovery import choose_and_restore

        if self.session is None:
            return
        page = self.meeting_page
        if page is not None and not page.notes.flush():
            self._warn_notes_unsaved("restore a backup")
            return
        path = self.session.path
        self._close_session()  # a file open here must not be replaced under its connection
        choose_and_restore(self, path)
        if not self.open_database(path):
            self.show_welcome()

    def choose_database(self) -> None:
        start = (
            str(Path(self.recent_files()[0]).parent) if self.recent_files() else str(Path.home())
        )
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Open a partnership database",
            start,
            "Partnership databases (*.db);;All files (*)",
        )
        if name:
            self.open_database(Path(name))

    def open_demo(self) -> None:
        path = demo_database()
        if not path.exists():
            try:
                create_demo(path)
            except ReviewError as error:
                QMessageBox.critical(self, "Cannot create the demo", error.message)
                return
        self.open_database(path)

    def new_partnership(self) -> None:
        if self.session is None or self.session.partnership_id is not None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                "Create the partnership's database",
                str(default_database().parent / "partnership.db"),
                "Partnership databases (*.db)",
            )
            if not name:
                return
            path = Path(name)
            if path.exists():
                QMessageBox.warning(
                    self, "File exists", f"{path} already exists: choose a new file name."
                )
                return
            if not self.open_database(path):
                return
            return
        from ui.welcome import CreatePartnershipWizard

        wizard = CreatePartnershipWizard()
        if wizard.exec():
            try:
                self.session.create_partnership(*wizard.result_data())
            except ReviewError as error:
                QMessageBox.critical(self, "Cannot create the partnership", error.message)
                return
            self.show_home()

    # --- pages -------------------------------------------------------------------------------

    def show_home(self) -> None:
        if self.home is None:
            return
        if self.meeting_page is not None:
            self.meeting_page.leave()
        self.pages.setCurrentWidget(self.home)
        partnership = self.session.partnership if self.session else None
        if partnership is not None:
            self.setWindowTitle(f"{partnership.name} — Partnership review")
        self._update_actions()

    def show_welcome(self) -> None:
        """The first page when no partnership is open: create one, open the demo or a file."""
        if self.welcome is None:
            from ui.welcome import WelcomePage

            welcome = WelcomePage()
            welcome.create_requested.connect(self.new_partnership)
            welcome.demo_requested.connect(self.open_demo)
            welcome.open_requested.connect(self.choose_database)
            self.pages.addWidget(welcome)
            self.welcome = welcome
        self.pages.setCurrentWidget(self.welcome)

    def _meeting_page(self) -> MeetingPage:
        """The meeting page, built when the first meeting is opened (start-up stays quick)."""
        if self.meeting_page is None:
            from ui import meeting

            assert self.session is not None
            page = meeting.MeetingPage(self.session, self.undo_stack)
            page.current_item_changed.connect(self._on_meeting_item_changed)
            page.notes_typed.connect(self._on_meeting_notes_typed)
            page.timer_ticked.connect(self._on_meeting_timer_ticked)
            page.meeting_changed.connect(self._on_meeting_changed)
            page.back_requested.connect(self.show_home)
            page.minutes_requested.connect(self.show_minutes)
            page.confirm_end = self._confirm_end if self.interactive else None
            page.confirm_start = self._confirm_start if self.interactive else None
            page.attendance_requested.connect(self.edit_attendance)
            page.review_view.focus_changed.connect(self._on_review_focus_changed)
            page.dashboard_view.kpi_opened.connect(self._on_dashboard_kpi_opened)
            page.initiatives_view.focus_changed.connect(self._on_review_focus_changed)
            self.pages.addWidget(page)
            self.meeting_page = page
        return self.meeting_page

    def open_meeting(self, meeting_id: str) -> None:
        if self.session is None:
            return
        self._meeting_page()
        assert self.meeting_page is not None
        self.undo_stack.clear()
        self.meeting_page.show_meeting(meeting_id)
        self.pages.setCurrentWidget(self.meeting_page)
        meeting = self.meeting_page.meeting
        if meeting is not None:
            self.setWindowTitle(f"Meeting {meeting.number}: {meeting.title} — Partnership review")
        self._update_actions()
        self.meeting_page.notes.setFocus()

    def prepare_next(self) -> None:
        if self.session is None or self.session.partnership_id is None:
            return
        from ui.prepare import PrepareMeetingDialog

        try:
            dialog = PrepareMeetingDialog(self.session)
        except ReviewError as error:
            QMessageBox.warning(self, "Cannot prepare a meeting", error.message)
            return
        if dialog.exec() and dialog.meeting is not None:
            self.open_meeting(dialog.meeting.id)

    def preread_meeting(self) -> Meeting | None:
        """The meeting Meeting ▸ Send the pre-read is for: the one shown if it is a draft,
        else the next prepared one."""
        return self._shown_or_next(MeetingStatus.DRAFT)

    def updates_meeting(self) -> Meeting | None:
        """The meeting partner updates are received for: the one shown if it has not ended,
        else the next prepared one."""
        return self._shown_or_next(MeetingStatus.DRAFT, MeetingStatus.LIVE)

    def _shown_or_next(self, *statuses: MeetingStatus) -> Meeting | None:
        """The meeting on screen if it is in one of `statuses`, else the next prepared one."""
        if self.session is None or self.session.partnership_id is None:
            return None
        page = self.meeting_page
        if self.pages.currentWidget() is page and page is not None and page.meeting is not None:
            shown = self.session.meeting(page.meeting.id)
            if shown.status in statuses:
                return shown
        return self.session.next_draft()

    def receive_partner_updates(self) -> None:
        """The partner's filled-in workbook (or a CSV of the same), shown as proposals to
        accept, edit or reject: nothing is written until the facilitator accepts."""
        from ui.folders import last_folder, remember_folder
        from ui.partner_updates import PartnerUpdatesDialog

        meeting = self.updates_meeting()
        if self.session is None or meeting is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            f"The partner's updates for meeting {meeting.number}",
            str(last_folder(self.settings, "updates")),
            "Partner updates (*.xlsx *.csv);;All files (*)",
        )
        if not path:
            return
        remember_folder(self.settings, "updates", Path(path))
        PartnerUpdatesDialog(self.session, meeting.id, path, self).exec()
        self._update_actions()

    def send_preread(self) -> None:
        """Write the pre-read, the invitation, the partner's workbook and the e-mail draft into
        a folder the facilitator picks, then open that folder."""
        from ui.folders import last_folder, remember_folder

        meeting = self.preread_meeting()
        if self.session is None or meeting is None:
            QMessageBox.information(
                self,
                "No meeting prepared",
                "Prepare the next meeting first: its pre-read is made from it.",
            )
            return
        folder = QFileDialog.getExistingDirectory(
            self,
            f"Folder for the pre-read of meeting {meeting.number}",
            str(last_folder(self.settings, "pre-read")),
        )
        if not folder:
            return
        remember_folder(self.settings, "pre-read", Path(folder))
        try:
            self.session.send_preread(meeting.id, Path(folder))
        except ReviewError as error:
            QMessageBox.warning(self, "Pre-read not sent", error.message)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def edit_standing_agenda(self) -> None:
        from ui.agenda_editor import StandingAgendaDialog

        if self.session is not None and self.session.partnership_id is not None:
            StandingAgendaDialog(self.session).exec()

    def show_register(self) -> None:
        """All actions of the partnership, outside meetings: filter, export, history."""
        from ui.register import RegisterPage

        if self.session is None or self.session.partnership_id is None:
            return
        if self.meeting_page is not None:
            self.meeting_page.leave()
        if self.register is None:
            self.register = RegisterPage(self.session)
            self.register.back_requested.connect(self.show_home)
            self.pages.addWidget(self.register)
        self.pages.setCurrentWidget(self.register)
        self._update_actions()

    def quick_add_commitment(self) -> None:
        """Ctrl+N from anywhere in a meeting: one line, read back, committed."""
        from PySide6.QtWidgets import QDialog, QVBoxLayout

        from ui.commitments import CommitmentForm

        page = self.meeting_page
        if self.session is None or page is None or page.meeting is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("New commitment")
        dialog.resize(760, 480)
        form = CommitmentForm(self.session, page.meeting.id, self.undo_stack)
        form.committed.connect(dialog.accept)
        QVBoxLayout(dialog).addWidget(form)
        form.line.setFocus()
        self.commitment_dialog = dialog
        dialog.exec()
        self.commitment_dialog = None

    def show_accountability(self) -> None:
        """Both sides' record up to the open meeting (or the latest one)."""
        from ui.accountability import AccountabilityDialog

        if self.session is None or self.session.partnership_id is None:
            return
        page = self.meeting_page
        meeting = page.meeting if page is not None and page.meeting is not None else None
        if meeting is None:
            meetings = self.session.meetings()
            if not meetings:
                return
            meeting = meetings[-1]
        if self.record_dialog is None:
            self.record_dialog = AccountabilityDialog(self.session)
        self.record_dialog.show_record(meeting.id)
        self.record_dialog.exec()

    def minutes_meeting(self) -> Meeting | None:
        """The meeting whose minutes File ▸ Minutes shows: the open one once it has ended,
        else the newest with minutes."""
        if self.session is None or self.session.partnership_id is None:
            return None
        page = self.meeting_page
        if page is not None and page.meeting is not None:
            current = self.session.meeting(page.meeting.id)
            if current.status in (MeetingStatus.CLOSED, MeetingStatus.SIGNED):
                return current
        ended = [
            m
            for m in self.session.meetings()
            if m.status in (MeetingStatus.CLOSED, MeetingStatus.SIGNED)
        ]
        return max(ended, key=lambda m: (m.scheduled_start, m.revision)) if ended else None

    def show_minutes(self) -> None:
        """Preview, sign off, export and send the minutes of an ended meeting."""
        from ui.minutes import MinutesDialog

        meeting = self.minutes_meeting()
        if self.session is None or meeting is None:
            QMessageBox.information(
                self, "No minutes yet", "End a meeting first: its minutes are made from it."
            )
            return
        page = self.meeting_page
        if page is not None and not page.notes.flush():
            QMessageBox.warning(
                self,
                "Notes not saved",
                "The latest notes cannot be saved yet (see the banner), so the minutes would "
                "miss them: try again once they are saved.",
            )
            return
        dialog = MinutesDialog(self.session, meeting.id, self, self.settings)
        dialog.amendment_started.connect(self.open_meeting)
        dialog.exec()
        self._update_actions()

    def receive_signed_minutes(self) -> None:
        """Take back minutes the other side signed elsewhere, and record its sign-off."""
        from ui.minutes import receive_signed_file

        if self.session is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Receive signed minutes", str(Path.home()), "PDF (*.pdf)"
        )
        if path:
            receive_signed_file(self, self.session, Path(path))
            self._update_actions()

    def find_in_list(self) -> None:
        """Ctrl+F: the filter of the list on screen (the register's, the portfolio's); where
        the screen has none, search everything."""
        page = self.pages.currentWidget()
        field = getattr(page, "search", None) or getattr(page, "filter", None)
        if isinstance(field, QLineEdit):
            field.setFocus()
            field.selectAll()
        else:
            self.show_search()

    def show_portfolio(self) -> None:
        """Every partnership of the file side by side; Enter opens one."""
        from ui.portfolio import PortfolioPage

        if self.session is None:
            return
        if self.meeting_page is not None:
            self.meeting_page.leave()
        if self.portfolio is None:
            self.portfolio = PortfolioPage(self.session)
            self.portfolio.partnership_chosen.connect(self.open_partnership)
            self.portfolio.back_requested.connect(self.show_home)
            self.pages.addWidget(self.portfolio)
        self.pages.setCurrentWidget(self.portfolio)
        self.portfolio.refresh()
        self.setWindowTitle("All partnerships — Partnership review")
        self.portfolio.filter.setFocus()
        self._update_actions()

    def switch_partnership(self) -> None:
        """Ctrl+P from anywhere: choose another partnership of the file by name."""
        from ui.portfolio import PartnershipSwitcher

        if self.session is None:
            return
        names = [(p.id, p.name) for p in self.session.partnerships()]
        dialog = PartnershipSwitcher(names, self.session.partnership_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen:
            self.open_partnership(dialog.chosen)

    def open_partnership(self, partnership_id: str) -> None:
        """Work on another partnership of the file: its home; the projector, which showed the
        other's meeting, closes (it never shows one partnership's data in another's)."""
        session = self.session
        if session is None:
            return
        if self.meeting_page is not None:
            self.meeting_page.leave()
        if partnership_id != session.partnership_id:
            if self.projector is not None:
                self.projector.close()
                self.projector.deleteLater()  # not left to the garbage collector's timing
                self.projector = None
            self.undo_stack.clear()
            session.open_partnership(partnership_id)
            self.settings.setValue(_last_partnership_key(session.path), partnership_id)
        self.show_home()

    def show_search(self) -> None:
        """Search every meeting's notes, decisions, actions and comments; open a hit."""
        from ui.search import SearchDialog

        if self.session is None or self.session.partnership_id is None:
            return
        dialog = SearchDialog(self.session, self)
        dialog.open_hit.connect(self.open_hit)
        dialog.exec()

    def open_hit(self, hit: Hit) -> None:
        """Open what a search found: the meeting at its agenda item, or the action's history
        (in its own partnership: the window moves to it first)."""
        from core.register import ActionFilter
        from ui.action_history import ActionHistoryDialog

        session = self.session
        if session is None:
            return
        if hit.partnership_id != session.partnership_id:
            self.open_partnership(hit.partnership_id)
        if hit.action_id is not None:
            rows = session.action_rows(ActionFilter(action_id=hit.action_id))
            if rows:
                dialog = ActionHistoryDialog(session, rows[0], self, session.today())
                dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                dialog.open()
                return
        if hit.meeting_id is not None:
            self.open_meeting(hit.meeting_id)
            page = self.meeting_page
            if page is not None and hit.item_id is not None:
                ids = [item.id for item in page.rail_model.items()]
                if hit.item_id in ids:
                    page.go_to(ids.index(hit.item_id))
            return
        self.show_home()

    def import_signed_minutes(self) -> None:
        """Add the other side's signed minutes to this copy of the record (several files:
        oldest first)."""
        from ui.minutes import import_signed_files

        if self.session is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import signed minutes", str(Path.home()), "PDF (*.pdf)"
        )
        if paths:
            had_partnership = self.session.partnership_id is not None
            added = import_signed_files(self, self.session, sorted(Path(p) for p in paths))
            if added and not had_partnership:
                self.show_home()
            self._update_actions()

    def show_my_key(self) -> None:
        """The user's own signing key: create or adopt it, export its certificate."""
        from ui.keys import MySigningKeyDialog

        if self.session is not None:
            MySigningKeyDialog(self.session, self).exec()

    def sign_sent_minutes(self) -> None:
        """Sign minutes the other side sent, with one's own key; no database needed."""
        from ui.keys import SignSentMinutesDialog
        from ui.minutes import my_key_holder

        url = str(self.settings.value("signing/tsa", ""))
        dialog = SignSentMinutesDialog(my_key_holder(), self, url)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            QMessageBox.information(
                self,
                "Signed",
                f"Signed by {dialog.signed_by}. Send the signed copy back: the other side "
                "receives it with File ▸ Receive signed minutes….",
            )

    def show_certificates(self) -> None:
        """The partnership's register of signatories' certificates and authorities."""
        from ui.keys import CertificatesDialog

        if self.session is not None and self.session.partnership_id is not None:
            CertificatesDialog(self.session, self).exec()

    def show_kpi_setup(self) -> None:
        """The partnership's KPIs: add, edit, and new targets from a period on."""
        from ui.kpi_setup import KpiSetupDialog

        if self.session is not None and self.session.partnership_id is not None:
            KpiSetupDialog(self.session, self).exec()

    def show_readings(self) -> None:
        """The period × KPI grid of readings, typed in by one side."""
        from ui.readings import ReadingsDialog

        if self.session is not None and self.session.partnership_id is not None:
            ReadingsDialog(self.session, self, self.interactive).exec()

    def import_readings(self) -> None:
        """A spreadsheet's CSV of readings, imported all or nothing with a progress bar."""
        from ui.readings_import import ImportReadingsDialog

        if self.session is not None and self.session.partnership_id is not None:
            dialog = ImportReadingsDialog(self.session, self, self.interactive)
            dialog.exec()

    def _confirm_reading(self) -> None:
        page = self.meeting_page
        if page is not None and page.dashboard_view.chosen_reading() is not None:
            page.dashboard_view.confirm_reading()

    def _dispute_reading(self) -> None:
        page = self.meeting_page
        if page is not None and page.dashboard_view.chosen_reading() is not None:
            page.dashboard_view.dispute_reading()

    def _on_dashboard_kpi_opened(self, _kpi_id: str) -> None:
        self._update_actions()
        self._show_review_on_projector()

    def edit_attendance(self) -> None:
        from ui.attendance import AttendanceDialog

        page = self.meeting_page
        if self.session is not None and page is not None and page.meeting is not None:
            AttendanceDialog(self.session, page.meeting.id, self.undo_stack).exec()

    # --- meeting commands ----------------------------------------------------------------------

    def _start_meeting(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.start_meeting()

    def _end_meeting(self) -> None:
        page = self.meeting_page
        if page is None or not page.is_live:
            return
        if not self.interactive or self._confirm_end(page.left_unreviewed()):
            page.end_meeting()

    def _confirm_start(self, meeting: Meeting) -> bool | None:
        """A meeting started on another day than planned: move it to today (one date in the
        minutes, the reviews and the actions raised), keep its date, or not start."""
        planned = meeting.scheduled_start
        box = QMessageBox(self)
        box.setWindowTitle("Start the meeting")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(
            f"Meeting {meeting.number} is planned for {planned:%A} {planned.day} "
            f"{planned:%B}. Move it to today?"
        )
        box.setInformativeText(
            "Moved, the minutes, this meeting's reviews and the actions raised in it all "
            "carry today's date."
        )
        move = box.addButton("Move it to today", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep the planned date", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(move)
        box.exec()
        clicked = box.clickedButton()
        return True if clicked is move else False if clicked is keep else None

    def _confirm_end(self, missed: list[str]) -> bool:
        """Ask before the meeting ends, saying what it has not reviewed; the room can go back."""
        box = QMessageBox(self)
        box.setWindowTitle("End the meeting")
        box.setIcon(QMessageBox.Icon.Question)
        if missed:
            box.setText("Not reviewed yet:\n• " + "\n• ".join(missed))
            box.setInformativeText("End the meeting anyway? Its end time is recorded.")
        else:
            box.setText("End the meeting now? Its end time is recorded.")
        box.setInformativeText(
            box.informativeText() + " The notes stay editable until the minutes are signed."
        )
        end = box.addButton("End the meeting", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back if missed else end)
        box.exec()
        return box.clickedButton() is end

    def _next_item(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.next_item()

    def _previous_item(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.previous_item()

    def _toggle_timer(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.toggle_timer()

    def _new_note_line(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.new_note_line()

    def _new_decision(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.new_decision()

    def _notes_bold(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.notes.toggle_bold()

    def _notes_bullets(self) -> None:
        if self.meeting_page is not None:
            self.meeting_page.notes.toggle_bullets()

    def undo(self) -> None:
        """Undo typing in the notes while they have focus, else the last meeting edit."""
        page = self.meeting_page
        if page is not None and page.notes.hasFocus() and page.notes.document().isUndoAvailable():
            page.notes.undo()
        else:
            self.undo_stack.undo()

    def redo(self) -> None:
        page = self.meeting_page
        if page is not None and page.notes.hasFocus() and page.notes.document().isRedoAvailable():
            page.notes.redo()
        else:
            self.undo_stack.redo()

    def _on_meeting_changed(self, meeting: object) -> None:
        if isinstance(meeting, Meeting) and meeting.status is MeetingStatus.SIGNED:
            self.undo_stack.clear()  # an undo could never be saved into a signed record
        self._update_actions()

    # --- projector ---------------------------------------------------------------------------

    def projector_screen_name(self) -> str:
        """The remembered screen, else one other than the facilitator's when there are two."""
        screens = QGuiApplication.screens()
        names = [s.name() for s in screens]
        remembered = str(self.settings.value("projector/screen", ""))
        if remembered in names:
            return remembered
        primary = QGuiApplication.primaryScreen()
        others = [s for s in screens if s is not primary]
        return (others[0] if others else primary).name()

    def choose_projector_screen(self, name: str) -> None:
        self.settings.setValue("projector/screen", name)
        if self.projector is not None:
            self._place_projector()

    def toggle_projector(self) -> None:
        if self.projector is not None and self.projector.isVisible():
            self.projector.close()
            self.projector.deleteLater()
            self.projector = None
            self.projector_action.setChecked(False)
            return
        self.open_projector()

    def open_projector(self) -> ProjectorWindow | None:
        from ui.projector import ProjectorWindow

        if self.session is None or self.meeting_page is None or self.session.partnership is None:
            return None
        self.projector = ProjectorWindow(
            self.session.partnership.name,
            str(self.settings.value("projector/theme", "dark")),
            float(str(self.settings.value("projector/scale", 1.0))),
        )
        page = self.meeting_page
        item = page.current_item
        self.projector.show_item(item, page.notes.toMarkdown() if item else None)
        self._show_review_on_projector()
        self._place_projector()
        self.projector_action.setChecked(True)
        self.activateWindow()
        return self.projector

    def _place_projector(self) -> None:
        if self.projector is None:
            return
        name = self.projector_screen_name()
        screen = next(
            (s for s in QGuiApplication.screens() if s.name() == name),
            QGuiApplication.primaryScreen(),
        )
        self.projector.show_on(screen)

    def set_projector_theme(self, theme: str) -> None:
        self.settings.setValue("projector/theme", theme)
        if self.projector is not None:
            self.projector.set_theme(theme)

    def _projector_larger(self) -> None:
        if self.projector is not None:
            self.projector.zoom_in()
            self.settings.setValue("projector/scale", self.projector.scale)

    def _projector_reset(self) -> None:
        if self.projector is not None:
            self.projector.set_scale(1.0)
            self.settings.setValue("projector/scale", self.projector.scale)

    def _projector_smaller(self) -> None:
        if self.projector is not None:
            self.projector.zoom_out()
            self.settings.setValue("projector/scale", self.projector.scale)

    def _projector_next_page(self) -> None:
        if self.projector is not None:
            self.projector.next_page()

    def _projector_previous_page(self) -> None:
        if self.projector is not None:
            self.projector.previous_page()

    def _projector_decisions(self) -> list[str]:
        """The decisions recorded on the current item (the commitments' read-out lists the
        whole meeting's already)."""
        page = self.meeting_page
        item = page.current_item if page is not None else None
        if self.session is None or page is None or page.meeting is None or item is None:
            return []
        if item.kind is AgendaItemKind.COMMITMENTS:
            return []
        references = self.session.decision_references(page.meeting.id)
        return [
            f"{references.get(d.id, '')}  {d.text}".strip()
            for d in self.session.decisions(page.meeting.id)
            if d.item_id == item.id
        ]

    def _on_meeting_item_changed(self, item: MeetingItem) -> None:
        if self.projector is not None and self.meeting_page is not None:
            self.projector.show_item(item, self.meeting_page.notes.toMarkdown())
            self._show_review_on_projector()

    def _on_meeting_notes_typed(self, markdown: str) -> None:
        page = self.meeting_page
        if self.projector is not None and page is not None and not self._reviewing_actions():
            self.projector.show_notes(markdown)

    def _reviewing_actions(self) -> bool:
        """Whether the room sees the current item's own view rather than its notes."""
        page = self.meeting_page
        item = page.current_item if page is not None else None
        return item is not None and item.kind in (
            AgendaItemKind.ACTION_REVIEW,
            AgendaItemKind.COMMITMENTS,
            AgendaItemKind.DASHBOARD,
            AgendaItemKind.INITIATIVES,
        )

    def _on_review_focus_changed(self) -> None:
        self._show_review_on_projector()

    def _show_review_on_projector(self) -> None:
        """Items with a view of their own show it to the room instead of the notes."""
        page = self.meeting_page
        if self.projector is None or page is None or page.meeting is None:
            return
        self.projector.show_decisions(self._projector_decisions())
        item = page.current_item
        if item is not None and item.kind is AgendaItemKind.ACTION_REVIEW:
            self.projector.show_html(page.review_view.projector_html())
        elif item is not None and item.kind is AgendaItemKind.COMMITMENTS and self.session:
            from ui.commitments import readout_html

            self.projector.show_html(readout_html(self.session, page.meeting.id))
        elif item is not None and item.kind is AgendaItemKind.DASHBOARD:
            self.projector.show_html(page.dashboard_view.projector_html())
        elif item is not None and item.kind is AgendaItemKind.INITIATIVES:
            self.projector.show_html(page.initiatives_view.projector_html())

    def _on_session_changed_for_projector(self, what: Change) -> None:
        if what & (
            Change.ACTIONS | Change.DECISIONS | Change.READINGS | Change.KPIS | Change.INITIATIVES
        ):
            # After the views have redrawn from the same signal (they listen after this window).
            QTimer.singleShot(0, self._show_review_on_projector)
            QTimer.singleShot(0, self._update_actions)

    def _on_meeting_timer_ticked(self, elapsed: int, timebox: int, state: str) -> None:
        if self.projector is not None:
            self.projector.show_timer(elapsed, timebox, state)

    # --- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        page = self.meeting_page
        if self.interactive and page is not None and not page.notes.flush():
            answer = QMessageBox.warning(
                self,
                "Notes not saved",
                "The latest notes could not be saved (see the banner). Close anyway and lose them?",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Close:
                event.ignore()
                return
        self._close_session()
        super().closeEvent(event)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
