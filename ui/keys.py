"""The user's own signing key, and the partnership's register of signatories' certificates.

A key belongs to its holder: "My signing key…" creates or adopts the user's own, and exports
its certificate for the other side to register. A certificate is accepted for signatures only
once registered on purpose here, from a file or from a signed copy after its fingerprint was
compared with its holder's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.certificates import certificate_holder
from core.errors import ReviewError
from core.exchange import UnknownSigner
from core.exports import write_atomically
from core.model import Person, Side
from core.received import UnknownCertificate
from core.signatures import certificate_fingerprint, passphrase_problem, short_fingerprint
from ui.field_error import FieldError
from ui.icons import icon
from ui.session import Session


def _grouped(fingerprint: str) -> str:
    """A whole fingerprint in groups of four, two lines, as people read it aloud."""
    groups = [fingerprint[i : i + 4].upper() for i in range(0, len(fingerprint), 4)]
    return " ".join(groups[:8]) + "\n" + " ".join(groups[8:])


def _attempt(
    error: FieldError, refresh: Callable[[], None], operation: Callable[[], object]
) -> bool:
    """Run an operation the user asked for: its refusal shown in words, else the view renewed."""
    try:
        operation()
    except ReviewError as refused:
        error.setText(refused.message)
        return False
    error.setText("")
    refresh()
    return True


def _fingerprint_label(fingerprint: str) -> QLabel:
    label = QLabel(_grouped(fingerprint))
    label.setObjectName("fingerprint")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConfirmCertificateDialog(QDialog):
    """Register a certificate met in a signed copy: only after comparing its fingerprint with
    the one its holder reads out (by phone, in person), never on the file's word alone."""

    def __init__(
        self, unknown: UnknownCertificate, people: list[Person], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("A certificate nobody registered")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"This copy is signed in the {unknown.side.value} side's field by "
            f"<b>{unknown.signer or 'someone unnamed'}</b>, with a certificate not registered "
            "for this partnership. Anyone can make a certificate in any name: register it only "
            "if its holder confirms this fingerprint to you themselves."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(_fingerprint_label(unknown.fingerprint))
        form = QFormLayout()
        self.person = QComboBox()
        for person in people:
            self.person.addItem(person.name, person.id)
        match = self.person.findText(unknown.signer)
        if match >= 0:
            self.person.setCurrentIndex(match)
        form.addRow("&Holder:", self.person)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.register_button = buttons.addButton(
            "The holder confirmed it: &register", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.register_button.setEnabled(bool(people))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setFocus()

    def person_id(self) -> str:
        return str(self.person.currentData())


class ConfirmSignersDialog(QDialog):
    """Before importing minutes signed by certificates this copy does not know: each signer's
    fingerprint, to compare with the one its holder reads out; importing registers them."""

    def __init__(self, signers: list[UnknownSigner], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Signers this copy does not know")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "These minutes are signed with certificates this copy has not registered. Anyone "
            "can make a certificate in any name: import them only if each holder confirms "
            "their fingerprint to you themselves (by phone, in person)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for signer in signers:
            layout.addSpacing(8)
            who = QLabel(f"<b>{signer.signer}</b>, for the {signer.side} side:")
            layout.addWidget(who)
            layout.addWidget(_fingerprint_label(signer.fingerprint))
        layout.addSpacing(12)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(
            "The holders confirmed them: &import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setFocus()


class MySigningKeyDialog(QDialog):
    """The user's own key: create it or adopt a key file, and export its certificate."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("My signing key")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)

        self.create_form = QWidget()
        form = QFormLayout(self.create_form)
        form.setContentsMargins(0, 8, 0, 0)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.side = QComboBox()
        for side in Side:
            self.side.addItem(side.label, side)
        self.organisation = QLineEdit()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel()
        self.strength.setWordWrap(True)
        self.strength.setObjectName("hint")
        form.addRow("&Your name:", self.name)
        form.addRow("&E-mail:", self.email)
        form.addRow("&Side:", self.side)
        form.addRow("&Organisation:", self.organisation)
        form.addRow("&Passphrase:", self.passphrase)
        form.addRow("", self.strength)
        form.addRow("&Repeat it:", self.repeat)
        layout.addWidget(self.create_form)
        self.error = FieldError()
        layout.addWidget(self.error)

        row = QHBoxLayout()
        self.create_button = QPushButton(icon("key"), "&Create my key")
        self.create_button.clicked.connect(self._on_create_clicked)
        self.adopt_button = QPushButton("&Use a key file I have…")
        self.adopt_button.clicked.connect(self._on_adopt_clicked)
        self.export_button = QPushButton(icon("export"), "E&xport my certificate…")
        self.export_button.setToolTip("The certificate to give the other side to register")
        self.export_button.clicked.connect(self._on_export_clicked)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for button in (self.create_button, self.adopt_button, self.export_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.passphrase.textChanged.connect(self._on_passphrase_edited)
        self._prefill()
        self.refresh()

    def _prefill(self) -> None:
        party = self.session.parties().get(Side.ENTERPRISE)
        if party is not None:
            self.organisation.setText(party.name)

    def refresh(self) -> None:
        pem = self.session.my_certificate()
        has_key = pem is not None
        if pem is None:
            self.summary.setText(
                "You have no signing key on this computer yet. Create one: it stays in your "
                "user data folder, protected by your passphrase, and never leaves it. Then "
                "export its certificate and give it to the partnership's other side to "
                "register."
            )
        else:
            fingerprint = _grouped(certificate_fingerprint(pem)).replace("\n", "<br>")
            self.summary.setText(
                f"Your signing key belongs to <b>{certificate_holder(pem)}</b>.<br>"
                "Certificate fingerprint (SHA-256):<br>"
                f"<tt>{fingerprint}</tt><br>"
                "Give the certificate to the other side, and read them this fingerprint "
                "when they register it."
            )
        self.create_form.setVisible(not has_key)
        self.create_button.setVisible(not has_key)
        self.adopt_button.setVisible(not has_key)
        self.export_button.setEnabled(has_key)

    def _on_passphrase_edited(self, text: str) -> None:
        problem = passphrase_problem(text, (self.name.text(), self.email.text())) if text else ""
        self.strength.setText(problem or ("Strong enough." if text else ""))

    def _on_create_clicked(self) -> None:
        self.create_key()

    def create_key(self) -> bool:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return _attempt(
                self.error,
                self.refresh,
                lambda: self.session.create_my_key(
                    self.name.text(),
                    self.email.text(),
                    Side(self.side.currentData()),
                    self.organisation.text(),
                    self.passphrase.text(),
                    self.repeat.text(),
                ),
            )
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _on_adopt_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Your key file", str(Path.home()), "PKCS#12 files (*.p12 *.pfx);;All files (*)"
        )
        if not path:
            return
        passphrase, ok = QInputDialog.getText(
            self, "Your key file", "Its passphrase:", QLineEdit.EchoMode.Password
        )
        if ok:
            self.adopt_key(path, passphrase)

    def adopt_key(self, path: str, passphrase: str) -> bool:
        return _attempt(
            self.error, self.refresh, lambda: self.session.use_key_file_as_mine(path, passphrase)
        )

    def _on_export_clicked(self) -> None:
        pem = self.session.my_certificate()
        if pem is None:
            return
        name = certificate_holder(pem).replace(" ", "-").lower() or "my"
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export my certificate",
            str(Path.home() / f"{name}-certificate.pem"),
            "Certificates (*.pem *.cer)",
        )
        if path:
            self.export_certificate(Path(path))

    def export_certificate(self, path: Path) -> bool:
        pem = self.session.my_certificate()
        if pem is None:
            return False
        try:
            write_atomically(path, pem)
        except OSError as error:
            QMessageBox.warning(
                self, "Not exported", f"{path} could not be written: {error.strerror}."
            )
            return False
        return True


class CertificatesDialog(QDialog):
    """The partnership's register: each signatory's certificates and each side's authority."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Signatories' certificates")
        self.resize(1180, 440)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Signatures are accepted only from the certificates registered here (or issued by "
            "a side's registered company authority). Register a certificate only when its "
            "holder has confirmed its fingerprint to you."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Holder", "Side", "Fingerprint", "Registered"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        # A fingerprint too long for the width keeps both ends, the groups people compare
        # first; the whole of it is in the tooltip.
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.person = QComboBox()
        for person in session.people():
            self.person.addItem(f"{person.name} ({person.side.value})", person.id)
        form.addRow("For &signatory:", self.person)
        layout.addLayout(form)
        self.error = FieldError()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        add = QPushButton(icon("add"), "&Add a certificate…")
        add.clicked.connect(self._on_add_clicked)
        authority = QPushButton(icon("certificate"), "Add a company &authority…")
        authority.clicked.connect(self._on_authority_clicked)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row.addWidget(add)
        row.addWidget(authority)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        people = {p.id: p.name for p in self.session.people()}
        rows = [
            (people.get(c.person_id, "?"), c.side.value, c.fingerprint, c.added_at)
            for c in self.session.signatory_certificates()
        ] + [
            ("Company authority", a.side.value, a.fingerprint, a.added_at)
            for a in self.session.signing_authorities()
        ]
        self.table.setRowCount(len(rows))
        for index, (holder, side, fingerprint, added) in enumerate(rows):
            cells = [holder, side, _grouped(fingerprint).replace("\n", " "), f"{added:%Y-%m-%d}"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(_grouped(fingerprint).replace("\n", " "))
                self.table.setItem(index, column, item)

    def _choose_certificate(self, title: str) -> bytes | None:
        path, _ = QFileDialog.getOpenFileName(
            self, title, str(Path.home()), "Certificates (*.pem *.cer *.crt *.der);;All files (*)"
        )
        if not path:
            return None
        try:
            return Path(path).read_bytes()
        except OSError as error:
            self.error.setText(f"{path} cannot be read: {error.strerror}.")
            return None

    def _on_add_clicked(self) -> None:
        data = self._choose_certificate("A signatory's certificate")
        if data is not None and self._confirmed(data):
            self.add_certificate(str(self.person.currentData()), data)

    def _confirmed(self, data: bytes) -> bool:
        try:
            fingerprint = certificate_fingerprint(data)
        except ReviewError as error:
            self.error.setText(error.message)
            return False
        answer = QMessageBox.question(
            self,
            "Register this certificate?",
            f"Fingerprint (SHA-256):\n{_grouped(fingerprint)}\n\n"
            f"Did its holder confirm it ({short_fingerprint(fingerprint)}…)?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def add_certificate(self, person_id: str, data: bytes) -> bool:
        return _attempt(
            self.error, self.refresh, lambda: self.session.register_certificate(person_id, data)
        )

    def _on_authority_clicked(self) -> None:
        data = self._choose_certificate("A side's company authority")
        if data is None or not self._confirmed(data):
            return
        labels = [side.label for side in Side]
        label, ok = QInputDialog.getItem(
            self, "A side's company authority", "It issues the certificates of:", labels, 0, False
        )
        if ok:
            self.add_authority(Side(list(Side)[labels.index(label)]), data)

    def add_authority(self, side: Side, data: bytes) -> bool:
        return _attempt(
            self.error, self.refresh, lambda: self.session.register_authority(side, data)
        )


class SignSentMinutesDialog(QDialog):
    """Sign minutes the other side sent for signature, on this computer, with one's own key:
    the app's own copy of the round trip (`main.py sign`), no database needed."""

    def __init__(
        self, my_key_holder: str | None, parent: QWidget | None = None, timestamp_url: str = ""
    ) -> None:
        from ui.minutes import KeyChooser  # the sign-off dialog's choice of key

        super().__init__(parent)
        self.setWindowTitle("Sign minutes sent to me")
        self.setMinimumWidth(600)
        self.pdf = b""
        self.signed_by = ""
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("The minutes sent to you for signature (.pdf)")
        self.path.setReadOnly(True)
        browse = QPushButton("&Choose the PDF…")
        browse.clicked.connect(self._on_choose_clicked)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.what = QLabel("Choose the PDF to see what it is before signing.")
        self.what.setWordWrap(True)
        layout.addWidget(self.what)
        self.key = KeyChooser(my_key_holder, self, timestamp_url)
        self.key.use_file.setText("A key file of mine (.p12, .pfx)")
        layout.addWidget(self.key)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = buttons.addButton(
            "&Sign and save…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_button.setEnabled(False)
        buttons.accepted.connect(self._on_sign_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _on_choose_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Minutes to sign", str(Path.home()), "PDF (*.pdf)"
        )
        if path:
            self.choose(Path(path))

    def choose(self, path: Path) -> bool:
        """Read the PDF and say what it is; nothing is signed yet."""
        from ui.session import document_to_sign

        try:
            pdf = path.read_bytes()
            document = document_to_sign(pdf)
        except OSError as error:
            self.error.setText(f"{path} cannot be read: {error.strerror}.")
            return False
        except ReviewError as error:
            self.error.setText(error.message)
            return False
        self.error.setText("")
        self.pdf = pdf
        self.path.setText(str(path))
        waiting = ", ".join(document.empty_fields) or "none"
        self.what.setText(
            f"These are {document.describe()}.<br>Content SHA-256: "
            f"<tt>{document.content_hash}</tt><br>Signatures still to add: {waiting}."
        )
        self.sign_button.setEnabled(bool(document.empty_fields))
        return True

    def _on_sign_clicked(self) -> None:
        source = Path(self.path.text())
        out, _ = QFileDialog.getSaveFileName(
            self,
            "Save the signed minutes",
            str(source.with_name(source.stem + "-signed.pdf")),
            "PDF (*.pdf)",
        )
        if out:
            self.sign_to(Path(out))

    def sign_to(self, out: Path) -> bool:
        """Sign with the key chosen and write the signed copy to send back."""
        from ui.session import sign_file

        if out.resolve() == Path(self.path.text()).resolve():
            self.error.setText("Save the signed copy as a new file: the one sent stays as it is.")
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            signed, self.signed_by = sign_file(self.pdf, self.key.key_choice())
            write_atomically(out, signed)
        except ReviewError as error:
            self.error.setText(error.message)
            self.key.forget_secret()
            return False
        except OSError as error:
            self.error.setText(f"{out} could not be written: {error.strerror}.")
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()
        return True
