"""The people of each party: names, e-mails, and no one twice in the same party."""

from __future__ import annotations

import pytest

from core.errors import ValidationError
from core.model import Person, Side
from core.people import check_person

ANN = Person(
    id="ann", partnership_id="p", side=Side.ENTERPRISE, name="Ann Lee", email="ann@ent.example"
)
OTHERS = [ANN, Person(id="bo", partnership_id="p", side=Side.PARTNER, name="Bo Chen")]


def person(
    name: str, side: Side = Side.ENTERPRISE, email: str = "", person_id: str = "new", role: str = ""
) -> Person:
    return Person(id=person_id, partnership_id="p", side=side, name=name, role=role, email=email)


@pytest.mark.parametrize(
    ("candidate", "field"),
    [
        (person(""), "name"),
        (person("  \t "), "name"),
        (person("x" * 201), "name"),
        (person("Ann Lee"), "name"),
        (person("ann lee"), "name"),
        (person("  ANN   Lee "), "name"),
        (person("Ann\tLee"), "name"),
        (person("Bo Chen", Side.PARTNER), "name"),
        (person("Cy", email="cy"), "email"),
        (person("Cy", email="cy@"), "email"),
        (person("Cy", email="@ent.example"), "email"),
        (person("Cy", email="cy@ent"), "email"),
        (person("Cy", email="cy lee@ent.example"), "email"),
        (person("Cy", email="cy@@ent.example"), "email"),
    ],
)
def test_check_person_refuses(candidate: Person, field: str) -> None:
    """An empty name, a name already in the same party, or a bad e-mail is refused."""
    with pytest.raises(ValidationError) as caught:
        check_person(candidate, OTHERS)
    assert caught.value.field == field
    assert str(caught.value)


@pytest.mark.parametrize(
    "candidate",
    [
        person("Ann Lee", Side.PARTNER),  # same name, other side
        person("Bo Chen", Side.ENTERPRISE),
        person("Ann Lee", person_id="ann"),  # Ann herself, being edited
        person("Cy Park", email="cy.park@partner.example"),
    ],
)
def test_check_person_accepts(candidate: Person) -> None:
    """Someone new to their own party, or the same person edited, is accepted."""
    assert check_person(candidate, OTHERS).name == candidate.name


def test_check_person_cleans_fields() -> None:
    """Names and roles have their spaces folded; the e-mail is trimmed."""
    cleaned = check_person(
        person("  Cy   Park ", email=" cy@ent.example ", role=" Service  lead "), OTHERS
    )
    assert (cleaned.name, cleaned.role, cleaned.email) == (
        "Cy Park",
        "Service lead",
        "cy@ent.example",
    )
