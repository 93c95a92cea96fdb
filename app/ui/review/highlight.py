"""A plain-text editor that highlights spans given in Python string offsets and says which span is where.

Highlights are `ExtraSelection`s: they colour the text without changing the document (no undo entries, no
``textChanged``), and their cursors move with edits, so a highlight stays on its text until detection runs again.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from app.ui.review.text_positions import TextPositions, document_text

# A press and release further apart than this (in pixels) is a drag that selects text, not a click on a span.
_CLICK_SLOP = 4


@dataclass(frozen=True)
class HighlightSpan:
    start: int
    end: int
    text_format: QTextCharFormat
    tooltip: str


class SpanTextEdit(QPlainTextEdit):
    """Shows spans highlighted, with a tooltip each; emits `span_clicked` with the Qt position of a clicked span."""

    span_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selections: list[QTextEdit.ExtraSelection] = []
        self._tooltips: list[str] = []
        self._press_point: QPoint | None = None
        self.setTabChangesFocus(True)  # keyboard users must be able to leave the editor with Tab

    # --- text -----------------------------------------------------------------------------------------------------

    def text(self) -> str:
        return document_text(self.document())

    def positions(self) -> TextPositions:
        return TextPositions(self.text())

    # --- highlights -----------------------------------------------------------------------------------------------

    def set_spans(self, spans: Sequence[HighlightSpan]) -> None:
        """Highlight ``spans`` (sorted, not overlapping, offsets into the current text)."""
        positions = self.positions()
        selections = []
        for span in spans:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            start, end = positions.qt_span(span.start, span.end)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = span.text_format
            selections.append(selection)
        self._selections = selections
        self._tooltips = [span.tooltip for span in spans]
        self.setExtraSelections(selections)

    def clear_spans(self) -> None:
        self.set_spans([])

    def span_index_at(self, position: int) -> int | None:
        """The span that holds the character at Qt ``position``, by where its highlight is now."""
        starts = [selection.cursor.selectionStart() for selection in self._selections]
        index = bisect.bisect_right(starts, position) - 1
        if index >= 0 and position < self._selections[index].cursor.selectionEnd():
            return index
        return None

    def span_qt_range(self, index: int) -> tuple[int, int]:
        cursor = self._selections[index].cursor
        return cursor.selectionStart(), cursor.selectionEnd()

    def span_index_at_cursor(self) -> int | None:
        """The span the text cursor is in or touches (for the keyboard: toggle the item under the caret)."""
        position = self.textCursor().position()
        found = self.span_index_at(position)
        return found if found is not None or position == 0 else self.span_index_at(position - 1)

    def select_qt_range(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # --- where the mouse is ---------------------------------------------------------------------------------------

    def character_at(self, point: QPoint) -> int | None:
        """The Qt position of the character drawn under ``point`` (viewport coordinates), if any."""
        boundary = self.cursorForPosition(point).position()
        for position in (boundary - 1, boundary):
            if 0 <= position < self.document().characterCount() - 1 and self._drawn_at(position, point):
                return position
        return None

    def _drawn_at(self, position: int, point: QPoint) -> bool:
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        left = self.cursorRect(cursor)
        cursor.setPosition(position + 1)
        right = self.cursorRect(cursor)
        if left.top() != right.top():  # the character ends a visual line: measure it instead
            width = self.fontMetrics().horizontalAdvance(str(self.document().characterAt(position)))
            return left.top() <= point.y() <= left.bottom() and left.left() <= point.x() < left.left() + width
        return left.top() <= point.y() <= left.bottom() and left.left() <= point.x() < right.left()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._show_tooltip(event)
            return True
        return super().viewportEvent(event)

    def _show_tooltip(self, event: QHelpEvent) -> None:
        position = self.character_at(event.pos())
        index = self.span_index_at(position) if position is not None else None
        if index is None:
            QToolTip.hideText()
            event.ignore()
            return
        QToolTip.showText(event.globalPos(), as_rich_text(self._tooltips[index]), self.viewport())

    def tooltip_at(self, position: int) -> str | None:
        index = self.span_index_at(position)
        return self._tooltips[index] if index is not None else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_point = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press_point = self._press_point, None
        point = event.position().toPoint()
        if (
            event.button() != Qt.MouseButton.LeftButton
            or event.modifiers() != Qt.KeyboardModifier.NoModifier
            or press is None
            or (point - press).manhattanLength() > _CLICK_SLOP
            or self.textCursor().hasSelection()
        ):
            return
        position = self.character_at(point)
        if position is not None and self.span_index_at(position) is not None:
            self.span_clicked.emit(position)


def as_rich_text(text: str) -> str:
    """Tooltip text escaped, so a placeholder such as ``<Email_1>`` is shown and not taken for a tag."""
    lines = "<br>".join(html.escape(line) for line in text.splitlines())
    return f'<p style="white-space:pre">{lines}</p>'
