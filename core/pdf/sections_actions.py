"""Sections of the minutes: the action review, new commitments and decisions."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from core.minutes import (
    ReviewedAction,
)
from core.pdf.story import StoryBase
from core.pdf.text import _coloured, _esc, _raci, _side_label, _sides_in, _small
from core.pdf.theme import _CLOSED_BG, _GROUP_BG, _OVERRUN, _RAG_COLOUR, _STATUS


class ActionSections(StoryBase):
    """The action review, the new commitments and the decisions."""

    def _action_review(self) -> list[Any]:
        reviewed = self.minutes.action_review
        if not reviewed:
            return self._empty("No actions were reviewed.")
        rows: list[list[Any]] = [self._head("Action", "Owner", "Due", "Status", "New due")]
        extra: list[tuple[Any, ...]] = []
        for side in _sides_in(a.side for a in reviewed):
            group = [a for a in reviewed if a.side == side]
            closed = sum(a.closed for a in group)
            extra += self._group_row(
                rows,
                f"{_side_label(side)} · {_esc(self._party(side))}",
                f"{len(group) - closed} open · {closed} closed",
                5,
            )
            for action in group:
                if action.closed:
                    extra.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), _CLOSED_BG))
                rows.append(self._action_row(action))
        return [
            self._intro(
                "Every action reviewed in this meeting, by side: open actions first, then those "
                "closed. A struck-out date is the original due date of an action that slipped."
            ),
            self._table(rows, [192, 90, 76, 58, 66], extra=extra),
        ]

    def _group_row(
        self, rows: list[list[Any]], title: str, note: str, columns: int
    ) -> list[tuple[Any, ...]]:
        index = len(rows)
        rows.append(
            [self._p(f"{title}&nbsp;&nbsp;{_small(escape(note))}", "group")] + [""] * (columns - 1)
        )
        return [
            ("SPAN", (0, index), (-1, index)),
            ("NOSPLIT", (0, index), (-1, index + 1)),
            ("BACKGROUND", (0, index), (-1, index), _GROUP_BG),
            ("TOPPADDING", (0, index), (-1, index), 4),
        ]

    def _action_row(self, action: ReviewedAction) -> list[Any]:
        text = "cell_muted" if action.closed else "cell"
        title = _esc(action.title)
        details = [f"Raised in {_esc(action.raised)}" if action.raised else ""]
        lines = [title, _small(" · ".join(d for d in details if d))]
        if action.comment.strip():
            lines.append(f'<font size="8"><i>{_esc(action.comment)}</i></font>')
        due = escape(action.due)
        if action.original_due and action.original_due != action.due:
            due += f"<br/>{_small('<strike>' + escape(action.original_due) + '</strike>')}"
        if action.slips:
            due += "<br/>" + _coloured(f"slipped {action.slips}×", _OVERRUN)
        label, rag = _STATUS.get(
            action.status, (action.status.replace("_", " ").capitalize(), None)
        )
        status = escape(label)
        if rag is not None:
            status = _coloured(
                f"<b>{status}</b>" if not action.closed else status, _RAG_COLOUR[rag]
            )
        if action.closed:
            status += "<br/>" + _small("closed")
        return [
            self._p("<br/>".join(lines), text),
            self._p(_esc(action.owner) or "—", text),
            self._p(due, text),
            self._p(status, text),
            self._p(escape(action.new_due) if action.new_due else "—", text),
        ]

    def _commitments(self) -> list[Any]:
        commitments = self.minutes.commitments
        if not commitments:
            return self._empty("No new commitments were made.")
        rows: list[list[Any]] = [self._head("Commitment", "Owner", "Due", "RACI")]
        extra: list[tuple[Any, ...]] = []
        for side in _sides_in(c.side for c in commitments):
            group = [c for c in commitments if c.side == side]
            extra += self._group_row(
                rows,
                f"{_side_label(side)} · {_esc(self._party(side))}",
                f"{len(group)} new",
                4,
            )
            rows += [
                [
                    self._p(_esc(c.title)),
                    self._p(
                        (_esc(c.owner) or "—")
                        + ("<br/>" + _small("absent") if c.owner_absent else "")
                    ),
                    self._p(escape(c.due)),
                    self._p(_raci(c)),
                ]
                for c in group
            ]
        return [
            self._intro(
                "Actions raised in this meeting. RACI: <b>R</b>esponsible, <b>A</b>ccountable, "
                "<b>C</b>onsulted, <b>I</b>nformed."
            ),
            self._table(rows, [200, 100, 62, 130], extra=extra),
        ]

    def _decisions(self) -> list[Any]:
        decisions = self.minutes.decisions
        if not decisions:
            return self._empty("No decisions were recorded.")
        rows: list[list[Any]] = [self._head("Ref.", "Decision", "Agenda item", "Agreed by")]
        for d in decisions:
            rows.append(
                [
                    self._p(_esc(d.reference), "cell_muted"),
                    self._p(_esc(d.text)),
                    self._p(_esc(d.item) or "—", "cell_muted"),
                    self._p(", ".join(_esc(n) for n in d.agreed_by) or "—"),
                ]
            )
        return [self._table(rows, [76, 190, 106, 120])]

    # -- dashboard --
