"""My signing key and the register of certificates: the user's own key made on their computer,
its certificate exported for the other side, and certificates registered on purpose only."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from pytestqt.qtbot import QtBot

from core.model import AttendanceStatus, MeetingStatus, Side
from core.signatures import certificate_fingerprint, create_identity, load_identity
from storage import repository
from ui.keys import CertificatesDialog, MySigningKeyDialog, SignSentMinutesDialog
from ui.session import Session

PASSPHRASE = "velvet harbour quietly sixteen"


@pytest.fixture(autouse=True)
def own_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's own key goes to this test's own user data folder."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


def _key_dialog(qtbot: QtBot, session: Session) -> MySigningKeyDialog:
    dialog = MySigningKeyDialog(session)
    qtbot.addWidget(dialog)
    dialog.name.setText("Margaret Okafor")
    dialog.email.setText("margaret.okafor@halden-mutual.example")
    return dialog


def test_create_my_key_then_export_its_certificate(
    qtbot: QtBot, demo_session: Session, own_user_data: Path, tmp_path: Path
) -> None:
    """Made on this computer, readable by its owner only; the dialog then shows the whole
    fingerprint to read to the other side, and exports the certificate (no private key)."""
    dialog = _key_dialog(qtbot, demo_session)
    assert dialog.create_form.isVisibleTo(dialog) and not dialog.export_button.isEnabled()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE)
    assert dialog.create_key()
    kept = own_user_data / "review-facilitator" / "keys" / "my-signing-key.p12"
    assert kept.is_file() and kept.stat().st_mode & 0o077 == 0
    pem = demo_session.my_certificate()
    assert pem is not None
    fingerprint = certificate_fingerprint(pem).upper()
    shown = dialog.summary.text().replace(" ", "").replace("<br>", "")
    assert fingerprint in shown and "Margaret Okafor" in dialog.summary.text()
    assert not dialog.create_form.isVisibleTo(dialog) and dialog.export_button.isEnabled()
    out = tmp_path / "margaret.pem"
    assert dialog.export_certificate(out)
    assert out.read_bytes() == pem and b"PRIVATE" not in out.read_bytes()
    x509.load_pem_x509_certificate(out.read_bytes())
    assert load_identity(kept.read_bytes(), PASSPHRASE).fingerprint == fingerprint.lower()


@pytest.mark.parametrize(
    ("passphrase", "repeat", "words"),
    [
        ("12345678", "12345678", "too easy to guess"),
        ("Margaret2026", "Margaret2026", "too easy to guess"),
        (PASSPHRASE, "velvet harbour quietly", "differ"),
    ],
    ids=["common", "own-name-and-year", "repeat-differs"],
)
def test_a_weak_or_mistyped_passphrase_makes_no_key(
    qtbot: QtBot,
    demo_session: Session,
    own_user_data: Path,
    passphrase: str,
    repeat: str,
    words: str,
) -> None:
    """Judged while typed and refused on Create, in words; nothing is written."""
    dialog = _key_dialog(qtbot, demo_session)
    dialog.passphrase.setText(passphrase)
    dialog.repeat.setText(repeat)
    if words == "too easy to guess":
        assert words in dialog.strength.text()
    assert not dialog.create_key()
    assert words in dialog.error.text()
    assert demo_session.my_certificate() is None
    assert not list(own_user_data.rglob("*.p12"))


def test_a_strong_passphrase_is_said_to_be_strong_enough(
    qtbot: QtBot, demo_session: Session
) -> None:
    dialog = _key_dialog(qtbot, demo_session)
    dialog.passphrase.setText(PASSPHRASE)
    assert dialog.strength.text() == "Strong enough."


def test_adopt_a_key_file_i_have_and_refuse_a_second(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """A .p12 the user already has becomes their key, after its passphrase opens it; a wrong
    passphrase keeps nothing; a second key never silently replaces the first."""
    path = tmp_path / "mine.p12"
    path.write_bytes(create_identity("Aisha Bello", "a@h.example", "enterprise", "H", PASSPHRASE))
    dialog = _key_dialog(qtbot, demo_session)
    assert not dialog.adopt_key(str(path), "not it")
    assert "passphrase does not open" in dialog.error.text()
    assert demo_session.my_certificate() is None
    assert dialog.adopt_key(str(path), PASSPHRASE)
    assert "Aisha Bello" in dialog.summary.text()
    again = _key_dialog(qtbot, demo_session)
    again.passphrase.setText(PASSPHRASE)
    again.repeat.setText(PASSPHRASE)
    assert not again.create_key()
    assert "already have a signing key" in again.error.text()


def test_the_register_adds_a_certificate_once_and_refuses_a_non_authority(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """A certificate is added for the chosen signatory (in the audit log) and listed; the
    same one again, or for a second person, is refused; a signatory's certificate is not
    accepted as a company authority."""
    dialog = CertificatesDialog(demo_session)
    qtbot.addWidget(dialog)
    before = dialog.table.rowCount()
    person = next(p for p in demo_session.people() if p.side is Side.PARTNER)
    other = next(p for p in demo_session.people() if p.side is Side.PARTNER and p != person)
    data = create_identity(person.name, "p@b.example", "partner", "B", PASSPHRASE)
    pem = load_identity(data, PASSPHRASE).certificate_pem
    assert dialog.add_certificate(person.id, pem)
    assert dialog.table.rowCount() == before + 1
    fingerprint = certificate_fingerprint(pem)
    trail = repository.audit_trail(demo_session._db, fingerprint)
    assert [(e.field, e.new) for e in trail] == [("registered", person.id)]
    assert not dialog.add_certificate(person.id, pem)
    assert "already registered" in dialog.error.text()
    assert not dialog.add_certificate(other.id, pem)
    assert f"registered for {person.name}" in dialog.error.text()
    assert not dialog.add_authority(Side.PARTNER, pem)
    assert "not a certificate authority" in dialog.error.text()
    assert dialog.table.rowCount() == before + 1


def _to_sign(session: Session, folder: Path) -> tuple[str, Path]:
    """The demo's draft meeting held and ended, its minutes sent for signature."""
    draft = next(m for m in session.meetings() if m.status is MeetingStatus.DRAFT)
    for side in Side:
        for person in [p for p in session.people() if p.side is side][:2]:
            session.set_attendance(draft.id, person.id, AttendanceStatus.PRESENT)
    session.start_meeting(draft.id)
    session.end_meeting(draft.id)
    path = folder / "Halden - to sign.pdf"
    path.write_bytes(session.send_for_signature(draft.id))
    return draft.id, path


def test_sign_minutes_sent_to_me_in_the_app_then_the_sender_receives_them(
    qtbot: QtBot, demo_session: Session, tmp_path: Path
) -> None:
    """The partner's signatory, in their own copy of the app (no database), opens the file,
    sees what it is, signs with their key file; the enterprise receives the signed copy."""
    meeting_id, to_sign = _to_sign(demo_session, tmp_path)
    partner = next(p for p in demo_session.people() if p.side is Side.PARTNER)
    key = tmp_path / "stefan.p12"
    key.write_bytes(create_identity(partner.name, "s@b.example", "partner", "B", PASSPHRASE))
    demo_session.register_certificate(
        partner.id, load_identity(key.read_bytes(), PASSPHRASE).certificate_pem
    )
    dialog = SignSentMinutesDialog(None)
    qtbot.addWidget(dialog)
    assert not dialog.sign_button.isEnabled()
    assert dialog.choose(to_sign)
    assert "meeting 25" in dialog.what.text() and "enterprise, partner" in dialog.what.text()
    dialog.key.use_file.setChecked(True)
    dialog.key.file_line.setText(str(key))
    out = tmp_path / "signed.pdf"
    dialog.key.secret.setText("not the passphrase")
    assert not dialog.sign_to(out)
    assert "passphrase does not open" in dialog.error.text() and not out.exists()
    assert not dialog.sign_to(to_sign)  # never over the file sent
    dialog.key.secret.setText(PASSPHRASE)
    assert dialog.sign_to(out)
    assert dialog.signed_by == f"{partner.name} for the partner side"
    meeting = demo_session.receive_signed(out.read_bytes())
    assert meeting.id == meeting_id
    assert demo_session.sides_to_sign(meeting_id) == [Side.ENTERPRISE]


def test_a_pdf_that_is_not_minutes_sent_for_signature_is_named_so(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = SignSentMinutesDialog(None)
    qtbot.addWidget(dialog)
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert not dialog.choose(other)
    assert dialog.error.text() and not dialog.sign_button.isEnabled()
