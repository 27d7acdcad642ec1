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
from typing import TYPE_CHECKING

from core.errors import ReviewError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from core.model import Person

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
    demo.add_argument(
        "--awaiting-partner",
        action="store_true",
        help="leave the latest minutes signed by the enterprise only, for the partner to sign "
        "at a distance (see the README)",
    )

    export = commands.add_parser("export-minutes", help="write a meeting's minutes as PDF")
    export.add_argument("--db", type=Path, required=True)
    export.add_argument("--meeting", required=True, help="a meeting id or number, or 'latest'")
    export.add_argument("--out", type=Path, required=True, help="the PDF to write")
    export.add_argument(
        "--partnership", metavar="NAME|ID", help="in a file of several: the partnership's"
    )

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
    verify.add_argument(
        "--trust-tsa",
        type=Path,
        action="append",
        default=[],
        metavar="CERT",
        help="a timestamp authority's certificate to trust: its timestamps then establish "
        "when a signature was made; repeatable",
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
    kpis.add_argument(
        "--partnership",
        metavar="NAME|ID",
        help="in a file of several: the partnership whose KPIs these are (default: the first)",
    )

    backup = commands.add_parser("backup", help="write a consistent copy of a database")
    backup.add_argument("--db", type=Path, required=True)
    backup.add_argument("--out", type=Path, required=True)

    restore = commands.add_parser("restore", help="put a backup back, keeping the replaced file")
    restore.add_argument("--db", type=Path, required=True)
    restore.add_argument("--from", dest="source", type=Path, required=True)

    secret_help = (
        "a file whose first line is the passphrase (default: asked on the terminal, or the "
        "first line of standard input)"
    )
    key = commands.add_parser("key", help="your own signing key: create it on your computer")
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", parser_class=_Parser)
    key_commands.required = True
    create = key_commands.add_parser(
        "create", help="create your key (.p12) and its certificate (.pem) to share"
    )
    create.add_argument("--name", required=True, help="your name, as the minutes show it")
    create.add_argument("--email", required=True)
    create.add_argument("--side", required=True, choices=["enterprise", "partner"])
    create.add_argument("--organisation", required=True, help="your organisation's name")
    create.add_argument("--out", type=Path, required=True, help="the key file to write (.p12)")
    create.add_argument("--passphrase-file", type=Path, help=secret_help)

    certificate = commands.add_parser(
        "certificate", help="the partnership's register of signatories' certificates"
    )
    certificate_commands = certificate.add_subparsers(
        dest="certificate_command", metavar="ACTION", parser_class=_Parser
    )
    certificate_commands.required = True
    add = certificate_commands.add_parser(
        "add", help="register a signatory's certificate (or a side's company authority)"
    )
    add.add_argument("--db", type=Path, required=True)
    add.add_argument(
        "file", type=Path, help="a certificate (.pem, .cer, .der), or a signed minutes PDF"
    )
    add.add_argument("--person", help="the signatory it belongs to, by name")
    add.add_argument(
        "--partnership", metavar="NAME|ID", help="in a file of several: the partnership's"
    )
    add.add_argument(
        "--fingerprint",
        help="its SHA-256 fingerprint (at least the first 16 hex digits) as its holder read it "
        "to you: required for a certificate taken from a signed PDF",
    )
    add.add_argument(
        "--authority",
        choices=["enterprise", "partner"],
        help="register a company certificate authority for this side instead",
    )
    listing = certificate_commands.add_parser("list", help="list the registered certificates")
    listing.add_argument("--db", type=Path, required=True)

    send = commands.add_parser(
        "send-for-signature",
        help="write closed minutes to be signed elsewhere; the signed copy is checked by them",
    )
    send.add_argument("--db", type=Path, required=True)
    send.add_argument("--meeting", required=True, help="a meeting id or number, or 'latest'")
    send.add_argument("--out", type=Path, required=True, help="the PDF to send")

    sign = commands.add_parser(
        "sign", help="sign minutes sent to you for signature, with your own key or token"
    )
    sign.add_argument("pdf", type=Path, help="the minutes sent for signature")
    sign.add_argument("--key", type=Path, help="your key file (.p12, .pfx)")
    sign.add_argument("--pkcs11", type=Path, metavar="MODULE", help="your token's PKCS#11 module")
    sign.add_argument("--token", default="", help="the token's label (with --pkcs11)")
    sign.add_argument("--field", choices=["enterprise", "partner"], help="default: your side")
    sign.add_argument("--out", type=Path, help="the signed PDF (default: NAME-signed.pdf)")
    sign.add_argument("--tsa", metavar="URL", help="a timestamp authority to ask (RFC 3161)")
    sign.add_argument(
        "--passphrase-file", type=Path, help=secret_help.replace("passphrase", "passphrase or PIN")
    )

    receive = commands.add_parser(
        "receive-signed", help="take back minutes signed elsewhere and record the sign-off"
    )
    receive.add_argument("--db", type=Path, required=True)
    receive.add_argument("pdf", type=Path, help="the signed copy")

    imported = commands.add_parser(
        "import-minutes",
        help="add a meeting from minutes both sides signed to this copy, row by row by UUID",
    )
    imported.add_argument(
        "--db", type=Path, required=True, help="this copy's database (made if it does not exist)"
    )
    imported.add_argument("pdf", type=Path, nargs="+", help="signed minutes, oldest first")
    imported.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CERT",
        help="a signatory's certificate (or their company authority's) to trust; repeatable",
    )
    imported.add_argument(
        "--fingerprint",
        action="append",
        default=[],
        metavar="HEX",
        help="the SHA-256 fingerprint of a signer's certificate, as its holder confirmed it to "
        "you: that certificate, carried in the file, is then registered; repeatable",
    )

    found = commands.add_parser(
        "search",
        help="search notes, decisions, actions, comments, KPI notes and initiatives",
    )
    found.add_argument("--db", type=Path, required=True)
    found.add_argument("query", help='words (all must match); "a phrase"; a prefix*')
    found.add_argument(
        "--partnership", metavar="NAME|ID", help="only this partnership (default: all of them)"
    )
    found.add_argument(
        "--newest", action="store_true", help="newest first in each kind (default: best match)"
    )

    updates = commands.add_parser(
        "receive-updates",
        help="the partner's updates (their workbook, or a CSV file), shown as proposals",
    )
    updates.add_argument("--db", type=Path, required=True)
    updates.add_argument(
        "file", type=Path, help="the partner's update workbook (.xlsx), or a CSV file (.csv)"
    )
    updates.add_argument(
        "--accept-all",
        action="store_true",
        help="record every proposal (without it, nothing is written: the proposals are shown)",
    )

    preread = commands.add_parser(
        "pre-read",
        help="before a meeting: the pre-read PDF, the invitation, the partner's update "
        "workbook and an e-mail draft, written into a folder",
    )
    preread.add_argument("--db", type=Path, required=True)
    preread.add_argument(
        "--meeting",
        required=True,
        help="'next' (the next prepared meeting), or a draft meeting's number or id",
    )
    preread.add_argument("--out", type=Path, required=True, help="an existing folder")
    preread.add_argument(
        "--partnership", metavar="NAME|ID", help="in a file of several: the partnership's"
    )
    return parser


def _secret(path: Path | None, prompt: str, *, twice: bool = False) -> str:
    """A passphrase or PIN: the first line of a file, else asked on the terminal (twice for a
    new one), else the first line of standard input."""
    if path is not None:
        lines = _read_input(path, "a passphrase file").decode("utf-8", "replace").splitlines()
        return lines[0] if lines else ""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        first = getpass.getpass(f"{prompt}: ")
        if twice and getpass.getpass("Type it again: ") != first:
            raise ReviewError("The two passphrases differ: nothing was written.")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _new_file(path: Path, what: str) -> None:
    if path.exists():
        raise ReviewError(f"{path} already exists: {what} is only written to a new file.")


def _key_create(args: argparse.Namespace) -> int:
    """Create a signatory's own key on their own computer, and its certificate to share."""
    import os

    from core.exports import write_atomically
    from core.signatures import certificate_fingerprint, create_identity, load_identity

    if args.out.suffix.lower() not in (".p12", ".pfx"):
        raise ReviewError(f"{args.out} should end in .p12 (or .pfx).")
    certificate_path = args.out.with_suffix(".pem")
    _new_file(args.out, "a key")
    _new_file(certificate_path, "a certificate")
    passphrase = _secret(args.passphrase_file, "A passphrase for your key", twice=True)
    data = create_identity(args.name, args.email, args.side, args.organisation, passphrase)
    identity = load_identity(data, passphrase)
    try:
        write_atomically(args.out, data)
        os.chmod(args.out, 0o600)
        write_atomically(certificate_path, identity.certificate_pem)
    except OSError as error:
        raise ReviewError(f"{args.out} could not be written: {error.strerror}.") from None
    fingerprint = certificate_fingerprint(identity.certificate_pem)
    print(
        f"Created the key of {identity.name} ({identity.side}) in {args.out}; keep it to yourself."
    )
    print(f"Its certificate, to give the other side to register: {certificate_path}")
    print(f"Certificate SHA-256: {fingerprint}")
    return 0


def _partnership_person(db: Database, name: str, partnership_id: str | None = None) -> Person:
    from storage import repository

    wanted = " ".join(name.split()).casefold()
    partnerships = {p.id: p for p in repository.partnerships(db)}
    found = [
        person
        for pid in partnerships
        if partnership_id in (None, pid)
        for person in repository.people(db, pid)
        if person.name.casefold() == wanted
    ]
    if not found:
        raise ReviewError(f"No one named {name!r} is in this partnership's people.")
    if len(found) > 1:
        where = {partnerships[p.partnership_id].name for p in found}
        if len(where) > 1:
            raise ReviewError(
                f"{name} is one of the people of several partnerships ({'; '.join(sorted(where))}):"
                " say which with --partnership."
            )
        raise ReviewError(f"More than one person is named {name!r}: rename one first.")
    return found[0]


def _certificate_from(path: Path, fingerprint: str | None) -> bytes:
    """The certificate in a file, or the one in a signed PDF its fingerprint names."""
    from core.received import signer_certificates
    from core.signatures import certificate_fingerprint

    data = _read_input(path, "a certificate")
    wanted = "".join((fingerprint or "").split()).replace(":", "").lower()
    if wanted and (len(wanted) < 16 or any(c not in "0123456789abcdef" for c in wanted)):
        raise ReviewError("--fingerprint takes at least the first 16 hex digits of SHA-256.")
    if data.startswith(b"%PDF"):
        found = {certificate_fingerprint(pem): pem for pem in signer_certificates(data).values()}
        if not wanted:
            listed = "; ".join(found) or "none"
            raise ReviewError(
                "A certificate taken from a signed PDF needs --fingerprint, as its holder read "
                f"it to you. The file's signers' fingerprints: {listed}"
            )
        matching = [pem for fp, pem in found.items() if fp.startswith(wanted)]
        if not matching:
            raise ReviewError(f"No signature in {path} is made with that certificate.")
        return matching[0]
    try:
        actual = certificate_fingerprint(data)
    except ReviewError as error:
        raise ReviewError(f"{path}: {error.message}") from None
    if wanted and not actual.startswith(wanted):
        raise ReviewError(
            f"The certificate in {path} has the fingerprint {actual}, not the one given: "
            "it is not registered."
        )
    return data


def _certificate(args: argparse.Namespace) -> int:
    """Register a signatory's certificate or a side's authority; or list the register."""
    import datetime as dt

    from core.model import Side
    from core.signatures import certificate_fingerprint
    from storage import repository
    from storage.database import open_database, open_read_only
    from storage.errors import StorageError
    from storage.sign_off import register_authority, register_certificate

    if not args.db.is_file():
        raise StorageError(f"{args.db} does not exist.")
    if args.certificate_command == "list":
        db = open_read_only(args.db)
        try:
            for partnership in repository.partnerships(db):
                people = {p.id: p for p in repository.people(db, partnership.id)}
                for c in repository.signatory_certificates(db, partnership.id):
                    holder = people[c.person_id].name if c.person_id in people else "?"
                    print(f"{holder} ({c.side.value}) {c.fingerprint} since {c.added_at:%Y-%m-%d}")
                for a in repository.signing_authorities(db, partnership.id):
                    since = f"{a.added_at:%Y-%m-%d}"
                    print(f"company authority ({a.side.value}) {a.fingerprint} since {since}")
        finally:
            db.close()
        return 0
    if (args.person is None) == (args.authority is None):
        raise ReviewError("Name the signatory (--person NAME) or the side (--authority SIDE).")
    data = _certificate_from(args.file, args.fingerprint)
    fingerprint = certificate_fingerprint(data)
    now = dt.datetime.now().replace(microsecond=0)
    db = open_database(args.db)
    try:
        if args.authority is not None:
            partnerships = repository.partnerships(db)
            if not partnerships:
                raise ReviewError(f"{args.db} holds no partnership.")
            chosen = _partnership_id(db, args)
            if chosen is None and len(partnerships) > 1:
                raise ReviewError(
                    f"{args.db} holds several partnerships: say whose authority with --partnership."
                )
            register_authority(db, chosen or partnerships[0].id, Side(args.authority), data, now)
            print(f"Registered the {args.authority} side's company authority {fingerprint}")
        else:
            person = _partnership_person(db, args.person, _partnership_id(db, args))
            register_certificate(db, person.id, data, now)
            print(f"Registered the certificate {fingerprint} for {person.name}")
    finally:
        db.close()
    return 0


def _send_for_signature(args: argparse.Namespace) -> int:
    """Write closed minutes for a signatory elsewhere; kept to check the signed copy by."""
    import datetime as dt

    from core.exports import write_atomically
    from storage.database import open_database
    from storage.errors import StorageError
    from storage.minutes import find_meeting
    from storage.sign_off import pending_sides, send_for_signature

    if args.out.suffix.lower() != ".pdf":
        raise ReviewError(f"{args.out} should end in .pdf.")
    if not args.db.is_file():
        raise StorageError(f"{args.db} does not exist.")
    db = open_database(args.db)
    try:
        meeting = find_meeting(db, args.meeting)
        pdf = send_for_signature(db, meeting.id, dt.datetime.now().replace(microsecond=0))
        waiting = ", ".join(side.value for side in pending_sides(db, meeting.id))
    finally:
        db.close()
    write_atomically(args.out, pdf)
    print(f"Wrote the minutes of meeting {meeting.number} to sign to {args.out}")
    print(f"Still to sign: {waiting}. Send it; receive the signed copy with `receive-signed`.")
    return 0


def _sign(args: argparse.Namespace) -> int:
    """Sign minutes sent for signature, on the signatory's own computer, with their own key."""
    import contextlib
    import datetime as dt

    from core.exports import write_atomically
    from core.received import document_to_sign, sign_document
    from core.signatures import load_identity, short_fingerprint

    if (args.key is None) == (args.pkcs11 is None):
        raise ReviewError("Sign with your key file (--key FILE) or your token (--pkcs11 MODULE).")
    out = args.out or args.pdf.with_name(args.pdf.stem + "-signed.pdf")
    if out.suffix.lower() != ".pdf":
        raise ReviewError(f"{out} should end in .pdf.")
    _new_file(out, "the signed copy")
    pdf = _read_input(args.pdf, "a PDF")
    if not document_to_sign(pdf).empty_fields:  # before a passphrase is asked for
        raise ReviewError("This PDF has no signature left to add: every field is signed.")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with contextlib.ExitStack() as stack:
        if args.pkcs11 is not None:
            from core.tokens import open_token_identity

            pin = _secret(args.passphrase_file, "The token's PIN")
            identity = stack.enter_context(open_token_identity(args.pkcs11, args.token, pin))
        else:
            data = _read_input(args.key, "a key file")
            identity = load_identity(data, _secret(args.passphrase_file, "Your key's passphrase"))
        signed, document, field = sign_document(
            pdf, identity, args.field or "", now=now, timestamp_url=args.tsa
        )
    write_atomically(out, signed)
    print(f"Signed {document.describe()} as {identity.name} for the {field} side")
    print(f"with the certificate {short_fingerprint(identity.fingerprint)}… into {out}")
    print("Send this file back: the other side receives it with `receive-signed`.")
    return 0


def _search(args: argparse.Namespace) -> int:
    """Print what matches, grouped by kind; exit 1 when nothing does."""
    from core.search import Order, grouped, highlight, parse_query
    from storage.database import open_read_only
    from storage.search import find_partnership, search

    query = parse_query(args.query)
    if query.empty:
        raise ReviewError("Give at least one word to search for.")
    db = open_read_only(args.db)
    try:
        pid = find_partnership(db, args.partnership).id if args.partnership else None
        hits = search(db, query, pid)
    finally:
        db.close()
    if not hits:
        print(f"Nothing matches {args.query!r}.")
        return 1
    several = len({h.partnership_id for h in hits}) > 1
    for kind, group in grouped(hits, Order.NEWEST if args.newest else Order.RELEVANCE):
        print(f"{kind.heading} ({len(group)})")
        for hit in group:
            when = hit.when.isoformat() if hit.when else "          "
            where = f"{hit.partnership} · {hit.context}" if several else hit.context
            print(f"  {when}  {where}")
            print(f"              {highlight(hit.text, query)}")
    return 0


def _import_minutes(args: argparse.Namespace) -> int:
    """Import signed minutes into this copy, each file in the order given, all or nothing
    per file; the first refusal stops (the files before it stay imported)."""
    import datetime as dt

    from storage.database import open_database
    from storage.errors import StorageError
    from storage.exchange import import_minutes

    if not args.db.parent.is_dir():
        raise StorageError(f"The folder {args.db.parent} does not exist.")
    trusted = [_read_input(path, "a certificate") for path in args.trust]
    for path, data in zip(args.trust, trusted, strict=True):
        _check_certificate(path, data)
    files = [(path, _read_input(path, "a PDF")) for path in args.pdf]
    created = not args.db.exists()
    db = open_database(args.db)
    try:
        if created:
            print(f"Created {args.db}: a new copy of the record.")
        for path, pdf in files:
            try:
                result = import_minutes(
                    db,
                    pdf,
                    dt.datetime.now().replace(microsecond=0),
                    trusted=trusted,
                    confirmed=args.fingerprint,
                )
            except ReviewError as error:
                raise ReviewError(f"{path}: {error.message}") from None
            print(f"{path}: {result.describe()}")
    finally:
        db.close()
    return 0


def _receive_signed(args: argparse.Namespace) -> int:
    """Take back minutes signed elsewhere and record that side's sign-off."""
    from core.received import UnknownCertificate
    from storage.database import open_database
    from storage.errors import StorageError
    from storage.sign_off import receive_signed

    if not args.db.is_file():
        raise StorageError(f"{args.db} does not exist.")
    pdf = _read_input(args.pdf, "a PDF")
    db = open_database(args.db)
    try:
        try:
            meeting = receive_signed(db, pdf)
        except UnknownCertificate as unknown:
            import shlex

            command = shlex.join(
                [
                    "main.py", "certificate", "add", "--db", str(args.db), "--person",
                    unknown.signer, str(args.pdf), "--fingerprint", unknown.fingerprint,
                ]
            )  # fmt: skip
            raise ReviewError(
                f"{unknown.message} Its SHA-256 fingerprint: {unknown.fingerprint}. Once its "
                f"holder has confirmed it: {command}"
            ) from None
    finally:
        db.close()
    state = (
        "signed by both sides: the minutes are frozen"
        if meeting.status == "signed"
        else "signed by one side; the other's signature is still to come"
    )
    print(f"Received {args.pdf}: meeting {meeting.number} is {state}.")
    return 0


def _receive_updates(args: argparse.Namespace) -> int:
    """Show the partner's updates as proposals beside the current values, and each flagged
    line; record them all only with --accept-all."""
    import datetime as dt

    from storage.database import open_database, open_read_only
    from storage.errors import StorageError
    from storage.partner_updates import accept_proposals, meeting_for_file, read_updates
    from storage.repository import meeting as meeting_by_id

    if not args.db.is_file():
        raise StorageError(f"{args.db} does not exist.")
    data = _read_input(args.file, "a workbook")
    db = open_database(args.db) if args.accept_all else open_read_only(args.db)
    try:
        meeting = meeting_by_id(db, meeting_for_file(db, data, args.file.name))
        updates = read_updates(db, meeting.id, data, args.file.name)
        count = len(updates.proposals)
        print(
            f"{args.file}: {count} {'proposal' if count == 1 else 'proposals'} from the partner "
            f"for meeting {meeting.number} ({meeting.date:%Y-%m-%d})"
        )
        for p in updates.proposals:
            comment = f' ("{p.comment}")' if p.comment else ""
            print(f"  {p.where}: {p.kind.label}: {p.what}: {p.current} -> {p.proposed}{comment}")
        if updates.unchanged:
            print(f"  {updates.unchanged} more already recorded as they say: nothing to change.")
        if updates.problems:
            print(f"{len(updates.problems)} flagged, not proposed:")
            for problem in updates.problems:
                print(f"  {problem}")
        if not args.accept_all:
            print("Nothing was written: run again with --accept-all to record the proposals.")
            return 0
        now = dt.datetime.now().replace(microsecond=0)
        written = accept_proposals(db, updates, [(p, None) for p in updates.proposals], now)
    finally:
        db.close()
    if written == 0:
        print("No proposal to record: nothing was written.")
    else:
        print(f"Recorded {written} {'proposal' if written == 1 else 'proposals'} from the partner.")
    return 0


def _preread(args: argparse.Namespace) -> int:
    """Write the pre-read of a prepared meeting into a folder and keep the send on record."""
    import datetime as dt

    from core.ids import new_id
    from core.preread import check_can_send, make_preread, write_files
    from storage.database import open_database
    from storage.errors import StorageError
    from storage.preread import find_preread_meeting, preread_source, record_send

    if not args.db.is_file():
        raise StorageError(f"{args.db} does not exist.")
    if not args.out.is_dir():
        raise ReviewError(f"{args.out} is not a folder: give an existing folder for the pre-read.")
    db = open_database(args.db)
    try:
        meeting = find_preread_meeting(db, args.meeting, _partnership_id(db, args))
        check_can_send(meeting)
        now = dt.datetime.now().replace(microsecond=0)
        sent = make_preread(preread_source(db, meeting.id), now, new_id())
        paths = write_files(sent, args.out)
        record_send(db, sent, by="pre-read (command line)")
    finally:
        db.close()
    times = "first send" if sent.sequence == 0 else f"send {sent.sequence + 1}: updates the event"
    print(f"Wrote the pre-read of meeting {meeting.number} ({times}) to {args.out}:")
    for path in paths:
        print(f"  {path.name}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from core.demo import DEFAULT_SEED
    from storage.demo import create_demo

    path = create_demo(
        args.db,
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        scale=args.scale,
        awaiting_partner=args.awaiting_partner,
    )
    print(f"Created the demo in {path}: the main partnership and two more, for the portfolio.")
    if args.awaiting_partner:
        print("Its latest minutes are signed by the enterprise only: the partner's to sign.")
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
    """Import a CSV of readings into one partnership's KPIs (--partnership, else the file's
    first): every line or none, and the partnership named in what it says."""
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
        chosen = _partnership_id(db, args) or found[0].id
        name = next(p.name for p in found if p.id == chosen)
        result = import_readings(
            db, chosen, data, Side(args.entered_by), period_of(dt.date.today())
        )
    finally:
        db.close()
    readings = "reading" if result.written == 1 else "readings"
    print(
        f"Imported {result.written} {readings} ({result.replaced} replaced) from {args.csv} "
        f"into {name}."
    )
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
        meeting = find_meeting(db, args.meeting, _partnership_id(db, args))
        pdf = minutes_pdf(db, meeting.id)
    finally:
        db.close()
    write_atomically(args.out, pdf)
    state = "signed" if meeting.status == "signed" else f"{meeting.status}, not signed"
    print(f"Wrote the minutes of meeting {meeting.number} ({state}) to {args.out}")
    return 0


def _partnership_id(db: Database, args: argparse.Namespace) -> str | None:
    """The partnership --partnership names (by name, a part of it, or id), if given."""
    from storage.search import find_partnership

    reference = getattr(args, "partnership", None)
    return find_partnership(db, reference).id if reference else None


def _check_certificate(path: Path, data: bytes) -> None:
    """Refuse, naming the file, what is not a certificate."""
    from core.signatures import certificate_fingerprint

    try:
        certificate_fingerprint(data)
    except ReviewError as error:
        raise ReviewError(f"{path}: {error.message}") from None


def _verify(args: argparse.Namespace) -> int:
    """Check a minutes PDF: exit 0 only if every signature and hash holds."""
    from core.verification import describe, verify_minutes

    pdf = _read_input(args.pdf, "a PDF")
    trusted = [_read_input(path, "a certificate") for path in args.trust]
    authorities = [_read_input(path, "a certificate") for path in args.trust_tsa]
    for path, data in zip([*args.trust, *args.trust_tsa], [*trusted, *authorities], strict=True):
        _check_certificate(path, data)
    if args.db is None:
        result = verify_minutes(
            pdf, trusted or None, None, database_checked=False, timestamp_authorities=authorities
        )
    else:
        from storage.database import open_read_only
        from storage.verification import verify_against

        db = open_read_only(args.db)
        try:
            result = verify_against(db, pdf, trusted, authorities)
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
    "key": _key_create,
    "certificate": _certificate,
    "send-for-signature": _send_for_signature,
    "sign": _sign,
    "receive-signed": _receive_signed,
    "import-minutes": _import_minutes,
    "search": _search,
    "receive-updates": _receive_updates,
    "pre-read": _preread,
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
    if command is not _gui:
        import logging

        # pyHanko logs each untrusted or damaged signature itself, with its certificate's
        # whole subject; a command's own lines say what matters once, in words.
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        return command(args)
    except ReviewError as error:
        print(f"main.py: {error.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("main.py: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of our output stopped (`| head`): nothing went wrong here
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


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
