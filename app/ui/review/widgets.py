"""Small building blocks the two tabs share: a titled pane and the message line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.ui.review.colors import is_dark


def pane(title: str, body: QWidget, hint: str = "") -> QWidget:
    """``body`` under a bold title whose mnemonic focuses it; an optional short hint sits muted beside the title,
    so panes side by side keep their editors aligned."""
    container = QWidget()
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    label = QLabel(title)
    label.setBuddy(body)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    title_row = QHBoxLayout()
    title_row.addWidget(label)
    if hint:
        title_row.addSpacing(8)
        title_row.addWidget(muted_label(hint), 1)
    else:
        title_row.addStretch(1)
    layout.addLayout(title_row)
    layout.addWidget(body, 1)
    return container


def muted_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setEnabled(False)  # drawn in the palette's muted text colour, in light and dark themes
    return label


# Text colour per message kind, (light theme, dark theme).
_MESSAGE_COLORS = {
    "error": ("#b00020", "#ff8a9a"),
    "warning": ("#8a5300", "#ffc266"),
    "success": ("#18773a", "#7ee2a0"),
}


class MessageLabel(QLabel):
    """One line of feedback. Errors and warnings carry a word ("Error:", "Warning:"), not only a colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote placeholders such as <Email_1>
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.setAccessibleName(self.tr("Message"))

    def show_error(self, message: str) -> None:
        self._show("error", self.tr("Error: %1").replace("%1", message))

    def show_warning(self, message: str) -> None:
        self._show("warning", self.tr("Warning: %1").replace("%1", message))

    def show_success(self, message: str) -> None:
        self._show("success", message)

    def show_info(self, message: str) -> None:
        self._show("info", message)

    def clear(self) -> None:
        self.kind = ""
        super().clear()

    def _show(self, kind: str, message: str) -> None:
        self.kind = kind
        colors = _MESSAGE_COLORS.get(kind)
        color = "" if colors is None else colors[1 if is_dark(self) else 0]
        self.setStyleSheet(f"color: {color};" if color else "")
        self.setText(message)
