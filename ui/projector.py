"""The room's view: large, high-contrast, no editing controls; it follows the facilitator.

What an item shows is laid out for the projector's size and cut into pages at row and
paragraph boundaries (never half a row, never a scroll bar); Page Down and Page Up move
the room a page on.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QScreen, QShortcut, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from core.model import MeetingItem
from ui import design
from ui.models import format_duration

THEMES = design.PROJECTOR_THEMES
BASE_POINT_SIZE = 26
MIN_SCALE, MAX_SCALE = 0.6, 2.5
# The size the type is drawn for; a smaller (or larger) room screen scales it all alike.
DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080
# The row under review, as the items' own views mark it (see `projector_html` there).
FOCUS_MARK = f"background:{design.PROJECTOR_FOCUS}"
_VOID = {"br", "img", "hr", "meta", "input", "col", "link"}
_GROUPS = {"table", "ul", "ol"}
_PARTS = {"table": "tr", "ul": "li", "ol": "li"}


@dataclass(frozen=True, slots=True)
class Unit:
    """The smallest piece a page holds whole: a paragraph, a table row, a list item."""

    markup: str
    group: int = -1  # units of one table or list share a group; -1 for a top-level piece
    opening: str = ""  # the group's opening tag and, for a table, its header row
    closing: str = ""
    keep_with_next: bool = False  # a heading or a lead-in line: never last on a page


def split_units(source: str) -> list[Unit]:
    """Cut rich text into the units pages are made of (the whole of it if it cannot)."""
    splitter = _Splitter(source)
    try:
        splitter.feed(source)
        splitter.close()
    except (AssertionError, ValueError):
        return [Unit(source)]
    if splitter.stack or not splitter.units:
        return [Unit(source)] if source.strip() else []
    units = splitter.units
    for index, unit in enumerate(units[:-1]):
        following = units[index + 1]
        if unit.group == -1 and following.group != -1 and len(unit.markup) < 300:
            units[index] = Unit(unit.markup, keep_with_next=True)
    return [
        Unit(u.markup, u.group, u.opening, u.closing, True) if _is_heading(u) else u for u in units
    ]


def page_markup(units: list[Unit]) -> str:
    """The rich text of a page: its units, each table or list with its own opening (and
    header row) again, an ordered list numbered on from where it broke."""
    parts: list[str] = []
    group, closing = -1, ""
    for unit in units:
        if unit.group != group:
            if group != -1:
                parts.append(closing)
            group, closing = unit.group, unit.closing
            if group != -1:
                parts.append(unit.opening)
        parts.append(unit.markup)
    if group != -1:
        parts.append(closing)
    return "".join(parts)


def _is_heading(unit: Unit) -> bool:
    return unit.group == -1 and unit.markup.lstrip()[:3].lower() in {f"<h{n}" for n in range(1, 7)}


class _Splitter(HTMLParser):
    """Finds the top-level elements of rich text and the rows and items of its tables and
    lists, by their place in the source (so the markup of each is kept as it was)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.stack: list[str] = []
        self.units: list[Unit] = []
        self.groups = 0
        self.top_start = 0
        self.part_start = 0
        self.opening = ""
        self.header = ""
        self.text_start = -1

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        if not self.stack:
            self._end_text(start)
            self.top_start = start
            if tag in _GROUPS:
                self.groups += 1
                self.opening = self.get_starttag_text() or f"<{tag}>"
                self.header = ""
        elif len(self.stack) == 1 and tag == _PARTS.get(self.stack[0]):
            self.part_start = start
        if tag in _VOID:
            if not self.stack:
                self.units.append(Unit(self.get_starttag_text() or ""))
            return
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.stack:
            self._end_text(self._offset())
            self.units.append(Unit(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag not in self.stack:
            raise ValueError(f"</{tag}> closes nothing")
        while self.stack[-1] != tag:  # an element left open inside: closed with its parent
            self.stack.pop()
        start = self._offset()
        end = self.source.index(">", start) + 1
        self.stack.pop()
        if len(self.stack) == 1 and self.stack[0] in _GROUPS and tag == _PARTS[self.stack[0]]:
            part = self.source[self.part_start : end]
            group = self.stack[0]
            if group == "table" and "<th" in part.lower() and not self._has_rows():
                self.header = part
            else:
                self.units.append(
                    Unit(part, self.groups, self.opening + self.header, f"</{group}>")
                )
        elif not self.stack:
            if tag in _GROUPS:
                if not self._has_rows():  # a table with no rows: shown as it is
                    self.units.append(Unit(self.source[self.top_start : end]))
                else:
                    self._fix_openings(tag)
            else:
                self.units.append(Unit(self.source[self.top_start : end]))
            self.text_start = end

    def handle_data(self, data: str) -> None:
        if not self.stack and self.text_start < 0 and data.strip():
            self.text_start = self._offset()

    def close(self) -> None:
        super().close()
        self._end_text(len(self.source))

    def _end_text(self, end: int) -> None:
        if self.text_start >= 0:
            text = self.source[self.text_start : end]
            if text.strip():
                self.units.append(Unit(f"<p>{text}</p>"))
        self.text_start = -1

    def _has_rows(self) -> bool:
        return any(unit.group == self.groups for unit in self.units)

    def _fix_openings(self, tag: str) -> None:
        """Give every unit of the group just closed the header found in it, and number an
        ordered list's later pages on (`start` set on each item's own opening)."""
        number = 0
        for index, unit in enumerate(self.units):
            if unit.group != self.groups:
                continue
            number += 1
            opening = self.opening + self.header
            if tag == "ol":
                opening = f"{self.opening[:-1]} start={number}>"
            self.units[index] = Unit(unit.markup, unit.group, opening, unit.closing)


_CELL_STYLE = re.compile(r"""<(td|th)\b([^>]*?)\bstyle=(["'])(.*?)\3""", re.IGNORECASE | re.DOTALL)


def _cells_with_rules(markup: str, sheet: str) -> str:
    """A cell with a style of its own loses the style sheet's rule and padding in Qt's rich
    text (the Comment column's rules stopped short): give them to it again, its own last."""
    rules = {
        name: sheet.split(f" {name} {{", 1)[1].split("}", 1)[0].strip() for name in ("td", "th")
    }

    def restyle(match: re.Match[str]) -> str:
        tag, before, quote, own = match.groups()
        return f"<{tag}{before}style={quote}{rules[tag.lower()]} {own}{quote}"

    return _CELL_STYLE.sub(restyle, markup)


class _PageView(QTextBrowser):
    """One page of the item's content; the window lays pages out again when it is resized."""

    resized = Signal()

    def __init__(self, projector: ProjectorWindow) -> None:
        # No Python reference back to the window: a cycle would leave the window's deletion
        # to the garbage collector, which may run in a worker thread (Qt widgets must die in
        # the GUI thread); the window listens to `resized` instead.
        super().__init__(projector)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size() != event.oldSize():
            self.resized.emit()


class ProjectorWindow(QWidget):
    """Shows the partnership, the current item, its timer and its content to the room."""

    def __init__(self, partnership_name: str, theme: str = "dark", scale: float = 1.0) -> None:
        super().__init__()
        self.setWindowTitle(f"{partnership_name} — projector")
        self.setObjectName("projector")
        self.theme = theme if theme in THEMES else "dark"
        self.scale = scale
        self._timer_state = "normal"
        self._fit = 1.0
        self.partnership = QLabel(partnership_name)
        self.partnership.setObjectName("projectorPartnership")
        self.partnership.setWordWrap(True)
        self.item_title = QLabel("")
        self.item_title.setObjectName("projectorTitle")
        self.item_title.setWordWrap(True)
        self.timer = QLabel("")
        self.timer.setObjectName("projectorTimer")
        self.timer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # The whole of the item's content; the room sees it a page at a time.
        self.content = QTextDocument(self)
        self.page_view = _PageView(self)
        self.page_view.resized.connect(self._repaginate)
        self.page_view.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.page_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page_view.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.page_view.setOpenLinks(False)
        self.page_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.decisions = QLabel("")
        self.decisions.setObjectName("projectorDecisions")
        self.decisions.setWordWrap(True)
        self.decisions.setTextFormat(Qt.TextFormat.RichText)
        self.decisions.hide()
        self.page_mark = QLabel("")
        self.page_mark.setObjectName("projectorPageMark")
        self.page_mark.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._units: list[Unit] = []
        self._pages: list[list[int]] = [[]]
        self._page_markup: list[str] = []  # each page's HTML, shown in the view's own document
        self._measure = QTextDocument(self)  # lays pages out to measure them, never shown
        self._page = 0
        self._focus: int | None = None  # the unit of the row under review, if any
        top = QHBoxLayout()
        top.addWidget(self.partnership, 1)
        top.addWidget(self.timer, 0, Qt.AlignmentFlag.AlignTop)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(top)
        self._layout.addWidget(self.item_title)
        self._layout.addWidget(self.page_view, 1)
        self._layout.addWidget(self.decisions)
        self._layout.addWidget(self.page_mark)
        # Ctrl+Plus, Ctrl+Minus and Ctrl+0 are the main window's View actions, which work
        # from this window too (application shortcuts): never a second copy here. Plain Page
        # Down and Page Up are this window's own (a presenter's clicker sends them); the main
        # window pages with Alt+Page Down / Alt+Page Up.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, self.next_page)
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, self.previous_page)
        self._apply_style()

    # --- what the room sees ---------------------------------------------------------------

    def show_item(self, item: MeetingItem | None, markdown: str | None = None) -> None:
        self._page = 0
        self._focus = None
        if item is None:
            self.item_title.setText("")
            self._set_content("", markdown=False, at_end=False)
            return
        self.item_title.setText(item.title)
        notes = item.notes if markdown is None else markdown
        self._set_content(notes or "*No notes yet.*", markdown=True, at_end=False)

    def show_notes(self, markdown: str) -> None:
        """The notes as they are typed: a room on the last page stays on the last page."""
        at_end = self._page >= self.page_count() - 1
        self._set_content(markdown or "*No notes yet.*", markdown=True, at_end=at_end)

    def show_html(self, html: str) -> None:
        """Show an item's own view in large print: the action review, the commitments'
        read-out, the KPI dashboard (or the KPI opened), the strategic initiatives. The page
        with the row under review is shown when that row changes."""
        self._set_content(html, markdown=False, at_end=False)

    def show_decisions(self, decisions: list[str]) -> None:
        """The decisions recorded on the current item, kept in sight below its content."""
        if not decisions:
            self.decisions.hide()
            self.decisions.setText("")
            return
        colours = THEMES[self.theme]
        lines = "".join(
            f"<div style='margin-top:4px'>✔&nbsp; {html.escape(text)}</div>" for text in decisions
        )
        heading = "Decided" if len(decisions) == 1 else f"Decided ({len(decisions)})"
        self.decisions.setText(
            f"<div style='color:{colours['normal']}; font-weight:700'>{heading}</div>{lines}"
        )
        self.decisions.show()

    def show_timer(self, elapsed: int, timebox: int, state: str) -> None:
        over = "  OVER" if state == "red" else ""
        self.timer.setText(f"{format_duration(elapsed)} / {format_duration(timebox)}{over}")
        if state != self._timer_state:
            self._timer_state = state
            self._apply_style()

    # --- pages -----------------------------------------------------------------------------

    def page_count(self) -> int:
        return len(self._pages)

    def page_index(self) -> int:
        """The page shown, from 0."""
        return self._page

    def page_units(self, page: int) -> list[Unit]:
        """The units laid out on `page` (for tests and the screenshots)."""
        return [self._units[i] for i in self._pages[page]]

    def next_page(self) -> None:
        self.go_to_page(self._page + 1)

    def previous_page(self) -> None:
        self.go_to_page(self._page - 1)

    def go_to_page(self, page: int) -> None:
        self._page = max(0, min(self.page_count() - 1, page))
        self._show_page()

    # --- size and look ---------------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        self.theme = theme if theme in THEMES else "dark"
        self._apply_style()

    def zoom_in(self) -> None:
        self.set_scale(self.scale * 1.15)

    def zoom_out(self) -> None:
        self.set_scale(self.scale / 1.15)

    def set_scale(self, scale: float) -> None:
        self.scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        self._apply_style()

    def show_on(self, screen: QScreen) -> None:
        """Full screen on `screen`."""
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = event.size()
        fit = max(0.5, min(size.width() / DESIGN_WIDTH, size.height() / DESIGN_HEIGHT))
        if abs(fit - self._fit) > 0.01:
            self._fit = fit
            self._apply_style()

    def _point_size(self) -> int:
        return max(8, round(BASE_POINT_SIZE * self.scale * self._fit))

    def _apply_style(self) -> None:
        colours = THEMES[self.theme]
        size = self._point_size()
        margin_x, margin_y = round(64 * self._fit), round(36 * self._fit)
        self._layout.setContentsMargins(margin_x, margin_y, margin_x, round(20 * self._fit))
        self._layout.setSpacing(round(14 * self._fit))
        self.setStyleSheet(
            f"""
            QWidget#projector {{ background: {colours["bg"]}; }}
            QLabel {{ color: {colours["fg"]}; background: transparent; }}
            QLabel#projectorPartnership {{ font-size: {round(size * 1.25)}pt; font-weight: 700; }}
            QLabel#projectorTitle {{ font-size: {round(size * 1.6)}pt; font-weight: 700; }}
            QLabel#projectorTimer {{ color: {colours[self._timer_state]};
                font-size: {round(size * 1.25)}pt; font-weight: 700; padding-left: 24px; }}
            QLabel#projectorDecisions {{ font-size: {round(size * 0.9)}pt;
                background: {colours["panel"]}; padding: {round(10 * self._fit)}px
                {round(18 * self._fit)}px;
                border-left: {max(4, round(8 * self._fit))}px solid {colours["normal"]}; }}
            QLabel#projectorPageMark {{ color: {colours["muted"]};
                font-size: {round(size * 0.7)}pt; font-weight: 700; }}
            QTextBrowser {{ color: {colours["fg"]}; background: {colours["bg"]};
                font-size: {size}pt; border: none;
                selection-background-color: {colours["selection"]};
                selection-color: {colours["selection_fg"]}; }}
            QScrollBar {{ background: {colours["bg"]}; width: 0px; height: 0px; }}
            """
        )
        self.page_view.ensurePolished()
        # The page mark keeps its line when empty, so the pages do not change size with it.
        self.page_mark.ensurePolished()
        self.page_mark.setMinimumHeight(self.page_mark.fontMetrics().height())
        self._repaginate()

    def _style_sheet(self) -> str:
        """Tables that read from the back of the room: a ruled header, a rule under every
        row across the full width, room between the columns."""
        colours = THEMES[self.theme]
        pixels = self.page_view.fontMetrics().height()
        across, down = max(8, round(pixels * 0.55)), max(3, round(pixels * 0.18))
        return (
            "table { border-collapse: collapse; }"
            f" th {{ font-weight: 700; color: {colours['fg']}; white-space: nowrap;"
            f" background-color: {colours['header_bg']};"
            f" border-bottom: {max(2, round(pixels / 14))}px solid {colours['rule_strong']};"
            f" padding: {down}px {across}px; }}"
            f" td {{ border-bottom: 1px solid {colours['rule']};"
            f" padding: {down}px {across}px; }}"
            f" p {{ margin-top: {down}px; margin-bottom: {down}px; }}"
            f" li {{ margin-bottom: {down}px; }}"
        )

    # --- laying out pages --------------------------------------------------------------------

    def _set_content(self, source: str, *, markdown: bool, at_end: bool) -> None:
        if markdown:
            self.content.setMarkdown(source)
            body = self.content.toHtml()
            start = body.find(">", body.find("<body")) + 1
            body = body[start : body.rfind("</body>")]
        else:
            self.content.setHtml(source)
            body = source
        self._units = split_units(body)
        focus = next((i for i, u in enumerate(self._units) if FOCUS_MARK in u.markup), None)
        follow = focus is not None and focus != self._focus
        self._focus = focus
        self._repaginate(anchor=None)
        if at_end:
            self._page = self.page_count() - 1
        elif follow and focus is not None:
            self._page = self._page_of(focus)
        self._page = max(0, min(self.page_count() - 1, self._page))
        self._show_page()

    def _page_of(self, unit: int) -> int:
        return next((p for p, units in enumerate(self._pages) if unit in units), 0)

    def _measured(self, markup: str, width: int) -> QTextDocument:
        """The page-measuring document holding `markup` as the view would lay it out."""
        document = self._measure
        document.setDefaultFont(self.page_view.font())
        sheet = self._style_sheet()
        document.setDefaultStyleSheet(sheet)
        document.setDocumentMargin(self.page_view.document().documentMargin())
        document.setDefaultTextOption(self.page_view.document().defaultTextOption())
        document.setHtml(_cells_with_rules(markup, sheet))
        document.setTextWidth(width)
        return document

    def _repaginate(self, anchor: int | None = -1) -> None:
        """Cut the content into pages that fit the page view: the shown page's first unit
        stays in sight (`anchor` -1), or the caller chooses the page afterwards (None)."""
        if anchor == -1:
            shown = self._pages[self._page] if self._page < len(self._pages) else []
            anchor = shown[0] if shown else None
        viewport = self.page_view.viewport()
        width, height = max(1, viewport.width()), max(1, viewport.height())
        pages: list[list[int]] = []
        page: list[int] = []
        for index in range(len(self._units)):
            trial = [*page, index]
            measure = self._measured(page_markup([self._units[i] for i in trial]), width)
            if page and measure.size().height() > height:
                # A heading or lead-in never ends a page: it goes on with what it introduces.
                carried: list[int] = []
                while len(page) > 1 and self._units[page[-1]].keep_with_next:
                    carried.insert(0, page.pop())
                pages.append(page)
                page = [*carried, index]
            else:
                page = trial
        pages.append(page)
        self._pages = pages
        self._page_markup = [page_markup([self._units[i] for i in p]) for p in pages]
        if anchor is not None:
            self._page = self._page_of(anchor)
        self._page = max(0, min(len(pages) - 1, self._page))
        self._show_page()

    def _show_page(self) -> None:
        if not self._page_markup:
            return
        sheet = self._style_sheet()
        shown = self.page_view.document()
        shown.setDefaultStyleSheet(sheet)
        shown.setHtml(_cells_with_rules(self._page_markup[self._page], sheet))
        self.page_view.verticalScrollBar().setValue(0)
        count = self.page_count()
        self.page_mark.setText(
            f"page {self._page + 1} of {count}  {'▼ more' if self._page < count - 1 else ''}"
            if count > 1
            else ""
        )
