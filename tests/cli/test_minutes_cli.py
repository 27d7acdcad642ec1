"""`export-minutes` and `verify` as users run them, on the demo's real signed minutes."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from core.signatures import create_identity, load_identity
from tests.cli.test_cli import assert_one_line_error, run


@pytest.fixture(scope="module")
def signed_pdf(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("minutes-out") / "latest.pdf"
    result = run("export-minutes", "--db", demo_master, "--meeting", "latest", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "meeting 24 (signed)" in result.stdout
    return out


def test_export_latest_writes_the_stored_signed_pdf_byte_for_byte(
    demo_master: Path, signed_pdf: Path
) -> None:
    """The latest meeting's export is exactly the PDF kept with it in the database."""
    conn = sqlite3.connect(demo_master)
    try:
        (stored,) = conn.execute(
            "SELECT minutes_pdf FROM meeting WHERE status = 'signed' "
            "ORDER BY scheduled_start DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    assert signed_pdf.read_bytes() == stored


def test_verify_a_signed_pdf_with_and_without_the_database(
    demo_master: Path, signed_pdf: Path
) -> None:
    """Both signatures intact and known, the hash matches footer and database: exit 0."""
    result = run("verify", signed_pdf, "--db", demo_master)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("intact, covers the whole document, known certificate") == 2
    assert "every signature and hash holds" in result.stdout
    fingerprints = re.findall(r"certificate SHA-256 ([0-9a-f]{64})", result.stdout)
    assert len(fingerprints) == 2


def test_without_a_database_or_a_trusted_certificate_the_signers_are_not_established(
    signed_pdf: Path,
) -> None:
    """Intact signatures alone prove nothing of who signed: exit 1, in words, with each
    signer's certificate fingerprint printed to compare with what the partners gave."""
    alone = run("verify", signed_pdf)
    assert alone.returncode == 1 and "Traceback" not in alone.stderr
    assert "who signed is not established" in alone.stderr
    assert "--trust CERT" in alone.stderr
    assert len(re.findall(r"certificate SHA-256 [0-9a-f]{64}", alone.stdout)) == 2
    assert "every signature and hash holds" not in alone.stdout


def _certificates(db: Path, folder: Path) -> list[Path]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT certificate_pem FROM signatory_certificate").fetchall()
    finally:
        conn.close()
    paths = []
    for number, (pem,) in enumerate(rows):
        path = folder / f"signatory-{number}.pem"
        path.write_text(pem, encoding="ascii")
        paths.append(path)
    return paths


def test_trusting_the_signatories_certificates_establishes_them(
    demo_master: Path, signed_pdf: Path, tmp_path: Path
) -> None:
    """--trust each signatory's certificate (as a partner would, from the certificates
    exchanged): exit 0 with no database; an unrelated certificate establishes nobody."""
    args: list[str | Path] = []
    for path in _certificates(demo_master, tmp_path):
        args += ["--trust", path]
    trusted = run("verify", signed_pdf, *args)
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.count("known certificate;") == 2
    stranger = tmp_path / "stranger.pem"
    stranger.write_bytes(
        load_identity(
            create_identity("Mallory", "m@example.org", "partner", "X", "long enough lantern walk"),
            "long enough lantern walk",
        ).certificate_pem
    )
    refused = run("verify", signed_pdf, "--trust", stranger)
    assert refused.returncode == 1
    assert "is not one of the partnership's known certificates" in refused.stderr


def test_a_trust_file_that_is_not_a_certificate_is_refused_in_one_line(
    signed_pdf: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate", encoding="ascii")
    assert_one_line_error(run("verify", signed_pdf, "--trust", junk), "not a readable X.509")
    assert_one_line_error(run("verify", signed_pdf, "--trust", tmp_path / "none.pem"), "exist")


def test_verify_fails_on_a_flipped_byte(
    demo_master: Path, signed_pdf: Path, tmp_path: Path
) -> None:
    """One byte changed in the middle: non-zero exit, each failure on a line, no traceback."""
    data = bytearray(signed_pdf.read_bytes())
    data[len(data) // 2] ^= 0x20
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    result = run("verify", tampered, "--db", demo_master)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("FAILED: ")


def test_export_a_closed_meeting_and_verify_says_it_is_unsigned(demo: Path, tmp_path: Path) -> None:
    """A closed meeting exports as it stands; verify refuses it: no signature yet."""
    conn = sqlite3.connect(demo)
    try:
        (number,) = conn.execute("SELECT number FROM meeting WHERE status = 'draft'").fetchone()
        conn.execute(
            "UPDATE meeting SET status = 'closed', actual_start = scheduled_start, "
            "actual_end = scheduled_start WHERE number = ?",
            [number],
        )
        conn.commit()
    finally:
        conn.close()
    out = tmp_path / "closed.pdf"
    result = run("export-minutes", "--db", demo, "--meeting", str(number), "--out", out)
    assert result.returncode == 0, result.stderr
    assert "closed, not signed" in result.stdout
    check = run("verify", out)
    assert check.returncode == 1
    assert "no signature" in check.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--meeting", "latest", "--out", "{tmp}/out.txt"], ["should end in .pdf"]),
        (["--meeting", "999", "--out", "{tmp}/out.pdf"], ["no meeting number 999"]),
        (["--meeting", "nope", "--out", "{tmp}/out.pdf"], ["no meeting 'nope'"]),
        (["--meeting", "latest", "--out", "{tmp}/no/such/folder/out.pdf"], ["folder"]),
    ],
    ids=["not-pdf", "unknown-number", "unknown-id", "missing-folder"],
)
def test_export_mistakes(demo: Path, tmp_path: Path, args: list[str], words: list[str]) -> None:
    """Each mistake: one line, exit 2, nothing written, the database unchanged."""
    before = demo.read_bytes()
    result = run("export-minutes", "--db", demo, *(a.format(tmp=tmp_path) for a in args))
    assert_one_line_error(result, *words)
    assert demo.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["db"]


def test_export_of_a_live_meeting_is_refused(demo: Path, tmp_path: Path) -> None:
    """A meeting still running has no minutes yet."""
    conn = sqlite3.connect(demo)
    try:
        (number,) = conn.execute("SELECT number FROM meeting WHERE status = 'draft'").fetchone()
        conn.execute("UPDATE meeting SET status = 'live' WHERE number = ?", [number])
        conn.commit()
    finally:
        conn.close()
    result = run(
        "export-minutes", "--db", demo, "--meeting", str(number), "--out", tmp_path / "m.pdf"
    )
    assert_one_line_error(result, "live")
    assert not (tmp_path / "m.pdf").exists()


@pytest.mark.parametrize("content", [b"", b"not a pdf at all", b"%PDF-1.7\n%%EOF\n"])
def test_verify_a_file_that_is_no_signed_pdf(tmp_path: Path, content: bytes) -> None:
    """Garbage in: a non-zero exit with a reason, never a traceback."""
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    result = run("verify", path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_verify_a_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(run("verify", tmp_path / "none.pdf"), "does not exist")
