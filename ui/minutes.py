"""The minutes of a meeting: the exact PDF previewed, signed off by each side, exported, sent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QKeySequence, QPalette
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

from core.distribution import file_stem, minutes_email, minutes_recipients
from core.errors import ReviewError
from core.exports import write_atomically
from core.model import AttendanceStatus, Meeting, MeetingStatus, Person, Side
from core.signatures import certificate_fingerprint
from ui import palette
from ui.design import SPACE
from ui.field_error import FieldError
from ui.folders import last_folder, remember_folder
from ui.icons import icon
from ui.session import KeyChoice, Session

if TYPE_CHECKING:
    from core.exchange import ImportResult as ImportedMinutes


class KeyChooser(QWidget):
    """Which of the signer's own keys signs, and its passphrase or PIN: theirs on this
    computer, a key file brought for this signature, or a token; and a timestamp authority."""

    def __init__(
        self, my_certificate: str | None, parent: QWidget | None = None, timestamp_url: str = ""
    ) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.form = form
        self.use_mine = QRadioButton(
            f"My signing key ({my_certificate})" if my_certificate else "My signing key (none)"
        )
        self.use_mine.setEnabled(my_certificate is not None)
        self.use_file = QRadioButton("A key file they brought (.p12, .pfx)")
        self.use_token = QRadioButton("A smart card or USB token (PKCS#11)")
        group = QButtonGroup(self)
        key_box = QVBoxLayout()
        for button in (self.use_mine, self.use_file, self.use_token):
            group.addButton(button)
            key_box.addWidget(button)
        self.file_line = QLineEdit()
        self.file_line.setPlaceholderText("The key file, or the token's PKCS#11 module (.so)")
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_line, 1)
        file_row.addWidget(self.browse)
        key_box.addLayout(file_row)
        self.token_label = QLineEdit()
        self.token_label.setPlaceholderText("The token's label, as printed or set up")
        key_box.addWidget(self.token_label)
        form.addRow("Key:", key_box)
        self.secret_label = QLabel("&Passphrase:")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_label.setBuddy(self.secret)
        form.addRow(self.secret_label, self.secret)
        self.tsa = QLineEdit(timestamp_url)
        self.tsa.setPlaceholderText("Optional: a timestamp authority's URL (RFC 3161)")
        self.tsa.setToolTip(
            "With a timestamp authority the signing time is the authority's word, not only "
            "the signer's clock (PAdES B-T). Needs the network."
        )
        form.addRow("&Timestamp:", self.tsa)
        group.buttonToggled.connect(self._on_key_choice_toggled)
        (self.use_mine if my_certificate else self.use_file).setChecked(True)
        self._on_key_choice_toggled()

    def _on_key_choice_toggled(self, *_: object) -> None:
        token = self.use_token.isChecked()
        brought = token or self.use_file.isChecked()
        self.file_line.setEnabled(brought)
        self.browse.setEnabled(brought)
        self.token_label.setVisible(token)
        self.secret_label.setText("&PIN:" if token else "&Passphrase:")

    def _on_browse_clicked(self) -> None:
        if self.use_token.isChecked():
            title, filters = "Token module", "PKCS#11 modules (*.so *.dylib *.dll);;All files (*)"
        else:
            title, filters = "Key file", "PKCS#12 files (*.p12 *.pfx);;All files (*)"
        path, _ = QFileDialog.getOpenFileName(self, title, str(Path.home()), filters)
        if path:
            self.file_line.setText(path)

    def key_choice(self) -> KeyChoice:
        tsa = self.tsa.text().strip() or None
        if self.use_mine.isChecked():
            return KeyChoice("mine", self.secret.text(), tsa=tsa)
        if self.use_token.isChecked():
            return KeyChoice(
                "token",
                self.secret.text(),
                self.file_line.text().strip(),
                self.token_label.text().strip(),
                tsa=tsa,
            )
        return KeyChoice("file", self.secret.text(), self.file_line.text().strip(), tsa=tsa)

    def forget_secret(self) -> None:
        self.secret.clear()
        self.secret.setFocus()


class SignOffDialog(QDialog):
    """One side's sign-off: who signs (present, of that side) and with which of their keys."""

    def __init__(
        self,
        people: list[Person],
        side: Side,
        party: str,
        my_certificate: str | None,
        parent: QWidget | None = None,
        timestamp_url: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign off for {party}")
        self.setMinimumWidth(560)
        self.side = side
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"A representative of <b>{party}</b> ({side.value}) who attended approves these "
            "minutes with <b>their own key</b>, whose certificate is registered with the "
            "partnership. A key file or token brought for this signature is used once: "
            "nothing of it is kept on this computer."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.signatory = QComboBox()
        for person in people:
            self.signatory.addItem(
                f"{person.name} — {person.role}" if person.role else person.name, person.id
            )
        self.key = KeyChooser(my_certificate, self, timestamp_url)
        self.key.form.insertRow(0, "&Signatory:", self.signatory)
        layout.addWidget(self.key)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = buttons.addButton("Sign", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def person_id(self) -> str:
        return str(self.signatory.currentData())

    def key_choice(self) -> KeyChoice:
        return self.key.key_choice()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.key.forget_secret()


class MinutesDialog(QDialog):
    """Preview the exact PDF of a closed or signed meeting; sign, export and send it."""

    signed_off = Signal(str)
    amendment_started = Signal(str)  # the new revision's meeting id

    def __init__(
        self,
        session: Session,
        meeting_id: str,
        parent: QWidget | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings  # remembers the timestamp authority's URL
        self.meeting_id = meeting_id
        self.pdf = b""
        self.resize(1100, 860)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("meetingTitle")
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
        # The pages on a quiet panel with room around them, as a reader shows paper.
        surround = self.view.palette()
        surround.setColor(QPalette.ColorRole.Dark, QColor(palette.PANEL))
        self.view.setPalette(surround)
        self.view.setDocumentMargins(QMargins(SPACE["l"], SPACE["l"], SPACE["l"], SPACE["l"]))
        self.view.setPageSpacing(SPACE["l"])
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.sign_buttons: dict[Side, QPushButton] = {}
        parties = session.parties()
        for side in Side:
            button = QPushButton(icon("sign"), f"Sign for {parties[side].name}…")
            button.clicked.connect(lambda _=False, s=side: self.sign(s))
            self.sign_buttons[side] = button
            row.addWidget(button)
        self.request_button = QPushButton(icon("send"), "Send for si&gnature…")
        self.request_button.setToolTip(
            "Write the minutes to sign elsewhere: the other side signs its field on its own "
            "computer (this app, pyHanko or any PDF reader that signs) and sends it back"
        )
        self.request_button.clicked.connect(self._on_request_clicked)
        row.addWidget(self.request_button)
        self.receive_button = QPushButton(icon("import"), "&Receive signed…")
        self.receive_button.setToolTip("Take back minutes signed elsewhere and record the sign-off")
        self.receive_button.clicked.connect(self._on_receive_clicked)
        row.addWidget(self.receive_button)
        row.addStretch(1)
        self.export_button = QPushButton(icon("export"), "&Export PDF…")
        self.export_button.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_button.clicked.connect(self._on_export_clicked)
        row.addWidget(self.export_button)
        self.send_button = QPushButton(icon("send"), "Se&nd minutes…")
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
        self.request_button.setEnabled(bool(self.pdf) and bool(pending))
        self.receive_button.setEnabled(bool(self.pdf) and bool(pending))
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
        url = str(self.settings.value("signing/tsa", "")) if self.settings is not None else ""
        dialog = SignOffDialog(
            self.signatories_first(people), side, party, self._my_key_holder(), self, url
        )
        while dialog.exec() == QDialog.DialogCode.Accepted:
            key = dialog.key_choice()
            try:
                self.sign_with(dialog.person_id(), key)
            except ReviewError as error:
                dialog.show_error(error.message)
                continue
            if self.settings is not None:
                self.settings.setValue("signing/tsa", key.tsa or "")
            self.refresh()
            self.signed_off.emit(self.meeting_id)
            return

    def signatories_first(self, people: list[Person]) -> list[Person]:
        """Those who can sign first: the holder of this computer's own key, then anyone with
        a registered certificate, then the others (who would need one registered)."""
        certificates = self.session.signatory_certificates()
        registered = {c.person_id for c in certificates}
        mine = self.session.my_certificate()
        own = certificate_fingerprint(mine) if mine is not None else None
        holders = {c.person_id for c in certificates if c.fingerprint == own}
        return sorted(people, key=lambda p: (p.id not in holders, p.id not in registered))

    def _my_key_holder(self) -> str | None:
        return my_key_holder()

    def sign_with(self, person_id: str, key: KeyChoice) -> Meeting:
        """Sign for the person's side with the key chosen; nothing is kept if anything fails."""
        now = self.session.now().astimezone().replace(microsecond=0, tzinfo=None)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            meeting = self.session.sign_minutes(self.meeting_id, person_id, key, now)
        finally:
            QGuiApplication.restoreOverrideCursor()
        return meeting

    # --- sign-off at a distance -----------------------------------------------------------

    def _on_request_clicked(self) -> None:
        name = self.default_name().removesuffix(".pdf") + " - to sign.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Send for signature",
            str(last_folder(self.settings, "minutes") / name),
            "PDF (*.pdf)",
        )
        if path:
            remember_folder(self.settings, "minutes", Path(path))
            self.send_for_signature_to(Path(path))

    def send_for_signature_to(self, path: Path) -> bool:
        """Write the minutes to be signed elsewhere; the signed copy is checked against them."""
        try:
            pdf = self.session.send_for_signature(self.meeting_id)
            write_atomically(path, pdf)
        except ReviewError as error:
            QMessageBox.warning(self, "Not sent for signature", error.message)
            return False
        except OSError as error:
            QMessageBox.warning(
                self, "Not sent for signature", f"{path} could not be written: {error.strerror}."
            )
            return False
        self.refresh()
        return True

    def _on_receive_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Receive signed minutes",
            str(last_folder(self.settings, "minutes")),
            "PDF (*.pdf)",
        )
        if path:
            remember_folder(self.settings, "minutes", Path(path))
            receive_signed_file(self, self.session, Path(path))
            self.refresh()

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
            self,
            "Export minutes",
            str(last_folder(self.settings, "minutes") / self.default_name()),
            "PDF (*.pdf)",
        )
        if path and self.export_to(Path(path)):
            remember_folder(self.settings, "minutes", Path(path))
            self.state.setText(f"Exported to {path}.")

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
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the minutes and e-mail", str(last_folder(self.settings, "minutes"))
        )
        if folder:
            remember_folder(self.settings, "minutes", Path(folder))
        if folder and self.send_to(Path(folder)):
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def send_to(self, folder: Path) -> list[Path] | None:
        """Write the signed PDF and an e-mail draft to both sides' attendees into `folder`."""
        meeting = self.meeting()
        partnership = self.session.partnership
        name = partnership.name if partnership else ""
        pdf_path = folder / self.default_name()
        eml_path = pdf_path.with_suffix(".eml")
        people = self.session.people()
        attendees = minutes_recipients(
            people,
            self.session.attendance(self.meeting_id),
            (a.owner_id for a in self.session.commitments(self.meeting_id)),
        )
        facilitator = next((p for p in people if p.id == meeting.facilitator_id), None)
        try:
            draft = minutes_email(
                name, meeting, attendees, self.pdf, pdf_path.name, facilitator, self.session.now()
            )
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


def receive_signed_file(parent: QWidget, session: Session, path: Path) -> Meeting | None:
    """Take back minutes signed elsewhere. A signature by a certificate nobody registered is
    not accepted; its fingerprint is shown, and it is registered only if the user confirms
    they compared it with its holder's, then the file is received again."""
    from core.received import UnknownCertificate
    from ui.keys import ConfirmCertificateDialog

    try:
        pdf = path.read_bytes()
    except OSError as error:
        QMessageBox.warning(parent, "Not received", f"{path} cannot be read: {error.strerror}.")
        return None
    for _ in range(2):
        try:
            meeting = session.receive_signed(pdf)
        except UnknownCertificate as unknown:
            people = [p for p in session.people() if p.side is unknown.side]
            confirm = ConfirmCertificateDialog(unknown, people, parent)
            if confirm.exec() != QDialog.DialogCode.Accepted:
                return None
            try:
                session.register_certificate(confirm.person_id(), unknown.certificate)
            except ReviewError as error:
                QMessageBox.warning(parent, "Not registered", error.message)
                return None
            continue
        except ReviewError as error:
            QMessageBox.warning(parent, "Not received", error.message)
            return None
        state = (
            "Both sides have signed: the minutes are frozen."
            if meeting.status is MeetingStatus.SIGNED
            else "One side has signed; the other's signature is still to come."
        )
        QMessageBox.information(
            parent, "Signed minutes received", f"Meeting {meeting.number}: {state}"
        )
        return meeting
    return None


def import_signed_files(parent: QWidget, session: Session, paths: list[Path]) -> int:
    """Import the other side's signed minutes into this copy, oldest first, one file after
    the other: each all or nothing. Signers this copy does not know are shown with their
    fingerprints; their certificates are registered only once the user says the holders
    confirmed them. Returns how many meetings were added."""
    added = 0
    said: list[str] = []
    failed = False
    for path in paths:
        result = _import_one(parent, session, path, said)
        if result is None:
            failed = True
            break
        added += 0 if result.already_present else 1
        said.append(f"{path.name}: {result.describe()}")
    if said:
        show = QMessageBox.warning if failed else QMessageBox.information
        show(parent, "Import signed minutes", "\n\n".join(said))
    return added


def _import_one(
    parent: QWidget, session: Session, path: Path, said: list[str]
) -> ImportedMinutes | None:
    """One file imported, asking to confirm unknown signers once; None (and why, in `said`)
    when it was not."""
    from core.exchange import UnknownSigners
    from ui.keys import ConfirmSignersDialog

    try:
        pdf = path.read_bytes()
    except OSError as error:
        said.append(f"{path.name}: cannot be read ({error.strerror}).")
        return None
    confirmed: list[str] = []
    while True:
        try:
            return session.import_minutes(pdf, confirmed)
        except UnknownSigners as unknown:
            if confirmed:  # confirmed, and still unknown: say so rather than ask again
                said.append(f"{path.name}: {unknown.message}")
                return None
            dialog = ConfirmSignersDialog(unknown.signers, parent)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                said.append(f"{path.name}: not imported (the signers were not confirmed).")
                return None
            confirmed = [s.fingerprint for s in unknown.signers]
        except ReviewError as error:
            said.append(f"{path.name}: {error.message}")
            return None


def my_key_holder() -> str | None:
    """Whose the user's own key is, as the key choice names it; None without one."""
    from core.certificates import certificate_holder
    from core.signatures import certificate_fingerprint, short_fingerprint
    from ui.session import my_key_certificate

    try:
        pem = my_key_certificate()
    except ReviewError:
        return None
    if pem is None:
        return None
    return f"{certificate_holder(pem)}, {short_fingerprint(certificate_fingerprint(pem))}"
