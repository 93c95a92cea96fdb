"""The X11 backend for real: grabs on a private Xvfb server, key presses sent with xdotool (XTEST).

Qt itself stays on the offscreen platform; the backend opens its own connection to $DISPLAY and reads it through a
QSocketNotifier, so qtbot's event loop is all it needs.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.platform.hotkeys import RegistrationStatus, create_hotkey_manager
from app.platform.hotkeys.x11 import X11HotkeyManager

pytestmark = pytest.mark.xvfb


def press(display: str, keys: str) -> None:
    subprocess.run(["xdotool", "key", keys], check=True, env={"DISPLAY": display}, timeout=10)


@pytest.fixture
def manager(x_display: str, qtbot: QtBot) -> Iterator[X11HotkeyManager]:
    hotkeys = X11HotkeyManager()
    yield hotkeys
    hotkeys.close()


@pytest.fixture
def other_client(x_display: str, qtbot: QtBot) -> Iterator[X11HotkeyManager]:
    """A second, independent X client: a second manager opens its own Display connection."""
    hotkeys = X11HotkeyManager()
    yield hotkeys
    hotkeys.close()


def test_a_pressed_hotkey_emits_its_action(manager: X11HotkeyManager, x_display: str, qtbot: QtBot) -> None:
    assert manager.register("mask", "Ctrl+Alt+M").ok
    assert manager.register("unmask", "Ctrl+Alt+U").ok
    with qtbot.waitSignal(manager.activated, timeout=5000) as blocker:
        press(x_display, "ctrl+alt+u")
    assert blocker.args == ["unmask"]


def test_caps_lock_and_num_lock_do_not_block_the_hotkey(
    manager: X11HotkeyManager, x_display: str, qtbot: QtBot
) -> None:
    assert manager.register("review", "Ctrl+Alt+R").ok
    press(x_display, "Num_Lock")
    try:
        with qtbot.waitSignal(manager.activated, timeout=5000) as blocker:
            press(x_display, "ctrl+alt+r")
        assert blocker.args == ["review"]
    finally:
        press(x_display, "Num_Lock")


def test_a_combination_grabbed_by_another_client_is_reported_taken(
    manager: X11HotkeyManager, other_client: X11HotkeyManager
) -> None:
    assert other_client.register("mask", "Ctrl+Alt+M").ok
    result = manager.register("mask", "Ctrl+Alt+M")
    assert result.status is RegistrationStatus.TAKEN
    assert "another program" in result.message
    assert manager.registered() == {}


def test_unregister_releases_the_grab(manager: X11HotkeyManager, other_client: X11HotkeyManager) -> None:
    assert manager.register("mask", "Ctrl+Alt+M").ok
    manager.unregister("mask")
    assert other_client.register("mask", "Ctrl+Alt+M").ok


def test_re_registering_an_action_moves_it(manager: X11HotkeyManager, other_client: X11HotkeyManager) -> None:
    assert manager.register("mask", "Ctrl+Alt+M").ok
    assert manager.register("mask", "Ctrl+Alt+K").ok
    assert manager.registered() == {"mask": "Ctrl+Alt+K"}
    assert other_client.register("mask", "Ctrl+Alt+M").ok  # the old combination was let go


def test_one_combination_cannot_serve_two_actions(manager: X11HotkeyManager) -> None:
    assert manager.register("mask", "Ctrl+Alt+M").ok
    result = manager.register("review", "Ctrl+Alt+M")
    assert result.status is RegistrationStatus.INVALID
    assert "'mask'" in result.message


def test_close_releases_everything(x_display: str, other_client: X11HotkeyManager, qtbot: QtBot) -> None:
    first = X11HotkeyManager()
    assert first.register("mask", "Ctrl+Alt+M").ok
    first.close()
    assert other_client.register("mask", "Ctrl+Alt+M").ok


def test_the_factory_picks_x11_in_an_x11_session(x_display: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("CLOAKROOM_HOTKEY_BACKEND", raising=False)
    hotkeys = create_hotkey_manager()
    try:
        assert hotkeys.backend_name == "x11"
        assert hotkeys.is_supported
    finally:
        hotkeys.close()
