"""When a database cannot be opened: say why, offer its newest good backup, restore it safely.

Also the bar a window shows when it only reads a file another window of the app writes.
The rules (which backups are good, how a restore keeps the replaced file) are in
storage/backups.py, reached through ui/session.py; this module only asks and shows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.errors import ReviewError
from ui.field_error import FieldError
from ui.session import Session, backup_taken, good_backups, opening_problem, restore_backup

READ_ONLY_BAR = "readOnlyBar"


def _when(backup: Path) -> str:
    taken = backup_taken(backup)
    return f"{taken:%A %d %B %Y, %H:%M}" if taken else backup.name


class RecoveryDialog(QDialog):
    """Why `path` could not be opened, in words; and, if a backup is the remedy, the newest
    good one, restored on a click with the current file kept aside."""

    def __init__(self, path: Path, error: ReviewError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cannot open the database")
        self.resize(620, 280)
        self.path = Path(path)
        self.restored_aside: Path | None = None
        self.restored = False
        found = opening_problem(error)
        backup = found.backup
        self.backup: Path | None = backup
        self.problem = QLabel(found.problem)
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.offer = QLabel()
        self.offer.setWordWrap(True)
        self.outcome = FieldError()
        buttons = QDialogButtonBox()
        self.restore_button: QPushButton | None = None
        if backup is not None:
            self.offer.setText(
                f"Its newest good automatic backup is from {_when(backup)}. Restoring it puts "
                f"that copy in place; the current file is not deleted but kept beside it as "
                f"{self.path.name}.replaced-… . Anything written after the backup is not in it."
            )
            self.restore_button = buttons.addButton(
                "Restore this backup", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.restore_button.clicked.connect(self.restore)
            buttons.addButton("Leave it as it is", QDialogButtonBox.ButtonRole.RejectRole)
        else:
            self.offer.setText(
                "The file was left as it is."
                if not found.restorable
                else "The file was left as it is. No good automatic backup of it was found."
            )
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(self.offer)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def restore(self) -> None:
        """Put the offered backup back; on a refusal, say why and stay open."""
        if self.backup is None:
            return
        try:
            self.restored_aside = restore_backup(self.path, self.backup)
        except ReviewError as error:
            self.outcome.setText(error.message)
            return
        self.restored = True
        self.accept()


def offer_recovery(parent: QWidget | None, path: Path, error: ReviewError) -> bool:
    """Show why `path` did not open and offer its backup; True once a backup was restored."""
    dialog = RecoveryDialog(path, error, parent)
    dialog.exec()
    return dialog.restored


class RestoreBackupDialog(QDialog):
    """Choose one of a database's good automatic backups (newest first) to put back."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore a backup")
        self.resize(560, 360)
        self.path = Path(path)
        self.restored_aside: Path | None = None
        self.restored = False
        self.choices = QListWidget()
        for backup in good_backups(self.path):
            entry = QListWidgetItem(backup.describe())
            entry.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            entry.setToolTip(str(backup.path))
            self.choices.addItem(entry)
        if self.choices.count():
            self.choices.setCurrentRow(0)
        explanation = QLabel(
            f"Automatic backups of {self.path.name} that open cleanly, newest first. The file "
            f"in use is not deleted: it is kept beside it as {self.path.name}.replaced-… ."
            if self.choices.count()
            else f"{self.path.name} has no good automatic backup yet."
        )
        explanation.setWordWrap(True)
        self.outcome = FieldError()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(self.choices.count() > 0)
        self.restore_button.clicked.connect(self.restore)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.choices, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)

    def restore(self) -> None:
        """Restore the chosen backup (the database must be closed first)."""
        item = self.choices.currentItem()
        if item is None:
            return
        try:
            self.restored_aside = restore_backup(
                self.path, Path(item.data(Qt.ItemDataRole.UserRole))
            )
        except ReviewError as error:
            self.outcome.setText(error.message)
            return
        self.restored = True
        self.accept()


def choose_and_restore(parent: QWidget | None, path: Path) -> bool:
    """File ▸ Restore a backup…: choose one of the file's good backups and put it back.

    The caller closes the file first (a file open in this process must not be replaced) and
    opens it again afterwards, restored or not. True once a backup was restored.
    """
    dialog = RestoreBackupDialog(path, parent)
    dialog.exec()
    return dialog.restored


def read_only_bar(reason: str) -> QToolBar:
    """A bar across the window saying it only reads the file, and why."""
    bar = QToolBar("Read only")
    bar.setObjectName(READ_ONLY_BAR)
    bar.setMovable(False)
    label = QLabel(f"🔒 Read only: {reason}")
    label.setObjectName("errorBanner")
    label.setWordWrap(True)
    bar.addWidget(label)
    return bar


def show_open_state(window: QMainWindow, session: Session) -> None:
    """After a file opened: a read-only bar if another window writes it (replacing any bar
    of the file before), and what went wrong without stopping it (a backup not written) in
    the status bar."""
    for old in window.findChildren(QToolBar, READ_ONLY_BAR):
        window.removeToolBar(old)
        old.deleteLater()
    reason = session.read_only_reason
    if reason is not None:
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, read_only_bar(reason))
    warnings = session.open_warnings
    if warnings:
        window.statusBar().showMessage(" ".join(warnings))
