"""Actions: when one is overdue, how often it slipped, whether it was done on time."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actions import (
    check_title,
    days_overdue,
    done_by_current_due,
    done_on_time,
    is_overdue,
    raci_assignments,
    slip_count,
    slip_days,
)
from core.errors import ValidationError
from core.model import Action, ActionReview, ActionState, RaciRole, ReviewStatus, Side

D = dt.date.fromisoformat


def action(
    original_due: str,
    current_due: str | None = None,
    state: ActionState = ActionState.OPEN,
    closed_on: str | None = None,
) -> Action:
    return Action(
        id="a1",
        partnership_id="p",
        title="Send the capacity plan",
        owner_id="ann",
        side=Side.PARTNER,
        original_due=D(original_due),
        raised_in_id=None,
        raised_on=D("2025-12-01"),
        current_due=D(current_due) if current_due else None,
        state=state,
        closed_on=D(closed_on) if closed_on else None,
    )


@pytest.mark.parametrize(
    ("due", "on", "days"),
    [
        ("2026-01-31", "2026-01-30", 0),
        ("2026-01-31", "2026-01-31", 0),  # on the due day: not yet overdue
        ("2026-01-31", "2026-02-01", 1),
        ("2026-02-28", "2026-03-01", 1),
        ("2028-02-28", "2028-03-01", 2),  # leap year
        ("2026-12-31", "2027-01-01", 1),
        ("2026-12-31", "2027-01-31", 31),
        ("2026-11-30", "2027-03-01", 91),
    ],
)
def test_overdue_across_month_and_year_ends(due: str, on: str, days: int) -> None:
    """An open action is overdue from the day after its due date, by whole days."""
    assert days_overdue(action(due), D(on)) == days
    assert is_overdue(action(due), D(on)) is (days > 0)


@pytest.mark.parametrize("state", [ActionState.DONE, ActionState.DROPPED])
def test_closed_action_never_overdue(state: ActionState) -> None:
    """A done or dropped action is never overdue, however late it is checked."""
    closed = action("2026-01-31", state=state, closed_on="2026-03-01")
    assert not is_overdue(closed, D("2027-01-01"))
    assert days_overdue(closed, D("2027-01-01")) == 0


@pytest.mark.parametrize(
    ("original", "current", "on", "days"),
    [
        ("2026-01-31", "2026-02-28", "2026-02-15", 0),  # moved later: not overdue yet
        ("2026-01-31", "2026-02-28", "2026-03-01", 1),
        ("2026-03-31", "2026-03-15", "2026-03-20", 5),  # brought forward
    ],
)
def test_current_due_overrides_original(original: str, current: str, on: str, days: int) -> None:
    """Overdue is judged against the current due date, not the original one."""
    assert days_overdue(action(original, current), D(on)) == days


def review(new_due: str | None, reviewed_on: str, action_id: str = "a1") -> ActionReview:
    return ActionReview(
        id=f"r-{reviewed_on}-{action_id}",
        action_id=action_id,
        meeting_id=f"m-{reviewed_on}",
        status=ReviewStatus.LATE if new_due else ReviewStatus.ON_TRACK,
        new_due=D(new_due) if new_due else None,
        reviewed_on=D(reviewed_on),
    )


@pytest.mark.parametrize(
    ("new_dues", "slips"),
    [
        ([], 0),
        ([None, None], 0),
        (["2026-01-31"], 0),  # the original date again is no slip
        (["2026-02-28"], 1),
        (["2026-02-28", "2026-02-28"], 1),  # same date twice counts once
        (["2026-02-28", None, "2026-02-28"], 1),
        (["2026-02-28", "2026-03-31"], 2),
        (["2026-02-28", "2026-03-31", "2026-02-28"], 3),
    ],
)
def test_slip_count_counts_changes_of_due_date(new_dues: list[str | None], slips: int) -> None:
    """Each review that sets a due date different from the one in force is one slip."""
    months = ["2026-02-10", "2026-03-10", "2026-04-14"]
    reviews = [review(due, on) for due, on in zip(new_dues, months, strict=False)]
    assert slip_count(action("2026-01-31"), reversed(reviews)) == slips


def test_slip_count_ignores_other_actions() -> None:
    """Reviews of another action do not count as slips of this one."""
    reviews = [review("2026-02-28", "2026-02-10", action_id="other")]
    assert slip_count(action("2026-01-31"), reviews) == 0


@pytest.mark.parametrize(("current", "days"), [(None, 0), ("2026-03-03", 31), ("2026-01-20", 0)])
def test_slip_days(current: str | None, days: int) -> None:
    """Slip days run from the original to the current due date, never negative."""
    assert slip_days(action("2026-01-31", current)) == days


@pytest.mark.parametrize(
    ("state", "current", "closed_on", "on_time", "by_current"),
    [
        (ActionState.DONE, None, "2026-03-31", True, True),
        (ActionState.DONE, None, "2026-04-01", False, False),
        (ActionState.DONE, "2026-04-30", "2026-03-20", True, True),
        (ActionState.DONE, "2026-04-30", "2026-04-15", False, True),  # done after a slip
        (ActionState.DONE, "2026-04-30", "2026-05-01", False, False),
        (ActionState.DROPPED, None, "2026-03-01", False, False),
        (ActionState.OPEN, None, None, False, False),
    ],
)
def test_done_on_time_vs_by_current_due(
    state: ActionState, current: str | None, closed_on: str | None, on_time: bool, by_current: bool
) -> None:
    """On time means by the original date; by current due allows for reschedules."""
    done = action("2026-03-31", current, state, closed_on)
    assert done_on_time(done) is on_time
    assert done_by_current_due(done) is by_current


@pytest.mark.parametrize("title", ["", "   ", "\t\n ", "x" * 501])
def test_check_title_refuses(title: str) -> None:
    """An empty, blank or over-long action title is refused on the title field."""
    with pytest.raises(ValidationError) as caught:
        check_title(title)
    assert caught.value.field == "title"
    assert str(caught.value)


@pytest.mark.parametrize(
    ("title", "cleaned"),
    [
        ("Send plan", "Send plan"),
        ("  Send \t the   plan ", "Send the plan"),
        ("x" * 500, "x" * 500),
    ],
)
def test_check_title_folds_spaces(title: str, cleaned: str) -> None:
    """A title is kept with its spaces folded."""
    assert check_title(title) == cleaned


def test_a_review_repeating_the_due_date_in_force_is_no_slip() -> None:
    """Giving the same due date again records no new date, so it counts as no slip."""
    from core.actions import normalise_review

    action = Action(
        "a1", "p", "Publish the calendar", "o", Side.PARTNER, D("2026-03-01"), "m0", D("2026-01-01")
    )
    moved = ActionReview(
        "r1", "a1", "m1", ReviewStatus.AT_RISK, "", D("2026-04-01"), D("2026-02-01")
    )
    again = ActionReview(
        "r2", "a1", "m2", ReviewStatus.ON_TRACK, "", D("2026-04-01"), D("2026-03-01")
    )
    assert normalise_review(action, [moved], again).new_due is None
    later = ActionReview(
        "r3", "a1", "m2", ReviewStatus.AT_RISK, "", D("2026-05-01"), D("2026-03-01")
    )
    assert normalise_review(action, [moved], later).new_due == D("2026-05-01")
    assert normalise_review(action, [], moved).new_due == D("2026-04-01")


def test_raci_makes_the_owner_responsible_and_each_person_once_per_role() -> None:
    """The owner is R whatever else is said; duplicates go; the order given is kept."""
    found = raci_assignments(
        "a1",
        "owner",
        {
            RaciRole.RESPONSIBLE: ["someone-else"],
            RaciRole.ACCOUNTABLE: ["boss", "boss"],
            RaciRole.CONSULTED: ["expert", "owner"],
            RaciRole.INFORMED: ["reader"],
        },
        ["owner", "boss", "expert", "reader", "someone-else"],
    )
    assert [(a.person_id, a.role) for a in found] == [
        ("owner", RaciRole.RESPONSIBLE),
        ("boss", RaciRole.ACCOUNTABLE),
        ("expert", RaciRole.CONSULTED),
        ("owner", RaciRole.CONSULTED),
        ("reader", RaciRole.INFORMED),
    ]


def test_raci_refuses_a_person_of_neither_party() -> None:
    with pytest.raises(ValidationError) as caught:
        raci_assignments("a1", "owner", {RaciRole.INFORMED: ["stranger"]}, ["owner"])
    assert caught.value.field == "informed"
