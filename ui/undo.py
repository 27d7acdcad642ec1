"""Undoable edits whose first doing can fail in words (disk full, signed meeting...).

Qt calls `redo()` inside `QUndoStack.push()` and swallows what a Python override raises, so
each edit is applied once before it is pushed, where the error can still reach the user.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from core.errors import ReviewError


class AppliedCommand(QUndoCommand):
    """A command that `apply()`s its change; `redo()` skips the first time (already applied)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._applied_once = False

    def apply(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._applied_once:
            self.apply()
        self._applied_once = True


def push_applied(stack: QUndoStack, command: AppliedCommand) -> str | None:
    """Apply `command` and push it for undo; on a user-facing error, push nothing and say why."""
    try:
        command.apply()
    except ReviewError as error:
        return error.message
    stack.push(command)
    return None
