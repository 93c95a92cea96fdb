"""A small notification bubble for desktops without a system tray (stock GNOME, some Wayland sessions)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

DISPLAY_MS = 5000


class Toast(QWidget):
    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("cloakroomToast")
        self.setStyleSheet(
            "#cloakroomToast { background: palette(window); border: 1px solid palette(mid); border-radius: 8px; }"
        )
        self._title = QLabel()
        self._title.setStyleSheet("font-weight: bold;")
        self._message = QLabel()
        self._message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._message)
        self.setFixedWidth(360)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def show_message(self, title: str, message: str, warning: bool = False) -> None:
        self._title.setText(("⚠ " if warning else "") + title)
        self._message.setText(message)
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.right() - self.width() - 16, area.bottom() - self.height() - 16)
        self.show()
        self._timer.start(DISPLAY_MS)

    @property
    def title(self) -> str:
        return self._title.text()

    @property
    def message(self) -> str:
        return self._message.text()
