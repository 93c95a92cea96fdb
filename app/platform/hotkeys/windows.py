"""Global hotkeys on Windows: ``RegisterHotKey`` plus a Qt native event filter for ``WM_HOTKEY``.

Hotkeys are registered without a window (``hWnd = NULL``), so Windows posts ``WM_HOTKEY`` to the GUI thread's message
queue; Qt's event dispatcher hands every message it takes from that queue to the native event filters
(as ``windows_dispatcher_MSG``; window messages arrive as ``windows_generic_MSG``), so both are checked. Registration
must therefore happen on the GUI thread. ``ERROR_HOTKEY_ALREADY_REGISTERED`` means another program holds the
combination.

ctypes' Windows parts are loaded inside the manager, so this module imports on every OS.
"""

from __future__ import annotations

import ctypes
from itertools import count
from typing import Protocol

from PySide6.QtCore import QAbstractEventDispatcher, QAbstractNativeEventFilter, QCoreApplication, QObject

from .base import HotkeyManager, RegistrationResult
from .keys import KeyCombo, unmapped_key_message
from .windows_keymap import modifier_flags, virtual_key_for

WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
_NATIVE_EVENT_TYPES = (b"windows_generic_MSG", b"windows_dispatcher_MSG")
_FIRST_HOTKEY_ID = 0x0100  # applications may use 0x0000 .. 0xBFFF


class _HotkeyMessageFilter(QAbstractNativeEventFilter):
    """Hands the id of each WM_HOTKEY message to the manager; every other message passes untouched."""

    def __init__(self, manager: WindowsHotkeyManager) -> None:
        super().__init__()
        self._manager = manager

    def nativeEventFilter(self, event_type: object, message: object) -> tuple[bool, int]:
        if bytes(event_type) not in _NATIVE_EVENT_TYPES or not message:  # type: ignore[call-overload]
            return False, 0
        hotkey_id = hotkey_id_of(int(message))  # type: ignore[call-overload]
        if hotkey_id is None:
            return False, 0
        return self._manager._on_hotkey(hotkey_id), 0


def hotkey_id_of(message_address: int) -> int | None:
    """The hotkey id of a ``MSG`` at this address when it is a WM_HOTKEY message, else None."""
    from ctypes import wintypes  # here: some Python versions cannot import it outside Windows

    message = wintypes.MSG.from_address(message_address)
    if message.message != WM_HOTKEY:
        return None
    return int(message.wParam)


class WindowsHotkeyManager(HotkeyManager):
    backend_name = "windows"

    def __init__(self, parent: QObject | None = None, api: HotkeyApi | None = None) -> None:
        super().__init__(parent)
        self._api = api if api is not None else User32HotkeyApi()
        self._ids = count(_FIRST_HOTKEY_ID)
        self._actions_by_id: dict[int, str] = {}
        self._filter = _HotkeyMessageFilter(self)
        self._filter_target = QAbstractEventDispatcher.instance() or QCoreApplication.instance()
        if self._filter_target is None:
            raise RuntimeError("Create the QApplication before the hotkey manager.")
        self._filter_target.installNativeEventFilter(self._filter)

    def _grab(self, action_id: str, combo: KeyCombo) -> RegistrationResult:
        virtual_key = virtual_key_for(combo.key)
        if virtual_key is None:
            return RegistrationResult.invalid(unmapped_key_message(combo, "Windows"))
        hotkey_id = next(self._ids)
        error = self._api.register(hotkey_id, modifier_flags(combo), virtual_key)
        if error == ERROR_HOTKEY_ALREADY_REGISTERED:
            return RegistrationResult.taken(combo)
        if error:
            return RegistrationResult.failed(f"Windows refused {combo.native_text()} (error {error}).")
        self._actions_by_id[hotkey_id] = action_id
        return RegistrationResult.success(combo)

    def _release(self, action_id: str, combo: KeyCombo) -> None:
        for hotkey_id, holder in list(self._actions_by_id.items()):
            if holder == action_id:
                self._api.unregister(hotkey_id)
                del self._actions_by_id[hotkey_id]

    def _on_hotkey(self, hotkey_id: int) -> bool:
        """Emit ``activated`` for one of ours; returns whether it was ours (then the message is consumed)."""
        action_id = self._actions_by_id.get(hotkey_id)
        if action_id is None:
            return False
        self.activated.emit(action_id)
        return True

    def close(self) -> None:
        super().close()
        if self._filter_target is not None:
            self._filter_target.removeNativeEventFilter(self._filter)
            self._filter_target = None


class HotkeyApi(Protocol):
    """The two user32 calls, behind a seam so the manager's logic runs in tests on any OS."""

    def register(self, hotkey_id: int, modifiers: int, virtual_key: int) -> int:
        """Register a thread hotkey; return 0, or the Windows error code."""
        ...

    def unregister(self, hotkey_id: int) -> None: ...


class User32HotkeyApi:  # pragma: no cover - Windows only
    """``RegisterHotKey``/``UnregisterHotKey`` for the calling thread (``hWnd = NULL``)."""

    def __init__(self) -> None:
        from ctypes import wintypes

        self._user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        self._user32.RegisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT]
        self._user32.RegisterHotKey.restype = wintypes.BOOL
        self._user32.UnregisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int]
        self._user32.UnregisterHotKey.restype = wintypes.BOOL

    def register(self, hotkey_id: int, modifiers: int, virtual_key: int) -> int:
        if self._user32.RegisterHotKey(None, hotkey_id, modifiers, virtual_key):
            return 0
        return ctypes.get_last_error() or -1

    def unregister(self, hotkey_id: int) -> None:
        self._user32.UnregisterHotKey(None, hotkey_id)
