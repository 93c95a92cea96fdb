"""The Unmask tab: paste the chatbot's answer, see it restored (restored values highlighted), see what could not
be restored, and copy the restored text marked secret for clipboard managers."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.core.engine import Engine
from app.core.errors import CloakroomError
from app.core.masking import UnmaskResult
from app.core.placeholders import find_placeholder_tokens
from app.core.taxonomy import Level
from app.ui.clipboard import put_secret_text
from app.ui.review.colors import is_dark, level_style, restored_style, span_format
from app.ui.review.highlight import HighlightSpan, SpanTextEdit
from app.ui.review.widgets import MessageLabel, pane
from app.ui.summaries import core_text, join_sentences
from app.ui.type_labels import type_display

DEBOUNCE_MS = 300


class UnmaskTab(QWidget):
    restored_copied = Signal(object)  # UnmaskResult

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._result: UnmaskResult | None = None
        self._error: str | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.restore_now)
        self._build_widgets()
        self._build_layout()
        self.answer_edit.textChanged.connect(self._debounce.start)
        self.copy_button.clicked.connect(self.copy_restored)
        self.clear_button.clicked.connect(self.clear)
        self.restore_now()

    def _build_widgets(self) -> None:
        self.answer_edit = SpanTextEdit()
        self.answer_edit.setPlaceholderText(self.tr("Paste the chatbot's answer with placeholders such as <Email_1>…"))
        self.answer_edit.setAccessibleName(self.tr("Answer to restore"))
        self.restored_edit = SpanTextEdit()
        self.restored_edit.setReadOnly(True)
        self.restored_edit.setPlaceholderText(self.tr("The restored text appears here."))
        self.restored_edit.setAccessibleName(self.tr("Restored text"))
        self.unresolved_label = QLabel()
        self.unresolved_label.setWordWrap(True)
        self.unresolved_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unresolved_list = QListWidget()
        self.unresolved_list.setAccessibleName(self.tr("Placeholders that could not be restored"))
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.message_label = MessageLabel()
        self.clear_button = QPushButton(self.tr("C&lear"))
        self.copy_button = QPushButton(self.tr("Copy &restored"))
        self.copy_button.setDefault(True)
        self.copy_button.setToolTip(
            self.tr("Copy the restored text, marked so clipboard managers do not keep it (Ctrl+Enter).")
        )

    def _build_layout(self) -> None:
        self.editors = QSplitter(Qt.Orientation.Horizontal)
        self.editors.addWidget(
            pane(
                self.tr("&Answer from the chatbot"),
                self.answer_edit,
                self.tr("Rewritten placeholders such as <Email 1> or [Email_1] are found too."),
            )
        )
        self.editors.addWidget(pane(self.tr("Restored &text"), self.restored_edit))
        self.editors.setChildrenCollapsible(False)
        self.unresolved_box = QFrame()
        self.unresolved_box.setFrameShape(QFrame.Shape.StyledPanel)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(24, 24))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.unresolved_label.setBuddy(self.unresolved_list)
        column = QVBoxLayout()
        column.addWidget(self.unresolved_label)
        column.addWidget(self.unresolved_list)
        box_layout = QHBoxLayout(self.unresolved_box)
        box_layout.addWidget(icon)
        box_layout.addLayout(column, 1)
        status = QVBoxLayout()
        status.setSpacing(2)
        status.addWidget(self.summary_label)
        status.addWidget(self.message_label)
        bottom = QHBoxLayout()
        bottom.addLayout(status, 1)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editors, 1)
        layout.addWidget(self.unresolved_box)
        layout.addLayout(bottom)
        order = [self.answer_edit, self.restored_edit, self.unresolved_list, self.clear_button, self.copy_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    # --- public --------------------------------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        self.answer_edit.setPlainText(text)
        self.restore_now()

    def clear(self) -> None:
        self.answer_edit.clear()
        self.restore_now()
        self.message_label.clear()

    def focus_input(self) -> None:
        self.answer_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def result(self) -> UnmaskResult | None:
        return self._result

    # --- restoring -----------------------------------------------------------------------------------------------

    def restore_now(self) -> None:
        self._debounce.stop()
        text = self.answer_edit.text()
        self._result, self._error = None, None
        if text.strip():
            try:
                self._result = self._engine.unmask(text)
            except CloakroomError as error:
                self._error = core_text(error)
        self._show(text)

    def flush(self) -> None:
        if self._debounce.isActive():
            self.restore_now()

    def copy_restored(self) -> UnmaskResult | None:
        """Copy the restored text marked secret (it holds originals) and tell the controller."""
        self.flush()
        if self._error is not None:
            self.message_label.show_error(self._error)
            return None
        if self._result is None:
            self.message_label.show_info(self.tr("There is no answer to restore."))
            return None
        try:
            put_secret_text(self._result.text)
        except Exception as error:  # noqa: BLE001 - a platform failure must be reported, not crash the window
            self.message_label.show_error(
                self.tr("The clipboard could not be written (%1).").replace("%1", type(error).__name__)
            )
            return None
        self.restored_copied.emit(self._result)
        self.message_label.show_success(self.tr("Copied the restored text."))
        return self._result

    # --- showing -------------------------------------------------------------------------------------------------

    def _show(self, text: str) -> None:
        dark = is_dark(self.restored_edit)
        result = self._result
        self.restored_edit.setPlainText(result.text if result is not None else "")
        restored = [
            self._restored_span(restoration, dark) for restoration in (result.restored if result is not None else ())
        ]
        unresolved = set(result.unresolved) if result is not None else set()
        self._show_unresolved(text, result, dark)
        # Unresolved tokens stay in the restored text as they were: mark them there too.
        marked = restored + [
            span
            for span in self._unresolved_spans(result.text if result is not None else "", unresolved, dark)
            if not any(span.start < other.end and other.start < span.end for other in restored)
        ]
        self.restored_edit.set_spans(sorted(marked, key=lambda span: span.start))
        self._show_summary(result)
        self.copy_button.setEnabled(bool(text.strip()))
        if self._error is not None:
            self.message_label.show_error(self._error)
        elif self.message_label.kind == "error":
            self.message_label.clear()

    def _restored_span(self, restoration, dark: bool) -> HighlightSpan:
        mapping = restoration.mapping
        tooltip = "\n".join(
            [
                f"{type_display(mapping.type)} · {mapping.level.label}",
                self.tr("Restored from %1").replace("%1", restoration.placeholder),
            ]
        )
        return HighlightSpan(restoration.start, restoration.end, span_format(restored_style(dark)), tooltip)

    def _show_unresolved(self, text: str, result: UnmaskResult | None, dark: bool) -> None:
        unresolved = sorted(set(result.unresolved)) if result is not None else []
        self.unresolved_list.clear()
        self.unresolved_list.addItems(unresolved)
        rows = min(max(len(unresolved), 1), 4)
        row_height = self.unresolved_list.sizeHintForRow(0) if unresolved else self.fontMetrics().height()
        self.unresolved_list.setFixedHeight(rows * row_height + 2 * self.unresolved_list.frameWidth() + 4)
        self.unresolved_box.setVisible(bool(unresolved))
        if unresolved:
            heading = self.tr("Warning: %n placeholder(s) could not be restored.", "", len(unresolved))
            self.unresolved_label.setText(
                join_sentences(
                    heading,
                    self.tr(
                        "This vault holds no value for it: it may come from another device or a wiped vault, or the "
                        "chatbot made it up. It is left as it is:"
                    ),
                )
            )
        self.answer_edit.set_spans(self._unresolved_spans(text, set(unresolved), dark))

    def _unresolved_spans(self, text: str, unresolved: set[str], dark: bool) -> list[HighlightSpan]:
        """Mark the unresolved tokens in the answer, so the person can find them."""
        if not unresolved:
            return []
        text_format: QTextCharFormat = span_format(level_style(Level.PL4, dark), masked=False)
        tooltip = self.tr("Not restored: this vault does not know this placeholder.")
        return [
            HighlightSpan(token.start, token.end, text_format, tooltip)
            for token in find_placeholder_tokens(text)
            if text[token.start : token.end] in unresolved
        ]

    def _show_summary(self, result: UnmaskResult | None) -> None:
        if result is None:
            self.summary_label.setText(self.tr("Paste an answer to restore the values it holds."))
            return
        summary = self.tr("%n placeholder(s) restored.", "", len(result.restored))
        if result.highest_level is not None:
            summary = join_sentences(summary, self.tr("Highest level: %1.").replace("%1", result.highest_level.label))
        self.summary_label.setText(summary)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._show(self.answer_edit.text())  # light and dark themes use different highlight colours
        super().changeEvent(event)

    def save_layout(self, settings: QSettings) -> None:
        settings.setValue("unmask/editors", self.editors.saveState())

    def restore_layout(self, settings: QSettings) -> None:
        state = settings.value("unmask/editors")
        if state is None or not self.editors.restoreState(state):
            self.editors.setSizes([10_000, 10_000])  # half and half; the splitter scales them to fit
