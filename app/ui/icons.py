"""The app icon and the tray's state icons (the app icon with a coloured badge: ready, working, error…)."""

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


@cache
def state_icon(state: str, size: int = 64) -> QIcon:
    """The app icon with a badge in the corner whose colour (and, when paused, a bar) shows the state."""
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
    if state == "paused":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("white"))
        bar_width = diameter * 0.14
        for offset in (-0.16, 0.16):
            center_x = badge.center().x() + offset * diameter
            painter.drawRect(QRectF(center_x - bar_width / 2, badge.top() + diameter * 0.28, bar_width, diameter * 0.44))
    painter.end()
    return QIcon(pixmap)
