"""The setup assistant's small widgets: paragraphs, tinted notices, the stage list and the metadata table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.model_files.library import ModelCheck
from app.ui.setup.texts import metadata_label, stage_label


def paragraph(text: str, *, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(rich)
    return label


def muted(text: str = "") -> QLabel:
    """Secondary text, drawn in the palette's placeholder colour (readable in light and dark themes)."""
    label = paragraph(text)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


# (text, background) per kind of notice, for light and dark themes; each pair has WCAG AA contrast.
NOTICE_COLORS = {
    "error": (("#8c1020", "#fdecee"), ("#ffb3bd", "#4a1820")),
    "warning": (("#6b4200", "#fff4dc"), ("#ffd08a", "#47330f")),
    "success": (("#14612f", "#e7f6ec"), ("#9ce8b4", "#173823")),
    "info": (("#1d3f66", "#e9f1fb"), ("#b5d3f5", "#1a2c42")),
}
STAGE_SYMBOLS = {"pending": "○", "active": "▶", "done": "✓", "failed": "✗"}


class Notice(QLabel):
    """Feedback in a tinted box. Errors and warnings start with a word, so colour is never the only cue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names, which may hold "<"
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        prefixes = {"error": self.tr("Error: "), "warning": self.tr("Warning: ")}
        self.kind = kind
        foreground, background = NOTICE_COLORS[kind][1 if _is_dark(self) else 0]
        self.setStyleSheet(
            f"QLabel {{ color: {foreground}; background: {background}; border-radius: 4px; padding: 8px 10px; }}"
        )
        self.setText(prefixes.get(kind, "") + text)
        self.show()

    def clear_message(self) -> None:
        self.kind = ""
        self.clear()
        self.hide()


class StageList(QWidget):
    """The stages of a job, each marked pending, active, done or failed — by a symbol, not only by emphasis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._rows: dict[str, QLabel] = {}
        self._plan: list[str] = []
        self._current = -1

    def set_plan(self, plan: list[str]) -> None:
        for label in self._rows.values():
            self._layout.removeWidget(label)
            label.setParent(None)
            label.deleteLater()
        self._rows = {}
        self._plan = list(plan)
        self._current = -1
        for stage in plan:
            self._rows[stage] = QLabel()
            self._layout.addWidget(self._rows[stage])
        self._redraw()

    def advance_to(self, stage: str) -> None:
        """Mark ``stage`` active and all planned stages before it done; never step back (stages may interleave)."""
        if stage in self._plan and self._plan.index(stage) > self._current:
            self._current = self._plan.index(stage)
            self._redraw()

    def complete(self) -> None:
        self._current = len(self._plan)
        self._redraw()

    def fail(self) -> None:
        self._redraw(failed=True)

    def state_of(self, stage: str) -> str:
        index = self._plan.index(stage)
        return "done" if index < self._current else "active" if index == self._current else "pending"

    def _state_words(self) -> dict[str, str]:
        """What a screen reader says for each symbol."""
        return {
            "pending": self.tr("to do"),
            "active": self.tr("in progress"),
            "done": self.tr("done"),
            "failed": self.tr("stopped"),
        }

    def _redraw(self, failed: bool = False) -> None:
        for stage in self._plan:
            state = self.state_of(stage)
            if failed and state == "active":
                state = "failed"
            label = self._rows[stage]
            label.setText(f"{STAGE_SYMBOLS[state]}  {stage_label(stage)}")
            font = label.font()
            font.setBold(state in ("active", "failed"))
            label.setFont(font)
            label.setEnabled(state != "pending")
            label.setAccessibleName(f"{stage_label(stage)}: {self._state_words()[state]}")


def two_column_table() -> QTableWidget:
    table = QTableWidget(0, 2)
    table.horizontalHeader().setVisible(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    return table


def fill_metadata(table: QTableWidget, check: ModelCheck) -> None:
    rows = [row for row in check.info.summary_rows() if row[0] != "File"]
    table.setRowCount(len(rows))
    for index, (name, value) in enumerate(rows):
        table.setItem(index, 0, QTableWidgetItem(metadata_label(name)))
        table.setItem(index, 1, QTableWidgetItem(value))
    table.resizeRowsToContents()
    height = sum(table.rowHeight(index) for index in range(len(rows))) + 2 * table.frameWidth()
    table.setFixedHeight(min(height, 260))
    table.show()
