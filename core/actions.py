"""Rules about actions: when one is overdue, how often it slipped, whether it was done on time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from core.errors import ValidationError
from core.model import Action, ActionReview, ActionState, RaciAssignment, RaciRole
from core.text import one_line


def is_overdue(action: Action, on: dt.date) -> bool:
    """An open action is overdue once the day after its current due date has begun."""
    return action.state is ActionState.OPEN and on > action.due


def days_overdue(action: Action, on: dt.date) -> int:
    """Whole days past the current due date (0 when not overdue)."""
    return (on - action.due).days if is_overdue(action, on) else 0


def slip_count(action: Action, reviews: Iterable[ActionReview]) -> int:
    """How many times a review moved the due date: each new, different due date is one slip."""
    due = action.original_due
    slips = 0
    for review in sorted(reviews, key=lambda r: r.reviewed_on or dt.date.min):
        if review.action_id == action.id and review.new_due is not None and review.new_due != due:
            slips += 1
            due = review.new_due
    return slips


def slip_days(action: Action) -> int:
    """Days between the original and the current due date (0 if never moved)."""
    return max(0, (action.due - action.original_due).days)


def done_on_time(action: Action) -> bool:
    """Done by its original due date: what the say/do ratio counts."""
    return (
        action.state is ActionState.DONE
        and action.closed_on is not None
        and action.closed_on <= action.original_due
    )


def done_by_current_due(action: Action) -> bool:
    """Done by the due date in force when it was done, reschedules included."""
    return (
        action.state is ActionState.DONE
        and action.closed_on is not None
        and action.closed_on <= action.due
    )


def check_title(title: str) -> str:
    """An action's title, stripped; an empty one is refused."""
    cleaned = one_line(title)
    if not cleaned:
        raise ValidationError("title", "An action needs a title.")
    if len(cleaned) > 500:
        raise ValidationError("title", "An action's title is at most 500 characters.")
    return cleaned


def settle(action: Action, reviews: Sequence[ActionReview]) -> Action:
    """An action's state and current due date as its reviews (in meeting order) leave them.

    The due date in force is the last new date any review set; the last review decides
    whether the action is open, done or dropped, and when and where it was closed.
    """
    moved = [r.new_due for r in reviews if r.new_due is not None]
    last = reviews[-1] if reviews else None
    closes = last is not None and last.status.closes
    return dataclasses.replace(
        action,
        current_due=moved[-1] if moved else action.original_due,
        state=ActionState(last.status.value) if last is not None and closes else ActionState.OPEN,
        closed_in_id=last.meeting_id if last is not None and closes else None,
        closed_on=(last.completed_on or last.reviewed_on) if last is not None and closes else None,
    )


def normalise_review(
    action: Action, earlier: Sequence[ActionReview], review: ActionReview
) -> ActionReview:
    """A review whose new due date is the one already in force moves nothing: no slip.

    `earlier` are the action's other reviews (this meeting's own left out), in meeting order.
    """
    in_force = settle(action, earlier).due
    if review.new_due is not None and review.new_due == in_force:
        return dataclasses.replace(review, new_due=None)
    return review


def raci_assignments(
    action_id: str,
    owner_id: str,
    raci: Mapping[RaciRole, Sequence[str]],
    people: Iterable[str],
) -> list[RaciAssignment]:
    """Who is what for a new action: the owner is Responsible, whatever else is said; the
    others as given, each person once per role; anyone not of either party is refused."""
    known = set(people)
    assignments = [RaciAssignment(action_id, owner_id, RaciRole.RESPONSIBLE)]
    for role, person_ids in raci.items():
        if role is RaciRole.RESPONSIBLE:
            continue
        for person_id in dict.fromkeys(person_ids):
            if person_id not in known:
                raise ValidationError(role.value, "RACI people must be of one of the parties.")
            assignments.append(RaciAssignment(action_id, person_id, role))
    return assignments
