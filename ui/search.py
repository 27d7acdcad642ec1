"""Search everything (Ctrl+K or Ctrl+Shift+F): notes, decisions, actions, comments, KPI notes
and initiatives, grouped by kind, the matched words in bold; Enter opens the hit."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.search import Hit, Order, Query, excerpt, grouped, highlight
from ui.icons import icon
from ui.session import Session

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
DEBOUNCE_MS = 180


class _RichDelegate(QStyledItemDelegate):
    """Draws an item's text as HTML: the hit in bold where it matched, its context below."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        document = self._document(options)
        options.text = ""
        style = options.widget.style() if options.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        painter.save()
        painter.translate(options.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, options.rect.width(), options.rect.height()))
        context = QAbstractTextDocumentLayout.PaintContext()
        if options.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(
                context.palette.ColorRole.Text,
                options.palette.color(options.palette.ColorRole.HighlightedText),
            )
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        document = self._document(options)
        return QSize(int(document.idealWidth()), int(document.size().height()))

    def _document(self, options: QStyleOptionViewItem) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(options.font)
        document.setDocumentMargin(4)
        document.setHtml(options.text)
        width = options.rect.width()
        if width <= 0:  # a size hint is asked before the row has a rectangle
            view = options.widget
            viewport = view.viewport() if isinstance(view, QTreeWidget) else None
            width = viewport.width() - 40 if viewport is not None else 600
        document.setTextWidth(max(200, width))
        return document


class SearchDialog(QDialog):
    """Type to search; ↓ into the results; Enter opens the meeting at the hit, or the action's
    history. This partnership by default, every partnership of the file on request."""

    open_hit = Signal(object)  # a core.search.Hit

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._query: Query | None = None
        self.setWindowTitle("Search")
        self.resize(820, 600)
        layout = QVBoxLayout(self)
        self.line = QLineEdit()
        self.line.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.line.setPlaceholderText(
            'Search notes, decisions, actions, comments…   "a phrase"   prefix*'
        )
        self.line.setClearButtonEnabled(True)
        self.line.installEventFilter(self)
        layout.addWidget(self.line)
        row = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.addItems(["This partnership", "All partnerships"])
        self.order = QComboBox()
        self.order.addItems(["Best match first", "Newest first"])
        self.summary = QLabel()
        self.summary.setObjectName("subtitle")
        row.addWidget(self.scope)
        row.addWidget(self.order)
        row.addWidget(self.summary, 1)
        layout.addLayout(row)
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(False)
        self.results.setItemDelegate(_RichDelegate(self.results))
        self.results.itemActivated.connect(self._on_activated)
        layout.addWidget(self.results, 1)
        hint = QLabel("↓ to the results · Enter opens · Esc closes")
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run)
        self.line.textChanged.connect(lambda _text: self._timer.start())
        self.scope.currentIndexChanged.connect(lambda _index: self.run())
        self.order.currentIndexChanged.connect(lambda _index: self.run())

    @property
    def everywhere(self) -> bool:
        return self.scope.currentIndex() == 1

    def run(self) -> None:
        """Search for what the line says now, and show the hits grouped by kind."""
        self._timer.stop()
        self.results.clear()
        query, hits = self._session.search(self.line.text(), self.everywhere)
        self._query = query
        if query.empty:
            self.summary.setText("")
            return
        order = Order.NEWEST if self.order.currentIndex() == 1 else Order.RELEVANCE
        several = len({h.partnership_id for h in hits}) > 1
        for kind, group in grouped(hits, order):
            head = QTreeWidgetItem([f"<b>{html.escape(kind.heading)}</b> ({len(group)})"])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.results.addTopLevelItem(head)
            for hit in group:
                item = QTreeWidgetItem([self._html(hit, query, several)])
                item.setData(0, HIT_ROLE, hit)
                head.addChild(item)
            head.setExpanded(True)
        self.summary.setText(
            f"{len(hits)} found" + (" in every partnership" if self.everywhere else "")
            if hits
            else "Nothing matches."
        )

    def _html(self, hit: Hit, query: Query, several: bool) -> str:
        marked = html.escape(highlight(excerpt(hit.text, query), query))
        marked = marked.replace("«", "<b>").replace("»", "</b>")
        when = hit.when.strftime("%d %b %Y") if hit.when else ""
        where = f"{hit.partnership} · {hit.context}" if several else hit.context
        return (
            f"{marked}<br/><span style='color:gray; font-size:small'>"
            f"{html.escape(when)} · {html.escape(where)}</span>"
        )

    def hits(self) -> list[Hit]:
        """The hits shown, in their order."""
        found = []
        for item in self._hit_items():
            found.append(item.data(0, HIT_ROLE))
        return found

    def _hit_items(self) -> list[QTreeWidgetItem]:
        items = []
        for top in range(self.results.topLevelItemCount()):
            head = self.results.topLevelItem(top)
            if head is None:
                continue
            for i in range(head.childCount()):
                child = head.child(i)
                if child is not None:
                    items.append(child)
        return items

    def eventFilter(self, watched: object, event: object) -> bool:
        if watched is self.line and isinstance(event, QKeyEvent):
            if event.type() == QKeyEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
                self._select_first()
                return True
            if event.type() == QKeyEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
            ):
                if self._timer.isActive():
                    self.run()
                self._select_first()
                current = self.results.currentItem()
                if current is not None:
                    self._on_activated(current, 0)
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _select_first(self) -> None:
        items = self._hit_items()
        if items:
            self.results.setCurrentItem(items[0])
            self.results.setFocus()

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        hit = item.data(0, HIT_ROLE)
        if isinstance(hit, Hit):
            self.open_hit.emit(hit)
            self.accept()
