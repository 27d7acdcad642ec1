"""The minutes of a meeting: the exact PDF previewed, signed off by each side, exported, sent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.distribution import file_stem, minutes_email
from core.errors import ReviewError
from core.exports import write_atomically
from core.model import AttendanceStatus, Meeting, MeetingStatus, Person, Side
from ui.field_error import FieldError
from ui.session import Session


class SignOffDialog(QDialog):
    """One side's sign-off: who signs (present, of that side) and with which key."""

    def __init__(
        self,
        people: list[Person],
        side: Side,
        party: str,
        keeps_key: Callable[[str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._keeps_key = keeps_key
        self.setWindowTitle(f"Sign off for {party}")
        self.setMinimumWidth(520)
        self.side = side
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"A representative of <b>{party}</b> ({side.value}) who attended approves these "
            "minutes with their own key. The key stays in a file on this computer; only its "
            "certificate is kept with the partnership."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.signatory = QComboBox()
        for person in people:
            self.signatory.addItem(
                f"{person.name} — {person.role}" if person.role else person.name, person.id
            )
        form.addRow("&Signatory:", self.signatory)
        self.use_kept = QRadioButton("The key this app keeps for them")
        self.create_key = QRadioButton(
            "Create a key for them now (self-signed, kept on this computer)"
        )
        self.use_file = QRadioButton("A PKCS#12 file they have (.p12, .pfx)…")
        group = QButtonGroup(self)
        for button in (self.use_kept, self.create_key, self.use_file):
            group.addButton(button)
        key_box = QVBoxLayout()
        for button in (self.use_kept, self.create_key, self.use_file):
            key_box.addWidget(button)
        self.file_line = QLineEdit()
        self.file_line.setPlaceholderText("Choose the file…")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_line, 1)
        file_row.addWidget(browse)
        key_box.addLayout(file_row)
        form.addRow("Key:", key_box)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Passphrase:", self.passphrase)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_label = QLabel("&Repeat it:")
        self.repeat_label.setBuddy(self.repeat)
        form.addRow(self.repeat_label, self.repeat)
        layout.addLayout(form)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = buttons.addButton("Sign", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.signatory.currentIndexChanged.connect(self._on_signatory_changed)
        group.buttonToggled.connect(self._on_key_choice_toggled)
        self._on_signatory_changed()

    def person_id(self) -> str:
        return str(self.signatory.currentData())

    def _on_signatory_changed(self) -> None:
        kept = self._keeps_key(self.person_id())
        self.use_kept.setEnabled(kept)
        (self.use_kept if kept else self.create_key).setChecked(True)
        self._on_key_choice_toggled()

    def _on_key_choice_toggled(self, *_: object) -> None:
        creating = self.create_key.isChecked()
        self.repeat.setVisible(creating)
        self.repeat_label.setVisible(creating)
        self.file_line.setEnabled(self.use_file.isChecked())

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Key file", str(Path.home()), "PKCS#12 files (*.p12 *.pfx);;All files (*)"
        )
        if path:
            self.file_line.setText(path)
            self.use_file.setChecked(True)

    def key_choice(self) -> tuple[str, str, str]:
        """("kept" | "create" | "file", file path, passphrase)."""
        if self.use_kept.isChecked():
            choice = "kept"
        elif self.create_key.isChecked():
            choice = "create"
        else:
            choice = "file"
        return choice, self.file_line.text().strip(), self.passphrase.text()

    def show_error(self, message: str) -> None:
        self.error.setText(message)


class MinutesDialog(QDialog):
    """Preview the exact PDF of a closed or signed meeting; sign, export and send it."""

    signed_off = Signal(str)
    amendment_started = Signal(str)  # the new revision's meeting id

    def __init__(self, session: Session, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.meeting_id = meeting_id
        self.pdf = b""
        self.resize(1100, 860)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        layout.addWidget(self.heading)
        self.state = QLabel()
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.view.setFrameShape(QFrame.Shape.StyledPanel)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.sign_buttons: dict[Side, QPushButton] = {}
        parties = session.parties()
        for side in Side:
            button = QPushButton(f"Sign for {parties[side].name}…")
            button.clicked.connect(lambda _=False, s=side: self.sign(s))
            self.sign_buttons[side] = button
            row.addWidget(button)
        row.addStretch(1)
        self.export_button = QPushButton("&Export PDF…")
        self.export_button.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_button.clicked.connect(self._on_export_clicked)
        row.addWidget(self.export_button)
        self.send_button = QPushButton("Se&nd minutes…")
        self.send_button.clicked.connect(self._on_send_clicked)
        row.addWidget(self.send_button)
        self.amend_button = QPushButton("&Amend…")
        self.amend_button.setToolTip(
            "Correct signed minutes: a new revision to edit and sign; the signed one stays as it is"
        )
        self.amend_button.clicked.connect(self._on_amend_clicked)
        row.addWidget(self.amend_button)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self._buffer: QBuffer | None = None
        self.refresh()

    def meeting(self) -> Meeting:
        return self.session.meeting(self.meeting_id)

    def refresh(self) -> None:
        """Show the PDF as it would be exported now, and which sides still have to sign."""
        meeting = self.meeting()
        self.setWindowTitle(f"Minutes of meeting {meeting.number}")
        self.heading.setText(
            f"Minutes of meeting {meeting.number}: {meeting.title} — {meeting.date.isoformat()}"
        )
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.pdf = self.session.minutes_pdf(self.meeting_id)
            pending = self.session.sides_to_sign(self.meeting_id)
        except ReviewError as error:
            self.pdf = b""
            pending = []
            self.state.setText(error.message)
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._load(self.pdf)
        parties = self.session.parties()
        signed = meeting.status is MeetingStatus.SIGNED
        if signed:
            self.state.setText(
                "Signed by both sides: this is the stored signed PDF, exported byte for byte. "
                "A correction is made as an amendment."
            )
        elif self.pdf:
            waiting = ", ".join(parties[s].name for s in pending)
            self.state.setText(
                f"Closed. This preview is exactly the PDF that will be signed. "
                f"Still to sign: {waiting}."
            )
        for side, button in self.sign_buttons.items():
            button.setEnabled(bool(self.pdf) and side in pending)
        self.export_button.setEnabled(bool(self.pdf))
        self.send_button.setEnabled(signed and bool(self.pdf))
        self.amend_button.setEnabled(signed)

    def _load(self, pdf: bytes) -> None:
        self.document.close()
        if not pdf:
            return
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    def page_count(self) -> int:
        return self.document.pageCount()

    # --- sign-off ------------------------------------------------------------------------

    def eligible(self, side: Side) -> list[Person]:
        """The people of `side` recorded as present: the only ones who may sign for it."""
        present = {
            a.person_id
            for a in self.session.attendance(self.meeting_id)
            if a.status is AttendanceStatus.PRESENT and a.person_id
        }
        return [p for p in self.session.people() if p.side is side and p.id in present]

    def sign(self, side: Side) -> None:
        party = self.session.parties()[side].name
        people = self.eligible(side)
        if not people:
            QMessageBox.warning(
                self,
                "No one to sign",
                f"No one of {party} is recorded as present: record the attendance first.",
            )
            return
        dialog = SignOffDialog(people, side, party, self.session.keeps_key, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.sign_with(
                    dialog.person_id(), *dialog.key_choice(), repeat=dialog.repeat.text()
                )
            except ReviewError as error:
                dialog.show_error(error.message)
                continue
            self.refresh()
            self.signed_off.emit(self.meeting_id)
            return

    def sign_with(
        self, person_id: str, choice: str, path: str, passphrase: str, repeat: str = ""
    ) -> Meeting:
        """Sign for the person's side with the key chosen; nothing is kept if anything fails."""
        now = self.session.now().astimezone().replace(microsecond=0, tzinfo=None)
        identity = self.session.signing_identity(person_id, choice, path, passphrase, repeat)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            meeting = self.session.sign_minutes(self.meeting_id, person_id, identity, now)
        finally:
            QGuiApplication.restoreOverrideCursor()
        return meeting

    # --- amendment -------------------------------------------------------------------------

    def _on_amend_clicked(self) -> None:
        meeting = self.meeting()
        answer = QMessageBox.question(
            self,
            "Amend the signed minutes",
            f"Start revision {meeting.revision + 1} of meeting {meeting.number}? It copies the "
            "signed record to correct and needs its own sign-off; the signed minutes stay "
            "exactly as they are.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.amend()

    def amend(self) -> Meeting | None:
        """Start the amendment and hand it to the window to edit."""
        try:
            amendment = self.session.amend_minutes(self.meeting_id)
        except ReviewError as error:
            QMessageBox.warning(self, "Cannot amend", error.message)
            return None
        self.amendment_started.emit(amendment.id)
        self.accept()
        return amendment

    # --- export and send -------------------------------------------------------------------

    def default_name(self) -> str:
        partnership = self.session.partnership
        return file_stem(partnership.name if partnership else "minutes", self.meeting()) + ".pdf"

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export minutes", str(Path.home() / self.default_name()), "PDF (*.pdf)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        try:
            write_atomically(path, self.pdf)
        except OSError as error:
            QMessageBox.warning(
                self, "Not exported", f"{path} could not be written: {error.strerror}."
            )
            return False
        return True

    def _on_send_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the minutes and e-mail")
        if folder and self.send_to(Path(folder)):
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def send_to(self, folder: Path) -> list[Path] | None:
        """Write the signed PDF and an e-mail draft to both sides' attendees into `folder`."""
        meeting = self.meeting()
        partnership = self.session.partnership
        name = partnership.name if partnership else ""
        pdf_path = folder / self.default_name()
        eml_path = pdf_path.with_suffix(".eml")
        present = {
            a.person_id
            for a in self.session.attendance(self.meeting_id)
            if a.status is AttendanceStatus.PRESENT
        }
        attendees = [p for p in self.session.people() if p.id in present]
        try:
            draft = minutes_email(name, meeting, attendees, self.pdf, pdf_path.name)
            write_atomically(pdf_path, self.pdf)
            write_atomically(eml_path, draft)
        except ReviewError as error:
            QMessageBox.warning(self, "Not sent", error.message)
            return None
        except OSError as error:
            QMessageBox.warning(
                self, "Not sent", f"{folder} cannot be written to: {error.strerror}."
            )
            return None
        return [pdf_path, eml_path]
