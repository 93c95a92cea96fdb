"""The clipboard flows end to end: real rules detector, real worker thread, real clipboard (offscreen Qt)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.assembly import build_engine
from app.core.errors import ModelError
from app.core.settings import Settings
from app.core.store import MemoryStore
from app.ui.controller import AppController
from app.ui.worker import DetectionWorker, ModelSlot, ModelState
from tests.helpers.stand_in_detector import StandInDetector, model_stopped

SECRET_TEXT = "Mail dana@example.org, card 4111 1111 1111 1111, code: 482913."


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def slot() -> ModelSlot:
    return ModelSlot()


@pytest.fixture
def controller(qapp: QApplication, store: MemoryStore, slot: ModelSlot) -> Iterator[AppController]:
    settings = Settings(clear_clipboard_seconds=1)
    engine = build_engine(settings, store, model=slot)
    worker = DetectionWorker(engine, slot)
    worker.start()
    yield AppController(engine, worker, settings)
    worker.shutdown()


def _clipboard_text() -> str:
    return QGuiApplication.clipboard().text()


def test_mask_replaces_the_clipboard_after_committing(
    qtbot: QtBot, controller: AppController, store: MemoryStore
) -> None:
    QGuiApplication.clipboard().setText(SECRET_TEXT)
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        controller.mask_clipboard()
    _title, summary, warning = notice.args
    masked = _clipboard_text()
    assert "dana@example.org" not in masked and "4111" not in masked and "482913" not in masked
    assert masked == "Mail <Email_1>, card <Bank_Payment_Card_Number_1>, code: <Verification_Code_1>."
    assert summary == "3 items masked: 1 PL2, 1 PL3, 1 PL4" and not warning
    assert {mapping.original for mapping in store} == {"dana@example.org", "4111 1111 1111 1111", "482913"}


def test_unmask_restores_marks_secret_and_clears_pl4_later(qtbot: QtBot, controller: AppController) -> None:
    QGuiApplication.clipboard().setText(SECRET_TEXT)
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.mask_clipboard()
    answer = "Sure. I'll email <Email 1> and text the code [Verification_Code_1]; <Phone_Number_7> is unknown."
    QGuiApplication.clipboard().setText(answer)
    with qtbot.waitSignal(controller.notify) as notice:
        controller.unmask_clipboard()
    restored = _clipboard_text()
    assert restored == "Sure. I'll email dana@example.org and text the code 482913; <Phone_Number_7> is unknown."
    assert "1 could not be resolved: <Phone_Number_7>" in notice.args[1] and notice.args[2] is True
    mime = QGuiApplication.clipboard().mimeData()
    assert "x-kde-passwordManagerHint" in mime.formats()
    with qtbot.waitSignal(controller.notify, timeout=5000) as cleared:
        pass
    assert cleared.args[0] == "Clipboard cleared" and _clipboard_text() == ""


def test_empty_and_non_text_clipboards_change_nothing(qtbot: QtBot, controller: AppController) -> None:
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(controller.notify) as notice:
        controller.mask_clipboard()
    assert notice.args[0] == "Nothing to do"
    QGuiApplication.clipboard().setText("   \n ")
    with qtbot.waitSignal(controller.notify) as notice:
        controller.mask_clipboard()
    assert "empty" in notice.args[1] and _clipboard_text() == "   \n "


def test_cancel_leaves_the_clipboard_as_it_was(qtbot: QtBot, controller: AppController, slot: ModelSlot) -> None:
    detector = StandInDetector(seconds=30)
    slot.detector = detector
    QGuiApplication.clipboard().setText("Dana wrote this.")
    controller.mask_clipboard()
    assert detector.started.wait(10)
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        controller.cancel_detection()
    assert notice.args[0] == "Cancelled" and _clipboard_text() == "Dana wrote this."


def test_a_model_error_leaves_the_clipboard_as_it_was(qtbot: QtBot, controller: AppController, slot: ModelSlot) -> None:
    slot.detector = StandInDetector(error=model_stopped())
    QGuiApplication.clipboard().setText("Dana wrote dana@example.org")
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        controller.mask_clipboard()
    assert notice.args[0] == "Nothing was masked" and "stopped unexpectedly" in notice.args[1]
    assert "review window" in notice.args[1]  # where the rules' findings can still be masked
    assert _clipboard_text() == "Dana wrote dana@example.org"


def test_a_clipboard_changed_during_detection_is_not_overwritten(
    qtbot: QtBot, controller: AppController, slot: ModelSlot
) -> None:
    detector = StandInDetector(seconds=0.5)
    slot.detector = detector
    QGuiApplication.clipboard().setText("Dana wrote this.")
    controller.mask_clipboard()
    assert detector.started.wait(10)
    QGuiApplication.clipboard().setText("something else")
    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        pass
    assert notice.args[0] == "Clipboard changed" and _clipboard_text() == "something else"


def test_the_event_loop_keeps_running_during_detection(
    qtbot: QtBot, controller: AppController, slot: ModelSlot
) -> None:
    slot.detector = StandInDetector(seconds=1.0)
    QGuiApplication.clipboard().setText("Dana wrote this.")
    ticks: list[int] = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.mask_clipboard()
    timer.stop()
    # A blocked GUI thread would deliver at most one tick during the second-long detection.
    assert len(ticks) >= 10
    assert _clipboard_text() == "<Real_Name_1> wrote this."


def test_pause_makes_the_hotkeys_do_nothing(qtbot: QtBot, controller: AppController) -> None:
    controller.set_paused(True)
    QGuiApplication.clipboard().setText(SECRET_TEXT)
    with qtbot.waitSignal(controller.notify) as notice:
        controller.mask_clipboard()
    assert notice.args[0] == "Paused" and _clipboard_text() == SECRET_TEXT


def test_worker_reports_model_states(qtbot: QtBot, controller: AppController) -> None:
    worker = controller.worker
    with qtbot.waitSignals([worker.state_changed, worker.state_changed], timeout=10_000):
        worker.load_model(lambda: StandInDetector())
    assert worker.state is ModelState.READY and worker.has_model

    def broken():
        raise ModelError("The file is not a GGUF model.")

    with qtbot.waitSignal(controller.notify, timeout=10_000) as notice:
        worker.load_model(broken)
    assert worker.state is ModelState.ERROR and "not a GGUF model" in notice.args[1]


def test_masking_commits_off_the_gui_thread(qtbot: QtBot, controller: AppController, store: MemoryStore) -> None:
    """A 10 MB clipboard must not freeze the app: detection, splicing and the vault commit run in the worker."""
    committing_threads: list[threading.Thread] = []
    original_assign = store.assign

    def recording_assign(*args, **kwargs):
        committing_threads.append(threading.current_thread())
        return original_assign(*args, **kwargs)

    store.assign = recording_assign  # type: ignore[method-assign]
    QGuiApplication.clipboard().setText(SECRET_TEXT)
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.mask_clipboard()
    assert committing_threads and threading.main_thread() not in committing_threads
