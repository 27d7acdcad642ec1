"""Sections of the minutes: the KPI dashboard and charts, disputes and initiatives."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (  # type: ignore[import-untyped]
    Spacer,
    Table,
    TableStyle,
)

from core.figures import figure, figure_with_unit
from core.minutes import InitiativeEntry, KpiEntry
from core.pdf.charts import kpi_chart
from core.pdf.flowables import _Heading, _progress_bar
from core.pdf.story import StoryBase
from core.pdf.text import (
    _bands_markup,
    _coloured,
    _confirmation_markup,
    _esc,
    _period_name,
    _rag_markup,
    _side_label,
    _small,
    _trend_markup,
)
from core.pdf.theme import _FONT, _RAG_COLOUR, _WIDTH


def _change_markup(i: InitiativeEntry) -> str:
    """How an initiative moved since the last meeting that reported it."""
    if i.percent_complete is None:
        return _small("not reported")
    if i.previous_percent is None:
        return _small("first report")
    moved = i.percent_complete - i.previous_percent
    text = f"{'+' if moved > 0 else '−' if moved < 0 else '±'}{abs(moved)} pts since last"
    if i.previous_rag and i.previous_rag != i.rag:
        text += f" · was {i.previous_rag}"
    return _small(escape(text))


class DashboardSections(StoryBase):
    """The KPI dashboard with its charts, the disputes and the initiatives."""

    def _dashboard(self) -> list[Any]:
        kpis = self.minutes.dashboard
        period = _period_name(self.minutes.header.period)
        if not kpis:
            return self._empty("No KPIs were reported for this period.")
        rows: list[list[Any]] = [self._head("KPI", "Bands", ">Value", "Trend", "RAG", "Reading")]
        for k in kpis:
            detail = (
                f"{escape(k.category.capitalize())} · {escape(_side_label(k.owner_side))}-owned"
            )
            name = f"{_esc(k.name)}<br/>{_small(detail)}"
            if k.comment.strip():
                name += f'<br/><font size="8"><i>{_esc(k.comment)}</i></font>'
            rows.append(
                [
                    self._p(name),
                    self._p(_bands_markup(k)),
                    self._p(f"<b>{escape(figure_with_unit(k.value, k.unit))}</b>", "cell_right"),
                    self._p(_trend_markup(k)),
                    self._p(_rag_markup(k.rag)),
                    self._p(_confirmation_markup(k.confirmation)),
                ]
            )
        flowables: list[Any] = [
            self._intro(
                f"Every KPI for {escape(period)}. RAG is shown by shape and word as well as "
                f"colour: {_rag_markup('red')}, {_rag_markup('amber')}, {_rag_markup('green')}. "
                "Green means the target is met; amber, missed but not beyond the red threshold; "
                "red, beyond it. Trend compares with the previous reading."
            ),
            self._table(rows, [146, 86, 58, 64, 62, 66]),
        ]
        return flowables + self._charts()

    def _charts(self) -> list[Any]:
        charted = [k for k in self.minutes.dashboard if k.rag == "red"]
        charted += [k for k in self.minutes.dashboard if k.rag == "amber"]
        heading = _Heading(
            "Red and amber KPIs over time",
            self.styles["h2"],
            outline="Red and amber KPIs over time",
            key="charts",
            level=1,
            rule=False,
        )
        if not charted:
            return [heading, *self._empty("No KPI is red or amber this period.")]
        gap = 14.0
        width = (_WIDTH - gap) / 2
        cells = [self._chart_cell(k, width) for k in charted]
        grid = [
            [cells[i], cells[i + 1] if i + 1 < len(cells) else ""] for i in range(0, len(cells), 2)
        ]
        table = Table(grid, colWidths=[width + gap / 2] * 2, hAlign="LEFT", splitInRow=0)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), gap / 2),
                    ("LEFTPADDING", (1, 0), (1, -1), gap / 2),
                    ("RIGHTPADDING", (1, 0), (1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ]
            )
        )
        return [
            heading,
            self._intro(
                "Solid line: the reading each period. Dashed line: the target in force, "
                "stepping where it changed. The latest reading carries its RAG shape."
            ),
            table,
        ]

    def _chart_cell(self, k: KpiEntry, width: float) -> list[Any]:
        title = f"{_rag_markup(k.rag, word=False)} {_esc(k.name)}"
        caption = (
            f"{escape(figure_with_unit(k.value, k.unit))}: "
            f"{escape((k.rag or 'not rated').capitalize())} · {escape(k.bands or 'no target')}"
        )
        return [
            self._p(title, "chart_title"),
            self._p(caption, "chart_caption"),
            Spacer(1, 3),
            kpi_chart(k, width, 128),
        ]

    def _disputes(self) -> list[Any]:
        disputes = self.minutes.disputes
        if not disputes:
            return self._empty("No KPI reading was disputed or reviewed.")
        rows: list[list[Any]] = [
            self._head("KPI", "Period", ">Value", "Reviewed by", "Verdict", "Comment", "Outcome")
        ]
        for d in disputes:
            verdict = escape(d.verdict.replace("_", " ").capitalize())
            if d.verdict == "disputed":
                verdict = f"<b>{verdict}</b>"
            when = _small(escape(d.at.replace("T", " ")) if d.at else "")
            if d.resolved:
                outcome = _coloured("✓", _RAG_COLOUR["green"]) + " Resolved: confirmed"
            else:
                outcome = "<b>Open</b>"
            if not d.in_this_meeting:
                outcome += "<br/>" + _small("raised in an earlier meeting")
            rows.append(
                [
                    self._p(_esc(d.kpi)),
                    self._p(escape(d.period)),
                    self._p(escape(figure(d.value)), "cell_right"),
                    self._p(escape(_side_label(d.side))),
                    self._p(f"{verdict}<br/>{when}"),
                    self._p(_esc(d.comment) or "—"),
                    self._p(outcome),
                ]
            )
        return [self._table(rows, [104, 52, 46, 62, 70, 100, 82])]

    # -- initiatives and accountability --

    def _initiatives(self) -> list[Any]:
        initiatives = self.minutes.initiatives
        if not initiatives:
            return self._empty("No initiatives were reported.")
        rows: list[list[Any]] = [
            self._head("Initiative", "Target date", "Progress", "RAG", "Comment")
        ]
        for i in initiatives:
            lines = [
                f"<b>{_esc(i.name)}</b>",
                _small(
                    f"{escape(_side_label(i.owner_side))}-owned · sponsor {_esc(i.sponsor) or '—'}"
                    f" · started {escape(i.start)}"
                ),
            ]
            if i.milestones_due:
                lines.append(_small("Milestones due within the month ahead:"))
                for milestone in i.milestones_due:
                    state = (
                        f"done {escape(milestone.done_on)}"
                        if milestone.done_on
                        else f"due {escape(milestone.due)}"
                    )
                    if milestone.done_on:
                        state = f"due {escape(milestone.due)}, {state}"
                    lines.append(f'<font size="8">◇ {_esc(milestone.title)} — {state}</font>')
            rows.append(
                [
                    self._p("<br/>".join(lines)),
                    self._p(escape(i.target_date)),
                    [_progress_bar(i.percent_complete), self._p(_change_markup(i))],
                    self._p(_rag_markup(i.rag)),
                    self._p(_esc(i.comment) or "—"),
                ]
            )
        return [self._table(rows, [190, 64, 80, 64, 108])]
