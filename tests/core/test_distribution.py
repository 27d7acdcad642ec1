"""Sending the minutes: file names that say what they are, and an e-mail draft both sides get."""

from __future__ import annotations

import dataclasses
import email
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
