"""The findings list: one row per item of the input, never showing the original value (only its type, level,
who found it, where it is and the placeholder it gets).

Space, Enter or the check box flips an item between masked and kept; moving through the rows selects the item's
text in the input, so a keyboard user can see which value a row is about.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.core.findings import ALWAYS_MASK, MODEL, RULES, USER
from app.core.taxonomy import Level
from app.ui.review.colors import level_name, level_style
from app.ui.review.review_state import ReviewItem, Status
from app.ui.type_labels import type_display

_ITEM_INDEX = Qt.ItemDataRole.UserRole
_TOGGLE_KEYS = {Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select}


def detector_names(detector: str) -> str:
    """Who found a span, in words: "rules + model", "you"."""
    names = {
        RULES: QCoreApplication.translate("Findings", "rules"),
        MODEL: QCoreApplication.translate("Findings", "model"),
        USER: QCoreApplication.translate("Findings", "you"),
        ALWAYS_MASK: QCoreApplication.translate("Findings", "always-mask list"),
    }
    return " + ".join(names.get(name, name) for name in detector.split("+"))


def status_text(status: Status) -> str:
    texts = {
        Status.MASKED: QCoreApplication.translate("Findings", "Masked"),
        Status.MASKED_BY_YOU: QCoreApplication.translate("Findings", "Masked (by you)"),
        Status.KEPT_BY_YOU: QCoreApplication.translate("Findings", "Kept (by you)"),
        Status.BELOW_THRESHOLD: QCoreApplication.translate("Findings", "Kept (below threshold)"),
        Status.ALLOWED_BY_SETTINGS: QCoreApplication.translate("Findings", "Kept (your settings)"),
    }
    return texts[status]


@functools.lru_cache(maxsize=16)
def level_icon(level: Level, dark: bool) -> QIcon:
    """A filled square in the level's colour; the row also says the level in words."""
    style = level_style(level, dark)
    pixmap = QPixmap(QSize(12, 12))
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setPen(style.line)
    painter.setBrush(style.fill)
    painter.drawRect(0, 0, 11, 11)
    painter.end()
    return QIcon(pixmap)


class FindingsList(QTreeWidget):
    """Rows for `ReviewItem`s. Emits `toggle_requested(index)` and `item_selected(index)` (index into the items)."""

    toggle_requested = Signal(int)
    item_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rebuilding = False
        self.setColumnCount(6)
        self.setHeaderLabels(
            [
                self.tr("Status"),
                self.tr("Type"),
                self.tr("Level"),
                self.tr("Found by"),
                self.tr("Line"),
                self.tr("Placeholder"),
            ]
        )
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.header().setStretchLastSection(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setAccessibleName(self.tr("Findings"))
        self.itemChanged.connect(self._on_item_changed)
        self.currentItemChanged.connect(self._on_current_changed)

    def set_items(self, items: Sequence[ReviewItem], text: str, dark: bool) -> None:
        """Rebuild the rows, keeping the current row on the item that starts where the old one did."""
        current = self.currentItem()
        keep_start = current.data(0, _ITEM_INDEX + 1) if current is not None else None
        line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self._rebuilding = True
        try:
            self.clear()
            rows = [self._row(index, item, line_starts, dark) for index, item in enumerate(items)]
            self.addTopLevelItems(rows)
            if keep_start is not None and rows:
                starts = [item.start for item in items]
                nearest = min(bisect.bisect_left(starts, keep_start), len(rows) - 1)
                self.setCurrentItem(rows[nearest])
        finally:
            self._rebuilding = False
        for column in range(self.columnCount() - 1):
            self.resizeColumnToContents(column)

    def _row(self, index: int, item: ReviewItem, line_starts: list[int], dark: bool) -> QTreeWidgetItem:
        finding = item.finding
        line = bisect.bisect_right(line_starts, item.start)
        row = QTreeWidgetItem(
            [
                status_text(item.status),
                type_display(finding.type),
                finding.level.label,
                detector_names(finding.detector),
                str(line),
                item.placeholder or "—",
            ]
        )
        row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        row.setCheckState(0, Qt.CheckState.Checked if item.masked else Qt.CheckState.Unchecked)
        row.setIcon(2, level_icon(finding.level, dark))
        row.setToolTip(2, level_name(finding.level))
        row.setData(0, _ITEM_INDEX, index)
        row.setData(0, _ITEM_INDEX + 1, item.start)
        return row

    def current_index(self) -> int | None:
        current = self.currentItem()
        return current.data(0, _ITEM_INDEX) if current is not None else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.current_index()
        if (
            event.key() in _TOGGLE_KEYS
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            and index is not None
        ):
            self.toggle_requested.emit(index)
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        if self._rebuilding or column != 0:
            return
        index = row.data(0, _ITEM_INDEX)
        # The handler rebuilds the rows; let the view finish handling this click first.
        QTimer.singleShot(0, lambda: self.toggle_requested.emit(index))

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if not self._rebuilding and current is not None:
            self.item_selected.emit(current.data(0, _ITEM_INDEX))
