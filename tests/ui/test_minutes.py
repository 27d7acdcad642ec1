"""The minutes dialog: the exact PDF previewed, both sides signing in the app, export and send."""

from __future__ import annotations

import email
import hashlib
from email import policy
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from core.errors import ReviewError
from core.model import AttendanceStatus, MeetingStatus, Side
from core.signatures import create_identity
from core.verification import verify_minutes
from storage import backups, repository
from storage.keys import key_file
from storage.minutes import known_certificates, latest_with_minutes, stored_pdf
from ui.main_window import MainWindow
from ui.minutes import MinutesDialog
from ui.session import Session

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
    """Send: the PDF byte for byte and an .eml to both sides' attendees with it attached."""
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
    assert str(message["To"]).count("@") == len(present)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content() == pdf_path.read_bytes()


def test_both_sides_sign_in_the_app(
    qtbot: QtBot, demo_session: Session, tmp_path: Path, own_user_data: Path
) -> None:
    """Enterprise creates a key in the app, partner signs with a PKCS#12 file of their own:
    the meeting is signed, the exported PDF verifies against the partnership's certificates,
    and the created key sits in the user data folder, not in the database."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    assert all(b.isEnabled() for b in dialog.sign_buttons.values())
    assert not dialog.send_button.isEnabled()
    enterprise = dialog.eligible(Side.ENTERPRISE)[0]
    dialog.sign_with(enterprise.id, "create", "", PASSPHRASE, repeat=PASSPHRASE)
    dialog.refresh()
    assert key_file(enterprise.id).is_file()
    assert not dialog.sign_buttons[Side.ENTERPRISE].isEnabled()
    assert dialog.sign_buttons[Side.PARTNER].isEnabled()

    partner = dialog.eligible(Side.PARTNER)[0]
    own = tmp_path / "partner.p12"
    own.write_bytes(
        create_identity(partner.name, "p@brightline.example", "partner", "Brightline", PASSPHRASE)
    )
    dialog.sign_with(partner.id, "file", str(own), PASSPHRASE)
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


@pytest.mark.parametrize(
    ("choice", "passphrase", "repeat", "words"),
    [
        ("create", PASSPHRASE, "something else", "passphrases differ"),
        ("create", "short", "short", "passphrase"),
        ("file", PASSPHRASE, "", "Choose the PKCS#12 file"),
        ("kept", PASSPHRASE, "", "keeps no key"),
    ],
    ids=["repeat-differs", "short-passphrase", "no-file", "no-kept-key"],
)
def test_sign_off_mistakes_change_nothing(
    qtbot: QtBot, demo_session: Session, choice: str, passphrase: str, repeat: str, words: str
) -> None:
    """Each mistake: one message, no sign-off, no key kept, the meeting still closed."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    person = dialog.eligible(Side.ENTERPRISE)[0]
    with pytest.raises(ReviewError, match=words):
        dialog.sign_with(person.id, choice, "", passphrase, repeat=repeat)
    assert repository.sign_offs(demo_session._db, meeting_id) == []
    assert not key_file(person.id).exists()
    assert demo_session.meeting(meeting_id).status is MeetingStatus.CLOSED


def test_wrong_passphrase_for_a_kept_key(qtbot: QtBot, demo_session: Session) -> None:
    """The key kept for someone opens only with their passphrase."""
    meeting_id = _held_meeting(demo_session)
    dialog = _open(qtbot, demo_session, meeting_id)
    person = dialog.eligible(Side.ENTERPRISE)[0]
    dialog.sign_with(person.id, "create", "", PASSPHRASE, repeat=PASSPHRASE)
    item = demo_session.items(meeting_id)[0]
    demo_session.save_notes(item.id, "Changed after the first sign-off")
    with pytest.raises(ReviewError, match="passphrase does not open"):
        dialog.sign_with(person.id, "kept", "", "not the passphrase")
    sign_offs = repository.sign_offs(demo_session._db, meeting_id)
    assert len(sign_offs) == 1  # the earlier (now withdrawn-to-be) sign-off is left as it was


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
        enterprise = dialog.eligible(Side.ENTERPRISE)[0]
        dialog.sign_with(enterprise.id, "create", "", PASSPHRASE, repeat=PASSPHRASE)
        partner = dialog.eligible(Side.PARTNER)[0]
        own = tmp_path / "partner.p12"
        own.write_bytes(
            create_identity(partner.name, "p@example.org", "partner", "Partner", PASSPHRASE)
        )
        dialog.sign_with(partner.id, "file", str(own), PASSPHRASE)
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
