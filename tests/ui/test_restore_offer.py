"""The optional restore offer: copying text with placeholders this vault knows offers "Restore N values"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.assembly import build_engine
from app.core.settings import Settings
from app.core.store import MemoryStore
from app.platform.clipboard_hints import is_marked_secret
from app.ui.controller import AppController
from app.ui.toast import RestoreOfferToast
from app.ui.worker import DetectionWorker, ModelSlot

SECRET = "Write to dana@example.org, code: 482913."


def _make_controller(offer: bool) -> tuple[AppController, DetectionWorker]:
    settings = Settings(offer_restore_on_copy=offer)
    slot = ModelSlot()
    engine = build_engine(settings, MemoryStore(), model=slot)
    worker = DetectionWorker(engine, slot)
    worker.start()
    return AppController(engine, worker, settings), worker


@pytest.fixture
def controllers(qapp: QApplication) -> Iterator[dict[bool, AppController]]:
    made = {offer: _make_controller(offer) for offer in (False, True)}
    yield {offer: controller for offer, (controller, _worker) in made.items()}
    for controller, worker in made.values():
        worker.shutdown()
        controller.deleteLater()


def _masked_answer(qtbot: QtBot, controller: AppController) -> str:
    """Mask SECRET through the controller; return a chatbot-like answer that uses both placeholders."""
    QGuiApplication.clipboard().setText(SECRET)
    with qtbot.waitSignal(controller.notify, timeout=10_000):
        controller.mask_clipboard()
    masked = QGuiApplication.clipboard().text()
    return "Sure, I wrote to " + masked.split()[2].rstrip(",") + " with the code " + masked.split()[-1]


def test_the_offer_is_off_by_default_and_made_only_for_known_placeholders(
    qtbot: QtBot, controllers: dict[bool, AppController]
) -> None:
    assert Settings().offer_restore_on_copy is False
    off, on = controllers[False], controllers[True]
    answer = _masked_answer(qtbot, on)
    off.engine.store = on.engine.store  # both know the placeholders
    offers: list[int] = []
    off.restore_offered.connect(offers.append)
    on.restore_offered.connect(lambda count: offers.append(100 + count))
    QGuiApplication.clipboard().setText(answer)
    assert offers == [102]  # only the controller with the setting on offers, for 2 placeholders
    QGuiApplication.clipboard().setText("No placeholders here, and <Email_9> is unknown.")
    QGuiApplication.clipboard().setText("Plain text.")
    assert offers == [102]


def test_masked_text_cloakroom_put_there_itself_gets_no_offer(
    qtbot: QtBot, controllers: dict[bool, AppController]
) -> None:
    on = controllers[True]
    offers: list[int] = []
    on.restore_offered.connect(offers.append)
    _masked_answer(qtbot, on)
    assert offers == []


def test_one_click_restores_and_marks_secret(qtbot: QtBot, controllers: dict[bool, AppController]) -> None:
    on = controllers[True]
    answer = _masked_answer(qtbot, on)
    toast = RestoreOfferToast()
    on.restore_offered.connect(toast.offer)
    toast.restore_requested.connect(on.accept_restore_offer)
    QGuiApplication.clipboard().setText(answer)
    assert toast.isVisible() and toast.restore_button.text().replace("&", "").startswith("Restore 2 value")
    with qtbot.waitSignal(on.notify, timeout=5000) as notice:
        qtbot.mouseClick(toast.restore_button, Qt.MouseButton.LeftButton)
    assert notice.args[0] == "Clipboard restored"
    assert QGuiApplication.clipboard().text() == "Sure, I wrote to dana@example.org with the code 482913."
    assert is_marked_secret(QGuiApplication.clipboard().mimeData()) and not toast.isVisible()


def test_copying_something_else_withdraws_the_offer(qtbot: QtBot, controllers: dict[bool, AppController]) -> None:
    on = controllers[True]
    answer = _masked_answer(qtbot, on)
    toast = RestoreOfferToast()
    on.restore_offered.connect(toast.offer)
    on.restore_offer_withdrawn.connect(toast.hide)
    QGuiApplication.clipboard().setText(answer)
    assert toast.isVisible()
    QGuiApplication.clipboard().setText("something else")
    assert not toast.isVisible()


def test_an_offer_for_a_clipboard_that_changed_since_restores_nothing(
    qtbot: QtBot, controllers: dict[bool, AppController]
) -> None:
    on = controllers[True]
    answer = _masked_answer(qtbot, on)
    QGuiApplication.clipboard().setText(answer)
    QGuiApplication.clipboard().setText("something else")
    with qtbot.waitSignal(on.notify) as notice:
        on.accept_restore_offer()
    assert notice.args[0] == "Nothing to restore" and QGuiApplication.clipboard().text() == "something else"
