"""The Mask tab: the text with its findings highlighted, the masked preview, the findings list and "Copy masked".

Rules findings appear as soon as the person stops typing (debounced); model findings stream in while the model is
still answering (each as soon as its element of the answer is complete), so the person can review and toggle them
before it is done; the model's final result then replaces them. A stopped or failed check keeps what it found so
far and says that the text was not fully checked. Every edit cancels the model job of the old text, and results are matched to jobs by id, so
findings computed for an older text never land on the new one.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools

from PySide6.QtCore import QEvent, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.engine import Engine
from app.core.errors import CloakroomError
from app.core.findings import Finding
from app.core.masking import MaskResult
from app.core.policy import Policy
from app.core.taxonomy import Level
from app.ui.clipboard import put_text
from app.ui.review.colors import is_dark, level_name, level_style, span_format
from app.ui.review.highlight import HighlightSpan, SpanTextEdit
from app.ui.review.legend import Legend
from app.ui.review.mask_as import MaskAsDialog
from app.ui.review.review_state import ReviewItem, ReviewState
from app.ui.review.span_list import FindingsList, detector_names, status_text
from app.ui.review.widgets import MessageLabel, pane
from app.ui.summaries import core_text, join_sentences, level_counts_text
from app.ui.type_labels import type_display
from app.ui.worker import DetectionWorker, ModelState

DEBOUNCE_MS = 300
THRESHOLD_LEVELS = (Level.PL2, Level.PL3, Level.PL4)


class ModelOutcome(enum.Enum):
    """What the model did for the current text: keeps the worker's "ready" signal from starting a second job."""

    NOT_RUN = "not run"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"


class MaskTab(QWidget):
    masked_copied = Signal(object)  # MaskResult

    def __init__(self, engine: Engine, worker: DetectionWorker | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._worker = worker
        self._state = ReviewState()
        self._threshold = engine.policy.min_level
        self._items: list[ReviewItem] = []
        self._error: str | None = None
        self._stale = False
        self._job_id: int | None = None
        self._chunks = (0, 0)  # the model's progress through the text: parts done, parts in all
        self._model_outcome = ModelOutcome.NOT_RUN
        self.mask_as_dialog: MaskAsDialog | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.detect_now)
        self._build_widgets()
        self._build_layout()
        self._connect()
        self._refresh()

    # --- building ------------------------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.threshold_box = QComboBox()
        levels = THRESHOLD_LEVELS if self._threshold >= Level.PL2 else (Level.PL1, *THRESHOLD_LEVELS)
        for level in levels:
            self.threshold_box.addItem(self._threshold_text(level), level)
        self.threshold_box.setCurrentIndex(self.threshold_box.findData(self._threshold))
        self.threshold_box.setToolTip(
            self.tr("Which levels are masked in this text. Items you masked or kept by hand stay as you set them.")
        )
        self.legend = Legend()
        self.input_edit = SpanTextEdit()
        self.input_edit.setPlaceholderText(self.tr("Paste or type the text to mask…"))
        self.input_edit.setAccessibleName(self.tr("Text to mask"))
        self.preview_edit = SpanTextEdit()
        self.preview_edit.setReadOnly(True)
        self.preview_edit.setPlaceholderText(self.tr("The masked text appears here."))
        self.preview_edit.setAccessibleName(self.tr("Masked preview"))
        self.findings_list = FindingsList()
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName(self.tr("Summary"))
        self.message_label = MessageLabel()
        self.model_label = QLabel()
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName(self.tr("Model progress"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setFormat(self.tr("Model %p%"))
        self.progress_bar.setToolTip(self.tr("The model is checking this text; rules findings are already shown."))
        self.progress_bar.setAccessibleName(self.tr("Model progress"))
        self.stop_button = QPushButton(self.tr("&Stop model"))
        self.stop_button.setToolTip(self.tr("Stop the model's check of this text; rules findings stay."))
        self.mask_as_button = QPushButton(self.tr("Mask &as…"))
        self.mask_as_button.setToolTip(self.tr("Mask the selected text as a type you choose (Ctrl+M)."))
        self.clear_button = QPushButton(self.tr("C&lear"))
        self.copy_button = QPushButton(self.tr("&Copy masked"))
        self.copy_button.setDefault(True)
        self.copy_button.setToolTip(self.tr("Save the placeholders, then copy the masked text (Ctrl+Enter)."))
        self.toggle_action = QAction(self.tr("&Keep or mask the item at the cursor"), self)
        self.toggle_action.setShortcut(QKeySequence("Ctrl+T"))
        self.mask_as_action = QAction(self.tr("Mask &as…"), self)
        self.mask_as_action.setShortcut(QKeySequence("Ctrl+M"))
        for action in (self.toggle_action, self.mask_as_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self._show_progress(False)

    def _threshold_text(self, level: Level) -> str:
        if level == Level.PL4:
            return self.tr("PL4 only — %1").replace("%1", level_name(level))
        return self.tr("%1 and above — %2").replace("%1", level.label).replace("%2", level_name(level))

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(pane_label(self.tr("Mask &from:"), self.threshold_box))
        top.addWidget(self.threshold_box)
        top.addStretch(1)
        top.addWidget(self.model_label)
        top.addWidget(self.progress_label)
        legend_row = QHBoxLayout()
        legend_row.addWidget(self.legend)
        legend_row.addStretch(1)
        hint = self.tr(
            "Click an item in the text (or press Space here) to keep or mask it; select text and press "
            "Ctrl+M to add one."
        )
        self.editors = QSplitter(Qt.Orientation.Horizontal)
        self.editors.addWidget(pane(self.tr("Te&xt to mask"), self.input_edit))
        self.editors.addWidget(pane(self.tr("Masked &preview"), self.preview_edit))
        self.vertical = QSplitter(Qt.Orientation.Vertical)
        self.vertical.addWidget(self.editors)
        self.vertical.addWidget(pane(self.tr("&Findings"), self.findings_list, hint))
        self.vertical.setStretchFactor(0, 3)
        self.vertical.setStretchFactor(1, 2)
        for splitter in (self.editors, self.vertical):
            splitter.setChildrenCollapsible(False)
        status = QVBoxLayout()
        status.setSpacing(2)
        status.addWidget(self.summary_label)
        status.addWidget(self.message_label)
        bottom = QHBoxLayout()
        bottom.addLayout(status, 1)
        bottom.addWidget(self.progress_bar)
        bottom.addWidget(self.stop_button)
        bottom.addSpacing(12)
        bottom.addWidget(self.mask_as_button)
        bottom.addWidget(self.clear_button)
        bottom.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(legend_row)
        layout.addWidget(self.vertical, 1)
        layout.addLayout(bottom)
        order = [
            self.threshold_box,
            self.input_edit,
            self.preview_edit,
            self.findings_list,
            self.stop_button,
            self.mask_as_button,
            self.clear_button,
            self.copy_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        self.input_edit.textChanged.connect(self._on_text_changed)
        self.input_edit.span_clicked.connect(self._on_span_clicked)
        self.input_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.input_edit.customContextMenuRequested.connect(self._show_context_menu)
        self.threshold_box.currentIndexChanged.connect(self._on_threshold_changed)
        self.findings_list.toggle_requested.connect(self.toggle_item)
        self.findings_list.item_selected.connect(self._select_item_text)
        self.copy_button.clicked.connect(self.copy_masked)
        self.clear_button.clicked.connect(self.clear)
        self.mask_as_button.clicked.connect(self.mask_as)
        self.mask_as_action.triggered.connect(self.mask_as)
        self.toggle_action.triggered.connect(self.toggle_at_cursor)
        self.stop_button.clicked.connect(self.stop_model)
        if self._worker is not None:
            self._worker.job_progress.connect(self._on_job_progress)
            self._worker.job_findings.connect(self._on_job_findings)
            self._worker.job_finished.connect(self._on_job_finished)
            self._worker.job_failed.connect(self._on_job_failed)
            self._worker.job_cancelled.connect(self._on_job_cancelled)
            self._worker.state_changed.connect(self._on_model_state)
        self._show_model_state()

    # --- public --------------------------------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Review a new text: earlier decisions and added spans belong to the old one and are dropped."""
        self._state.reset()
        self.input_edit.setPlainText(text)
        self.detect_now()

    def clear(self) -> None:
        self._state.reset()
        self.input_edit.clear()
        self.detect_now()
        self.message_label.clear()

    def window_policy(self) -> Policy:
        """The engine's policy with this window's threshold."""
        return dataclasses.replace(self._engine.policy, min_level=self._threshold)

    def items(self) -> list[ReviewItem]:
        return list(self._items)

    def focus_input(self) -> None:
        self.input_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- detection -----------------------------------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        self._stale = True
        self._cancel_job()
        self._debounce.start()

    def flush(self) -> None:
        """Bring the findings up to date with the text now (before acting on what the person sees)."""
        if self._stale or self._debounce.isActive():
            self.detect_now()

    def detect_now(self) -> None:
        self._debounce.stop()
        self._stale = False
        self._cancel_job()
        text = self.input_edit.text()
        if text != self._state.text or self._error is not None:
            self.message_label.clear()  # feedback about the previous text no longer applies
        self._error = None
        self._model_outcome = ModelOutcome.NOT_RUN
        rules: list[Finding] = []
        if text.strip():
            try:
                rules = self._engine.detect(text, use_model=False)
            except CloakroomError as error:
                self._error = core_text(error)
        self._state.set_text(text, rules)
        self._submit_model()
        self._refresh()

    def _model_wanted(self) -> bool:
        return (
            self._worker is not None
            and self._worker.has_model
            and not self._stale
            and self._error is None
            and self._model_outcome is ModelOutcome.NOT_RUN
            and bool(self._state.text.strip())
        )

    def _submit_model(self) -> None:
        if self._worker is None or not self._model_wanted():
            return
        self._job_id = self._worker.submit(self._state.text, model_only=True)
        self._model_outcome = ModelOutcome.RUNNING
        self._chunks = (0, 0)
        self.progress_bar.setRange(0, 0)
        self._show_progress(True)
        self._show_progress_line()

    def _cancel_job(self) -> None:
        """Forget the outstanding job: whatever it sends back now is ignored."""
        if self._job_id is not None and self._worker is not None:
            self._worker.cancel(self._job_id)
        self._job_id = None
        self._show_progress(False)

    def stop_model(self) -> None:
        """The person stops the model; the job's "cancelled" answer is still awaited to say so."""
        if self._job_id is not None and self._worker is not None:
            self._worker.cancel(self._job_id)
            self.stop_button.setEnabled(False)

    def _on_job_progress(self, job_id: int, done: int, total: int) -> None:
        if job_id == self._job_id and total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
            self._chunks = (done, total)
            self._show_progress_line()

    def _on_job_findings(self, job_id: int, findings: list[Finding]) -> None:
        """Findings of answer elements the model has completed: shown at once, while it goes on."""
        if job_id != self._job_id:
            return
        self._state.add_model_findings(findings)
        self._show_progress_line()
        self._refresh()

    def _show_progress_line(self) -> None:
        """ "Checking… 3 found so far" and, for a long text, which chunk the model is reading."""
        found = self.tr("%n found so far", "", self._state.model_finding_count)
        done, total = self._chunks
        if total > 1:
            where = self.tr("part %1 of %2").replace("%1", str(min(done + 1, total))).replace("%2", str(total))
            found = f"{where} · {found}"
        self.progress_label.setText(found)

    def _on_job_finished(self, job_id: int, findings: list[Finding]) -> None:
        if job_id != self._job_id:
            return
        self._finish_job(ModelOutcome.DONE)
        self._state.set_model_findings(findings)
        self._refresh()

    def _on_job_failed(self, job_id: int, message: str) -> None:
        if job_id != self._job_id:
            return
        self._finish_job(ModelOutcome.STOPPED)
        shown = self._incomplete_text() if self._state.model_finding_count else self.tr("Rules findings are shown.")
        self.message_label.show_warning(
            self.tr("The model could not check this text: %1").replace("%1", join_sentences(message, shown))
        )

    def _on_job_cancelled(self, job_id: int) -> None:
        if job_id != self._job_id:
            return
        self._finish_job(ModelOutcome.STOPPED)
        if self._state.model_finding_count:
            self.message_label.show_warning(join_sentences(self.tr("Model check stopped."), self._incomplete_text()))
        else:
            self.message_label.show_warning(
                self.tr("Model check stopped. Only rules findings and your changes are shown.")
            )

    def _incomplete_text(self) -> str:
        return self.tr(
            "Incomplete: %n item(s) the model found before it stopped are shown, but it did not read the whole text; "
            "check the rest yourself.",
            "",
            self._state.model_finding_count,
        )

    def _finish_job(self, outcome: ModelOutcome) -> None:
        self._job_id = None
        self._model_outcome = outcome
        self._show_progress(False)

    def _on_model_state(self, state: ModelState, message: str) -> None:
        self._show_model_state(state, message)
        self._submit_model()  # a model that became ready checks the text already shown

    def _show_model_state(self, state: ModelState | None = None, message: str = "") -> None:
        if self._worker is None:
            self.model_label.setText(self.tr("Rules only"))
            self.model_label.setToolTip(self.tr("No detector model in this window: only the rules find items."))
            return
        texts = {
            ModelState.NO_MODEL: self.tr("Rules only (no model)"),
            ModelState.LOADING: self.tr("Model loading…"),
            ModelState.READY: self.tr("Model ready"),
            ModelState.WORKING: self.tr("Model checking…"),
            ModelState.ERROR: self.tr("Model unavailable"),
        }
        self.model_label.setText(texts.get(state or self._worker.state, ""))
        self.model_label.setToolTip(message or self._worker.state_message)

    def _show_progress(self, visible: bool) -> None:
        self.progress_label.setVisible(visible)
        self.progress_bar.setVisible(visible)
        self.stop_button.setVisible(visible)
        self.stop_button.setEnabled(visible)

    @property
    def model_running(self) -> bool:
        return self._job_id is not None

    # --- the person's changes ------------------------------------------------------------------------------------

    def _on_threshold_changed(self, _index: int) -> None:
        self._threshold = Level(self.threshold_box.currentData())
        self._refresh()

    def _on_span_clicked(self, position: int) -> None:
        self.flush()
        index = self.input_edit.span_index_at(position)
        if index is not None:
            self.toggle_item(index)

    def toggle_at_cursor(self) -> None:
        self.flush()
        index = self.input_edit.span_index_at_cursor()
        if index is None:
            self.message_label.show_info(self.tr("The cursor is not on a highlighted item."))
            return
        self.toggle_item(index)

    def toggle_item(self, index: int) -> None:
        if not 0 <= index < len(self._items):
            return
        item = self._items[index]
        self._state.toggle(item)
        self._refresh()
        described = (
            self.tr("%1 (%2)", "a type and its level")
            .replace("%1", type_display(item.finding.type))
            .replace("%2", item.finding.level.label)
        )
        if item.masked:
            self.message_label.show_info(self.tr("Kept unmasked: %1.").replace("%1", described))
        else:
            self.message_label.show_info(self.tr("Masked again: %1.").replace("%1", described))

    def _select_item_text(self, index: int) -> None:
        if 0 <= index < len(self._items):
            self.input_edit.select_qt_range(*self.input_edit.span_qt_range(index))

    def mask_as(self) -> None:
        """Ask for a type for the selected text; the span is added when the dialog is accepted."""
        self.flush()
        selection = self._selected_span()
        if selection is None:
            self.message_label.show_info(self.tr("Select the text to mask first, then choose Mask as…"))
            return
        start, end = selection
        dialog = MaskAsDialog(self, self._suggested_type(start, end))
        text = self._state.text
        dialog.accepted.connect(lambda: self._add_user_span(text, start, end, dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._forget_dialog)
        self.mask_as_dialog = dialog
        dialog.open()

    def _forget_dialog(self) -> None:
        self.mask_as_dialog = None

    def _selected_span(self) -> tuple[int, int] | None:
        """The selection in Python offsets, without the spaces around it; None when nothing is selected."""
        cursor = self.input_edit.textCursor()
        if not cursor.hasSelection():
            return None
        positions = self.input_edit.positions()
        start = positions.to_python(cursor.selectionStart())
        end = positions.to_python(cursor.selectionEnd())
        text = self._state.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def _suggested_type(self, start: int, end: int) -> str:
        for item in self._items:
            if item.start < end and start < item.end:
                return item.finding.type
        return ""

    def _add_user_span(self, text: str, start: int, end: int, dialog: MaskAsDialog) -> None:
        if text != self._state.text:
            self.message_label.show_warning(self.tr("The text changed meanwhile; select the text again."))
            return
        self._state.add_user_span(start, end, dialog.chosen_type(), dialog.chosen_level())
        self._refresh()
        self.message_label.show_info(self.tr("Masked as %1.").replace("%1", type_display(dialog.chosen_type())))

    def _show_context_menu(self, point: QPoint) -> None:
        menu = self.input_edit.createStandardContextMenu(point)
        menu.addSeparator()
        mask_as = menu.addAction(self.tr("Mask &as…"), self.mask_as)
        mask_as.setShortcut(self.mask_as_action.shortcut())
        mask_as.setEnabled(self.input_edit.textCursor().hasSelection())
        position = self.input_edit.character_at(point)
        index = self.input_edit.span_index_at(position) if position is not None else None
        if index is not None and index < len(self._items):
            label = self.tr("&Keep unmasked") if self._items[index].masked else self.tr("&Mask again")
            menu.addAction(label, lambda: self._on_span_clicked(position))
        menu.exec(self.input_edit.viewport().mapToGlobal(point))
        menu.deleteLater()

    # --- copy ----------------------------------------------------------------------------------------------------

    def copy_masked(self) -> MaskResult | None:
        """Commit the placeholders to the vault, and only then put the masked text on the clipboard."""
        self.flush()
        text = self._state.text
        if self._error is not None:
            self.message_label.show_error(self._error)
            return None
        if not text.strip():
            self.message_label.show_info(self.tr("There is no text to mask."))
            return None
        try:
            result = self._engine.mask_findings(text, self._state.chosen(self.window_policy(), self._engine.policy))
        except CloakroomError as error:
            self.message_label.show_error(self.tr("Nothing was copied: %1").replace("%1", core_text(error)))
            return None
        put_text(result.text)
        self.masked_copied.emit(result)
        message = self.tr("Copied the masked text.")
        if self.model_running:
            message = join_sentences(
                message, self.tr("The model was still checking: only the findings shown were masked.")
            )
        self.message_label.show_success(message)
        return result

    # --- showing -------------------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Recompute the preview and redraw highlights, list and summary from the state."""
        policy = self.window_policy()
        preview = self._preview(policy)
        self._items = self._state.items(policy, preview)
        dark = is_dark(self.input_edit)
        if not self._stale:
            self.input_edit.set_spans([self._input_span(item, dark) for item in self._items])
        self._show_preview(preview, dark)
        self.findings_list.set_items(self._items, self._state.text, dark)
        self._show_summary(preview)
        self.copy_button.setEnabled(bool(self._state.text.strip()) or self._stale)
        if self._error is not None:
            self.message_label.show_error(self._error)

    def _preview(self, policy: Policy) -> MaskResult | None:
        text = self._state.text
        if self._error is not None or not text.strip():
            return None
        try:
            return self._engine.mask_findings(text, self._state.chosen(policy, self._engine.policy), preview=True)
        except CloakroomError as error:
            self._error = core_text(error)
            return None

    def _input_span(self, item: ReviewItem, dark: bool) -> HighlightSpan:
        finding = item.finding
        lines = [
            f"{type_display(finding.type)} · {finding.level.label} · {detector_names(finding.detector)}",
            status_text(item.status),
        ]
        if item.placeholder:
            lines.append(self.tr("Becomes %1").replace("%1", item.placeholder))
        lines.append(self.tr("Click to keep it unmasked.") if item.masked else self.tr("Click to mask it."))
        return HighlightSpan(
            item.start, item.end, span_format(level_style(finding.level, dark), item.masked), "\n".join(lines)
        )

    def _show_preview(self, preview: MaskResult | None, dark: bool) -> None:
        scroll = self.preview_edit.verticalScrollBar().value()
        masked_text = preview.text if preview is not None else ""
        if masked_text != self.preview_edit.text():
            self.preview_edit.setPlainText(masked_text)
        spans = []
        if preview is not None:
            shift = 0
            for replacement in preview.replacements:
                start = replacement.start + shift
                end = start + len(replacement.placeholder)
                finding = replacement.finding
                tooltip = f"{type_display(finding.type)} · {finding.level.label} · {detector_names(finding.detector)}"
                spans.append(HighlightSpan(start, end, span_format(level_style(finding.level, dark)), tooltip))
                shift += len(replacement.placeholder) - (replacement.end - replacement.start)
        self.preview_edit.set_spans(spans)
        self.preview_edit.verticalScrollBar().setValue(scroll)

    def _show_summary(self, preview: MaskResult | None) -> None:
        if not self._state.text.strip():
            self.summary_label.setText(self.tr("Paste or type text to see what will be masked."))
            return
        counts = preview.level_counts() if preview is not None else {}
        total = sum(counts.values())
        kept = len({item.finding.text for item in self._items if not item.masked})
        if total == 0:
            summary = self.tr("Nothing will be masked.")
        else:
            summary = self.tr("%n value(s) will be masked: %1.", "", total).replace("%1", level_counts_text(counts))
        if kept:
            summary = join_sentences(summary, self.tr("%n value(s) kept.", "", kept))
        self.summary_label.setText(summary)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._refresh()  # light and dark themes use different highlight colours
        super().changeEvent(event)

    # --- state persistence (not private: layout only) ------------------------------------------------------------

    def save_layout(self, settings: QSettings) -> None:
        settings.setValue("mask/editors", self.editors.saveState())
        settings.setValue("mask/vertical", self.vertical.saveState())

    def restore_layout(self, settings: QSettings) -> None:
        defaults = {"mask/editors": [10_000, 10_000], "mask/vertical": [10_000, 5_000]}
        for key, splitter in (("mask/editors", self.editors), ("mask/vertical", self.vertical)):
            state = settings.value(key)
            if state is None or not splitter.restoreState(state):
                splitter.setSizes(defaults[key])  # proportions; the splitter scales them to fit


def pane_label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label
