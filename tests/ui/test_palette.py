"""ui/design.py and ui/field_error.py: one place for the colours, one widget for refusals."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.field_error import FieldError

UI = Path(__file__).resolve().parents[2] / "ui"
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_every_colour_of_the_screens_comes_from_the_palette() -> None:
    """No module but ui/design.py spells a colour (in code, a style sheet or rich text), and
    the one style sheet takes every colour from it by name."""
    found = HEX.findall((UI.parent / "resources" / "style.qss").read_text(encoding="utf-8"))
    for path in sorted(UI.rglob("*.py")):
        if path.name == "design.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += [f"{path.name}:{node.lineno} {m}" for m in HEX.findall(node.value)]
    assert found == []


def test_a_field_error_shows_only_while_it_says_something(qtbot: QtBot) -> None:
    form = QWidget()
    qtbot.addWidget(form)
    error = FieldError()
    QVBoxLayout(form).addWidget(error)
    form.show()
    assert not error.isVisible()
    error.setText("Type a number.")
    assert error.isVisible() and error.objectName() == "fieldError"
    error.setText("")
    assert not error.isVisible()
