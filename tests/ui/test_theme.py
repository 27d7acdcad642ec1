"""The look (ui/theme.py, ui/design.py, ui/icons.py): one style sheet from one set of tokens,
light or dark after the system unless the user chose, tables ruled by row, one icon set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QImage,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QTableView,
    QToolButton,
)
from pytestqt.qtbot import QtBot

from core.model import Rag, ReviewStatus
from tests.ui.look import themed
from ui import icons, palette
from ui.action_review import STATUS_COLOURS
from ui.dashboard import RAG_COLOURS, DashboardView, KpiTileFrame
from ui.design import COLOURS, Appearance, Scheme
from ui.main_window import MainWindow
from ui.session import Session
from ui.theme import Theme, installed, style_sheet


@pytest.fixture
def theme(qapp: QApplication, settings: QSettings) -> Iterator[Theme]:
    """The app's theme on the test's application, as the test's settings say."""
    with themed(qapp, settings, appearance=None) as installed_theme:
        yield installed_theme


def test_both_schemes_name_every_colour_and_fill_the_whole_style_sheet(tmp_path: Path) -> None:
    assert COLOURS[Scheme.LIGHT].keys() == COLOURS[Scheme.DARK].keys() == palette.COLOUR_NAMES
    for scheme in Scheme:
        sheet = style_sheet(scheme, tmp_path)  # a name the tokens lack raises KeyError
        assert "$" not in sheet
        arrow = tmp_path / f"arrow_down-{scheme.value}.svg"
        assert f"url({arrow.as_posix()})" in sheet
        assert QImage(str(arrow)).width() == 12  # a drawing Qt reads


def test_tables_colours_and_charts_read_the_scheme_when_they_paint() -> None:
    palette.use(Scheme.DARK)
    try:
        assert RAG_COLOURS[Rag.RED] == COLOURS[Scheme.DARK]["RAG_RED"]
        assert STATUS_COLOURS[ReviewStatus.DONE] == COLOURS[Scheme.DARK]["DONE_BACKGROUND"]
    finally:
        palette.use(Scheme.LIGHT)
    assert STATUS_COLOURS[ReviewStatus.DONE] == COLOURS[Scheme.LIGHT]["DONE_BACKGROUND"]


def test_the_app_follows_the_system_scheme_unless_the_user_chose(
    theme: Theme, qapp: QApplication, settings: QSettings
) -> None:
    # The platform tells Qt, and Qt the app, with this signal (the offscreen platform has no
    # scheme of its own to change: the test says what a desktop's would).
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.scheme is Scheme.LIGHT
    assert theme.style.baseStyle().name().lower() == "fusion"

    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the system turns dark: the app follows
    assert theme.scheme is Scheme.DARK and palette.scheme is Scheme.DARK
    window = qapp.palette().color(QPalette.ColorRole.Window)
    assert window == QColor(COLOURS[Scheme.DARK]["WINDOW"])
    assert COLOURS[Scheme.DARK]["SURFACE"] in qapp.styleSheet()

    theme.choose(Appearance.LIGHT)  # the user keeps light, whatever the system says
    assert theme.scheme is Scheme.LIGHT
    assert settings.value("appearance") == "light"
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.scheme is Scheme.LIGHT

    theme.choose(Appearance.SYSTEM)
    assert theme.scheme is Scheme.DARK


def test_appearance_menu_switches_the_open_window(
    theme: Theme, qtbot: QtBot, settings: QSettings, demo_path: object
) -> None:
    window = MainWindow(settings, interactive=False)
    qtbot.addWidget(window)
    assert installed() is theme
    titles = [a.text() for a in window.appearance_actions.values()]
    assert titles == ["As the &system", "&Light", "&Dark"]
    window.appearance_actions[Appearance.DARK].trigger()
    assert theme.scheme is Scheme.DARK
    assert window.appearance_actions[Appearance.DARK].isChecked()
    assert QSettings(settings.fileName(), QSettings.Format.IniFormat).value("appearance") == "dark"
    window.close()


def test_a_table_rules_its_rows_and_keeps_their_colours(theme: Theme, qtbot: QtBot) -> None:
    model = QStandardItemModel(3, 2)
    for row in range(3):
        for column in range(2):
            item = QStandardItem(f"{row},{column}")
            if column == 1:
                item.setBackground(QColor("#00aa00"))
            model.setItem(row, column, item)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(320, 160)
    table.show()
    qtbot.waitExposed(table)
    assert not table.showGrid()
    image = table.viewport().grab().toImage()
    x = table.columnViewportPosition(1) + 20
    height = table.rowHeight(0)
    assert image.pixelColor(x, height // 2) == QColor("#00aa00")  # the row's own colour
    assert image.pixelColor(x, height - 1) == QColor(palette.RULE)  # a light rule under it
    assert image.pixelColor(5, height - 1) == QColor(palette.RULE)  # across every column


def test_dialog_buttons_carry_no_theme_icons(theme: Theme, qtbot: QtBot) -> None:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    box.show()
    for button in box.buttons():
        assert button.icon().isNull()


def test_every_icon_is_a_glyph_of_the_one_set_drawn_in_the_schemes_colours(
    theme: Theme, qtbot: QtBot
) -> None:
    for name in icons.GLYPHS:
        image = icons.icon(name).pixmap(32, 32).toImage()
        inked = [
            image.pixelColor(x, y)
            for x in range(32)
            for y in range(32)
            if image.pixelColor(x, y).alpha() == 255
        ]
        assert inked, f"the {name} icon drew nothing"
        assert {c.name() for c in inked} == {QColor(palette.DETAIL).name()}
    disabled = icons.icon("search").pixmap(32, 32, QIcon.Mode.Disabled).toImage()
    colours = {
        disabled.pixelColor(x, y).name()
        for x in range(32)
        for y in range(32)
        if disabled.pixelColor(x, y).alpha() == 255
    }
    assert colours == {QColor(palette.FAINT).name()}
    with pytest.raises(ValueError):
        icons.icon("search", "NOT_A_COLOUR")
    button = QPushButton("Search")
    qtbot.addWidget(button)
    button.setIcon(icons.icon("search"))
    assert not button.icon().isNull()


def test_an_open_dashboard_repaints_its_tiles_in_the_new_scheme(
    theme: Theme, qtbot: QtBot, demo_session: Session
) -> None:
    """Tiles paint words and chrome made when they were built: a change of scheme builds them
    again, so an open dashboard does not keep light tiles on a dark window."""
    theme.choose(Appearance.LIGHT)
    view = DashboardView(demo_session)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    draft = demo_session.next_meeting()
    assert draft is not None
    view.show_meeting(draft.id)
    frame = view.tile_frames[0]
    inside = frame.grab().toImage().pixelColor(6, frame.height() // 2)
    assert inside == QColor(COLOURS[Scheme.LIGHT]["SURFACE"])
    assert _lightest_of_name(frame) < 100  # ink on white
    theme.choose(Appearance.DARK)
    frame = view.tile_frames[0]
    inside = frame.grab().toImage().pixelColor(6, frame.height() // 2)
    assert inside == QColor(COLOURS[Scheme.DARK]["SURFACE"])
    assert _lightest_of_name(frame) > 200  # the name now light on the dark tile
    view.release()


def _lightest_of_name(frame: KpiTileFrame) -> int:
    """How light the KPI's name is painted: the lightness of its most inked pixel."""
    image = frame.grab().toImage()
    rect = frame.painted_texts()[0][1].toRect()
    behind = image.pixelColor(6, frame.height() // 2).lightness()
    found = [
        image.pixelColor(x, y).lightness()
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    ]
    return max(found, key=lambda lightness: abs(lightness - behind))


def test_a_fields_own_icons_sit_inside_it(theme: Theme, qtbot: QtBot) -> None:
    """The search field's glass and its clear button are centred in the field, not pushed
    down by the buttons' padding (they are buttons to Qt)."""
    line = QLineEdit("runbook")
    qtbot.addWidget(line)
    line.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
    line.setClearButtonEnabled(True)
    line.resize(400, line.sizeHint().height())
    line.show()
    qtbot.waitExposed(line)
    glyphs = [child for child in line.findChildren(QToolButton) if child.isVisible()]
    assert len(glyphs) == 2
    for glyph in glyphs:
        top, bottom = glyph.geometry().top(), line.height() - glyph.geometry().bottom() - 1
        assert glyph.geometry().bottom() < line.height() - 1
        assert abs(top - bottom) <= 2, (top, bottom)
