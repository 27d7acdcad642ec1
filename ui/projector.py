"""The room's view: large, high-contrast, no editing controls; it follows the facilitator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from core.model import MeetingItem
from ui import palette
from ui.models import format_duration

THEMES = palette.PROJECTOR_THEMES
BASE_POINT_SIZE = 26
MIN_SCALE, MAX_SCALE = 0.6, 2.5


class ProjectorWindow(QWidget):
    """Shows the partnership, the current item, its timer and its content to the room."""

    def __init__(self, partnership_name: str, theme: str = "dark", scale: float = 1.0) -> None:
        super().__init__()
        self.setWindowTitle(f"{partnership_name} — projector")
        self.setObjectName("projector")
        self.theme = theme if theme in THEMES else "dark"
        self.scale = scale
        self._timer_state = "normal"
        self.partnership = QLabel(partnership_name)
        self.item_title = QLabel("")
        self.item_title.setWordWrap(True)
        self.timer = QLabel("")
        self.timer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.content = QTextBrowser()
        self.content.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.content.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.content.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # Tables read from the back of the room: header and rows set apart by rules.
        self.content.document().setDefaultStyleSheet(
            f"th {{ font-weight: 700; border-bottom: 2px solid {palette.PROJECTOR_RULE}; }}"
            f" td {{ border-bottom: 1px solid {palette.AXIS}; }}"
        )
        top = QHBoxLayout()
        top.addWidget(self.partnership, 1)
        top.addWidget(self.timer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(18)
        layout.addLayout(top)
        layout.addWidget(self.item_title)
        layout.addWidget(self.content, 1)
        # Ctrl+Plus, Ctrl+Minus and Ctrl+0 are the main window's View actions, which work
        # from this window too (application shortcuts): never a second copy here.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self._apply_style()

    def show_item(self, item: MeetingItem | None, markdown: str | None = None) -> None:
        if item is None:
            self.item_title.setText("")
            self.content.clear()
            return
        self.item_title.setText(item.title)
        self.show_notes(item.notes if markdown is None else markdown)

    def show_notes(self, markdown: str) -> None:
        bar = self.content.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        self.content.setMarkdown(markdown or "*No notes yet.*")
        if at_end:
            bar.setValue(bar.maximum())

    def show_html(self, html: str) -> None:
        """Show an item's own view in large print: the action review, the commitments'
        read-out, the KPI dashboard (or the KPI opened), the strategic initiatives."""
        bar = self.content.verticalScrollBar()
        position = bar.value()
        self.content.setHtml(html)
        bar.setValue(position)

    def show_timer(self, elapsed: int, timebox: int, state: str) -> None:
        over = "  OVER" if state == "red" else ""
        self.timer.setText(f"{format_duration(elapsed)} / {format_duration(timebox)}{over}")
        if state != self._timer_state:
            self._timer_state = state
            self._apply_style()

    def set_theme(self, theme: str) -> None:
        self.theme = theme
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

    def _apply_style(self) -> None:
        colours = THEMES[self.theme]
        size = round(BASE_POINT_SIZE * self.scale)
        self.setStyleSheet(
            f"""
            QWidget#projector {{ background: {colours["bg"]}; }}
            QLabel {{ color: {colours["fg"]}; background: transparent; }}
            QTextBrowser {{ color: {colours["fg"]}; background: {colours["bg"]};
                            font-size: {size}pt; }}
            """
        )
        self.partnership.setStyleSheet(
            f"color: {colours['muted']}; font-size: {round(size * 0.7)}pt;"
        )
        self.item_title.setStyleSheet(f"font-size: {round(size * 1.6)}pt; font-weight: 700;")
        self.timer.setStyleSheet(
            f"color: {colours[self._timer_state]}; font-size: {round(size * 1.3)}pt;"
            " font-weight: 700;"
        )
