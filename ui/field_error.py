"""The words under a field (or a form) saying why what was typed was refused: one widget for
every form, styled once in resources/style.qss (QLabel#fieldError), shown only while it says
something."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


class FieldError(QLabel):
    """A refusal in words, in the error colour; hidden while empty."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setAccessibleName("Error message")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))
