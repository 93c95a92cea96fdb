"""The Windows and macOS managers' logic on any OS, with the OS calls behind a thin fake.

What cannot run here: user32's RegisterHotKey and Carbon's RegisterEventHotKey themselves, and Qt's real delivery of
WM_HOTKEY / Carbon events. The Windows native event filter is exercised with a real ``MSG`` structure in memory.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from ctypes import wintypes

import pytest
from pytestqt.qtbot import QtBot

from app.platform.hotkeys import RegistrationStatus, windows_keymap
from app.platform.hotkeys.macos import EVENT_HOT_KEY_EXISTS_ERR, MacHotkeyManager, four_char_code
from app.platform.hotkeys.windows import (
    ERROR_HOTKEY_ALREADY_REGISTERED,
    WM_HOTKEY,
    WindowsHotkeyManager,
    hotkey_id_of,
)


class FakeUser32:
    """Holds registrations like Windows does: one owner per (modifiers, key), across 'programs' sharing it."""

    def __init__(self, held_elsewhere: set[tuple[int, int]] | None = None) -> None:
        self.held_elsewhere = held_elsewhere or set()
        self.registered: dict[int, tuple[int, int]] = {}

    def register(self, hotkey_id: int, modifiers: int, virtual_key: int) -> int:
        combination = (modifiers & ~windows_keymap.MOD_NOREPEAT, virtual_key)
        if combination in self.held_elsewhere or combination in self.registered.values():
            return ERROR_HOTKEY_ALREADY_REGISTERED
        self.registered[hotkey_id] = combination
        return 0

    def unregister(self, hotkey_id: int) -> None:
        del self.registered[hotkey_id]


def hotkey_message(hotkey_id: int, message: int = WM_HOTKEY) -> wintypes.MSG:
    native = wintypes.MSG()
    native.message = message
    native.wParam = hotkey_id
    return native


@pytest.fixture
def user32(qtbot: QtBot) -> FakeUser32:
    return FakeUser32(held_elsewhere={(windows_keymap.MOD_CONTROL | windows_keymap.MOD_ALT, ord("T"))})


@pytest.fixture
def windows_manager(user32: FakeUser32) -> Iterator[WindowsHotkeyManager]:
    manager = WindowsHotkeyManager(api=user32)
    yield manager
    manager.close()


def test_windows_registers_with_the_right_codes(windows_manager: WindowsHotkeyManager, user32: FakeUser32) -> None:
    assert windows_manager.register("mask", "Ctrl+Alt+M").ok
    assert list(user32.registered.values()) == [(windows_keymap.MOD_CONTROL | windows_keymap.MOD_ALT, 0x4D)]


def test_windows_reports_a_combination_held_by_another_program(windows_manager: WindowsHotkeyManager) -> None:
    result = windows_manager.register("mask", "Ctrl+Alt+T")
    assert result.status is RegistrationStatus.TAKEN
    assert windows_manager.registered() == {}


def test_windows_unregister_releases(windows_manager: WindowsHotkeyManager, user32: FakeUser32) -> None:
    windows_manager.register("mask", "Ctrl+Alt+M")
    windows_manager.unregister_all()
    assert user32.registered == {}


def test_windows_wm_hotkey_through_the_native_filter_emits_the_action(
    windows_manager: WindowsHotkeyManager, user32: FakeUser32, qtbot: QtBot
) -> None:
    windows_manager.register("mask", "Ctrl+Alt+M")
    windows_manager.register("review", "Ctrl+Alt+R")
    (review_id,) = [i for i, combo in user32.registered.items() if combo[1] == ord("R")]
    native = hotkey_message(review_id)
    with qtbot.waitSignal(windows_manager.activated, timeout=1000) as blocker:
        handled = windows_manager._filter.nativeEventFilter(b"windows_dispatcher_MSG", ctypes.addressof(native))
    assert blocker.args == ["review"]
    assert handled == (True, 0)


def test_windows_filter_passes_other_messages_on(windows_manager: WindowsHotkeyManager) -> None:
    windows_manager.register("mask", "Ctrl+Alt+M")
    other = hotkey_message(0x0100, message=0x0100)  # WM_KEYDOWN
    unknown_hotkey = hotkey_message(0x7FFF)
    assert windows_manager._filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(other)) == (False, 0)
    assert windows_manager._filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(unknown_hotkey)) == (
        False,
        0,
    )
    assert windows_manager._filter.nativeEventFilter(b"xcb_generic_event_t", 0) == (False, 0)


def test_hotkey_id_of_reads_msg_structures() -> None:
    native = hotkey_message(0x0101)
    assert hotkey_id_of(ctypes.addressof(native)) == 0x0101
    assert hotkey_id_of(ctypes.addressof(hotkey_message(1, message=0x0101))) is None


class FakeCarbon:
    def __init__(self, taken: set[tuple[int, int]]) -> None:
        self.taken = taken
        self.registered: dict[int, tuple[int, int]] = {}  # hotkey id → (key code, modifiers)
        self.on_pressed: Callable[[int], None] | None = None
        self.uninstalled = False

    def install(self, on_pressed: Callable[[int], None]) -> None:
        self.on_pressed = on_pressed

    def register(self, key_code: int, modifiers: int, hotkey_id: int) -> tuple[int, object]:
        if (key_code, modifiers) in self.taken:
            return EVENT_HOT_KEY_EXISTS_ERR, None
        self.registered[hotkey_id] = (key_code, modifiers)
        return 0, hotkey_id

    def unregister(self, reference: object) -> None:
        del self.registered[reference]  # type: ignore[arg-type]

    def uninstall(self) -> None:
        self.uninstalled = True

    def press(self, key_code: int, modifiers: int) -> None:
        for hotkey_id, combination in self.registered.items():
            if combination == (key_code, modifiers):
                assert self.on_pressed is not None
                self.on_pressed(hotkey_id)


def test_macos_registers_presses_and_releases(qtbot: QtBot) -> None:
    carbon = FakeCarbon(taken={(0x0F, 0x100 | 0x800)})  # ⌥⌘R is taken
    manager = MacHotkeyManager(api=carbon)
    assert manager.register("mask", "Ctrl+Alt+M").ok
    assert manager.register("review", "Ctrl+Alt+R").status is RegistrationStatus.TAKEN
    with qtbot.waitSignal(manager.activated, timeout=1000) as blocker:
        carbon.press(0x2E, 0x100 | 0x800)  # ⌥⌘M
    assert blocker.args == ["mask"]
    manager.close()
    assert carbon.registered == {}
    assert carbon.uninstalled


def test_four_char_codes() -> None:
    assert four_char_code("keyb") == 0x6B657962
    with pytest.raises(ValueError):
        four_char_code("toolong")
