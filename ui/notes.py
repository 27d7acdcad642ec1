"""The notes editor: rich enough text (bullets, bold), saved by itself within a second."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QTextCursor, QTextListFormat
from PySide6.QtWidgets import QTextEdit

from core.errors import ReviewError

SAVE_DELAY_MS = 600
RETRY_MS = 3000


class NotesEditor(QTextEdit):
    """Markdown notes of one agenda item; saves itself after typing pauses, never by a button.

    `save` is called with the item id and the Markdown text. If it raises a ReviewError
    (disk full, file read-only), the text stays here, `save_failed` says why, and the save is
    retried until it succeeds. Moving to another item while a save fails keeps the text in
    memory (shown again when the item is), and it is saved with the next attempt that works.
    """

    saved = Signal(str)
    text_saved = Signal(str, str)  # item id and the exact text now saved; after `saved`
    save_failed = Signal(str)
    typed = Signal(str)

    def __init__(self, save: Callable[[str, str], None]) -> None:
        super().__init__()
        self._save = save
        self._item_id: str | None = None
        self._loading = False
        self._dirty = False
        self._unsaved: dict[str, str] = {}  # other items' texts whose save has not worked yet
        self._failure: ReviewError | None = None
        self.setAcceptRichText(False)
        self.setTabChangesFocus(False)
        self.setPlaceholderText("Type the notes of this item. Ctrl+B bold, Ctrl+L bullet list.")
        self._debounce = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._debounce.timeout.connect(self.flush)
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry.timeout.connect(self.flush)
        self.textChanged.connect(self._on_text_changed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Typing undoes a word at a time: a space or a new line closes the typing before it
        as one undo step (Qt would otherwise merge a whole paragraph of typing into one, and a
        single Ctrl+Z would take all of it)."""
        if event.text() in (" ", "\r", "\n") and not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        ):
            cursor = self.textCursor()
            cursor.beginEditBlock()
            super().keyPressEvent(event)
            cursor.endEditBlock()
            return
        super().keyPressEvent(event)

    @property
    def item_id(self) -> str | None:
        return self._item_id

    @property
    def has_unsaved(self) -> bool:
        return self._dirty or bool(self._unsaved)

    @property
    def unsaved_items(self) -> list[str]:
        """The items whose latest text is only here, in memory (the shown one included)."""
        shown = [self._item_id] if self._dirty and self._item_id is not None else []
        return shown + [i for i in self._unsaved if i not in shown]

    @property
    def unsaved_reason(self) -> str:
        """Why the notes are not saved, in a few words ("disk full"); "" when they are."""
        if not self.has_unsaved or self._failure is None:
            return ""
        return getattr(self._failure, "short", "cannot be written")

    def load(self, item_id: str, markdown: str) -> None:
        """Show another item's notes, saving this one's first (or keeping them, unsaved)."""
        self.flush()
        if self._dirty and self._item_id is not None:
            self._unsaved[self._item_id] = self.markdown()
        kept = self._unsaved.pop(item_id, None)
        self._loading = True
        self._item_id = item_id
        self.setMarkdown(markdown if kept is None else kept)
        self.document().clearUndoRedoStacks()
        self.moveCursor(QTextCursor.MoveOperation.End)
        self._loading = False
        self._dirty = kept is not None

    def markdown(self) -> str:
        return self.toMarkdown().strip()

    def flush(self) -> bool:
        """Save now whatever is unsaved; True when nothing is left unsaved."""
        self._debounce.stop()
        pending = dict(self._unsaved)
        if self._dirty and self._item_id is not None:
            pending[self._item_id] = self.markdown()
        for item_id, text in pending.items():
            try:
                self._save(item_id, text)
            except ReviewError as error:
                self._failure = error
                self.save_failed.emit(error.message)
                self._retry.start()
                return False
            if item_id == self._item_id:
                self._dirty = False
            self._unsaved.pop(item_id, None)
            self.saved.emit(item_id)
            self.text_saved.emit(item_id, text)
        self._failure = None
        self._retry.stop()
        return True

    def new_line(self) -> None:
        """Start a new bullet at the end of the notes."""
        self.setFocus()
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if cursor.block().text():
            cursor.insertBlock()
        if cursor.currentList() is None:
            cursor.createList(QTextListFormat.Style.ListDisc)
        self.setTextCursor(cursor)

    def toggle_bold(self) -> None:
        cursor = self.textCursor()
        bold = cursor.charFormat().fontWeight() > QFont.Weight.Normal
        fmt = cursor.charFormat()
        fmt.setFontWeight(QFont.Weight.Normal if bold else QFont.Weight.Bold)
        cursor.mergeCharFormat(fmt)
        self.mergeCurrentCharFormat(fmt)

    def toggle_bullets(self) -> None:
        cursor = self.textCursor()
        current = cursor.currentList()
        if current is not None:
            current.remove(cursor.block())
            fmt = cursor.blockFormat()
            fmt.setIndent(0)
            cursor.setBlockFormat(fmt)
        else:
            cursor.createList(QTextListFormat.Style.ListDisc)

    def _on_text_changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._debounce.start()
        self.typed.emit(self.toMarkdown())
