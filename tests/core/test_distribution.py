"""Sending the minutes: file names that say what they are, and an e-mail draft both sides get."""

from __future__ import annotations

import dataclasses
import email
import email.parser
from email import policy

import pytest

from core.distribution import file_stem, minutes_email
from core.errors import ValidationError
from tests.core.test_minutes import DMITRY, LUKASZ, MEETING, ZOE


def test_file_names_carry_partnership_number_and_date() -> None:
    """Accents and symbols fold to a plain, sortable name."""
    assert file_stem("Halden Mutual – Brightline IT", MEETING) == (
        "halden-mutual-brightline-it-meeting-012-2026-11-03-minutes"
    )
    amended = dataclasses.replace(MEETING, revision=2)
    assert file_stem("Çelik & Søn", amended).endswith("-meeting-012-2026-11-03-rev2-minutes")


def test_email_draft_is_addressed_to_the_attendees_with_the_pdf_attached() -> None:
    """Non-Latin names are encoded properly; the PDF comes back byte for byte."""
    people = [
        dataclasses.replace(LUKASZ, email="lukasz@halden.example"),
        dataclasses.replace(DMITRY, email="dmitry@brightline.example"),
        ZOE,  # no address: left out
    ]
    data = minutes_email("Halden – Brightline", MEETING, people, b"%PDF-1.7 minutes", "m.pdf")
    message = email.message_from_bytes(data, policy=policy.default)
    assert "Łukasz Nowak" in str(message["To"]) and "Дмитрий Соколов" in str(message["To"])
    assert "Papadopoulou" not in str(message["To"])
    assert message["X-Unsent"] == "1"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "m.pdf"
    assert attachment.get_content() == b"%PDF-1.7 minutes"


def test_no_address_at_all_is_refused() -> None:
    """Nobody to write to: one clear message."""
    with pytest.raises(ValidationError, match="e-mail address"):
        minutes_email("P", MEETING, [ZOE], b"%PDF", "m.pdf")


def test_the_draft_is_mail_any_server_takes_and_a_strict_parser_reads() -> None:
    """From the facilitator, To both sides, Date and Message-ID; CRLF lines, the text and the
    base64 within 78 characters (a name is never folded into two encoded words); read back by
    the standard library's strict policy and as a one-message mailbox; the body says how to
    check the signatures in an ordinary reader."""
    import datetime as dt
    import mailbox
    import os
    import random
    import tempfile

    pdf = b"%PDF-1.7\n" + random.Random(3).randbytes(20_000)
    people = [
        dataclasses.replace(LUKASZ, email="lukasz@halden.example"),
        dataclasses.replace(DMITRY, email="dmitry@brightline.example"),
    ]
    now = dt.datetime(2026, 11, 3, 11, 50, tzinfo=dt.UTC)
    data = minutes_email("Halden – Brightline", MEETING, people, pdf, "m.pdf", people[0], now)
    headers, _, rest = data.partition(b"\r\n\r\n")
    assert max(len(line) for line in headers.split(b"\r\n")) <= 998
    assert max(len(line) for line in rest.split(b"\r\n")) <= 78
    assert b"\n" not in data.replace(b"\r\n", b"")
    strict = email.parser.BytesParser(policy=policy.strict).parsebytes(data)
    assert strict["From"].addresses[0].addr_spec == "lukasz@halden.example"
    assert len(strict["To"].addresses) == 2
    assert strict["Date"].datetime == now
    assert strict["Message-ID"].endswith("@halden.example>")
    (attachment,) = list(strict.iter_attachments())
    assert attachment.get_content() == pdf
    body = strict.get_body(("plain",)).get_content()
    assert "signature panel" in body and "fingerprint" in body and "main.py" not in body
    assert "Дмитрий Соколов" in str(strict["To"])
    with tempfile.TemporaryDirectory() as folder:
        box = mailbox.mbox(os.path.join(folder, "box"))
        box.add(data)
        box.flush()
        (stored,) = list(box)
        assert stored["Message-ID"] == strict["Message-ID"]
        box.close()
