"""Small bubbles in the screen corner: notifications for desktops without a system tray (stock GNOME, some Wayland
sessions), and the progress of a running masking with a Cancel button (system notifications cannot show progress
or, through Qt, carry an action).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

DISPLAY_MS = 5000
OFFER_MS = 15_000  # an unanswered restore offer goes away by itself
PROGRESS_DELAY_MS = 300  # a masking done sooner (rules only, a short text) shows no progress bubble at all


class _Bubble(QWidget):
    """A frameless window in the bottom-right corner that never takes the focus from where the person types."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("cloakroomToast")
        self.setStyleSheet(
            "#cloakroomToast { background: palette(window); border: 1px solid palette(mid); border-radius: 8px; }"
        )
        self.setFixedWidth(360)

    def show_in_corner(self) -> None:
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.right() - self.width() - 16, area.bottom() - self.height() - 16)
        self.show()


class Toast(_Bubble):
    def __init__(self) -> None:
        super().__init__()
        self._title = QLabel()
        self._title.setStyleSheet("font-weight: bold;")
        self._message = QLabel()
        self._message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._message)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def show_message(self, title: str, message: str, warning: bool = False) -> None:
        self._title.setText(("⚠ " if warning else "") + title)
        self._message.setText(message)
        self.show_in_corner()
        self._timer.start(DISPLAY_MS)

    @property
    def title(self) -> str:
        return self._title.text()

    @property
    def message(self) -> str:
        return self._message.text()


class ProgressToast(_Bubble):
    """ "Masking the clipboard…", how far it got ("chunk 2 of 5") and Cancel, while a masking runs.

    It appears only after `PROGRESS_DELAY_MS`, so quick maskings do not flash a bubble, and hides when the masking ends.
    """

    cancel_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title_label = QLabel(self.tr("Masking the clipboard…"))
        self.title_label.setStyleSheet("font-weight: bold;")
        self.detail_label = QLabel(self.tr("Until it is done, pasting gives a short notice, never your text."))
        self.detail_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setAccessibleName(self.tr("Masking progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop masking and put your original text back on the clipboard."))
        self.cancel_button.clicked.connect(self.cancel_requested)
        row = QHBoxLayout()
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.detail_label)
        layout.addLayout(row)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(PROGRESS_DELAY_MS)
        self._delay.timeout.connect(self.show_in_corner)

    def start(self) -> None:
        """A masking started: show the bubble unless it ends within `PROGRESS_DELAY_MS`."""
        self.progress_bar.setRange(0, 0)
        self.title_label.setText(self.tr("Masking the clipboard…"))
        self._delay.start()

    def set_progress(self, title: str, done: int, total: int) -> None:
        self.title_label.setText(title)
        if total > 1:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)

    def finish(self) -> None:
        self._delay.stop()
        self.hide()


class RestoreOfferToast(_Bubble):
    """ "Restore N values" for copied text with known placeholders (an offer: nothing happens without a click)."""

    restore_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.restore_button = QPushButton()
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self._restore)
        self.dismiss_button = QPushButton(self.tr("Not now"))
        self.dismiss_button.clicked.connect(self.hide)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.dismiss_button)
        row.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def offer(self, count: int) -> None:
        self.message_label.setText(
            self.tr("The text you copied holds %n placeholder(s) Cloakroom can restore.", "", count)
        )
        self.restore_button.setText(self.tr("&Restore %n value(s)", "", count))
        self.show_in_corner()
        self._timer.start(OFFER_MS)

    def _restore(self) -> None:
        self.hide()
        self.restore_requested.emit()
