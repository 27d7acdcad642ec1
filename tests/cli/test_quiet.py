"""Every command answers in our own words: no library's warning on stderr, no traceback.

A library's warning printed before each answer (cryptography 51's DSA deprecation through
pyHanko did it) reads to a user as something gone wrong; main.py hides the known ones
(main.hide_known_warnings) and this test runs each subcommand, and the app, once to see that
nothing else gets through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_cli import SUBCOMMANDS, _env, run

# What Qt's offscreen platform (the tests' screen) says of itself: never seen on a desktop.
OFFSCREEN_NOTICES = {"This plugin does not support propagateSizeHints()"}


def _latest_reading(path: Path) -> tuple[str, str]:
    """A KPI of the demo and the latest period it has a reading for."""
    conn = sqlite3.connect(path)
    try:
        name, period = conn.execute(
            "SELECT k.name, max(r.period) FROM reading r JOIN kpi k ON k.id = r.kpi_id "
            "GROUP BY k.id ORDER BY k.name LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return name, period


def _demo(db: Path, tmp: Path) -> list[str | Path]:
    return ["demo", "--db", tmp / "new.db"]


def _export_minutes(db: Path, tmp: Path) -> list[str | Path]:
    return ["export-minutes", "--db", db, "--meeting", "latest", "--out", tmp / "minutes.pdf"]


def _verify(db: Path, tmp: Path) -> list[str | Path]:
    exported = run(*_export_minutes(db, tmp))
    assert exported.returncode == 0, exported.stderr
    return ["verify", tmp / "minutes.pdf", "--db", db]


def _import_kpis(db: Path, tmp: Path) -> list[str | Path]:
    name, period = _latest_reading(db)
    csv = tmp / "readings.csv"
    csv.write_text(f"{name},{period},42\n", encoding="utf-8")
    return ["import-kpis", "--db", db, csv]


def _backup(db: Path, tmp: Path) -> list[str | Path]:
    return ["backup", "--db", db, "--out", tmp / "backup.db"]


def _restore(db: Path, tmp: Path) -> list[str | Path]:
    backed_up = run(*_backup(db, tmp))
    assert backed_up.returncode == 0, backed_up.stderr
    return ["restore", "--db", db, "--from", tmp / "backup.db"]


PASSPHRASE = "velvet harbour quietly sixteen"


def _key(db: Path, tmp: Path) -> list[str | Path]:
    (tmp / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    return [
        "key", "create", "--name", "Stefan Lindqvist", "--side", "partner",
        "--email", "stefan.lindqvist@brightline.example",
        "--organisation", "Brightline IT Services", "--out", tmp / "stefan.p12",
        "--passphrase-file", tmp / "passphrase.txt",
    ]  # fmt: skip


def _certificate(db: Path, tmp: Path) -> list[str | Path]:
    return ["certificate", "list", "--db", db]


def _awaiting(tmp: Path) -> Path:
    """A demo whose latest minutes await the partner's signature."""
    awaiting = tmp / "awaiting.db"
    made = run("demo", "--db", awaiting, "--awaiting-partner")
    assert made.returncode == 0, made.stderr
    return awaiting


def _send_for_signature(db: Path, tmp: Path) -> list[str | Path]:
    return [
        "send-for-signature", "--db", _awaiting(tmp), "--meeting", "latest",
        "--out", tmp / "to-sign.pdf",
    ]  # fmt: skip


def _sign(db: Path, tmp: Path) -> list[str | Path]:
    for step in (_send_for_signature(db, tmp), _key(db, tmp)):
        done = run(*step)
        assert done.returncode == 0, done.stderr
    return [
        "sign", tmp / "to-sign.pdf", "--key", tmp / "stefan.p12",
        "--passphrase-file", tmp / "passphrase.txt", "--out", tmp / "signed.pdf",
    ]  # fmt: skip


def _receive_signed(db: Path, tmp: Path) -> list[str | Path]:
    signed = run(*_sign(db, tmp))
    assert signed.returncode == 0, signed.stderr
    added = run(
        "certificate", "add", "--db", tmp / "awaiting.db", "--person", "Stefan Lindqvist",
        tmp / "stefan.pem",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return ["receive-signed", "--db", tmp / "awaiting.db", tmp / "signed.pdf"]


def _import_minutes(db: Path, tmp: Path) -> list[str | Path]:
    """The minutes both sides signed, into a new copy, their signers' fingerprints confirmed."""
    from core.received import signer_certificates
    from core.signatures import certificate_fingerprint

    received = run(*_receive_signed(db, tmp))
    assert received.returncode == 0, received.stderr
    out = tmp / "signed-by-both.pdf"
    exported = run(
        "export-minutes", "--db", tmp / "awaiting.db", "--meeting", "latest", "--out", out
    )
    assert exported.returncode == 0, exported.stderr
    confirmed = []
    for pem in signer_certificates(out.read_bytes()).values():
        confirmed += ["--fingerprint", certificate_fingerprint(pem)]
    return ["import-minutes", "--db", tmp / "partner-copy.db", out, *confirmed]


def _search(db: Path, tmp: Path) -> list[str | Path]:
    return ["search", "--db", db, "change freeze", "--newest"]


def _pre_read(db: Path, tmp: Path) -> list[str | Path]:
    return ["pre-read", "--db", db, "--meeting", "next", "--out", tmp]


def _receive_updates(db: Path, tmp: Path) -> list[str | Path]:
    sent = run(*_pre_read(db, tmp))
    assert sent.returncode == 0, sent.stderr
    (workbook,) = tmp.glob("*partner-update.xlsx")
    return ["receive-updates", "--db", db, workbook]


COMMANDS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "demo": _demo,
    "export-minutes": _export_minutes,
    "verify": _verify,
    "import-kpis": _import_kpis,
    "backup": _backup,
    "restore": _restore,
    "key": _key,
    "certificate": _certificate,
    "send-for-signature": _send_for_signature,
    "sign": _sign,
    "receive-signed": _receive_signed,
    "import-minutes": _import_minutes,
    "search": _search,
    "pre-read": _pre_read,
    "receive-updates": _receive_updates,
}


def test_every_subcommand_is_checked() -> None:
    """The table below covers every subcommand main.py offers."""
    assert sorted(COMMANDS) == sorted(SUBCOMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_that_succeeds_prints_nothing_on_stderr(
    command: str, demo: Path, tmp_path: Path
) -> None:
    """Each subcommand, given what it needs, succeeds with an empty stderr."""
    result = run(*COMMANDS[command](demo, tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert result.stderr == ""


def test_the_app_prints_no_warning_on_stderr(demo: Path, tmp_path: Path) -> None:
    """The app, opened on the demo until idle, says nothing on stderr but what the test
    screen itself says."""
    env = _env(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = run("--db", demo, "--quit-when-ready", env=env)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line not in OFFSCREEN_NOTICES]
    assert said == [], result.stderr


def test_a_refused_command_says_only_our_words(tmp_path: Path) -> None:
    """A mistake is told in one line of ours (main.py: ...), with no warning before it."""
    result = run("backup", "--db", tmp_path / "none.db", "--out", tmp_path / "copy.db")
    assert result.returncode == 2
    assert result.stderr.startswith("main.py: ")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr
