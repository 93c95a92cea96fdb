"""The "Mask as…" dialog: which type (and so which placeholder and level) a span the person selected gets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.core.taxonomy import STANDARD_TYPES, TYPE_LEVELS, Level, canonical_type, level_for_type
from app.ui.review.colors import level_name
from app.ui.type_labels import type_label

DEFAULT_TYPE = "Private Info"


def type_choices() -> list[str]:
    """The standard tags first (secrets first), then the other known types, alphabetically."""
    standard = [name for level in (Level.PL4, Level.PL3, Level.PL2) for name in STANDARD_TYPES[level]]
    others = sorted(name for name in TYPE_LEVELS if name not in standard)
    return standard + others


class MaskAsDialog(QDialog):
    """Asks for a type (any of the taxonomy's, or the person's own words) and a level, which follows the type."""

    def __init__(self, parent: QWidget | None = None, suggested_type: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mask as"))
        self.type_box = QComboBox()
        self.type_box.setEditable(True)
        self.type_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name in type_choices():
            # The item stays the English name (it becomes the placeholder); the translated label is its tooltip.
            self.type_box.addItem(name)
            self.type_box.setItemData(self.type_box.count() - 1, type_label(name), Qt.ItemDataRole.ToolTipRole)
        self.type_hint = QLabel()
        self.type_hint.setEnabled(False)  # muted: a reading aid beside the English name
        completer = self.type_box.completer()
        if completer is not None:
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.level_box = QComboBox()
        for level in (Level.PL2, Level.PL3, Level.PL4):
            self.level_box.addItem(f"{level.label} — {level_name(level)}", level)
        self._build_layout()
        self.type_box.currentTextChanged.connect(self._follow_type)
        self.type_box.setCurrentText(suggested_type or DEFAULT_TYPE)
        self._follow_type(self.type_box.currentText())

    def _build_layout(self) -> None:
        form = QFormLayout()
        type_caption = QLabel(self.tr("&Type:"))
        type_caption.setBuddy(self.type_box)
        level_label = QLabel(self.tr("&Level:"))
        level_label.setBuddy(self.level_box)
        form.addRow(type_caption, self.type_box)
        form.addRow("", self.type_hint)
        form.addRow(level_label, self.level_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Mask"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel(
            self.tr("Every occurrence of the selected text will be masked with a placeholder named after this type.")
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def _follow_type(self, text: str) -> None:
        label = type_label(text or DEFAULT_TYPE)
        self.type_hint.setText(label if label != (text or DEFAULT_TYPE) else "")
        self.type_hint.setVisible(bool(self.type_hint.text()))
        index = self.level_box.findData(max(level_for_type(text or DEFAULT_TYPE), Level.PL2))
        if index >= 0:
            self.level_box.setCurrentIndex(index)

    def set_type(self, type_name: str) -> None:
        self.type_box.setCurrentText(type_name)

    def chosen_type(self) -> str:
        return canonical_type(self.type_box.currentText() or DEFAULT_TYPE)

    def chosen_level(self) -> Level:
        return Level(self.level_box.currentData())
