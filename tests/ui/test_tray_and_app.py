"""The tray menu, the app object wired as in production (real vault, rules, worker, model), and the no-tray start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.settings import Settings
from app.core.vault import Vault, open_vault
from app.ui.application import CloakroomApp
from app.ui.tray import Tray, TrayState
from app.ui.worker import ModelState
from tests.packaging.quiet_model import quiet_qwen3_path


def _state(busy: bool = False, paused: bool = False) -> TrayState:
    return TrayState(
        "ready", "Model ready.", paused, {"mask": "Ctrl+Alt+M", "unmask": "Ctrl+Alt+U", "review": "Ctrl+Alt+R"}, busy
    )


def test_the_menu_shows_state_actions_and_their_hotkeys(qtbot: QtBot) -> None:
    state = {"value": _state()}
    tray = Tray(lambda: state["value"])
    tray.menu.aboutToShow.emit()
    labels = [label.replace("&", "") for label in tray.action_texts()]
    assert labels[:4] == ["Model ready.", "Mask clipboard", "Unmask clipboard", "Open review window"]
    assert "Cancel detection" not in labels and labels[-1] == "Quit"
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in tray.menu.actions()}
    assert shortcuts["Mask clipboard"] == "Ctrl+Alt+M" and shortcuts["Open review window"] == "Ctrl+Alt+R"
    state["value"] = _state(busy=True, paused=True)
    tray.menu.aboutToShow.emit()  # rebuilt each time it opens: the current state shows
    assert "Cancel detection" in [label.replace("&", "") for label in tray.action_texts()]
    pause = next(a for a in tray.menu.actions() if "Pause" in a.text())
    assert pause.isChecked()


def test_menu_actions_emit_their_signals(qtbot: QtBot) -> None:
    tray = Tray(_state)
    with qtbot.waitSignal(tray.mask_requested):
        tray.trigger("Mask clipboard")
    with qtbot.waitSignal(tray.pause_toggled) as toggled:
        tray.trigger("Pause detection")
    assert toggled.args == [True]
    with qtbot.waitSignal(tray.quit_requested):
        tray.trigger("Quit")


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with open_vault(tmp_path / "vault.db") as opened:
        yield opened


@pytest.fixture
def cloakroom(qapp: QApplication, vault: Vault) -> Iterator[CloakroomApp]:
    # The quiet qwen3 answers "[]" by construction (logits tens apart), on every instruction set: a free-running model's
    # answer would differ between CPUs. The prompt and the answer still go through llama.cpp in the worker thread.
    settings = Settings(first_run_done=True, model_path=str(quiet_qwen3_path()), n_ctx=4096, n_threads=1)
    instance = CloakroomApp(qapp, settings, vault, listen=False)
    yield instance
    instance.worker.shutdown()
    if instance._review is not None:
        instance._review.hide()


def test_without_a_tray_the_window_opens_at_start(qtbot: QtBot, cloakroom: CloakroomApp) -> None:
    assert not Tray.available()  # offscreen Qt has no tray host, like stock GNOME
    with qtbot.waitSignal(cloakroom.worker.state_changed, timeout=60_000):
        cloakroom.start()
    assert cloakroom.review_window().isVisible()


def test_both_flows_through_the_real_model_and_vault(qtbot: QtBot, cloakroom: CloakroomApp, vault: Vault) -> None:
    cloakroom.start()
    qtbot.waitUntil(lambda: cloakroom.worker.state in (ModelState.READY, ModelState.ERROR), timeout=120_000)
    assert cloakroom.worker.state is ModelState.READY and cloakroom.worker.has_model
    text = "Reach Dana at dana@example.org; the one-time code is 482913."
    QGuiApplication.clipboard().setText(text)
    with qtbot.waitSignal(cloakroom.controller.notify, timeout=300_000) as notice:
        cloakroom.controller.mask_clipboard()
    masked = QGuiApplication.clipboard().text()
    # The model answers "[]"; the rules find the e-mail and the code.
    assert notice.args[0] == "Clipboard masked" and cloakroom.worker.state is ModelState.READY
    assert "dana@example.org" not in masked and "482913" not in masked
    assert {mapping.original for mapping in vault} >= {"dana@example.org", "482913"}
    QGuiApplication.clipboard().setText("Reply: " + masked)
    with qtbot.waitSignal(cloakroom.controller.notify, timeout=10_000):
        cloakroom.controller.unmask_clipboard()
    assert QGuiApplication.clipboard().text() == "Reply: " + text


def test_saved_lists_apply_to_the_next_detection(cloakroom: CloakroomApp, vault: Vault) -> None:
    text = "Project Falcon ships; mail dana@example.com."
    assert [finding.text for finding in cloakroom.engine.detect(text, use_model=False)] == ["dana@example.com"]
    vault.set_always_mask(["project falcon"])
    vault.set_allow_list(["dana@example.com"])
    cloakroom.apply_settings(cloakroom.settings)  # what the settings dialog does after saving the lists
    findings = cloakroom.engine.detect(text, use_model=False)
    assert [finding.text for finding in findings] == ["Project Falcon", "dana@example.com"]
    assert cloakroom.engine.mask_findings(text, findings).text == "<Private_Info_1> ships; mail dana@example.com."
