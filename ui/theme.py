"""The look, applied in one place: Qt's Fusion style (the same on Windows, macOS and Linux),
a palette and the one style sheet filled in from ui/design.py, in the light or dark scheme.

The scheme follows the system's (Qt's `QStyleHints.colorScheme`, live) unless the user chose
one in View ▸ Appearance; the choice is kept in the settings under "appearance".
"""

from __future__ import annotations

import sys
from pathlib import Path
from string import Template
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTemporaryDir, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QTableView,
    QWidget,
)

from ui import palette
from ui.design import COLOURS, Appearance, Scheme, tokens

STYLE_SHEET = Path(__file__).resolve().parent.parent / "resources" / "style.qss"
SETTING = "appearance"


class _Style(QProxyStyle):
    """Fusion, with tables that rule their rows instead of drawing a grid, and headers that
    read like a document's (left-aligned, not highlighted with the selection)."""

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        if element is QStyle.ControlElement.CE_ItemViewItem and isinstance(widget, QTableView):
            # A light rule under each cell, so under each row: drawn after the cell, so the
            # row's own colour (a review's state, an overdue date) stays.
            rect = option.rect
            painter.save()
            painter.setPen(QPen(QColor(palette.RULE), 1))
            painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
            painter.restore()

    def polish(self, target: object) -> None:
        super().polish(target)  # type: ignore[call-overload]
        if isinstance(target, QTableView):
            target.setShowGrid(False)
        elif isinstance(target, QHeaderView) and target.orientation() is Qt.Orientation.Horizontal:
            target.setHighlightSections(False)
            target.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class Theme(QObject):
    """The app's look; `changed` is emitted after the scheme changed (for what paints itself)."""

    changed = Signal(Scheme)

    def __init__(self, app: QApplication, settings: QSettings | None = None) -> None:
        super().__init__(app)
        self.app = app
        self.settings = settings
        self.scheme: Scheme | None = None
        self.system = QGuiApplication.styleHints().colorScheme()  # Unknown where none is said
        self._drawings = QTemporaryDir()  # the style sheet's arrows, in the scheme's colour
        self.style = _Style(QStyleFactory.create("Fusion"))
        app.setStyle(self.style)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)
        self.apply()

    def _on_system_scheme(self, scheme: Qt.ColorScheme) -> None:
        self.system = scheme
        self.apply()

    @property
    def appearance(self) -> Appearance:
        chosen = self.settings.value(SETTING, "") if self.settings is not None else ""
        try:
            return Appearance(str(chosen))
        except ValueError:
            return Appearance.SYSTEM

    def choose(self, appearance: Appearance) -> None:
        """The user's choice, kept for next time and applied now."""
        if self.settings is not None:
            self.settings.setValue(SETTING, appearance.value)
        self.apply()

    def wanted(self) -> Scheme:
        appearance = self.appearance
        if appearance is Appearance.LIGHT:
            return Scheme.LIGHT
        if appearance is Appearance.DARK:
            return Scheme.DARK
        return Scheme.DARK if self.system is Qt.ColorScheme.Dark else Scheme.LIGHT

    def apply(self) -> None:
        scheme = self.wanted()
        if scheme is self.scheme:
            return
        palette.use(scheme)
        self.app.setPalette(qt_palette())
        self.app.setStyleSheet(style_sheet(scheme, Path(self._drawings.path())))
        self.scheme = scheme
        _restyle_charts()
        self.changed.emit(scheme)


def style_sheet(scheme: Scheme, folder: Path) -> str:
    """The one style sheet filled in for `scheme` (the active one: palette.use first), with
    the drawings it needs written to `folder`."""
    template = Template(STYLE_SHEET.read_text(encoding="utf-8"))
    return template.substitute(tokens(scheme), **_arrows(scheme, folder))


def _arrows(scheme: Scheme, folder: Path) -> dict[str, str]:
    """The fields' arrows and the check boxes' tick as small drawings in the scheme's colours
    (a style sheet takes an image for them, and then no longer draws Fusion's own)."""
    found = {}
    colours = COLOURS[scheme]
    for name, path, colour in (
        ("arrow_down", "M3 4.5 6 7.5 9 4.5", colours["DETAIL"]),
        ("arrow_up", "M3 7.5 6 4.5 9 7.5", colours["DETAIL"]),
        ("check", "M2.5 6.2 5 8.6 9.5 3.6", colours["WHITE"]),  # on the accent's fill
    ):
        drawing = folder / f"{name}-{scheme.value}.svg"
        drawing.write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 12 12">'
            f'<path d="{path}" fill="none" stroke="{colour}" '
            'stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
            encoding="utf-8",
        )
        found[name] = drawing.as_posix()
    return found


def qt_palette() -> QPalette:
    """Qt's palette from the active colours, for what the style sheet does not reach (the
    Fusion style's own drawing, check boxes, rich text, the charts' defaults)."""
    roles = QPalette.ColorRole
    colours = {
        roles.Window: palette.WINDOW,
        roles.WindowText: palette.TEXT,
        roles.Base: palette.SURFACE,
        roles.AlternateBase: palette.SURFACE_ALT,
        roles.ToolTipBase: palette.INK,
        roles.ToolTipText: palette.SURFACE,
        roles.PlaceholderText: palette.MUTED,
        roles.Text: palette.TEXT,
        roles.Button: palette.RAISED,
        roles.ButtonText: palette.TEXT,
        roles.BrightText: palette.WHITE,
        roles.Highlight: palette.ACCENT_FILL,
        roles.HighlightedText: palette.WHITE,
        roles.Link: palette.ACCENT,
        roles.LinkVisited: palette.ACCENT,
        roles.Light: palette.SURFACE,
        roles.Midlight: palette.RULE,
        roles.Mid: palette.BORDER,
        roles.Dark: palette.AXIS,
        roles.Shadow: palette.AXIS,
    }
    result = QPalette()
    for role, colour in colours.items():
        result.setColor(role, QColor(colour))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(palette.FAINT))
    return result


def _restyle_charts() -> None:
    """The charts already drawn take the new scheme's surface and axes (pyqtgraph paints with
    its own colours, not the style sheet's); charts made later read the palette themselves."""
    pg = sys.modules.get("pyqtgraph")  # not imported yet: no chart to restyle
    if pg is None:
        return
    for widget in QApplication.allWidgets():
        chart: Any = widget
        plot = chart.getPlotItem() if isinstance(chart, pg.PlotWidget) else None
        if plot is None:  # not a chart, or one released and waiting to be deleted
            continue
        chart.setBackground(palette.SURFACE)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(palette.AXIS))
            axis.setTextPen(pg.mkPen(palette.TEXT))


def installed() -> Theme | None:
    """The application's theme, if one was installed (tests run without one)."""
    app = QApplication.instance()
    found = app.findChild(Theme) if app is not None else None
    return found if isinstance(found, Theme) else None
