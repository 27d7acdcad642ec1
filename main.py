"""Entry point: the facilitator's app by default, subcommands for headless work.

Every error a user can cause is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from core.errors import ReviewError

EXIT_USER_ERROR = 2


def hide_known_warnings() -> None:
    """Keep the libraries' known warnings off the user's terminal: each is addressed to us,
    and printed it would come before every answer of every command. Each is hidden by its
    category and the module raising it, never all at once, so a new one still shows (and
    fails the tests, which hide the same list: pyproject.toml's filterwarnings)."""
    try:
        from cryptography.utils import CryptographyDeprecationWarning
    except ImportError:  # without cryptography there is nothing of it to hide
        return
    # cryptography 51 deprecates DSA, and pyHanko imports its DSA classes (we never use DSA).
    warnings.filterwarnings(
        "ignore",
        message=r"DSA is deprecated",
        category=CryptographyDeprecationWarning,
        module=r"pyhanko(\.|$)",
    )


hide_known_warnings()


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line instead of usage plus error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USER_ERROR, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py",
        description="Run the monthly partnership review and sign off its minutes.",
    )
    parser.add_argument("--db", type=Path, help="the database file to open")
    parser.add_argument(
        "--quit-when-ready",
        action="store_true",
        help="show the window, then quit once idle (smoke tests, benchmarks)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="create a demo partnership with two years of history")
    demo.add_argument("--db", type=Path, required=True, help="the new database file")
    demo.add_argument("--scale", type=int, default=1, help="multiply the history (default 1)")
    demo.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)

    export = commands.add_parser("export-minutes", help="write a meeting's minutes as PDF")
    export.add_argument("--db", type=Path, required=True)
    export.add_argument("--meeting", required=True, help="a meeting id or number, or 'latest'")
    export.add_argument("--out", type=Path, required=True, help="the PDF to write")

    verify = commands.add_parser(
        "verify",
        help="check a signed PDF: intact signatures by established signers, and its hashes",
    )
    verify.add_argument("pdf", type=Path)
    verify.add_argument("--db", type=Path, help="the partnership's database (its certificates)")
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT",
        help="a certificate (PEM or DER) to trust: a signatory's, or a company authority "
        "that issued theirs; repeatable",
    )

    kpis = commands.add_parser("import-kpis", help="import KPI readings from CSV, all or none")
    kpis.add_argument("--db", type=Path, required=True)
    kpis.add_argument("csv", type=Path, help="the readings: KPI name, period, value, comment")
    kpis.add_argument(
        "--as",
        dest="entered_by",
        choices=["enterprise", "partner"],
        default="partner",
        help="the side reporting the figures (default partner); "
        "the other side's KPIs are marked to be confirmed",
    )

    backup = commands.add_parser("backup", help="write a consistent copy of a database")
    backup.add_argument("--db", type=Path, required=True)
    backup.add_argument("--out", type=Path, required=True)

    restore = commands.add_parser("restore", help="put a backup back, keeping the replaced file")
    restore.add_argument("--db", type=Path, required=True)
    restore.add_argument("--from", dest="source", type=Path, required=True)
    return parser


def _demo(args: argparse.Namespace) -> int:
    from core.demo import DEFAULT_SEED
    from storage.demo import create_demo

    path = create_demo(
        args.db, seed=DEFAULT_SEED if args.seed is None else args.seed, scale=args.scale
    )
    print(f"Created the demo partnership in {path}")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from storage.backups import backup
    from storage.database import inspect
    from storage.errors import StorageError

    if not args.db.is_file():
        raise StorageError(f"{args.db} does not exist.")
    if args.out.resolve() == args.db.resolve():
        raise StorageError("The backup must go to another file than the database itself.")
    inspect(args.db)
    backup(args.db, args.out)
    print(f"Backed up {args.db} to {args.out}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    """Put a backup back in place of the database; the replaced file is kept, never deleted."""
    from storage.backups import restore

    aside = restore(args.db, args.source)
    kept = f"; the replaced file was kept as {aside}" if aside is not None else ""
    print(f"Restored {args.db} from {args.source}{kept}")
    return 0


def _read_input(path: Path, what: str) -> bytes:
    """A file the user named, or one line saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReviewError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise ReviewError(f"{path} is a folder, not {what}.") from None
    except OSError as error:
        raise ReviewError(f"{path} cannot be read: {error.strerror}.") from None


def _import_kpis(args: argparse.Namespace) -> int:
    """Import a CSV of readings into the database's first partnership: every line or none."""
    import datetime as dt

    from core.model import Side
    from core.periods import period_of
    from storage import repository
    from storage.database import open_database
    from storage.errors import StorageError
    from storage.kpis import import_readings

    if not args.db.is_file():
        raise StorageError(f"{args.db} does not exist.")
    data = _read_input(args.csv, "a CSV file")
    db = open_database(args.db)
    try:
        found = repository.partnerships(db)
        if not found:
            raise ReviewError(f"{args.db} holds no partnership to import readings into.")
        result = import_readings(
            db, found[0].id, data, Side(args.entered_by), period_of(dt.date.today())
        )
    finally:
        db.close()
    readings = "reading" if result.written == 1 else "readings"
    print(f"Imported {result.written} {readings} ({result.replaced} replaced) from {args.csv}.")
    return 0


def _export_minutes(args: argparse.Namespace) -> int:
    """Write a meeting's minutes: a signed meeting's stored PDF as it is, else as they stand."""
    from core.exports import write_atomically
    from storage.database import open_read_only
    from storage.minutes import find_meeting
    from storage.sign_off import minutes_pdf

    if args.out.suffix.lower() != ".pdf":
        raise ReviewError(f"{args.out} should end in .pdf.")
    db = open_read_only(args.db)
    try:
        meeting = find_meeting(db, args.meeting)
        pdf = minutes_pdf(db, meeting.id)
    finally:
        db.close()
    write_atomically(args.out, pdf)
    state = "signed" if meeting.status == "signed" else f"{meeting.status}, not signed"
    print(f"Wrote the minutes of meeting {meeting.number} ({state}) to {args.out}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    """Check a minutes PDF: exit 0 only if every signature and hash holds."""
    import logging

    # pyHanko logs each untrusted or damaged signature itself; our own lines say it once.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    from core.signatures import certificate_fingerprint
    from core.verification import describe, verify_minutes

    pdf = _read_input(args.pdf, "a PDF")
    trusted = [_read_input(path, "a certificate") for path in args.trust]
    for path, data in zip(args.trust, trusted, strict=True):
        try:
            certificate_fingerprint(data)
        except ReviewError as error:
            raise ReviewError(f"{path}: {error.message}") from None
    if args.db is None:
        result = verify_minutes(pdf, trusted or None, None, database_checked=False)
    else:
        from storage.database import open_read_only
        from storage.verification import verify_against

        db = open_read_only(args.db)
        try:
            result = verify_against(db, pdf, trusted)
        finally:
            db.close()
    for report in result.signatures:
        print(describe(report))
    if result.content_hash:
        print(f"content hash (SHA-256 of the attached JSON): {result.content_hash}")
    for note in result.notes:
        print(f"note: {note}")
    for failure in result.failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    if result.ok:
        print(f"{args.pdf}: every signature and hash holds.")
        return 0
    return 1


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _demo,
    "backup": _backup,
    "export-minutes": _export_minutes,
    "verify": _verify,
    "import-kpis": _import_kpis,
    "restore": _restore,
}

# Libraries Qt's xcb platform loads on Linux, and the Debian package that has each.
_QT_SYSTEM_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def display_problem(environ: os._Environ[str] | dict[str, str]) -> str | None:
    """Why the window cannot be shown here, in one line; None when it can."""
    if not sys.platform.startswith("linux"):
        return None
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc")):
        return None
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return (
            "No display found (neither DISPLAY nor WAYLAND_DISPLAY is set): run the app on a "
            "desktop, or use the subcommands (see --help)."
        )
    if not environ.get("WAYLAND_DISPLAY") or platform.startswith("xcb"):
        import ctypes.util

        missing = [
            pkg for lib, pkg in _QT_SYSTEM_LIBRARIES.items() if not ctypes.util.find_library(lib)
        ]
        if missing:
            packages = " ".join(missing)
            return f"Qt needs system packages that are missing: sudo apt-get install {packages}"
    return None


def _gui(args: argparse.Namespace) -> int:
    problem = display_problem(os.environ)
    if problem:
        raise ReviewError(problem)
    from ui.app import run

    return run(args.db, quit_when_ready=args.quit_when_ready)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = COMMANDS.get(args.command, _gui) if args.command else _gui
    try:
        return command(args)
    except ReviewError as error:
        print(f"main.py: {error.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("main.py: interrupted.", file=sys.stderr)
        return 130


def _exit_fast(code: int) -> None:
    """Leave without tearing down the interpreter: every file is closed by now.

    Tearing down the Qt and pyqtgraph object graphs at exit takes ~150 ms and can crash
    (PITFALLS.md); the database was closed and the settings synced when the window closed.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    code = main()
    if "ui.app" in sys.modules:
        _exit_fast(code)
    sys.exit(code)
