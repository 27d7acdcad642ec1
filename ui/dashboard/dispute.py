"""The dialog in which the other side disputes a reading, with its reason."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.model import (
    Side,
)
from ui.field_error import FieldError


class DisputeDialog(QDialog):
    """Why a side does not accept a reading: the reason is required, and goes on the record."""

    def __init__(
        self, parent: QWidget | None, what: str, side: Side, attempt: Callable[[str], str | None]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dispute a reading")
        self.resize(560, 300)
        self._attempt = attempt
        intro = QLabel(
            f"<b>{html.escape(what)}</b><br>The {side.label} side does not accept this figure. "
            "Say why: the reason is read out and goes into the minutes."
        )
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("disputeReason")
        self.reason.setPlaceholderText(
            "e.g. Excludes the two outages of 14 and 15 November; our monitoring shows 99.1%."
        )
        self.reason.setTabChangesFocus(True)
        self.message = FieldError()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Record the dispute")
        buttons.accepted.connect(self._on_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Reason"))
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def _on_accepted(self) -> None:
        refused = self._attempt(self.reason.toPlainText())
        if refused:
            self.message.setText(refused)
            self.message.show()
            self.reason.setFocus()
            return
        self.accept()
