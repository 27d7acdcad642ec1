"""Signing off at a distance from the command line: `key create`, `certificate add|list`,
`send-for-signature`, `sign`, `receive-signed` and `verify`, as the two sides run them on their
own computers, and each user mistake refused in one line (exit 2) with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlite_utils import Database

import main
from core.model import Meeting, MeetingStatus, Person, Side
from core.signatures import Identity, create_identity, load_identity, sign
from storage import repository
from storage.database import open_database, open_read_only
from storage.keys import my_certificate
from storage.sign_off import send_for_signature
from tests.certificates import issue, new_key, subject
from tests.held import held_meeting

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "velvet harbour quietly sixteen"
KEYS_FROM = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
FINGERPRINT = re.compile(r"\b[0-9a-f]{64}\b")


# --- set-up ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def own_user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user data and state folders (keys, log) of this test's own, for the commands run
    here and in subprocesses: no real user folder is touched."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "user-state"))


@pytest.fixture(autouse=True)
def pyhanko_log_levels() -> Iterator[None]:
    """main.main quietens pyHanko's loggers for the process: put them back after each test."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _run(
    *args: str | Path | int, stdin: str | None = None, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` from the project's folder, in a process of its own, as a user
    runs it (standard input a pipe, not a terminal); `home` is the computer it runs on: its
    user data and state folders are under it."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    if home is not None:
        env.update(XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"))
    return subprocess.run(
        [sys.executable, "main.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
    )


def _main(capsys: pytest.CaptureFixture[str], *args: str | Path | int) -> tuple[int, str, str]:
    """main.main in this process: its exit status, standard output and standard error (an
    argument argparse refuses exits, as it does for the user)."""
    capsys.readouterr()
    try:
        code = main.main([str(arg) for arg in args])
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(code: int, err: str, *words: str) -> str:
    """Exit 2 and one line on stderr starting "main.py: ", no traceback."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("main.py: "), lines[0]
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


def _pid(db: Database) -> str:
    return repository.partnerships(db)[0].id


@dataclass(frozen=True)
class Closed:
    """A demo meeting held and closed, ready to be sent for signature."""

    number: int
    meeting_id: str
    signatory: dict[Side, Person]


@pytest.fixture
def closed(demo: Path) -> Closed:
    """The copied demo's draft meeting held and closed, the file closed again."""
    db = open_database(demo, automatic_backups=False)
    try:
        meeting, signatory = held_meeting(db)
    finally:
        db.close()
    return Closed(meeting.number, meeting.id, signatory)


@dataclass(frozen=True)
class Key:
    """A signatory's key file and what it opens to."""

    p12: bytes
    identity: Identity

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "me.p12"
        path.write_bytes(self.p12)
        return path


@pytest.fixture(scope="module")
def keys(demo_master: Path) -> dict[Side, Key]:
    """Keys made once for the held meeting's first attendee of each side."""
    db = open_read_only(demo_master)
    try:
        people = repository.people(db, _pid(db))
    finally:
        db.close()
    found = {}
    for side in Side:
        person = next(p for p in people if p.side is side)
        data = create_identity(
            person.name, person.email, side.value, "Demo", PASSPHRASE, now=KEYS_FROM
        )
        found[side] = Key(data, load_identity(data, PASSPHRASE))
    return found


def _passphrase_file(folder: Path, passphrase: str = PASSPHRASE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "passphrase.txt"
    path.write_text(passphrase + "\n", encoding="utf-8")
    return path


def _meeting(db_path: Path, meeting_id: str) -> Meeting:
    db = open_read_only(db_path)
    try:
        return repository.meeting(db, meeting_id)
    finally:
        db.close()


# --- the round trip -------------------------------------------------------------------------


@pytest.mark.slow
def test_the_readmes_two_terminal_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README, "Signing at a distance", command by command in processes of their own: the
    partner's signatory makes a key in their own user folder, the facilitator registers its
    certificate and sends the minutes; signed there (passphrase on standard input) and taken
    back, they are frozen; `verify` passes, with the database or with both certificates, only
    on the copy both sides signed."""
    a, b = tmp_path / "a", tmp_path / "b"  # the facilitator's computer, the partner's
    a.mkdir()
    b.mkdir()
    db = a / "halden.db"
    made = _run("demo", "--db", db, "--awaiting-partner", home=a)
    assert made.returncode == 0, made.stderr
    assert "signed by the enterprise only" in made.stdout
    sent = _run(
        "send-for-signature", "--db", db, "--meeting", "latest", "--out", a / "to-sign.pdf", home=a
    )
    assert sent.returncode == 0, sent.stderr
    assert "Still to sign: partner." in sent.stdout
    unsigned_by_partner = _run("verify", a / "to-sign.pdf", "--db", db, home=a)
    assert unsigned_by_partner.returncode == 1
    assert "partner side's signature is missing" in unsigned_by_partner.stderr
    shutil.copy(a / "to-sign.pdf", b / "to-sign.pdf")  # sent by e-mail

    created = _run(
        *("key", "create", "--name", "Stefan Lindqvist", "--side", "partner"),
        *("--email", "stefan.lindqvist@brightline.example"),
        *("--organisation", "Brightline IT Services", "--out", b / "stefan.p12"),
        *("--passphrase-file", _passphrase_file(b)),
        home=b,
    )
    assert created.returncode == 0, created.stderr
    assert (b / "stefan.p12").stat().st_mode & 0o077 == 0  # readable by its holder only
    (fingerprint,) = FINGERPRINT.findall(created.stdout)
    shutil.copy(b / "stefan.pem", a / "stefan.pem")  # only the certificate travels

    added = _run(
        "certificate", "add", "--db", db, "--person", "Stefan Lindqvist", a / "stefan.pem", home=a
    )
    assert added.returncode == 0, added.stderr
    assert f"Registered the certificate {fingerprint} for Stefan Lindqvist" in added.stdout

    signed = _run(
        *("sign", b / "to-sign.pdf", "--key", b / "stefan.p12", "--out", b / "signed.pdf"),
        stdin=PASSPHRASE + "\n",
        home=b,
    )
    assert signed.returncode == 0, signed.stderr
    assert "as Stefan Lindqvist for the partner side" in signed.stdout
    shutil.copy(b / "signed.pdf", a / "signed.pdf")  # sent back

    received = _run("receive-signed", "--db", db, a / "signed.pdf", home=a)
    assert received.returncode == 0, received.stderr
    assert "signed by both sides: the minutes are frozen" in received.stdout
    exported = _run(
        "export-minutes", "--db", db, "--meeting", "latest", "--out", a / "final.pdf", home=a
    )
    assert exported.returncode == 0, exported.stderr
    assert (a / "final.pdf").read_bytes() == (a / "signed.pdf").read_bytes()
    checked = _run("verify", a / "final.pdf", "--db", db, home=a)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count("intact, covers the whole document, known certificate") == 2
    assert fingerprint in checked.stdout

    monkeypatch.setenv("XDG_DATA_HOME", str(a / "data"))
    facilitators = my_certificate()  # File > My signing key > Export my certificate
    assert facilitators is not None
    (b / "margaret.pem").write_bytes(facilitators)
    shutil.copy(a / "final.pdf", b / "final.pdf")
    trusted = _run(
        *("verify", b / "final.pdf", "--trust", b / "stefan.pem"),
        *("--trust", b / "margaret.pem"),
        home=b,
    )
    assert trusted.returncode == 0, trusted.stderr
    assert "every signature and hash holds" in trusted.stdout
    # Each computer holds its own key only.
    assert sorted(p.name for p in a.rglob("*.p12")) == ["my-signing-key.p12"]
    assert sorted(p.name for p in b.rglob("*.p12")) == ["stefan.p12"]


def test_the_enterprise_signs_the_partly_signed_copy_from_the_command_line(
    demo: Path,
    closed: Closed,
    keys: dict[Side, Key],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After the partner's signature came back, the facilitator sends the partly signed PDF,
    the enterprise signs it with `sign`, and `receive-signed` freezes the meeting."""
    for side in Side:
        pem = tmp_path / f"{side.value}.pem"
        pem.write_bytes(keys[side].identity.certificate_pem)
        name = closed.signatory[side].name
        added = _main(
            capsys, "certificate", "add", "--db", demo, "--person", name, pem,
            "--partnership", "brightline",
        )  # fmt: skip
        assert added[0] == 0, added
    first = tmp_path / "first.pdf"
    code, out, err = _main(
        capsys, "send-for-signature", "--db", demo, "--meeting", closed.number, "--out", first
    )
    assert code == 0, err
    partner_copy = tmp_path / "partner-signed.pdf"
    partner_copy.write_bytes(
        sign(first.read_bytes(), keys[Side.PARTNER].identity, "partner", reason="Approved")
    )
    assert _main(capsys, "receive-signed", "--db", demo, partner_copy)[0] == 0

    second = tmp_path / "second.pdf"
    code, out, err = _main(
        capsys, "send-for-signature", "--db", demo, "--meeting", closed.number, "--out", second
    )
    assert code == 0, err
    assert "Still to sign: enterprise." in out
    assert second.read_bytes() == partner_copy.read_bytes()
    key = keys[Side.ENTERPRISE].write(tmp_path / "enterprise")
    passphrase = _passphrase_file(tmp_path / "enterprise")
    code, out, err = _main(capsys, "sign", second, "--key", key, "--passphrase-file", passphrase)
    assert code == 0, err
    enterprise_copy = tmp_path / "second-signed.pdf"  # the default name
    assert enterprise_copy.is_file()
    code, out, err = _main(capsys, "receive-signed", "--db", demo, enterprise_copy)
    assert code == 0, err
    assert "signed by both sides: the minutes are frozen" in out
    code, out, err = _main(capsys, "verify", enterprise_copy, "--db", demo)
    assert code == 0, err
    assert "every signature and hash holds" in out


# --- an unregistered signer -----------------------------------------------------------------


@pytest.fixture
def returned_unregistered(
    demo: Path, closed: Closed, keys: dict[Side, Key], tmp_path: Path
) -> Path:
    """The minutes sent, signed by the partner with a key whose certificate nobody
    registered, saved where the facilitator keeps what comes back."""
    db = open_database(demo, automatic_backups=False)
    try:
        sent = send_for_signature(db, closed.meeting_id, dt.datetime(2026, 12, 1, 12))
    finally:
        db.close()
    path = tmp_path / "inbox" / "signed.pdf"
    path.parent.mkdir()
    path.write_bytes(sign(sent, keys[Side.PARTNER].identity, "partner", reason="Approved"))
    return path


def test_an_unregistered_signer_is_named_with_the_command_that_registers_them(
    demo: Path,
    closed: Closed,
    keys: dict[Side, Key],
    returned_unregistered: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`receive-signed` refuses a signature by a certificate not registered, printing its
    fingerprint and the `certificate add` command; run once the fingerprint is confirmed, that
    command registers it and the copy is then taken back."""
    fingerprint = keys[Side.PARTNER].identity.fingerprint
    code, _, err = _main(capsys, "receive-signed", "--db", demo, returned_unregistered)
    line = _one_line_error(code, err, "not registered", fingerprint, "certificate add")
    assert _meeting(demo, closed.meeting_id).status is MeetingStatus.CLOSED

    hint = shlex.split(line[line.index("main.py certificate add") :])
    assert hint[:3] == ["main.py", "certificate", "add"]
    code, out, err = _main(capsys, *hint[1:])
    assert code == 0, err
    partner = closed.signatory[Side.PARTNER].name
    assert f"Registered the certificate {fingerprint} for {partner}" in out
    code, out, err = _main(capsys, "receive-signed", "--db", demo, returned_unregistered)
    assert code == 0, err
    assert "signed by one side" in out


def test_a_certificate_from_a_signed_pdf_needs_its_confirmed_fingerprint(
    demo: Path,
    closed: Closed,
    keys: dict[Side, Key],
    returned_unregistered: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Taken from a signed PDF, a certificate is registered only with its fingerprint as its
    holder read it: without it the signers' fingerprints are listed, a wrong one is refused,
    the first 16 hex digits of the right one register it."""
    name = closed.signatory[Side.PARTNER].name
    fingerprint = keys[Side.PARTNER].identity.fingerprint
    add = ("certificate", "add", "--db", demo, "--person", name, returned_unregistered)

    code, _, err = _main(capsys, *add)
    _one_line_error(code, err, "needs --fingerprint", fingerprint)
    wrong = "0123456789abcdef" if not fingerprint.startswith("0123") else "fedcba9876543210"
    code, _, err = _main(capsys, *add, "--fingerprint", wrong)
    _one_line_error(code, err, "no signature")
    code, _, err = _main(capsys, *add, "--fingerprint", fingerprint[:8])
    _one_line_error(code, err, "16 hex digits")
    code, out, _ = _main(capsys, "certificate", "list", "--db", demo)
    assert code == 0 and fingerprint not in out

    spaced = " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4)).upper()
    code, out, err = _main(capsys, *add, "--fingerprint", spaced)
    assert code == 0, err
    assert f"Registered the certificate {fingerprint} for {name}" in out
    code, out, _ = _main(capsys, "certificate", "list", "--db", demo)
    assert code == 0 and f"{name} (partner) {fingerprint}" in out
    code, _, err = _main(capsys, *add, "--fingerprint", fingerprint)
    _one_line_error(code, err, "already registered")


def test_the_suggested_command_works_for_a_file_name_with_spaces(
    demo: Path,
    closed: Closed,
    keys: dict[Side, Key],
    returned_unregistered: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The app's own name for minutes to sign has spaces ("... - to sign.pdf"): the suggested
    command, pasted into a shell, still registers the certificate."""
    spaced = returned_unregistered.with_name("Partnership review - to sign-signed.pdf")
    returned_unregistered.rename(spaced)
    code, _, err = _main(capsys, "receive-signed", "--db", demo, spaced)
    line = _one_line_error(code, err, "certificate add")
    hint = shlex.split(line[line.index("main.py certificate add") :])
    code, _, err = _main(capsys, *hint[1:])
    assert code == 0, err


# --- mistakes refused in one line -----------------------------------------------------------


@pytest.mark.parametrize("passphrase", ["12345678", "password1", ""])
def test_a_guessable_passphrase_creates_no_key(
    tmp_path: Path, passphrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`key create` with an easily guessed passphrase: exit 2, one line, no file written."""
    out = tmp_path / "me.p12"
    code, _, err = _main(
        capsys,
        *("key", "create", "--name", "Emre Çelik", "--email", "emre.celik@brightline.example"),
        *("--side", "partner", "--organisation", "Brightline IT Services", "--out", out),
        *("--passphrase-file", _passphrase_file(tmp_path, passphrase)),
    )
    _one_line_error(code, err, "passphrase")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["passphrase.txt"]


def _sent_to_the_partner(
    capsys: pytest.CaptureFixture[str],
    demo: Path,
    closed: Closed,
    keys: dict[Side, Key],
    tmp_path: Path,
) -> tuple[Path, Path]:
    """The closed meeting sent for signature, and the partner's key file beside it."""
    to_sign = tmp_path / "to-sign.pdf"
    code, _, err = _main(
        capsys, "send-for-signature", "--db", demo, "--meeting", closed.number, "--out", to_sign
    )
    assert code == 0, err
    return to_sign, keys[Side.PARTNER].write(tmp_path / "partner")


def test_a_wrong_passphrase_signs_nothing(
    demo: Path,
    closed: Closed,
    keys: dict[Side, Key],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`sign` with a passphrase that does not open the key: exit 2, one line, no signed copy."""
    to_sign, key = _sent_to_the_partner(capsys, demo, closed, keys, tmp_path)
    wrong = _passphrase_file(tmp_path / "partner", "velvet harbour quietly seventeen")
    out = tmp_path / "signed.pdf"
    code, _, err = _main(
        capsys, "sign", to_sign, "--key", key, "--out", out, "--passphrase-file", wrong
    )
    _one_line_error(code, err, "passphrase does not open")
    assert not out.exists()
    assert not (tmp_path / "to-sign-signed.pdf").exists()


def test_sign_never_overwrites_an_existing_file(
    demo: Path,
    closed: Closed,
    keys: dict[Side, Key],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`sign --out` naming an existing file: exit 2, one line, the file left as it was."""
    to_sign, key = _sent_to_the_partner(capsys, demo, closed, keys, tmp_path)
    passphrase = _passphrase_file(tmp_path / "partner")
    out = tmp_path / "signed.pdf"
    out.write_bytes(b"an earlier signed copy")
    code, _, err = _main(
        capsys, "sign", to_sign, "--key", key, "--out", out, "--passphrase-file", passphrase
    )
    _one_line_error(code, err, "already exists")
    assert out.read_bytes() == b"an earlier signed copy"
    # and the same for the default name beside the PDF
    default = tmp_path / "to-sign-signed.pdf"
    default.write_bytes(b"kept")
    code, _, err = _main(capsys, "sign", to_sign, "--key", key, "--passphrase-file", passphrase)
    _one_line_error(code, err, "already exists")
    assert default.read_bytes() == b"kept"


def _authority_certificate() -> bytes:
    """A company certificate authority's certificate (basic constraints CA, keyCertSign)."""
    name = subject("Brightline Signing CA")
    certificate = issue(name, new_key(), start=KEYS_FROM, days=3650, authority=True)
    return certificate.public_bytes(serialization.Encoding.PEM)


def test_a_sides_company_authority_is_registered_and_listed(
    demo: Path, keys: dict[Side, Key], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`certificate add --authority partner CA.pem` registers the partner's company CA and
    `certificate list` shows it; a signatory's certificate is refused as an authority, and
    naming both a person and a side is refused, each in one line."""
    authority = tmp_path / "brightline-ca.pem"
    authority.write_bytes(_authority_certificate())
    fingerprint = hashlib.sha256(
        x509.load_pem_x509_certificate(authority.read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
    ).hexdigest()
    code, _, err = _main(
        capsys, "certificate", "add", "--db", demo, "--authority", "partner", authority
    )
    _one_line_error(code, err, "several partnerships", "--partnership")  # whose authority?
    code, out, err = _main(
        capsys, "certificate", "add", "--db", demo, "--authority", "partner", authority,
        "--partnership", "brightline",
    )  # fmt: skip
    assert code == 0, err
    assert fingerprint in out
    code, out, _ = _main(capsys, "certificate", "list", "--db", demo)
    assert code == 0 and f"company authority (partner) {fingerprint}" in out

    signatory = tmp_path / "signatory.pem"
    signatory.write_bytes(keys[Side.PARTNER].identity.certificate_pem)
    code, _, err = _main(
        capsys, "certificate", "add", "--db", demo, "--authority", "partner", signatory,
        "--partnership", "brightline",
    )  # fmt: skip
    _one_line_error(code, err, "not a certificate authority")
    code, _, err = _main(
        capsys,
        *("certificate", "add", "--db", demo, "--authority", "partner"),
        *("--person", "Emre Çelik", authority),
    )
    _one_line_error(code, err, "--person", "--authority")
    code, out, _ = _main(capsys, "certificate", "list", "--db", demo)
    assert keys[Side.PARTNER].identity.fingerprint not in out
