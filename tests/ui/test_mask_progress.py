"""While a masking runs: the tray icon spins, a bubble shows progress and a Cancel button that puts the original back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.settings import Settings
from app.core.vault import open_vault
from app.ui.application import CloakroomApp
from app.ui.tray import Tray, TrayState
from tests.helpers.stand_in_detector import StandInDetector, blocking_detector

ORIGINAL = "Dana's code: 482913"


def _state(masking: bool) -> TrayState:
    return TrayState("ready", "Masking…", False, {}, masking, masking)


def test_the_tray_icon_spins_only_while_masking(qtbot: QtBot) -> None:
    state = {"value": _state(False)}
    tray = Tray(lambda: state["value"])
    still = tray.icon.icon().cacheKey()
    assert not tray.animating
    state["value"] = _state(True)
    tray.refresh()
    assert tray.animating
    frames = set()
    for _ in range(3):
        qtbot.waitSignal(tray._animation.timeout, timeout=2000).wait()
        frames.add(tray.icon.icon().pixmap(64, 64).toImage().bits().tobytes())
    assert len(frames) == 3  # each frame looks different: the arc moves round
    state["value"] = _state(False)
    tray.refresh()
    assert not tray.animating and tray.icon.icon().cacheKey() == still


@pytest.fixture
def cloakroom(qapp: QApplication, tmp_path: Path) -> Iterator[tuple[CloakroomApp, StandInDetector]]:
    with open_vault(tmp_path / "vault.db") as vault:
        instance = CloakroomApp(qapp, Settings(first_run_done=True, use_model=False), vault, listen=False)
        detector = blocking_detector(chunks=3)
        instance.model_slot.detector = detector
        instance.worker.start()
        yield instance, detector
        detector.release.set()
        instance.worker.shutdown()
        instance.progress_toast.finish()


def test_the_bubble_shows_progress_and_cancel_puts_the_original_back(
    qtbot: QtBot, cloakroom: tuple[CloakroomApp, StandInDetector]
) -> None:
    app, _detector = cloakroom
    QGuiApplication.clipboard().setText(ORIGINAL)
    app.controller.mask_clipboard()
    toast = app.progress_toast
    qtbot.waitUntil(toast.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: toast.title_label.text() == "Masking… chunk 2 of 3", timeout=5000)
    assert toast.progress_bar.maximum() == 3 and toast.progress_bar.value() == 1
    assert app.tray.animating and "chunk 2 of 3" in app.tray.icon.toolTip()
    with qtbot.assertNotEmitted(app.worker.job_failed), qtbot.waitSignal(app.controller.notify, timeout=5000) as notice:
        qtbot.mouseClick(toast.cancel_button, Qt.MouseButton.LeftButton)
    assert notice.args[0] == "Cancelled" and notice.args[2] is False  # a notice, not a warning: a cancel is no error
    assert QGuiApplication.clipboard().text() == ORIGINAL
    assert not toast.isVisible() and not app.tray.animating


def test_a_quick_masking_leaves_no_bubble_behind(qtbot: QtBot, cloakroom: tuple[CloakroomApp, StandInDetector]) -> None:
    app, detector = cloakroom
    detector.release.set()
    QGuiApplication.clipboard().setText(ORIGINAL)
    with qtbot.waitSignal(app.controller.notify, timeout=5000) as notice:
        app.controller.mask_clipboard()
    assert notice.args[0] == "Clipboard masked"
    assert not app.progress_toast._delay.isActive()  # it will not pop up after the masking ended
    qtbot.wait(400)  # past the bubble's delay
    assert not app.progress_toast.isVisible()
