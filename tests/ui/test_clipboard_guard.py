"""The guarded clipboard: while masking runs, a paste never yields the original (real worker thread, offscreen Qt)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.assembly import build_engine
from app.core.settings import Settings
from app.core.store import MemoryStore
from app.platform.clipboard_hints import is_marked_secret
from app.ui.clipboard_guard import GUARD_MIME
from app.ui.controller import AppController
from app.ui.worker import DetectionWorker, ModelSlot
from tests.helpers.stand_in_detector import StandInDetector, blocking_detector, model_stopped

ORIGINAL = "Dana's card is 4111 1111 1111 1111.\n"
ORIGINAL_HTML = b"<p>Dana's card is <b>4111 1111 1111 1111</b>.</p>"
NOTICE = "Cloakroom is masking this text — paste again in a moment."


@pytest.fixture
def detector() -> StandInDetector:
    return blocking_detector()


@pytest.fixture
def controller(qapp: QApplication, detector: StandInDetector) -> Iterator[AppController]:
    slot = ModelSlot()
    slot.detector = detector
    settings = Settings(clear_clipboard_seconds=60)
    engine = build_engine(settings, MemoryStore(), model=slot)
    worker = DetectionWorker(engine, slot)
    worker.start()
    yield AppController(engine, worker, settings)
    detector.release.set()
    worker.shutdown()


def _copy_rich_original() -> None:
    mime = QMimeData()
    mime.setText(ORIGINAL)
    mime.setHtml(ORIGINAL_HTML.decode())
    QGuiApplication.clipboard().setMimeData(mime)


def _clipboard() -> QMimeData:
    return QGuiApplication.clipboard().mimeData()


def _assert_original_is_back() -> None:
    mime = _clipboard()
    assert mime.text() == ORIGINAL
    assert bytes(mime.data("text/html").data()) == ORIGINAL_HTML
    assert not mime.hasFormat(GUARD_MIME)
    assert is_marked_secret(mime)  # the original is private: history managers should not keep a second copy


def test_the_notice_is_there_before_mask_clipboard_returns(
    qtbot: QtBot, controller: AppController, detector: StandInDetector
) -> None:
    _copy_rich_original()
    controller.mask_clipboard()
    # No event was processed yet: the guard is put in place synchronously, before the worker even starts.
    assert _clipboard().text() == NOTICE and is_marked_secret(_clipboard())
    assert detector.started.wait(10)
    assert _clipboard().text() == NOTICE and "4111" not in _clipboard().text()
    assert controller.masking and controller.status_text() == "Masking…"
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        detector.release.set()
    assert notice.args[0] == "Clipboard masked"
    assert _clipboard().text() == "<Real_Name_1>'s card is <Bank_Payment_Card_Number_1>.\n"
    assert not _clipboard().hasFormat(GUARD_MIME) and not controller.masking


def test_cancel_puts_the_original_back_in_every_format(
    qtbot: QtBot, controller: AppController, detector: StandInDetector
) -> None:
    _copy_rich_original()
    controller.mask_clipboard()
    assert detector.started.wait(10)
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        controller.cancel_detection()
    assert notice.args[0] == "Cancelled" and "original text again" in notice.args[1]
    _assert_original_is_back()


def test_a_failure_puts_the_original_back(qtbot: QtBot, controller: AppController, detector: StandInDetector) -> None:
    detector.error = model_stopped()
    _copy_rich_original()
    controller.mask_clipboard()
    assert _clipboard().text() == NOTICE
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        detector.release.set()
    assert notice.args[0] == "Nothing was masked" and notice.args[2] is True
    _assert_original_is_back()


def test_nothing_to_mask_puts_the_original_back(
    qtbot: QtBot, controller: AppController, detector: StandInDetector
) -> None:
    QGuiApplication.clipboard().setText("The weather is fine.")
    controller.mask_clipboard()
    assert _clipboard().text() == NOTICE
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        detector.release.set()
    assert notice.args[0] == "Nothing to mask" and _clipboard().text() == "The weather is fine."


@pytest.mark.parametrize("outcome", ["finish", "cancel", "fail"])
def test_copying_again_meanwhile_wins_even_the_same_text(
    qtbot: QtBot, controller: AppController, detector: StandInDetector, outcome: str
) -> None:
    detector.error = model_stopped() if outcome == "fail" else None
    QGuiApplication.clipboard().setText(ORIGINAL)
    controller.mask_clipboard()
    assert detector.started.wait(10)
    QGuiApplication.clipboard().setText(ORIGINAL)  # the person copied the same text again: theirs, not our notice
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        if outcome == "cancel":
            controller.cancel_detection()
        detector.release.set()
    assert _clipboard().text() == ORIGINAL and not is_marked_secret(_clipboard())
    assert "left as it is" in notice.args[1] or notice.args[0] == "Clipboard changed"


def test_quitting_while_masking_puts_the_original_back(controller: AppController, detector: StandInDetector) -> None:
    _copy_rich_original()
    controller.mask_clipboard()
    assert detector.started.wait(10)
    controller.shutdown()
    _assert_original_is_back()
    assert not controller.masking


def _restore_a_one_time_code(qtbot: QtBot, controller: AppController) -> None:
    """Mask a PL4 code, then unmask an answer using it: restored secrets now wait to be cleared from the clipboard."""
    controller.worker._slot.detector.release.set()
    QGuiApplication.clipboard().setText("pin code: 482913")
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.mask_clipboard()
    QGuiApplication.clipboard().setText(f"Use {_clipboard().text().split()[-1]} now.")
    with qtbot.waitSignal(controller.notify):
        controller.unmask_clipboard()


def test_quitting_clears_restored_secrets_that_wait_to_be_cleared(qtbot: QtBot, controller: AppController) -> None:
    _restore_a_one_time_code(qtbot, controller)
    assert _clipboard().text() == "Use 482913 now."  # restored, a PL4 value: cleared after 60 s, or at quit
    controller.shutdown()
    assert QGuiApplication.clipboard().text() == ""


def test_quitting_leaves_a_clipboard_the_person_changed(qtbot: QtBot, controller: AppController) -> None:
    _restore_a_one_time_code(qtbot, controller)
    QGuiApplication.clipboard().setText("something new")
    controller.shutdown()
    assert _clipboard().text() == "something new"


def test_the_notice_speaks_the_interface_language(
    qtbot: QtBot, controller: AppController, detector: StandInDetector, qapp: QApplication
) -> None:
    from app.ui.i18n import install_translator

    install_translator(qapp, "zh_CN")
    try:
        QGuiApplication.clipboard().setText(ORIGINAL)
        controller.mask_clipboard()
        assert _clipboard().text() == "Cloakroom 正在遮盖这段文字——请稍后再粘贴。"
        with qtbot.waitSignal(controller.notify, timeout=10_000):
            controller.cancel_detection()
        assert _clipboard().text() == ORIGINAL
    finally:
        install_translator(qapp, "en")


def test_optionally_the_rules_mask_is_pasted_while_the_model_works(
    qtbot: QtBot, controller: AppController, detector: StandInDetector
) -> None:
    controller.settings.interim_rules_mask = True
    _copy_rich_original()
    with qtbot.waitSignal(controller.worker.mask_interim, timeout=10_000):
        controller.mask_clipboard()
    assert detector.started.wait(10)
    interim = "Dana's card is <Bank_Payment_Card_Number_1>.\n"  # the rules' findings only: the name is the model's
    qtbot.waitUntil(lambda: _clipboard().text() == interim, timeout=10_000)  # set by a queued slot: wait for it
    assert is_marked_secret(_clipboard())
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        controller.cancel_detection()
    assert notice.args[0] == "Cancelled"
    _assert_original_is_back()  # the guard still held the clipboard: a cancel brings the original back


def test_without_rules_findings_the_notice_stays_until_the_model_is_done(
    qtbot: QtBot, controller: AppController, detector: StandInDetector
) -> None:
    controller.settings.interim_rules_mask = True
    QGuiApplication.clipboard().setText("Dana wrote this.")
    with qtbot.waitSignal(controller.worker.mask_interim, timeout=10_000):
        controller.mask_clipboard()
    assert _clipboard().text() == NOTICE  # a rules mask that masks nothing would be the original itself
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        detector.release.set()
    assert _clipboard().text() == "<Real_Name_1> wrote this."
