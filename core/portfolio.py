"""Every partnership of a file side by side: a governance office's portfolio.

One row a partnership: its next meeting, its last meeting and how far its sign-off went, each
side's open and overdue actions, each side's say/do over the last six meetings, and its KPIs
red now. `needs_attention` says why a row deserves a look first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core import accountability
from core.model import (
    Action,
    ActionState,
    Meeting,
    MeetingStatus,
    Partnership,
    Party,
    Side,
    SignOff,
)

SAY_DO_MEETINGS = 6


@dataclass(frozen=True)
class PortfolioRow:
    partnership_id: str
    name: str
    parties: Mapping[Side, str]
    meetings_held: int
    next_meeting: dt.date | None
    last_meeting: dt.date | None
    last_state: str  # "signed", "awaiting the partner's sign-off", "live"... or ""
    open_actions: Mapping[Side, int]
    overdue: Mapping[Side, int]
    say_do: Mapping[Side, float | None]  # over the last SAY_DO_MEETINGS meetings
    red_kpis: int

    @property
    def needs_attention(self) -> list[str]:
        """What a portfolio reader should look at, in words (empty: nothing)."""
        reasons = []
        if self.red_kpis:
            reasons.append(f"{self.red_kpis} KPI{'s' if self.red_kpis > 1 else ''} red")
        for side in Side:
            if self.overdue[side]:
                reasons.append(f"{self.overdue[side]} {side.label.lower()} overdue")
        if self.last_state.startswith("awaiting"):
            reasons.append(self.last_state)
        return reasons


def portfolio_row(
    partnership: Partnership,
    parties: Sequence[Party],
    meetings: Sequence[Meeting],
    actions: Sequence[Action],
    last_sign_offs: Sequence[SignOff],
    red_kpis: int,
    today: dt.date,
) -> PortfolioRow:
    """One partnership's row, as of `today`."""
    originals = sorted(
        (m for m in meetings if m.amends_id is None), key=lambda m: m.scheduled_start
    )
    held = [m for m in originals if m.status in (MeetingStatus.CLOSED, MeetingStatus.SIGNED)]
    ahead = [m for m in originals if m.status in (MeetingStatus.DRAFT, MeetingStatus.LIVE)]
    last = held[-1] if held else None
    say_do: dict[Side, float | None] = {side: None for side in Side}
    if last is not None:
        records = accountability.accountability(held, actions, last, SAY_DO_MEETINGS)
        say_do = {side: records[side].say_do_ratio for side in Side}
    open_now = [a for a in actions if a.state is ActionState.OPEN]
    return PortfolioRow(
        partnership_id=partnership.id,
        name=partnership.name,
        parties={p.side: p.name for p in parties},
        meetings_held=len(held),
        next_meeting=ahead[0].date if ahead else None,
        last_meeting=last.date if last else None,
        last_state=_state(last, last_sign_offs, ahead[0] if ahead else None),
        open_actions={side: sum(1 for a in open_now if a.side is side) for side in Side},
        overdue={
            side: sum(1 for a in open_now if a.side is side and a.due < today) for side in Side
        },
        say_do=say_do,
        red_kpis=red_kpis,
    )


def _state(last: Meeting | None, sign_offs: Sequence[SignOff], ahead: Meeting | None) -> str:
    if ahead is not None and ahead.status is MeetingStatus.LIVE:
        return "a meeting is live"
    if last is None:
        return ""
    if last.status is MeetingStatus.SIGNED:
        return "signed"
    signed = {s.side for s in sign_offs}
    missing = [side.label.lower() for side in Side if side not in signed]
    if len(missing) == 1:
        return f"awaiting the {missing[0]}'s sign-off"
    return "awaiting both sign-offs"
