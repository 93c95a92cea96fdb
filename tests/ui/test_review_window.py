"""The review window with real parts: a real engine with the rules detector and a memory store, real widgets,
the real clipboard (offscreen), and a real `DetectionWorker` thread whose model is a thin stand-in detector."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from app.core.detectors.rules import RulesDetector
from app.core.engine import Engine
from app.core.errors import ModelOutputError
from app.core.findings import MODEL, USER, Finding, finding_at
from app.core.masking import MaskResult, UnmaskResult
from app.core.store import MemoryStore
from app.core.taxonomy import Level
from app.platform.clipboard_hints import is_marked_secret
from app.ui.review import ReviewWindow
from app.ui.review.review_state import Status
from app.ui.review.text_positions import TextPositions
from app.ui.worker import DetectionWorker, ModelSlot
from tests.helpers.stand_in_detector import StandInDetector

EMAIL = "ann.lee@example.com"
KEY = "sk-proj-abcdefghijklmnop1234567890ABCD"
SAMPLE = f"Mail {EMAIL} today. API key {KEY} please."


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- fixtures -----------------------------------------------------------------------------------------------------


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def engine(store: MemoryStore) -> Engine:
    return Engine(store, rules=RulesDetector())


def open_window(qtbot, engine: Engine, worker: DetectionWorker | None = None) -> ReviewWindow:
    window = ReviewWindow(engine, worker)
    qtbot.addWidget(window)
    window.show_and_focus()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, engine: Engine) -> ReviewWindow:
    return open_window(qtbot, engine)


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # never leave the worker thread waiting


def start_worker(engine: Engine, model: StandInDetector) -> DetectionWorker:
    slot = ModelSlot()
    engine.model = slot
    worker = DetectionWorker(engine, slot)
    slot.detector = model
    worker.start()
    return worker


@pytest.fixture
def with_worker(engine: Engine) -> Iterator:
    """Call with a stand-in model; the worker thread is shut down after the test."""
    workers: list[DetectionWorker] = []

    def make(model: StandInDetector) -> DetectionWorker:
        worker = start_worker(engine, model)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.shutdown()


def items_of(window: ReviewWindow, value: str) -> list:
    return [item for item in window.mask_tab.items() if item.finding.text == value]


def span_center(window: ReviewWindow, qt_start: int) -> QPoint:
    """The viewport point in the middle of the character after ``qt_start``."""
    edit = window.mask_tab.input_edit
    cursor = QTextCursor(edit.document())
    cursor.setPosition(qt_start + 1)
    rect = edit.cursorRect(cursor)
    return QPoint(rect.left() + 2, rect.center().y())


# --- offsets ------------------------------------------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from("a中\n🙂𠀀 é"), max_size=40))
def test_text_positions_agree_with_utf16(text: str) -> None:
    positions = TextPositions(text)
    for index in range(len(text) + 1):
        qt = positions.to_qt(index)
        assert qt == utf16_units(text[:index])
        assert positions.to_python(qt) == index


def test_rules_findings_are_highlighted_at_the_right_places_after_emoji_and_chinese(window: ReviewWindow) -> None:
    text = f"🙂🙂 𠀀 我的邮箱是{EMAIL}，密钥 {KEY} 🙂"
    window.set_mask_text(text)
    tab = window.mask_tab
    by_value = {item.finding.text: item for item in tab.items()}
    assert set(by_value) == {EMAIL, KEY}
    selections = tab.input_edit.extraSelections()
    assert len(selections) == 2
    for selection, value in zip(selections, (EMAIL, KEY), strict=False):
        start = text.index(value)
        assert (by_value[value].start, by_value[value].end) == (start, start + len(value))
        assert selection.cursor.selectionStart() == utf16_units(text[:start])
        assert selection.cursor.selectedText() == value
    assert tab.preview_edit.text() == "🙂🙂 𠀀 我的邮箱是<Email_1>，密钥 <Key_1> 🙂"


def test_hover_text_names_type_level_and_detector_but_not_the_value(window: ReviewWindow) -> None:
    window.set_mask_text(SAMPLE)
    edit = window.mask_tab.input_edit
    qt_start = utf16_units(SAMPLE[: SAMPLE.index(EMAIL)])
    assert edit.character_at(span_center(window, qt_start)) == qt_start + 1
    tooltip = edit.tooltip_at(qt_start + 1)
    assert tooltip is not None
    assert tooltip.splitlines()[0] == "Email · PL2 · rules"
    assert EMAIL not in tooltip
    assert edit.tooltip_at(0) is None
    point = span_center(window, qt_start)
    QApplication.sendEvent(edit.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, edit.viewport().mapToGlobal(point)))
    assert "Email · PL2 · rules" in QToolTip.text()
    QToolTip.hideText()


# --- keep, mask, mask as, threshold -------------------------------------------------------------------------------


def test_clicking_a_span_keeps_it_and_clicking_again_masks_it(qtbot, window: ReviewWindow) -> None:
    window.set_mask_text(SAMPLE)
    tab = window.mask_tab
    qt_start = utf16_units(SAMPLE[: SAMPLE.index(EMAIL)])
    qtbot.mouseClick(tab.input_edit.viewport(), Qt.MouseButton.LeftButton, pos=span_center(window, qt_start))
    assert items_of(window, EMAIL)[0].status is Status.KEPT_BY_YOU
    assert EMAIL in tab.preview_edit.text()
    assert "<Key_1>" in tab.preview_edit.text()
    qtbot.mouseClick(tab.input_edit.viewport(), Qt.MouseButton.LeftButton, pos=span_center(window, qt_start))
    assert items_of(window, EMAIL)[0].status is Status.MASKED_BY_YOU
    assert EMAIL not in tab.preview_edit.text()


def test_space_in_the_findings_list_and_ctrl_t_in_the_text_toggle_items(qtbot, window: ReviewWindow) -> None:
    window.set_mask_text(SAMPLE)
    tab = window.mask_tab
    tab.findings_list.setFocus()
    tab.findings_list.setCurrentItem(tab.findings_list.topLevelItem(1))
    qtbot.keyClick(tab.findings_list, Qt.Key.Key_Space)
    assert items_of(window, KEY)[0].status is Status.KEPT_BY_YOU
    assert KEY in tab.preview_edit.text()
    assert tab.findings_list.topLevelItem(1).checkState(0) == Qt.CheckState.Unchecked
    cursor = tab.input_edit.textCursor()
    cursor.setPosition(utf16_units(SAMPLE[: SAMPLE.index(KEY) + 3]))
    tab.input_edit.setTextCursor(cursor)
    tab.input_edit.setFocus()
    qtbot.keyClick(tab.input_edit, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert items_of(window, KEY)[0].status is Status.MASKED_BY_YOU
    assert KEY not in tab.preview_edit.text()


def test_mask_as_adds_a_span_of_the_chosen_type_that_survives_edits(qtbot, window: ReviewWindow) -> None:
    window.set_mask_text("Ask Zed Quill 🙂 about it.")
    tab = window.mask_tab
    edit = tab.input_edit
    start = utf16_units("Ask ")
    cursor = edit.textCursor()
    cursor.setPosition(start - 1)  # the space before is trimmed
    cursor.setPosition(start + len("Zed Quill"), QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)
    qtbot.keyClick(edit, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.mask_as_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.set_type("Real Name")
    assert dialog.chosen_level() == Level.PL2
    dialog.accept()
    [item] = items_of(window, "Zed Quill")
    assert item.finding.detector == USER and item.finding.type == "Real Name"
    assert tab.preview_edit.text() == "Ask <Real_Name_1> 🙂 about it."
    edit.setPlainText("Zed Quill 🙂 said hi. Ask Zed Quill.")
    tab.flush()
    assert tab.preview_edit.text() == "<Real_Name_1> 🙂 said hi. Ask <Real_Name_1>."


def test_mask_as_without_a_selection_explains_what_to_do(window: ReviewWindow) -> None:
    window.set_mask_text(SAMPLE)
    window.mask_tab.mask_as()
    assert window.mask_tab.mask_as_dialog is None
    assert "Select the text" in window.mask_tab.message_label.text()


def test_threshold_change_updates_the_preview_at_once(window: ReviewWindow) -> None:
    window.set_mask_text(SAMPLE)
    tab = window.mask_tab
    tab.threshold_box.setCurrentIndex(tab.threshold_box.findData(Level.PL4))
    assert tab.preview_edit.text() == f"Mail {EMAIL} today. API key <Key_1> please."
    assert items_of(window, EMAIL)[0].status is Status.BELOW_THRESHOLD
    tab.threshold_box.setCurrentIndex(tab.threshold_box.findData(Level.PL2))
    assert tab.preview_edit.text() == "Mail <Email_1> today. API key <Key_1> please."


def test_an_item_masked_by_hand_below_the_engine_threshold_is_masked_on_copy(qtbot, store: MemoryStore) -> None:
    from app.core.policy import Policy

    engine = Engine(store, policy=Policy(min_level=Level.PL4), rules=RulesDetector())
    window = open_window(qtbot, engine)
    window.set_mask_text(SAMPLE)
    assert items_of(window, EMAIL)[0].status is Status.BELOW_THRESHOLD
    window.mask_tab.toggle_item(window.mask_tab.items().index(items_of(window, EMAIL)[0]))
    result = window.mask_tab.copy_masked()
    assert result is not None and EMAIL not in result.text


# --- copy masked --------------------------------------------------------------------------------------------------


def test_ctrl_enter_copies_exactly_the_masked_text_after_committing_the_mappings(
    qtbot, window: ReviewWindow, engine: Engine, store: MemoryStore
) -> None:
    window.set_mask_text(SAMPLE)
    with qtbot.waitSignal(window.masked_copied) as signal:
        qtbot.keyClick(window.mask_tab.input_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    result: MaskResult = signal.args[0]
    copied = QGuiApplication.clipboard().text()
    assert copied == result.text == "Mail <Email_1> today. API key <Key_1> please."
    assert len(store) == 2
    assert engine.unmask(copied).text == SAMPLE


def test_copy_right_after_typing_masks_what_was_typed(qtbot, window: ReviewWindow) -> None:
    window.set_mask_text("Mail ")
    window.mask_tab.input_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(window.mask_tab.input_edit, EMAIL)
    result = window.mask_tab.copy_masked()  # no wait for the debounce
    assert result is not None and result.text == "Mail <Email_1>"
    assert QGuiApplication.clipboard().text() == "Mail <Email_1>"


def test_input_the_engine_refuses_is_reported_and_the_clipboard_is_untouched(window: ReviewWindow) -> None:
    QGuiApplication.clipboard().setText("untouched")
    window.set_mask_text("\x01" * 50 + "a")
    assert window.mask_tab.copy_masked() is None
    assert window.mask_tab.message_label.kind == "error"
    assert "control characters" in window.mask_tab.message_label.text()
    assert QGuiApplication.clipboard().text() == "untouched"


# --- model findings -----------------------------------------------------------------------------------------------


def test_model_findings_join_the_rules_findings_when_they_arrive(qtbot, engine: Engine, with_worker) -> None:
    worker = with_worker(StandInDetector("Zed"))
    window = open_window(qtbot, engine, worker)
    window.set_mask_text(f"Zed wrote {EMAIL}")
    assert items_of(window, EMAIL)  # rules at once
    qtbot.waitUntil(lambda: bool(items_of(window, "Zed")), timeout=5000)
    assert items_of(window, "Zed")[0].finding.detector == MODEL
    assert window.mask_tab.preview_edit.text() == "<Real_Name_1> wrote <Email_1>"
    assert not window.mask_tab.progress_bar.isVisible()


def test_a_model_that_becomes_ready_checks_the_text_already_shown(qtbot, engine: Engine) -> None:
    slot = ModelSlot()
    engine.model = slot
    worker = DetectionWorker(engine, slot)
    worker.start()
    try:
        window = open_window(qtbot, engine, worker)
        window.set_mask_text(f"Zed wrote {EMAIL}")
        assert not window.mask_tab.model_running
        worker.load_model(lambda: StandInDetector("Zed"))
        qtbot.waitUntil(lambda: bool(items_of(window, "Zed")), timeout=5000)
        assert window.mask_tab.model_label.text() in ("Model ready", "Model checking…")
    finally:
        worker.shutdown()


def test_an_edit_cancels_the_running_job_and_stale_results_are_ignored(
    qtbot, engine: Engine, with_worker, gate: threading.Event
) -> None:
    model = StandInDetector("Zed", release=gate)
    worker = with_worker(model)
    window = open_window(qtbot, engine, worker)
    tab = window.mask_tab
    window.set_mask_text(f"Zed wrote {EMAIL}")
    old_job = tab._job_id
    assert model.started.wait(5)
    with qtbot.waitSignal(worker.job_cancelled) as cancelled:
        tab.input_edit.setPlainText(f"Hello. Zed wrote {EMAIL}")
        tab.flush()
    assert cancelled.args == [old_job]
    assert tab.message_label.text() == ""  # the person did not stop it: nothing to report
    # A result for the old text that still arrives (the job ended just before it saw the cancel) is ignored.
    worker.job_finished.emit(old_job, [finding_at(f"Zed wrote {EMAIL}", 0, 3, "Real Name", Level.PL2, MODEL)])
    assert not items_of(window, "Zed")
    gate.set()
    qtbot.waitUntil(lambda: bool(items_of(window, "Zed")), timeout=5000)
    assert [(item.start, item.end) for item in items_of(window, "Zed")] == [(7, 10)]


def test_stopping_the_model_keeps_the_rules_findings_and_says_so(
    qtbot, engine: Engine, with_worker, gate: threading.Event
) -> None:
    model = StandInDetector("Zed", release=gate)
    window = open_window(qtbot, engine, with_worker(model))
    tab = window.mask_tab
    window.set_mask_text(f"Zed wrote {EMAIL}")
    assert tab.progress_bar.isVisible() and tab.stop_button.isVisible()
    assert model.started.wait(5)
    qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.model_running, timeout=5000)
    assert "stopped" in tab.message_label.text()
    assert not tab.progress_bar.isVisible()
    assert items_of(window, EMAIL) and not items_of(window, "Zed")


def test_a_failed_model_job_keeps_the_rules_findings_and_shows_the_message(qtbot, engine: Engine, with_worker) -> None:
    model = StandInDetector("Zed", error=ModelOutputError("The model's answer was cut off."))
    window = open_window(qtbot, engine, with_worker(model))
    window.set_mask_text(f"Zed wrote {EMAIL}")
    qtbot.waitUntil(lambda: not window.mask_tab.model_running, timeout=5000)
    assert "cut off" in window.mask_tab.message_label.text()
    assert window.mask_tab.message_label.kind == "warning"
    assert window.mask_tab.preview_edit.text() == "Zed wrote <Email_1>"


# --- unmask -------------------------------------------------------------------------------------------------------


def test_unmask_restores_highlights_and_lists_unresolved_placeholders(
    qtbot, window: ReviewWindow, engine: Engine
) -> None:
    engine.mask_findings(SAMPLE, engine.detect(SAMPLE))
    answer = "Write to [Email 1] 🙂 and rotate <Key_1>. Ask <Real_Name_9>."
    window.set_unmask_text(answer)
    tab = window.unmask_tab
    assert window.current_tab() == "unmask"
    restored = f"Write to {EMAIL} 🙂 and rotate {KEY}. Ask <Real_Name_9>."
    assert tab.restored_edit.text() == restored
    highlighted = [selection.cursor.selectedText() for selection in tab.restored_edit.extraSelections()]
    assert highlighted == [EMAIL, KEY, "<Real_Name_9>"]
    assert (
        tab.restored_edit.tooltip_at(utf16_units(restored[: restored.index(KEY)])).splitlines()[1]
        == "Restored from <Key_1>"
    )
    assert tab.unresolved_box.isVisible()
    assert [tab.unresolved_list.item(row).text() for row in range(tab.unresolved_list.count())] == ["<Real_Name_9>"]
    with qtbot.waitSignal(window.restored_copied) as signal:
        qtbot.keyClick(tab.answer_edit, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    result: UnmaskResult = signal.args[0]
    assert result.text == restored
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == restored
    assert is_marked_secret(mime)


def test_unmask_without_placeholders_hides_the_warning(window: ReviewWindow) -> None:
    window.set_unmask_text("Nothing to restore here.")
    assert not window.unmask_tab.unresolved_box.isVisible()
    assert window.unmask_tab.restored_edit.text() == "Nothing to restore here."


# --- keyboard and window ------------------------------------------------------------------------------------------


def test_ctrl_1_and_ctrl_2_switch_tabs_and_escape_hides(qtbot, window: ReviewWindow) -> None:
    qtbot.keyClick(window.mask_tab.input_edit, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() == "unmask"
    assert QApplication.focusWidget() is window.unmask_tab.answer_edit
    qtbot.keyClick(window.unmask_tab.answer_edit, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_tab() == "mask"
    qtbot.keyClick(window.mask_tab.input_edit, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_tab_leaves_the_text_box_instead_of_typing_a_tab(qtbot, window: ReviewWindow) -> None:
    window.set_mask_text(SAMPLE)
    qtbot.keyClick(window.mask_tab.input_edit, Qt.Key.Key_Tab)
    assert window.mask_tab.input_edit.text() == SAMPLE
    assert QApplication.focusWidget() is window.mask_tab.preview_edit


def test_the_window_remembers_its_size_and_position(qtbot, engine: Engine) -> None:
    first = open_window(qtbot, engine)
    first.setGeometry(20, 30, 740, 500)  # inside the offscreen screen (800×600)
    placed = (first.pos(), first.size())
    first.close()
    second = open_window(qtbot, engine)
    assert (second.pos(), second.size()) == placed
    assert (second.width(), second.height()) == (740, 500)


class StreamingStandIn(StandInDetector):
    """Reports its word's findings early (as the real model does per completed answer element), then waits."""

    def detect(self, text: str, *, cancel=None, progress=None, on_findings=None) -> list[Finding]:
        if progress is not None:
            progress(0, 2)
        if on_findings is not None:
            on_findings(self.findings_in(text))
        return super().detect(text, cancel=cancel, progress=progress)


def window_with_a_streamed_finding(qtbot, engine: Engine, worker: DetectionWorker) -> ReviewWindow:
    """The window reviewing "Zed wrote EMAIL" once the model has streamed its finding of "Zed" (it goes on working)."""
    window = open_window(qtbot, engine, worker)
    window.set_mask_text(f"Zed wrote {EMAIL}")
    qtbot.waitUntil(lambda: bool(items_of(window, "Zed")), timeout=5000)
    return window


def test_streamed_model_findings_can_be_reviewed_before_the_model_is_done(
    qtbot, engine: Engine, with_worker, gate: threading.Event
) -> None:
    window = window_with_a_streamed_finding(qtbot, engine, with_worker(StreamingStandIn("Zed", release=gate)))
    tab = window.mask_tab
    assert tab.model_running and tab.progress_label.text() == "part 1 of 2 · 1 found so far"
    assert tab.preview_edit.text() == "<Real_Name_1> wrote <Email_1>"
    tab.toggle_item(tab.items().index(items_of(window, "Zed")[0]))  # the person keeps it while the model works
    assert items_of(window, "Zed")[0].status is Status.KEPT_BY_YOU
    gate.set()
    qtbot.waitUntil(lambda: not tab.model_running, timeout=5000)
    assert items_of(window, "Zed")[0].status is Status.KEPT_BY_YOU  # the final result keeps the decision
    assert tab.preview_edit.text() == "Zed wrote <Email_1>"


def test_stopping_keeps_the_streamed_findings_marked_incomplete(
    qtbot, engine: Engine, with_worker, gate: threading.Event
) -> None:
    window = window_with_a_streamed_finding(qtbot, engine, with_worker(StreamingStandIn("Zed", release=gate)))
    tab = window.mask_tab
    qtbot.mouseClick(tab.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.model_running, timeout=5000)
    assert tab.message_label.kind == "warning"
    assert "Model check stopped. Incomplete: 1 item" in tab.message_label.text()
    assert "did not read the whole text" in tab.message_label.text()
    assert tab.preview_edit.text() == "<Real_Name_1> wrote <Email_1>"  # what was found so far is still masked
