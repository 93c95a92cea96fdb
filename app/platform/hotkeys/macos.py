"""Global hotkeys on macOS: Carbon's ``RegisterEventHotKey`` through ctypes.

Carbon hotkeys need no Accessibility permission (unlike event taps, which pynput uses), and their events reach the
application event target, which Qt's Cocoa event loop dispatches on the main thread: no extra thread, no polling.
``eventHotKeyExistsErr`` means another program registered the combination.

The framework is loaded inside `CarbonHotkeyApi`, so this module imports on every OS.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from itertools import count
from typing import Protocol

from PySide6.QtCore import QObject

from .base import HotkeyManager, RegistrationResult
from .keys import KeyCombo, unmapped_key_message
from .macos_keymap import key_code_for, modifier_flags

EVENT_HOT_KEY_EXISTS_ERR = -9878
EVENT_NOT_HANDLED_ERR = -9874
K_EVENT_HOT_KEY_PRESSED = 5


def four_char_code(code: str) -> int:
    """Carbon's OSType: four ASCII characters read as a big-endian 32-bit number ('keyb' → 0x6B657962)."""
    raw = code.encode("ascii")
    if len(raw) != 4:
        raise ValueError(f"a four-character code has four characters, not {code!r}")
    return int.from_bytes(raw, "big")


K_EVENT_CLASS_KEYBOARD = four_char_code("keyb")
K_EVENT_PARAM_DIRECT_OBJECT = four_char_code("----")
TYPE_EVENT_HOT_KEY_ID = four_char_code("hkid")
HOTKEY_SIGNATURE = four_char_code("CLRM")


class HotkeyApi(Protocol):
    """Carbon's hotkey calls, behind a seam so the manager's logic runs in tests on any OS."""

    def install(self, on_pressed: Callable[[int], None]) -> None:
        """Start delivering presses: ``on_pressed(hotkey_id)`` on the main thread."""
        ...

    def register(self, key_code: int, modifiers: int, hotkey_id: int) -> tuple[int, object]:
        """Return (OSStatus, hotkey reference); status 0 means registered."""
        ...

    def unregister(self, reference: object) -> None: ...

    def uninstall(self) -> None: ...


class MacHotkeyManager(HotkeyManager):
    backend_name = "macos"

    def __init__(self, parent: QObject | None = None, api: HotkeyApi | None = None) -> None:
        super().__init__(parent)
        self._api = api if api is not None else CarbonHotkeyApi()
        self._ids = count(1)
        self._registrations: dict[int, tuple[str, object]] = {}  # hotkey id → (action id, Carbon reference)
        self._api.install(self._on_hotkey)

    def _grab(self, action_id: str, combo: KeyCombo) -> RegistrationResult:
        key_code = key_code_for(combo.key)
        if key_code is None:
            return RegistrationResult.invalid(unmapped_key_message(combo, "macOS"))
        hotkey_id = next(self._ids)
        status, reference = self._api.register(key_code, modifier_flags(combo), hotkey_id)
        if status == EVENT_HOT_KEY_EXISTS_ERR:
            return RegistrationResult.taken(combo)
        if status != 0:
            return RegistrationResult.failed(f"macOS refused {combo.native_text()} (OSStatus {status}).")
        self._registrations[hotkey_id] = (action_id, reference)
        return RegistrationResult.success(combo)

    def _release(self, action_id: str, combo: KeyCombo) -> None:
        for hotkey_id, (holder, reference) in list(self._registrations.items()):
            if holder == action_id:
                self._api.unregister(reference)
                del self._registrations[hotkey_id]

    def _on_hotkey(self, hotkey_id: int) -> None:
        registration = self._registrations.get(hotkey_id)
        if registration is not None:
            self.activated.emit(registration[0])

    def close(self) -> None:
        super().close()
        self._api.uninstall()


class _EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


class _EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


_EVENT_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class CarbonHotkeyApi:  # pragma: no cover - macOS only
    """The Carbon (HIToolbox) calls, with their C signatures."""

    def __init__(self) -> None:
        path = ctypes.util.find_library("Carbon") or "/System/Library/Frameworks/Carbon.framework/Carbon"
        carbon = ctypes.CDLL(path)
        carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        carbon.GetApplicationEventTarget.argtypes = []
        carbon.InstallEventHandler.argtypes = [
            ctypes.c_void_p, _EVENT_HANDLER, ctypes.c_ulong, ctypes.POINTER(_EventTypeSpec),
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
        ]  # fmt: skip
        carbon.InstallEventHandler.restype = ctypes.c_int32
        carbon.RemoveEventHandler.argtypes = [ctypes.c_void_p]
        carbon.RemoveEventHandler.restype = ctypes.c_int32
        carbon.RegisterEventHotKey.argtypes = [
            ctypes.c_uint32, ctypes.c_uint32, _EventHotKeyID, ctypes.c_void_p, ctypes.c_uint32,
            ctypes.POINTER(ctypes.c_void_p),
        ]  # fmt: skip
        carbon.RegisterEventHotKey.restype = ctypes.c_int32
        carbon.UnregisterEventHotKey.argtypes = [ctypes.c_void_p]
        carbon.UnregisterEventHotKey.restype = ctypes.c_int32
        carbon.GetEventKind.argtypes = [ctypes.c_void_p]
        carbon.GetEventKind.restype = ctypes.c_uint32
        carbon.GetEventParameter.argtypes = [
            ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p,
            ctypes.c_void_p,
        ]  # fmt: skip
        carbon.GetEventParameter.restype = ctypes.c_int32
        self._carbon = carbon
        self._handler: object | None = None  # the ctypes callback must outlive its registration
        self._handler_ref = ctypes.c_void_p()

    def install(self, on_pressed: Callable[[int], None]) -> None:
        def handle(_call_ref: int, event: int, _user_data: int) -> int:
            hotkey = _EventHotKeyID()
            status = self._carbon.GetEventParameter(
                event, K_EVENT_PARAM_DIRECT_OBJECT, TYPE_EVENT_HOT_KEY_ID, None, ctypes.sizeof(hotkey), None,
                ctypes.byref(hotkey),
            )  # fmt: skip
            if status != 0 or hotkey.signature != HOTKEY_SIGNATURE:
                return EVENT_NOT_HANDLED_ERR
            on_pressed(int(hotkey.id))
            return 0

        self._handler = _EVENT_HANDLER(handle)
        spec = _EventTypeSpec(K_EVENT_CLASS_KEYBOARD, K_EVENT_HOT_KEY_PRESSED)
        status = self._carbon.InstallEventHandler(
            self._carbon.GetApplicationEventTarget(), self._handler, 1, ctypes.byref(spec), None,
            ctypes.byref(self._handler_ref),
        )  # fmt: skip
        if status != 0:
            raise OSError(f"InstallEventHandler failed (OSStatus {status})")

    def register(self, key_code: int, modifiers: int, hotkey_id: int) -> tuple[int, object]:
        reference = ctypes.c_void_p()
        status = self._carbon.RegisterEventHotKey(
            key_code, modifiers, _EventHotKeyID(HOTKEY_SIGNATURE, hotkey_id),
            self._carbon.GetApplicationEventTarget(), 0, ctypes.byref(reference),
        )  # fmt: skip
        return int(status), reference

    def unregister(self, reference: object) -> None:
        self._carbon.UnregisterEventHotKey(reference)

    def uninstall(self) -> None:
        if self._handler_ref:
            self._carbon.RemoveEventHandler(self._handler_ref)
            self._handler_ref = ctypes.c_void_p()
