"""Sections of the minutes: the title block, at a glance, attendance, the agenda, the notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import zip_longest
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (  # type: ignore[import-untyped]
    Spacer,
    Table,
    TableStyle,
)

from core.minutes import (
    SideAttendance,
)
from core.pdf.flowables import _Heading
from core.pdf.markdown import markdown_flowables
from core.pdf.story import StoryBase
from core.pdf.text import (
    _clean,
    _clock,
    _coloured,
    _esc,
    _hex,
    _kind,
    _long_date,
    _period_name,
    _plural,
    _side_label,
    _small,
    _span_minutes,
    _variance,
)
from core.pdf.theme import _ACCENT, _FONT, _GROUP_BG, _INK, _OVERRUN, _RULE, _WHITE, _WIDTH, SIDES


class MeetingSections(StoryBase):
    """The title block, the meeting at a glance, attendance, the agenda and the notes."""

    def _title_block(self) -> list[Any]:
        h = self.minutes.header
        if h.amends_revision is not None:
            revision = f"Revision {h.revision}, amending revision {h.amends_revision}"
        else:
            revision = f"Revision {h.revision}"
        planned = f"{_clock(h.planned_start) or '—'} – {_clock(h.planned_end) or '—'}"
        planned_minutes = _span_minutes(h.planned_start, h.planned_end)
        if planned_minutes is not None:
            planned += f" ({planned_minutes} min)"
        if h.actual_start or h.actual_end:
            actual = f"{_clock(h.actual_start) or '—'} – {_clock(h.actual_end) or '—'}"
            actual_minutes = _span_minutes(h.actual_start, h.actual_end)
            if actual_minutes is not None:
                actual += f" ({actual_minutes} min)"
        else:
            actual = "Not recorded"
        period = _period_name(h.period)
        if period != h.period:
            period += f" ({h.period})"
        facts = [
            ("Enterprise", _esc(h.enterprise), "Partner", _esc(h.partner)),
            ("Date", escape(_long_date(h.date)), "Period reviewed", escape(period)),
            ("Planned", escape(planned), "Actual", escape(actual)),
            ("Location", _esc(h.location) or "—", "Facilitator", _esc(h.facilitator) or "—"),
        ]
        rows = [
            [
                self._p(a, "label"),
                self._p(b, "fact"),
                self._p(c, "label"),
                self._p(d, "fact"),
            ]
            for a, b, c, d in facts
        ]
        table = facts_table(rows)
        return [
            self._p("MINUTES OF THE PARTNERSHIP REVIEW", "kicker"),
            self._p(_esc(h.partnership), "title"),
            self._p(f"Meeting {h.number} — {_esc(h.title)}", "subtitle"),
            self._p(escape(revision), "revision"),
            table,
            Spacer(1, 10),
            self._at_a_glance(),
        ]

    def _at_a_glance(self) -> Any:
        m = self.minutes
        open_actions = sum(not a.closed for a in m.action_review)
        rags = [k.rag for k in m.dashboard]
        kpis = " · ".join(
            f"{rags.count(rag)} {rag}" for rag in ("red", "amber", "green") if rag in rags
        )
        planned = sum(a.planned_minutes for a in m.agenda)
        actual = sum(a.actual_minutes for a in m.agenda)
        figures = [
            (
                str(len(m.action_review)),
                f"{_plural(len(m.action_review), 'action')} reviewed<br/>{open_actions} open · "
                f"{len(m.action_review) - open_actions} closed",
            ),
            (str(len(m.commitments)), f"new {_plural(len(m.commitments), 'commitment')}"),
            (str(len(m.decisions)), _plural(len(m.decisions), "decision")),
            (
                str(len(m.dashboard)),
                f"{_plural(len(m.dashboard), 'KPI')}<br/>{kpis or 'none rated'}",
            ),
            (f"{actual}", f"minutes of agenda<br/>against {planned} planned"),
        ]
        row = [
            [self._p(escape(big), "figure"), self._p(small, "figure_label")]
            for big, small in figures
        ]
        table = Table([row], colWidths=[_WIDTH / len(figures)] * len(figures), hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, -1), _GROUP_BG),
                    ("LINEAFTER", (0, 0), (-2, -1), 2.5, _WHITE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        return table

    # -- attendance --

    def _attendance(self) -> list[Any]:
        by_side = {a.side: a for a in self.minutes.attendance}
        if not by_side:
            return self._empty("No attendance was recorded.")
        sides = [by_side.get(side) for side in SIDES]
        rows: list[list[Any]] = [
            [
                self._p(
                    f"{_side_label(side)}<br/>"
                    f'<font name="{_FONT}" size="9" color="{_hex(_INK)}">'
                    f"{_esc(group.party if group else self._party(side))}</font>",
                    "head",
                )
                for side, group in zip(SIDES, sides, strict=True)
            ]
        ]
        extra: list[tuple[Any, ...]] = []

        def people(group: SideAttendance | None, kind: str) -> list[Any]:
            if group is None:
                return []
            if kind == "guests":
                return [self._p(_esc(g)) for g in group.guests]
            return [
                self._p(f"{_esc(a.name)}" + (f"<br/>{_small(_esc(a.role))}" if a.role else ""))
                for a in getattr(group, kind)
            ]

        for kind, label in (
            ("present", "Present"),
            ("apologies", "Apologies"),
            ("absent", "Absent"),
            ("guests", "Guests"),
        ):
            columns = [people(group, kind) for group in sides]
            row_index = len(rows)
            rows.append([self._p(f"{label} ({len(c)})", "group") for c in columns])
            extra += [
                ("NOSPLIT", (0, row_index), (-1, row_index + 1)),
                ("TOPPADDING", (0, row_index), (-1, row_index), 7),
                ("LINEBELOW", (0, row_index), (-1, row_index), 0.4, _RULE),
            ]
            if not any(columns):
                rows.append([self._p("None", "cell_muted")] * 2)
                continue
            for left, right in zip_longest(*columns):
                rows.append(
                    [
                        left if left is not None else "",
                        right if right is not None else "",
                    ]
                )
            for index, column in enumerate(columns):
                if not column:
                    rows[row_index + 1][index] = self._p("None", "cell_muted")
        extra += [
            ("LINEAFTER", (0, 0), (0, -1), 0.4, _RULE),
            ("LEFTPADDING", (1, 0), (1, -1), 10),
            ("TOPPADDING", (0, 1), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 2.5),
        ]
        return [self._table(rows, [1, 1], extra=extra, rules=False)]

    # -- agenda and notes --

    def _agenda(self) -> list[Any]:
        agenda = self.minutes.agenda
        if not agenda:
            return self._empty("No agenda was recorded.")
        rows: list[list[Any]] = [
            self._head(
                ">#", "Item", "Type", ">Starts", ">Planned min", ">Actual min", ">Over / under"
            )
        ]
        starts = _planned_starts(self.minutes.header.planned_start, agenda)
        for entry, start in zip(agenda, starts, strict=True):
            rows.append(
                [
                    self._p(str(entry.position), "cell_right"),
                    self._p(_esc(entry.title)),
                    self._p(escape(_kind(entry)), "cell_muted"),
                    self._p(start, "cell_right"),
                    self._p(str(entry.planned_minutes), "cell_right"),
                    self._p(str(entry.actual_minutes), "cell_right"),
                    self._p(_variance(entry.actual_minutes - entry.planned_minutes), "cell_right"),
                ]
            )
        planned = sum(e.planned_minutes for e in agenda)
        actual = sum(e.actual_minutes for e in agenda)
        rows.append(
            [
                "",
                self._p("<b>Total</b>"),
                "",
                "",
                self._p(f"<b>{planned}</b>", "cell_right"),
                self._p(f"<b>{actual}</b>", "cell_right"),
                self._p(_variance(actual - planned, bold=True), "cell_right"),
            ]
        )
        over = sum(e.actual_minutes > e.planned_minutes for e in agenda)
        note = (
            f"{over} {_plural(over, 'item')} ran over time; over-runs are marked "
            + _coloured("+", _OVERRUN)
            + "."
            if over
            else "Every item kept to its time."
        )
        table = self._table(
            rows,
            [20, 196, 88, 40, 50, 46, 56],
            extra=[("LINEABOVE", (0, -1), (-1, -1), 0.6, _RULE)],
        )
        return [table, self._p(note, "note")]

    def _notes(self) -> list[Any]:
        agenda = self.minutes.agenda
        if not agenda:
            return self._empty("No notes were recorded.")
        flowables: list[Any] = []
        for entry in agenda:
            flowables.append(
                _Heading(
                    f"{entry.position}.&nbsp;&nbsp;{_esc(entry.title)}",
                    self.styles["h2"],
                    outline=f"{entry.position}. {_clean(entry.title)}",
                    key=f"notes-{entry.position}",
                    level=1,
                    rule=False,
                )
            )
            flowables.append(
                self._p(
                    f"{escape(_kind(entry))} · planned {entry.planned_minutes} min, "
                    f"took {entry.actual_minutes} min",
                    "h2_meta",
                )
            )
            notes = markdown_flowables(entry.notes) if entry.notes.strip() else []
            flowables += notes or self._empty("No notes were recorded for this item.")
        return flowables

    # -- actions --


def _planned_starts(planned_start: str | None, agenda: Sequence[Any]) -> list[str]:
    """When each item was planned to start: the meeting's planned start and the timeboxes
    before it ("10:25"); blank when the meeting had no planned start."""
    try:
        clock = dt.datetime.fromisoformat(planned_start) if planned_start else None
    except ValueError:
        clock = None
    starts = []
    for entry in agenda:
        starts.append(f"{clock:%H:%M}" if clock is not None else "")
        if clock is not None:
            clock += dt.timedelta(minutes=entry.planned_minutes)
    return starts


def facts_table(rows: list[list[Any]]) -> Any:
    """The title block's facts, two label-and-value pairs a row, ruled above and below."""
    table = Table(rows, colWidths=[64, _WIDTH / 2 - 64, 82, _WIDTH / 2 - 82], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, _ACCENT),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, _ACCENT),
                ("TOPPADDING", (0, 0), (-1, 0), 7),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
            ]
        )
    )
    return table
