"""What a meeting leaves unreviewed, said before it ends."""

from __future__ import annotations

import datetime as dt

from core.model import (
    Action,
    ActionReview,
    Direction,
    Kpi,
    KpiCategory,
    Reading,
    ReadingConfirmation,
    ReviewStatus,
    Side,
)
from core.register import ActionRow
from core.wrap_up import left_unreviewed

DUE = dt.date(2026, 12, 1)


def _row(number: int, reviewed: bool) -> ActionRow:
    action = Action(f"a{number}", "p", f"Action {number}", "o", Side.PARTNER, DUE, None, DUE)
    review = ActionReview("r", action.id, "m", ReviewStatus.ON_TRACK) if reviewed else None
    return ActionRow(action, "Emre", 24, DUE, 0, None, "", review)


def _kpi(name: str) -> Kpi:
    return Kpi(name, "p", name, "%", Direction.HIGHER_IS_BETTER, Side.PARTNER, KpiCategory.SERVICE)


def test_everything_seen_says_nothing() -> None:
    assert left_unreviewed([_row(1, True)], [], [_kpi("Availability")], {}) == []


def test_each_kind_left_is_one_line_with_its_count() -> None:
    """Actions counted out of all open ones; a KPI whose latest figure awaits confirmation is
    named; an earlier unconfirmed figure followed by a confirmed one is not."""
    waiting = Reading(
        "r1", "Availability", "2026-11", 99.1, confirmation=ReadingConfirmation.TO_BE_CONFIRMED
    )
    settled = [
        Reading(
            "r2", "P1 incidents", "2026-10", 3, confirmation=ReadingConfirmation.TO_BE_CONFIRMED
        ),
        Reading("r3", "P1 incidents", "2026-11", 2),
    ]
    lines = left_unreviewed(
        [_row(1, True), _row(2, False), _row(3, False)],
        [],
        [_kpi("Availability"), _kpi("P1 incidents")],
        {"Availability": [waiting], "P1 incidents": settled},
    )
    assert lines == [
        "2 of 3 open actions not reviewed",
        "1 KPI figure awaiting confirmation (Availability)",
    ]


def test_an_action_only_commented_on_is_left_unreviewed() -> None:
    """A comment alone (C) judged nothing: ending the meeting still lists the action."""
    noted = _row(2, True)
    assert noted.review_here is not None
    commented = ActionRow(
        noted.action, "Emre", 24, DUE, 0, None, "",
        ActionReview("r2", noted.action.id, "m", ReviewStatus.NOTED, "Vendor call on Friday"),
    )  # fmt: skip
    assert not commented.reviewed_here and noted.reviewed_here
    lines = left_unreviewed([_row(1, True), commented], [], [_kpi("Availability")], {})
    assert lines and lines[0].startswith("1 of 2 open actions not reviewed")
