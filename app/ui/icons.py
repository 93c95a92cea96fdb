"""The app icon and the tray's state icons (the app icon with a coloured badge: ready, working, error…), and the
frames of the busy animation the tray plays while a masking runs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.resources import resource_path
from app.ui.worker import ModelState

BADGE_COLORS: dict[str, str] = {
    ModelState.READY.value: "#2fa84f",
    ModelState.WORKING.value: "#f0a30a",
    ModelState.LOADING.value: "#8a8a8a",
    ModelState.NO_MODEL.value: "#8a8a8a",
    ModelState.ERROR.value: "#d13438",
    "paused": "#5b5b5b",
}


def app_icon_path() -> Path:
    return resource_path("icons/cloakroom.svg")


@cache
def app_icon() -> QIcon:
    return QIcon(str(app_icon_path()))


BUSY_FRAMES = 8


def _badged(state: str, size: int) -> tuple[QPixmap, QPainter, QRectF]:
    """The app icon with the state's badge drawn; the painter is left open for more marks on the badge."""
    pixmap = app_icon().pixmap(size, size)
    if pixmap.isNull():
        pixmap = QPixmap(size, size)
        pixmap.fill(QColor("#24476b"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    diameter = size * 0.42
    badge = QRectF(size - diameter - 1, size - diameter - 1, diameter, diameter)
    painter.setPen(QColor("white"))
    painter.setBrush(QColor(BADGE_COLORS.get(state, "#8a8a8a")))
    painter.drawEllipse(badge)
    return pixmap, painter, badge


@cache
def busy_icon(frame: int, size: int = 64) -> QIcon:
    """Frame ``frame`` (of `BUSY_FRAMES`) of the busy animation: the working badge with a white arc going round."""
    pixmap, painter, badge = _badged(ModelState.WORKING.value, size)
    pen = painter.pen()
    pen.setWidthF(badge.width() * 0.16)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inset = badge.width() * 0.22
    start_degrees = 90 - (frame % BUSY_FRAMES) * 360 // BUSY_FRAMES
    painter.drawArc(badge.adjusted(inset, inset, -inset, -inset), start_degrees * 16, -120 * 16)
    painter.end()
    return QIcon(pixmap)


@cache
def state_icon(state: str, size: int = 64) -> QIcon:
    """The app icon with a badge in the corner whose colour (and, when paused, a bar) shows the state."""
    pixmap, painter, badge = _badged(state, size)
    diameter = badge.width()
    if state == "paused":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("white"))
        bar_width = diameter * 0.14
        for offset in (-0.16, 0.16):
            center_x = badge.center().x() + offset * diameter
            painter.drawRect(
                QRectF(center_x - bar_width / 2, badge.top() + diameter * 0.28, bar_width, diameter * 0.44)
            )
    painter.end()
    return QIcon(pixmap)
