"""`render_preread` typesets a `PreRead` (core/preread.py) in the minutes' look: the same
fonts (DejaVu Sans, embedded), page furniture, tables and phrases; the dashboard with its
charts, the initiatives and the decisions printed by the minutes' own sections.

The minutes' sections read a `Minutes`: the pre-read lends them one holding only its own parts
(the period's dashboard, the initiatives, last meeting's decisions), so each prints exactly as
it will in the minutes. The agenda with planned times and the open actions are the pre-read's.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (  # type: ignore[import-untyped]
    Spacer,
)
from reportlab.platypus.doctemplate import LayoutError  # type: ignore[import-untyped]

from core.minutes import Minutes
from core.model import AgendaItemKind
from core.pdf.flowables import _Furniture
from core.pdf.render import build_document
from core.pdf.sections_actions import ActionSections
from core.pdf.sections_dashboard import DashboardSections
from core.pdf.sections_meeting import facts_table
from core.pdf.text import (
    _clean,
    _clock,
    _coloured,
    _esc,
    _long_date,
    _period_name,
    _side_label,
    _sides_in,
    _small,
    _span_minutes,
)
from core.pdf.theme import (
    _MUTED,
    _OVERRUN,
    _RAG_COLOUR,
    _RULE,
    _STATUS,
    _register_fonts,
)
from core.preread import AwaitingEntry, OpenActionEntry, PreRead


def _as_minutes(preread: PreRead) -> Minutes:
    """What the minutes' sections read, holding the pre-read's own parts only."""
    return Minutes(
        header=preread.header,
        attendance=(),
        agenda=(),
        action_review=(),
        commitments=(),
        decisions=preread.decisions,
        dashboard=preread.dashboard,
        disputes=(),
        initiatives=preread.initiatives,
        accountability=(),
    )


class PreReadStory(ActionSections, DashboardSections):
    """Builds the flowables of the pre-read, section by section."""

    def __init__(self, preread: PreRead, *, created: dt.datetime, split_rows: bool = False):
        super().__init__(_as_minutes(preread), "", {}, split_rows=split_rows)
        self.preread = preread
        self.created = created

    def flowables(self) -> list[Any]:
        story: list[Any] = self._preread_title()
        last = self.preread.last_meeting
        decisions = f"Decisions of the last meeting ({last})" if last else "Earlier decisions"
        for title, build in (
            ("Agenda", self._planned_agenda),
            ("Open actions of both sides", self._open_actions),
            ("Dashboard", self._dashboard),
            ("Figures awaiting confirmation", self._awaiting),
            ("Initiatives", self._initiatives),
            (decisions, self._last_decisions),
        ):
            story += [self._heading(title), *build()]
        return story

    # -- title block --

    def _preread_title(self) -> list[Any]:
        h = self.preread.header
        planned = f"{_clock(h.planned_start) or '—'} – {_clock(h.planned_end) or '—'}"
        minutes = _span_minutes(h.planned_start, h.planned_end)
        if minutes is not None:
            planned += f" ({minutes} min)"
        period = _period_name(h.period)
        if period != h.period:
            period += f" ({h.period})"
        facts = [
            ("Enterprise", _esc(h.enterprise), "Partner", _esc(h.partner)),
            ("Date", escape(_long_date(h.date)), "Period reviewed", escape(period)),
            ("Time", escape(planned), "Location", _esc(h.location) or "—"),
            (
                "Facilitator",
                _esc(h.facilitator) or "—",
                "Last meeting",
                _esc(self.preread.last_meeting or "none"),
            ),
        ]
        rows = [
            [self._p(a, "label"), self._p(b, "fact"), self._p(c, "label"), self._p(d, "fact")]
            for a, b, c, d in facts
        ]
        table = facts_table(rows)
        sent = self.created.strftime("%Y-%m-%d %H:%M")
        return [
            self._p("PRE-READ FOR THE PARTNERSHIP REVIEW", "kicker"),
            self._p(_esc(h.partnership), "title"),
            self._p(f"Meeting {h.number} — {_esc(h.title)}", "subtitle"),
            self._p(
                escape(f"Sent {sent}: the actions and figures as they stood then. Not minutes."),
                "revision",
            ),
            table,
            Spacer(1, 6),
        ]

    # -- agenda --

    def _planned_agenda(self) -> list[Any]:
        agenda = self.preread.agenda
        if not agenda:
            return self._empty("The agenda is empty.")
        rows: list[list[Any]] = [self._head(">#", "Item", "Type", ">Starts", ">Minutes")]
        for item in agenda:
            rows.append(
                [
                    self._p(str(item.position), "cell_right"),
                    self._p(_esc(item.title)),
                    self._p(escape(AgendaItemKind(item.kind).label), "cell_muted"),
                    self._p(escape(item.start), "cell_right"),
                    self._p(str(item.minutes), "cell_right"),
                ]
            )
        total = sum(item.minutes for item in agenda)
        ends = _clock(self.preread.header.planned_end) or "—"
        rows.append(
            [
                "",
                self._p(f"<b>Total</b>&nbsp;&nbsp;{_small('ends at ' + escape(ends))}"),
                "",
                "",
                self._p(f"<b>{total}</b>", "cell_right"),
            ]
        )
        return [
            self._intro("Each item starts when the timeboxes before it are used up."),
            self._table(
                rows, [20, 250, 110, 60, 56], extra=[("LINEABOVE", (0, -1), (-1, -1), 0.6, _RULE)]
            ),
        ]

    # -- open actions --

    def _open_actions(self) -> list[Any]:
        actions = self.preread.actions
        if not actions:
            return self._empty("No action is open.")
        rows: list[list[Any]] = [self._head("Action", "Owner", "Due", "Overdue", "Last review")]
        extra: list[tuple[Any, ...]] = []
        for side in _sides_in(a.side for a in actions):
            group = [a for a in actions if a.side == side]
            overdue = sum(a.days_overdue > 0 for a in group)
            extra += self._group_row(
                rows,
                f"{_side_label(side)} · {_esc(self._party(side))}",
                f"{len(group)} open · {overdue} overdue",
                5,
            )
            rows += [self._open_action_row(a) for a in group]
        day = _long_date(self.preread.header.date)
        return [
            self._intro(
                "Every action still open, of both sides, as the meeting will review them. "
                f"Days overdue are counted to the meeting's date ({escape(day)}); a struck-out "
                "date is the original due date of an action that slipped."
            ),
            self._table(rows, [186, 90, 74, 66, 98], extra=extra),
        ]

    def _open_action_row(self, action: OpenActionEntry) -> list[Any]:
        title = f"{_esc(action.title)}<br/>{_small('Raised in ' + _esc(action.raised))}"
        due = escape(action.due)
        if action.original_due != action.due:
            due += f"<br/>{_small('<strike>' + escape(action.original_due) + '</strike>')}"
        if action.slips:
            due += "<br/>" + _coloured(f"slipped {action.slips}×", _OVERRUN)
        if action.days_overdue > 0:
            days = "day" if action.days_overdue == 1 else "days"
            overdue = _coloured(f"<b>⚠ {action.days_overdue} {days}</b>", _RAG_COLOUR["red"])
        else:
            overdue = _coloured("—", _MUTED)
        if action.last_status is None:
            review = _small("not reviewed yet")
        else:
            label, rag = _STATUS.get(
                action.last_status, (action.last_status.replace("_", " ").capitalize(), None)
            )
            review = escape(label)
            if rag is not None:
                review = _coloured(review, _RAG_COLOUR[rag])
            if action.last_comment.strip():
                review += f'<br/><font size="8"><i>{_esc(action.last_comment)}</i></font>'
        return [
            self._p(title),
            self._p(_esc(action.owner) or "—"),
            self._p(due),
            self._p(overdue),
            self._p(review),
        ]

    # -- figures awaiting confirmation --

    def _awaiting(self) -> list[Any]:
        awaiting = self.preread.awaiting
        period = _period_name(self.preread.header.period)
        if not awaiting:
            return self._empty(f"Every figure of {period} is confirmed by both sides.")
        rows: list[list[Any]] = [
            self._head("KPI", "Period", ">Value", "Reported by", "To confirm by", "State")
        ]
        rows += [self._awaiting_row(entry) for entry in awaiting]
        return [
            self._intro(
                "Figures one side reported for a KPI, which the other side is to confirm or "
                "dispute in the meeting (or beforehand, in the partner update workbook); "
                "disputes of earlier periods stay here until confirmed."
            ),
            self._table(rows, [140, 50, 58, 70, 76, 98]),
        ]

    def _awaiting_row(self, entry: AwaitingEntry) -> list[Any]:
        if entry.disputed:
            state = _coloured("<b>⚑ Disputed</b>", _RAG_COLOUR["red"])
        else:
            state = "<i>⚑ To be confirmed</i>"
        return [
            self._p(_esc(entry.kpi)),
            self._p(escape(entry.period)),
            self._p(f"<b>{escape(entry.value)}</b>", "cell_right"),
            self._p(escape(_side_label(entry.reported_by))),
            self._p(escape(_side_label(entry.to_confirm_by))),
            self._p(state),
        ]

    # -- last meeting's decisions --

    def _last_decisions(self) -> list[Any]:
        if self.preread.last_meeting is None:
            return self._empty("This is the first meeting: no decision was taken before it.")
        return self._decisions()


def render_preread(preread: PreRead, *, created: dt.datetime) -> bytes:
    """Typeset the pre-read as an A4 PDF, stamped with when it was made."""
    _register_fonts()
    try:
        return _render(preread, created, split_rows=False)
    except LayoutError:
        # Only a table row taller than a page gets here (a pasted essay in a comment).
        return _render(preread, created, split_rows=True)


def _render(preread: PreRead, created: dt.datetime, *, split_rows: bool) -> bytes:
    header = preread.header
    furniture = _Furniture(
        left=_clean(header.partnership),
        right=f"Pre-read · meeting {header.number} — {header.date}",
        content_hash="",
        footer=f"Pre-read sent {created:%Y-%m-%d %H:%M}: not minutes.",
    )

    buffer = io.BytesIO()
    story = PreReadStory(preread, created=created, split_rows=split_rows).flowables()
    build_document(
        buffer,
        story,
        furniture,
        created,
        template="pre-read",
        title=f"Pre-read for meeting {header.number}: {_clean(header.title)}",
        author=_clean(header.partnership),
        subject=f"Pre-read for meeting {header.number}",
    )
    return buffer.getvalue()
