"""The level palette: a colour and an underline style per level, for light and dark themes.

Colour is never the only cue (colour-blind users, monochrome screenshots): each level also has its own underline
style, and items left unmasked are hatched instead of filled. The legend and the findings list spell the level out.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QPalette, QTextCharFormat
from PySide6.QtWidgets import QWidget

from app.core.taxonomy import Level

Underline = QTextCharFormat.UnderlineStyle


@dataclass(frozen=True)
class LevelStyle:
    fill: QColor
    line: QColor
    underline: Underline


# Fills are light enough for black text (light theme) or dark enough for white text (dark theme): WCAG AA contrast
# for body text either way. Lines are the saturated version, visible on the fill and on the plain background.
_LIGHT: dict[Level, LevelStyle] = {
    Level.PL1: LevelStyle(QColor("#e4e4e7"), QColor("#6b6b74"), Underline.DashDotLine),
    Level.PL2: LevelStyle(QColor("#fff0a3"), QColor("#8a6a00"), Underline.DotLine),
    Level.PL3: LevelStyle(QColor("#ffd6ad"), QColor("#b34a00"), Underline.DashUnderline),
    Level.PL4: LevelStyle(QColor("#ffc9d0"), QColor("#b0001e"), Underline.WaveUnderline),
}
_DARK: dict[Level, LevelStyle] = {
    Level.PL1: LevelStyle(QColor("#3f3f46"), QColor("#a1a1aa"), Underline.DashDotLine),
    Level.PL2: LevelStyle(QColor("#5c4b00"), QColor("#ffd84d"), Underline.DotLine),
    Level.PL3: LevelStyle(QColor("#6e3200"), QColor("#ffa25c"), Underline.DashUnderline),
    Level.PL4: LevelStyle(QColor("#6e1524"), QColor("#ff7088"), Underline.WaveUnderline),
}
_RESTORED_LIGHT = LevelStyle(QColor("#cdf3d4"), QColor("#18773a"), Underline.SingleUnderline)
_RESTORED_DARK = LevelStyle(QColor("#1d4a2a"), QColor("#6ee08e"), Underline.SingleUnderline)


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Base).lightness() < 128


def level_style(level: Level, dark: bool) -> LevelStyle:
    return (_DARK if dark else _LIGHT)[level]


def restored_style(dark: bool) -> LevelStyle:
    return _RESTORED_DARK if dark else _RESTORED_LIGHT


def span_format(style: LevelStyle, masked: bool = True) -> QTextCharFormat:
    """Filled and underlined when masked; hatched, with the same underline, when left in the text."""
    text_format = QTextCharFormat()
    text_format.setUnderlineStyle(style.underline)
    text_format.setUnderlineColor(style.line)
    if masked:
        text_format.setBackground(QBrush(style.fill))
    else:
        text_format.setBackground(QBrush(style.line, Qt.BrushStyle.BDiagPattern))
    return text_format


def level_name(level: Level) -> str:
    """A short name of a level for the legend and the threshold selector."""
    names = {
        Level.PL1: QCoreApplication.translate("Levels", "Preferences"),
        Level.PL2: QCoreApplication.translate("Levels", "Identifiable"),
        Level.PL3: QCoreApplication.translate("Levels", "Highly sensitive"),
        Level.PL4: QCoreApplication.translate("Levels", "Secrets"),
    }
    return names[level]


def underline_name(level: Level) -> str:
    names = {
        Level.PL1: QCoreApplication.translate("Levels", "dash-dot underline"),
        Level.PL2: QCoreApplication.translate("Levels", "dotted underline"),
        Level.PL3: QCoreApplication.translate("Levels", "dashed underline"),
        Level.PL4: QCoreApplication.translate("Levels", "wavy underline"),
    }
    return names[level]


def level_meaning(level: Level) -> str:
    """What a level means, for tooltips (the same sense as `LEVEL_MEANINGS`, in translatable form)."""
    meanings = {
        Level.PL4: QCoreApplication.translate(
            "Levels", "Credentials and critical secrets: usable at once for account takeover or loss."
        ),
        Level.PL3: QCoreApplication.translate(
            "Levels", "Highly sensitive: identity documents, finances, health, precise location, private records."
        ),
        Level.PL2: QCoreApplication.translate(
            "Levels", "Identifiable: names, contact details, addresses, accounts and other identifiers."
        ),
        Level.PL1: QCoreApplication.translate(
            "Levels", "Preferences and habits: never extracted; may stay in the text."
        ),
    }
    return meanings[level]
