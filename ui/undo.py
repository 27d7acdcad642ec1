"""Undo: one command for every undoable operation of the session.

An operation (ui/session.py) does its change and hands back a `Reversal`: how to take it
back and how to do it again, exactly. The screen pushes the operation here with the words
the Edit menu shows; nothing else knows how a change is undone.

Qt calls `redo()` inside `QUndoStack.push()` and swallows what a Python override raises, so
the operation runs once before its command is pushed, where a refusal (disk full, a signed
meeting...) still reaches the user in words, and nothing is pushed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from core.errors import ReviewError
from ui.session import Reversal


class OperationCommand(QUndoCommand):
    """An operation already done; undo and redo are the reversal it handed back."""

    def __init__(self, text: str, reversal: Reversal) -> None:
        super().__init__(text)
        self._reversal = reversal
        self._pushed = False

    def redo(self) -> None:
        if self._pushed:  # the first redo is Qt's, inside push(): the change is made already
            self._reversal.redo()
        self._pushed = True

    def undo(self) -> None:
        self._reversal.undo()


def push_operation(stack: QUndoStack, text: str, operation: Callable[[], Reversal]) -> str | None:
    """Do `operation` and push it for undo as `text`; on a refusal in words, push nothing and
    return the words."""
    try:
        reversal = operation()
    except ReviewError as error:
        return error.message
    stack.push(OperationCommand(text, reversal))
    return None
