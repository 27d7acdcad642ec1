"""The action register as plain data: one row an action, with what the screens show of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.actions import days_overdue
from core.model import Action, ActionReview, ActionState, ReviewStatus, Side


@dataclass(frozen=True, slots=True)
class ActionFilter:
    """Which actions a register or review table shows."""

    side: Side | None = None
    owner_id: str | None = None
    state: ActionState | None = None
    overdue_on: dt.date | None = None
    text: str = ""
    open_at_meeting_id: str | None = None
    action_id: str | None = None  # that one action (a search hit's)


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action with its owner, where it was raised, how often it slipped, its last review."""

    action: Action
    owner_name: str
    raised_number: int | None
    raised_on: dt.date
    slips: int
    last_status: ReviewStatus | None
    last_comment: str
    review_here: ActionReview | None = None

    @property
    def reviewed_here(self) -> bool:
        """Judged in the meeting (a comment alone is not a review)."""
        return self.review_here is not None and self.review_here.status.is_review

    def days_overdue(self, on: dt.date) -> int:
        return days_overdue(self.action, on)
