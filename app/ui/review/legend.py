"""The legend: one swatch per level plus the look of an item left unmasked, each with words beside it."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.core.taxonomy import Level
from app.ui.review.colors import (
    LevelStyle,
    Underline,
    is_dark,
    level_meaning,
    level_style,
    underline_name,
)
from app.ui.type_labels import level_display

_PEN_STYLES = {
    Underline.DotLine: Qt.PenStyle.DotLine,
    Underline.DashUnderline: Qt.PenStyle.DashLine,
    Underline.DashDotLine: Qt.PenStyle.DashDotLine,
    Underline.SingleUnderline: Qt.PenStyle.SolidLine,
}


class Swatch(QWidget):
    """A small sample of highlighted text, drawn the way the editor draws a span of that level."""

    def __init__(self, level: Level, masked: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = level
        self._masked = masked
        self.setFixedSize(self.sizeHint())

    def sizeHint(self) -> QSize:
        return QSize(30, 18)

    def paintEvent(self, event: QPaintEvent) -> None:
        style = level_style(self._level, is_dark(self))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(1, 1, -1, -4)
        brush = QBrush(style.fill) if self._masked else QBrush(style.line, Qt.BrushStyle.BDiagPattern)
        painter.fillRect(box, brush)
        self._draw_underline(painter, style, box.bottom() + 2)
        painter.end()

    def _draw_underline(self, painter: QPainter, style: LevelStyle, y: float) -> None:
        pen = QPen(style.line, 1.5)
        left, right = 1.0, float(self.width() - 1)
        if style.underline == Underline.WaveUnderline:
            path = QPainterPath(QPointF(left, y))
            x = left
            while x <= right:
                path.lineTo(QPointF(x, y + 1.5 * math.sin((x - left) * math.pi / 3)))
                x += 0.5
            painter.setPen(pen)
            painter.drawPath(path)
            return
        pen.setStyle(_PEN_STYLES.get(style.underline, Qt.PenStyle.SolidLine))
        painter.setPen(pen)
        painter.drawLine(QPointF(left, y), QPointF(right, y))


class Legend(QWidget):
    """Swatches for PL2–PL4 and for "kept", labelled in words so the colour is never the only cue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for level in (Level.PL2, Level.PL3, Level.PL4):
            shown_with = self.tr("Shown with a %1.").replace("%1", underline_name(level))
            tooltip = f"{level_meaning(level)}\n{shown_with}"
            self._add(layout, Swatch(level), level_display(level), tooltip)
        self._add(
            layout,
            Swatch(Level.PL3, masked=False),
            self.tr("Kept (not masked)"),
            self.tr("Hatched: found, but left in the text — by you, by the threshold or by your settings."),
        )

    def _add(self, layout: QHBoxLayout, swatch: Swatch, text: str, tooltip: str) -> None:
        label = QLabel(text)
        for widget in (swatch, label):
            widget.setToolTip(tooltip)
            layout.addWidget(widget)
        layout.addSpacing(8)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.update()
        super().changeEvent(event)
