"""Sections of the minutes: the accountability record and the sign-off block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import (  # type: ignore[import-untyped]
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from core.minutes import (
    AccountabilityEntry,
)
from core.pdf.flowables import _SignatureField
from core.pdf.story import StoryBase
from core.pdf.text import _esc, _fixed, _hex, _side_label
from core.pdf.theme import _BOLD, _FONT, _GROUP_BG, _INK, _RULE, _WIDTH, SIDES


class ClosingSections(StoryBase):
    """Both sides' accountability record and the sign-off block."""

    def _accountability(self) -> list[Any]:
        entries = self.minutes.accountability
        if not entries:
            return self._empty("No accountability record is available yet.")
        windows = sorted({e.window_meetings for e in entries})
        by_key: dict[tuple[str, int], AccountabilityEntry] = {
            (e.side, e.window_meetings): e for e in entries
        }
        parties = {e.side: e.party for e in entries}
        top: list[Any] = [self._p("Measure", "head")]
        second: list[Any] = [""]
        for side in SIDES:
            top.append(
                self._p(
                    f"{_side_label(side)} · {_esc(parties.get(side, self._party(side)))}",
                    "head_centre",
                )
            )
            top += [""] * (len(windows) - 1)
            second += self._head(*(f">Last {w}" for w in windows))
        measures: list[tuple[str, Callable[[AccountabilityEntry], str]]] = [
            ("Actions due", lambda e: str(e.due)),
            ("Done by the original date", lambda e: str(e.done_on_time)),
            ("Say / do", lambda e: _fixed(e.say_do_pct, "%")),
            ("On time", lambda e: _fixed(e.on_time_pct, "%")),
            ("Open and overdue", lambda e: str(e.open_overdue)),
            ("Mean slip (days)", lambda e: _fixed(e.mean_slip_days)),
            ("Dropped", lambda e: str(e.dropped)),
        ]
        rows: list[list[Any]] = [top, second]
        for label, value in measures:
            row: list[Any] = [self._p(escape(label))]
            for side in SIDES:
                for window in windows:
                    entry = by_key.get((side, window))
                    row.append(self._p(escape(value(entry)) if entry else "—", "cell_right"))
            rows.append(row)
        n = len(windows)
        extra: list[tuple[Any, ...]] = [
            ("SPAN", (0, 0), (0, 1)),
            ("SPAN", (1, 0), (n, 0)),
            ("SPAN", (n + 1, 0), (2 * n, 0)),
            ("LINEBELOW", (1, 0), (n, 0), 0.4, _RULE),
            ("LINEBELOW", (n + 1, 0), (2 * n, 0), 0.4, _RULE),
            ("LINEBEFORE", (n + 1, 0), (n + 1, -1), 0.6, _RULE),
            ("LINEBEFORE", (1, 0), (1, -1), 0.6, _RULE),
        ]
        return [
            self._intro(
                f"Both sides measured alike over the last {', '.join(map(str, windows[:-1]))}"
                f"{' and ' if n > 1 else ''}{windows[-1]} meetings up to this one. "
                "<b>Say / do</b>: of the actions originally due in the window, the share done "
                "by that original date. <b>On time</b>: of the actions done in the window, the "
                "share done by the due date then in force. <b>Mean slip</b>: days from the "
                "original to the current due date, over the actions due."
            ),
            self._table(rows, [124] + [360 / (2 * n)] * (2 * n), header_rows=2, extra=extra),
        ]

    # -- sign-off --

    def _sign_off(self) -> Any:
        signed = {s.side: s for s in self.minutes.sign_offs}
        column = (_WIDTH - 16) / 2
        cells = []
        for side in SIDES:
            party = self._party(side)
            parts: list[Any] = [
                self._p(
                    f"{_side_label(side).upper()}<br/>"
                    f'<font name="{_BOLD}" size="10" color="{_hex(_INK)}">{_esc(party)}</font>',
                    "head",
                ),
                Spacer(1, 5),
                self._p(f"Digital signature of the {side}", "cell_small"),
                Spacer(1, 2),
                _SignatureField(side, column, 74, self.boxes),
                Spacer(1, 4),
            ]
            s = signed.get(side)
            if s is not None:
                line = (
                    f"Signed by <b>{_esc(s.name)}</b>"
                    + (f", {_esc(s.role)}" if s.role else "")
                    + f" at {escape(s.signed_at.replace('T', ' '))}"
                )
                if s.content_hash != self.content_hash:
                    # Shortened, so that the page carries one full hash only: this one's.
                    other = s.content_hash
                    short = f"{other[:8]}…{other[-8:]}" if len(other) > 20 else other
                    line += f"<br/><b>Approved another content hash:</b> {escape(short)}"
                parts.append(self._p(line, "cell"))
            else:
                parts.append(
                    self._p(
                        "The signatory's name, the time of signing and the certificate are "
                        "recorded in the signature itself.",
                        "cell_small",
                    )
                )
            cells.append(parts)
        table = Table([cells], colWidths=[column + 8, column + 8], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 8),
                    ("LEFTPADDING", (1, 0), (1, -1), 8),
                    ("RIGHTPADDING", (1, 0), (1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        hash_box = Table(
            [
                [self._p("Content SHA-256", "label")],
                [self._p(escape(self.content_hash), "hash")],
            ],
            colWidths=[_WIDTH],
            hAlign="LEFT",
        )
        hash_box.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), _FONT),
                    ("BACKGROUND", (0, 0), (-1, -1), _GROUP_BG),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, 0), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
                ]
            )
        )
        return KeepTogether(
            [
                self._heading("Sign-off"),
                self._p(
                    "Each side approves these minutes by signing this PDF digitally in the box "
                    "reserved for it below. The minutes' JSON is attached to this PDF "
                    "(minutes.json), and its SHA-256 is the content hash printed here: the value "
                    "each signature approves.",
                    "body",
                ),
                Spacer(1, 4),
                hash_box,
                Spacer(1, 14),
                table,
            ]
        )
