"""Rules about the people of each party."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.errors import ValidationError
from core.model import Person, Side
from core.text import one_line

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_name(name: str, field: str = "name") -> str:
    """A name with its spaces folded; an empty or over-long one is refused."""
    cleaned = one_line(name)
    if not cleaned:
        raise ValidationError(field, "A name cannot be empty.")
    if len(cleaned) > 200:
        raise ValidationError(field, "A name is at most 200 characters.")
    return cleaned


def check_person(person: Person, others: Iterable[Person]) -> Person:
    """Refuse an empty name, a bad e-mail, or a person already in the same party."""
    name = clean_name(person.name)
    email = one_line(person.email)
    if email and not _EMAIL.match(email):
        raise ValidationError("email", f"'{email}' is not an e-mail address.")
    for other in others:
        if other.id != person.id and other.side is person.side and _same(other.name, name):
            raise ValidationError(
                "name", f"{name} is already a person of the {person.side.value} side."
            )
    return Person(
        id=person.id,
        partnership_id=person.partnership_id,
        side=person.side,
        name=name,
        role=one_line(person.role),
        email=email,
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split() if part).upper()


def side_of(person_id: str, people: Iterable[Person]) -> Side:
    for person in people:
        if person.id == person_id:
            return person.side
    raise ValidationError("owner", "The owner must be a person of one of the two parties.")
