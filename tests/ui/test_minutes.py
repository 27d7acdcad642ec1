"""The minutes dialog: the exact PDF previewed, both sides signing in the app, export and send."""

from __future__ import annotations

import email
import hashlib
from email import policy
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.errors import ReviewError
from core.model import AttendanceStatus, MeetingStatus, Person, Side
from core.signatures import create_identity, load_identity
from core.verification import verify_minutes
from storage import backups, repository
from storage.minutes import known_certificates, latest_with_minutes, stored_pdf
from ui.keys import ConfirmCertificateDialog
from ui.main_window import MainWindow
from ui.minutes import MinutesDialog, receive_signed_file
from ui.session import KeyChoice, Session

PASSPHRASE = "a long passphrase"


@pytest.fixture(autouse=True)
def own_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys the dialog creates go to this test's own user data folder."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


def _open(qtbot: QtBot, session: Session, meeting_id: str) -> MinutesDialog:
    dialog = MinutesDialog(session, meeting_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready)
    return dialog


def _held_meeting(session: Session) -> str:
    """The demo's draft meeting, held and ended, with its first two people of each side present."""
    draft = next(m for m in session.meetings() if m.status is MeetingStatus.DRAFT)
    for side in Side:
        for person in [p for p in session.people() if p.side is side][:2]:
            session.set_attendance(draft.id, person.id, AttendanceStatus.PRESENT)
    session.start_meeting(draft.id)
    session.end_meeting(draft.id)
    return draft.id


def test_signed_minutes_preview_is_the_stored_pdf(qtbot: QtBot, demo_session: Session) -> None:
    """A signed meeting shows its stored PDF: pages rendered, nothing left to sign, send on."""
    meeting = latest_with_minutes(demo_session._db)
    dialog = _open(qtbot, demo_session, meeting.id)
    assert dialog.page_count() >= 5
    assert dialog.pdf == stored_pdf(demo_session._db, meeting.id)
    assert not any(b.isEnabled() for b in dialog.sign_buttons.values())
    assert dialog.send_button.isEnabled()
    assert "Signed by both sides" in dialog.state.text()


def test_send_writes_the_signed_pdf_and_an_email_draft(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """Send: the PDF byte for byte and an .eml with it attached, to both sides' attendees and
    to the owners of the meeting's new commitments who were not there."""
    meeting = latest_with_minutes(demo_session._db)
    dialog = _open(qtbot, demo_session, meeting.id)
    written = dialog.send_to(tmp_path)
    assert written is not None
    pdf_path, eml_path = written
    assert "meeting-024" in pdf_path.name and pdf_path.suffix == ".pdf"
    assert pdf_path.read_bytes() == stored_pdf(demo_session._db, meeting.id)
    message = email.message_from_bytes(eml_path.read_bytes(), policy=policy.default)
    present = [
        a.person_id
        for a in demo_session.attendance(meeting.id)
        if a.status is AttendanceStatus.PRESENT
    ]
    sides = {repository.person(demo_session._db, pid).side for pid in present}
    assert sides == {Side.ENTERPRISE, Side.PARTNER}
    owners_away = {a.owner_id for a in demo_session.commitments(meeting.id)} - set(present)
    assert owners_away  # the demo's meeting has some: they are told by the minutes
    to = str(message["To"])
    assert to.count("@") == len(present) + len(owners_away)
    for owner in owners_away:
        assert repository.person(demo_session._db, owner).email in to
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == pdf_path.read_bytes()


def _key_file(session: Session, person: Person, folder: Path, *, register: bool = True) -> Path:
    """A key file of the person's own, brought for the signature; its certificate registered
    on purpose first (as the sides exchange them), unless asked not to."""
    data = create_identity(
        person.name, person.email or "someone@example.org", person.side.value, "Org", PASSPHRASE
    )
    path = folder / f"{person.id}.p12"
    path.write_bytes(data)
    if register:
        session.register_certificate(person.id, load_identity(data, PASSPHRASE).certificate_pem)
    return path


def _kept_keys(user_data: Path) -> list[str]:
    return sorted(p.name for p in user_data.rglob("*.p12"))


def test_both_sides_sign_in_the_app(
    qtbot: QtBot, demo_session: Session, tmp_path: Path, own_user_data: Path
) -> None:
    """The enterprise's signatory signs with their own key (My signing key), the partner's with
    a key file they brought: the meeting is signed, the exported PDF verifies against the
    registered certificates, and the only key on this computer is the user's own."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    assert all(b.isEnabled() for b in dialog.sign_buttons.values())
    assert not dialog.send_button.isEnabled()
    enterprise = dialog.eligible(Side.ENTERPRISE)[0]
    pem = demo_session.create_my_key(
        enterprise.name, "me@halden.example", Side.ENTERPRISE, "Halden", PASSPHRASE, PASSPHRASE
    )
    demo_session.register_certificate(enterprise.id, pem)
    dialog.sign_with(enterprise.id, KeyChoice("mine", PASSPHRASE))
    dialog.refresh()
    assert not dialog.sign_buttons[Side.ENTERPRISE].isEnabled()
    assert dialog.sign_buttons[Side.PARTNER].isEnabled()

    partner = dialog.eligible(Side.PARTNER)[0]
    brought = _key_file(demo_session, partner, tmp_path)
    dialog.sign_with(partner.id, KeyChoice("file", PASSPHRASE, str(brought)))
    dialog.refresh()
    assert demo_session.meeting(meeting_id).status is MeetingStatus.SIGNED
    assert dialog.send_button.isEnabled()
    out = tmp_path / "minutes.pdf"
    assert dialog.export_to(out)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == (
        demo_session.meeting(meeting_id).minutes_sha256
    )
    assert verify_minutes(out.read_bytes(), known_certificates(demo_session._db)).ok
    blob = demo_session._db.execute(
        "SELECT group_concat(certificate_pem) FROM signatory_certificate"
    )
    assert "PRIVATE KEY" not in (blob.fetchone()[0] or "")
    assert _kept_keys(own_user_data) == ["my-signing-key.p12"]


@pytest.mark.parametrize(
    ("key", "words"),
    [
        (KeyChoice("file", PASSPHRASE, ""), "Choose the key file"),
        (KeyChoice("mine", PASSPHRASE), "no signing key"),
        (KeyChoice("token", "1234", ""), "PKCS#11 module"),
        (KeyChoice("file", PASSPHRASE, "unregistered"), "not registered"),
        (KeyChoice("file", "not the passphrase", "registered"), "passphrase does not open"),
    ],
    ids=["no-file", "no-key-of-my-own", "no-token-module", "unregistered", "wrong-passphrase"],
)
def test_sign_off_mistakes_change_nothing(
    qtbot: QtBot, demo_session: Session, tmp_path: Path, own_user_data: Path, key: KeyChoice,
    words: str,
) -> None:  # fmt: skip
    """Each mistake: one message, no sign-off, no key kept, the meeting still closed. A key
    whose certificate nobody registered cannot sign, even in its holder's name."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    person = dialog.eligible(Side.ENTERPRISE)[0]
    if key.path in ("unregistered", "registered"):
        path = _key_file(demo_session, person, tmp_path, register=key.path == "registered")
        key = KeyChoice(key.source, key.secret, str(path))
    before = demo_session.meeting(meeting_id)
    with pytest.raises(ReviewError, match=words):
        dialog.sign_with(person.id, key)
    assert repository.sign_offs(demo_session._db, meeting_id) == []
    assert _kept_keys(own_user_data) == []
    assert demo_session.meeting(meeting_id) == before


def test_a_key_made_in_someone_elses_name_cannot_sign_for_them(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """The forgery: a new key in the partner signatory's name, on the facilitator's laptop.
    Its certificate is not the one registered for them, so it signs nothing, and signing
    never registers it."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    partner = dialog.eligible(Side.PARTNER)[0]
    (tmp_path / "real").mkdir()
    _key_file(demo_session, partner, tmp_path / "real")  # the partner's own, registered
    forged = _key_file(demo_session, partner, tmp_path, register=False)
    registered = demo_session.signatory_certificates()
    with pytest.raises(ReviewError, match="not registered"):
        dialog.sign_with(partner.id, KeyChoice("file", PASSPHRASE, str(forged)))
    assert demo_session.signatory_certificates() == registered
    assert repository.sign_offs(demo_session._db, meeting_id) == []


def test_wrong_passphrase_after_a_change_leaves_the_earlier_sign_off(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """A key file opens only with its holder's passphrase; a failed attempt changes nothing."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    person = dialog.eligible(Side.ENTERPRISE)[0]
    path = _key_file(demo_session, person, tmp_path)
    dialog.sign_with(person.id, KeyChoice("file", PASSPHRASE, str(path)))
    item = demo_session.items(meeting_id)[0]
    demo_session.save_notes(item.id, "Changed after the first sign-off")
    with pytest.raises(ReviewError, match="passphrase does not open"):
        dialog.sign_with(person.id, KeyChoice("file", "not the passphrase", str(path)))
    sign_offs = repository.sign_offs(demo_session._db, meeting_id)
    assert len(sign_offs) == 1  # the earlier (now withdrawn-to-be) sign-off is left as it was


def test_send_for_signature_then_receive_the_signed_copy(
    qtbot: QtBot, demo_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The partner signs elsewhere: the dialog writes the file to sign, the partner signs it
    with a key this app never saw (only its certificate, registered after the fingerprint was
    confirmed), and receiving it records the sign-off; the enterprise then signs here."""
    from core.signatures import sign as sign_pdf

    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    to_sign = tmp_path / "to sign.pdf"
    assert dialog.send_for_signature_to(to_sign)
    partner = dialog.eligible(Side.PARTNER)[0]
    elsewhere = create_identity(partner.name, "p@brightline.example", "partner", "B", PASSPHRASE)
    identity = load_identity(elsewhere, PASSPHRASE)
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(sign_pdf(to_sign.read_bytes(), identity, "partner", reason="Approved"))
    confirmed: list[str] = []

    def confirm(self: ConfirmCertificateDialog) -> int:
        confirmed.append(self.person_id())
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ConfirmCertificateDialog, "exec", confirm)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    meeting = receive_signed_file(dialog, demo_session, signed)
    assert confirmed == [partner.id]
    assert meeting is not None and meeting.status is MeetingStatus.CLOSED
    assert demo_session.sides_to_sign(meeting_id) == [Side.ENTERPRISE]
    enterprise = dialog.eligible(Side.ENTERPRISE)[0]
    dialog.sign_with(
        enterprise.id,
        KeyChoice("file", PASSPHRASE, str(_key_file(demo_session, enterprise, tmp_path))),
    )
    assert demo_session.meeting(meeting_id).status is MeetingStatus.SIGNED
    final = demo_session.minutes_pdf(meeting_id)
    assert final.startswith(signed.read_bytes())
    assert verify_minutes(final, known_certificates(demo_session._db)).ok


def test_file_minutes_opens_the_latest_and_amend_opens_revision_two(
    qtbot: QtBot, settings: QSettings, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File ▸ Minutes (Ctrl+M) shows the newest signed minutes; Amend starts revision 2 of that
    meeting, opened in the window to correct, and leaves the signed one as it was."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    window.show()
    qtbot.waitExposed(window)
    assert window.session is not None
    latest = latest_with_minutes(window.session._db)
    assert window.minutes_meeting() == latest
    assert window.minutes_action.shortcut().toString() == "Ctrl+M"
    opened: list[MinutesDialog] = []

    def exec_amend(dialog: MinutesDialog) -> int:
        opened.append(dialog)
        dialog.amend()
        return 0

    monkeypatch.setattr(MinutesDialog, "exec", exec_amend)
    window.minutes_action.trigger()
    assert opened and opened[0].meeting_id == latest.id
    page = window.meeting_page
    assert page is not None and page.meeting is not None
    assert (page.meeting.number, page.meeting.revision) == (latest.number, 2)
    assert page.meeting.amends_id == latest.id
    assert window.session.meeting(latest.id) == latest


def test_a_meeting_signed_while_open_is_read_only_everywhere_at_once(
    qtbot: QtBot,
    settings: QSettings,
    demo_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Notes typed just before File ▸ Minutes are saved into the minutes; once both sides sign
    in the dialog, the meeting on screen says Signed and accepts no edit it could never save
    (notes, decisions, attendance, the review), and closing the window warns of nothing."""
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert window.open_database(demo_path)
    window.show()
    qtbot.waitExposed(window)
    session = window.session
    assert session is not None
    meeting_id = _held_meeting(session)
    window.open_meeting(meeting_id)
    page = window.meeting_page
    assert page is not None
    page.notes.moveCursor(page.notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.notes, " Typed a moment before signing")
    assert page.notes.has_unsaved
    signed_text: list[str] = []

    def exec_sign(dialog: MinutesDialog) -> int:
        signed_text.extend(i.notes for i in session.items(meeting_id))
        for side in Side:
            person = dialog.eligible(side)[0]
            path = _key_file(session, person, tmp_path)
            dialog.sign_with(person.id, KeyChoice("file", PASSPHRASE, str(path)))
        return 0

    monkeypatch.setattr(MinutesDialog, "exec", exec_sign)
    window.minutes_action.trigger()
    assert any("Typed a moment before signing" in text for text in signed_text)
    assert session.meeting(meeting_id).status is MeetingStatus.SIGNED
    assert page.meeting is not None and page.meeting.status is MeetingStatus.SIGNED
    assert page.status.text() == "Signed"
    assert page.notes.isReadOnly() and not page.notes.has_unsaved
    assert not page.attendance_button.isEnabled()
    assert not window.decision_action.isEnabled()
    assert not window.attendance_action.isEnabled()
    assert not window.commitment_action.isEnabled()
    assert window.undo_stack.count() == 0
    page.go_to(
        next(
            i
            for i, item in enumerate(page.rail_model.items())
            if item.kind.value == "action_review"
        )
    )
    assert not page.review_view.isEnabled()
    assert page.notes.flush()
    # The newest automatic backups were taken as the meeting ended and as it was signed.
    taken = [b.name.split("-", 3)[-1] for b in backups.automatic_backups(demo_path)[:2]]
    assert taken == ["signed.db", "meeting-ended.db"]
    newest = backups.backup_contents(backups.automatic_backups(demo_path)[0])
    assert newest.latest is not None and newest.latest[0] == page.meeting.number
    assert newest.latest[3] == "signed"


def test_export_confirms_and_the_next_dialog_opens_in_the_same_folder(
    qtbot: QtBot, demo_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Export says where it wrote the file; the next file dialog of the minutes (export, send
    for signature, receive) starts in that folder, remembered in the settings."""
    from PySide6.QtWidgets import QFileDialog

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    meeting = latest_with_minutes(demo_session._db)
    dialog = MinutesDialog(demo_session, meeting.id, None, settings)
    qtbot.addWidget(dialog)
    folder = tmp_path / "board pack"
    folder.mkdir()
    offered: list[str] = []

    def save_as(_parent: object, _title: str, start: str, _filter: str) -> tuple[str, str]:
        offered.append(start)
        return str(folder / "minutes.pdf"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    dialog._on_export_clicked()
    assert (folder / "minutes.pdf").read_bytes() == dialog.pdf
    assert dialog.state.text() == f"Exported to {folder / 'minutes.pdf'}."
    dialog._on_export_clicked()
    assert Path(offered[0]).parent == Path.home()
    assert Path(offered[1]).parent == folder


def test_the_sign_off_proposes_who_can_sign_first(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """The holder of this computer's own key comes first, then anyone with a registered
    certificate, then the others: never a person without a key before one with."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    present = dialog.eligible(Side.ENTERPRISE)
    assert len(present) == 2
    first, second = present
    _key_file(demo_session, second, tmp_path)  # only the second has a registered certificate
    assert dialog.signatories_first(present) == [second, first]
    pem = demo_session.create_my_key(
        first.name, "me@halden.example", Side.ENTERPRISE, "Halden", PASSPHRASE, PASSPHRASE
    )
    demo_session.register_certificate(first.id, pem)
    assert dialog.signatories_first(present) == [first, second]
