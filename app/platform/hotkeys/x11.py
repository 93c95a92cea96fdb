"""Global hotkeys on X11: ``XGrabKey`` on the root window through ctypes and libX11.

The backend opens its own Display connection (from ``$DISPLAY``), independent of Qt's platform plugin, and reads
its KeyPress events on the GUI thread: a QSocketNotifier watches the connection's file descriptor, so no extra thread
is needed.

A grab matches the exact modifier state, so each combination is grabbed four times: with and without Caps Lock and
Num Lock. If another client already grabbed the combination the server answers ``BadAccess`` asynchronously; an error
handler installed around ``XSync`` catches it, and the registration reports "taken" instead of silently not working.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Callable
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_ubyte, c_uint, c_ulong, c_void_p

from PySide6.QtCore import QObject, QSocketNotifier

from .base import HotkeyManager, RegistrationResult
from .keys import KeyCombo, unmapped_key_message
from .x11_keymap import (
    CONTROL_MASK,
    MOD1_MASK,
    MOD2_MASK,
    MOD4_MASK,
    SHIFT_MASK,
    keysym_for,
    lock_variants,
    modifier_mask,
)

KEY_PRESS = 2
KEY_RELEASE = 3
BAD_ACCESS = 10
GRAB_MODE_ASYNC = 1
NUM_LOCK_KEYSYM = 0xFF7F
_RELEVANT_STATE = SHIFT_MASK | CONTROL_MASK | MOD1_MASK | MOD4_MASK


class X11Unavailable(RuntimeError):
    """libX11 is missing or no X server answers; the message says which."""


class _XKeyEvent(ctypes.Structure):
    _fields_ = [
        ("type", c_int),
        ("serial", c_ulong),
        ("send_event", c_int),
        ("display", c_void_p),
        ("window", c_ulong),
        ("root", c_ulong),
        ("subwindow", c_ulong),
        ("time", c_ulong),
        ("x", c_int),
        ("y", c_int),
        ("x_root", c_int),
        ("y_root", c_int),
        ("state", c_uint),
        ("keycode", c_uint),
        ("same_screen", c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", c_int), ("xkey", _XKeyEvent), ("pad", c_long * 24)]


class _XErrorEvent(ctypes.Structure):
    _fields_ = [
        ("type", c_int),
        ("display", c_void_p),
        ("resourceid", c_ulong),
        ("serial", c_ulong),
        ("error_code", c_ubyte),
        ("request_code", c_ubyte),
        ("minor_code", c_ubyte),
    ]


class _XModifierKeymap(ctypes.Structure):
    _fields_ = [("max_keypermod", c_int), ("modifiermap", POINTER(c_ubyte))]


_ERROR_HANDLER = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(_XErrorEvent))


def _load_xlib() -> ctypes.CDLL:
    """libX11 with the signatures this backend uses (wrong defaults would truncate 64-bit pointers)."""
    name = ctypes.util.find_library("X11") or "libX11.so.6"
    try:
        xlib = ctypes.CDLL(name)
    except OSError as error:
        raise X11Unavailable(f"libX11 could not be loaded ({error}).") from error
    signatures = {
        "XOpenDisplay": ([c_char_p], c_void_p),
        "XCloseDisplay": ([c_void_p], c_int),
        "XDefaultRootWindow": ([c_void_p], c_ulong),
        "XConnectionNumber": ([c_void_p], c_int),
        "XKeysymToKeycode": ([c_void_p, c_ulong], c_ubyte),
        "XGrabKey": ([c_void_p, c_int, c_uint, c_ulong, c_int, c_int, c_int], c_int),
        "XUngrabKey": ([c_void_p, c_int, c_uint, c_ulong], c_int),
        "XSync": ([c_void_p, c_int], c_int),
        "XPending": ([c_void_p], c_int),
        "XNextEvent": ([c_void_p, POINTER(_XEvent)], c_int),
        "XSetErrorHandler": ([_ERROR_HANDLER], c_void_p),
        "XGetModifierMapping": ([c_void_p], POINTER(_XModifierKeymap)),
        "XFreeModifiermap": ([POINTER(_XModifierKeymap)], c_int),
        "XkbSetDetectableAutoRepeat": ([c_void_p, c_int, c_void_p], c_int),
    }
    for function, (argtypes, restype) in signatures.items():
        getattr(xlib, function).argtypes = argtypes
        getattr(xlib, function).restype = restype
    return xlib


class X11HotkeyManager(HotkeyManager):
    backend_name = "x11"

    def __init__(self, display_name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._xlib = _load_xlib()
        self._display = self._xlib.XOpenDisplay(display_name.encode() if display_name else None)
        if not self._display:
            shown = display_name or os.environ.get("DISPLAY") or "(DISPLAY is not set)"
            raise X11Unavailable(f"No X server answered on display {shown}.")
        self._root = self._xlib.XDefaultRootWindow(self._display)
        self._num_lock_mask = self._find_num_lock_mask()
        # Holding the keys then sends one KeyPress, not a press/release pair per auto-repeat.
        self._xlib.XkbSetDetectableAutoRepeat(self._display, 1, None)
        self._grabs: dict[tuple[int, int], str] = {}  # (keycode, modifier mask) → action id
        self._keys_down: set[int] = set()
        self._notifier = QSocketNotifier(self._xlib.XConnectionNumber(self._display), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read_events)

    # --- grabbing ---

    def _grab(self, action_id: str, combo: KeyCombo) -> RegistrationResult:
        keysym = keysym_for(combo.key)
        if keysym is None:
            return RegistrationResult.invalid(unmapped_key_message(combo, "X11"))
        keycode = self._xlib.XKeysymToKeycode(self._display, keysym)
        if not keycode:
            return RegistrationResult.invalid(
                f"{combo.portable_text()} cannot be used: no key on the current keyboard layout produces it."
            )
        mask = modifier_mask(combo)
        error_codes = self._trapping_errors(lambda: self._grab_variants(keycode, mask))
        if error_codes:
            self._trapping_errors(lambda: self._ungrab_variants(keycode, mask))
            if BAD_ACCESS in error_codes:
                return RegistrationResult.taken(combo)
            return RegistrationResult.failed(f"The X server refused {combo.native_text()} (error {error_codes[0]}).")
        self._grabs[(keycode, mask)] = action_id
        return RegistrationResult.success(combo)

    def _release(self, action_id: str, combo: KeyCombo) -> None:
        for grab, holder in list(self._grabs.items()):
            if holder == action_id:
                del self._grabs[grab]
                self._trapping_errors(lambda grab=grab: self._ungrab_variants(*grab))

    def _grab_variants(self, keycode: int, mask: int) -> None:
        for lock_mask in lock_variants(self._num_lock_mask):
            self._xlib.XGrabKey(
                self._display, keycode, mask | lock_mask, self._root, 0, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC
            )

    def _ungrab_variants(self, keycode: int, mask: int) -> None:
        for lock_mask in lock_variants(self._num_lock_mask):
            self._xlib.XUngrabKey(self._display, keycode, mask | lock_mask, self._root)

    def _trapping_errors(self, requests: Callable[[], None]) -> list[int]:
        """Run X requests, wait for the server to process them, and return the error codes it sent back.

        The error handler is process-wide, so it is installed only for this round trip and the previous one (Qt's,
        when Qt runs on xcb) is restored right after.
        """
        error_codes: list[int] = []

        def record(_display: int, event: ctypes._Pointer) -> int:  # type: ignore[type-arg]
            error_codes.append(event.contents.error_code)
            return 0

        handler = _ERROR_HANDLER(record)
        previous = self._xlib.XSetErrorHandler(handler)
        try:
            requests()
            self._xlib.XSync(self._display, 0)
        finally:
            self._xlib.XSetErrorHandler(ctypes.cast(previous, _ERROR_HANDLER) if previous else _ERROR_HANDLER())
        # XSync may have queued events that arrived meanwhile; the socket notifier will not fire for those.
        self._read_events()
        return error_codes

    def _find_num_lock_mask(self) -> int:
        """The modifier bit the server assigned to Num Lock (Mod2 on practically every setup)."""
        num_lock = self._xlib.XKeysymToKeycode(self._display, NUM_LOCK_KEYSYM)
        keymap = self._xlib.XGetModifierMapping(self._display)
        if not keymap or not num_lock:
            return MOD2_MASK
        try:
            per_modifier = keymap.contents.max_keypermod
            for modifier_index in range(8):
                for slot in range(per_modifier):
                    if keymap.contents.modifiermap[modifier_index * per_modifier + slot] == num_lock:
                        return 1 << modifier_index
        finally:
            self._xlib.XFreeModifiermap(keymap)
        return MOD2_MASK

    # --- events ---

    def _read_events(self) -> None:
        event = _XEvent()
        while self._display and self._xlib.XPending(self._display):
            self._xlib.XNextEvent(self._display, byref(event))
            if event.type == KEY_PRESS:
                self._on_key_press(event.xkey.keycode, event.xkey.state)
            elif event.type == KEY_RELEASE:
                self._keys_down.discard(event.xkey.keycode)

    def _on_key_press(self, keycode: int, state: int) -> None:
        action_id = self._grabs.get((keycode, state & _RELEVANT_STATE))
        if action_id is None or keycode in self._keys_down:
            return
        self._keys_down.add(keycode)
        self.activated.emit(action_id)

    # --- lifetime ---

    def close(self) -> None:
        if not self._display:
            return
        super().close()
        self._notifier.setEnabled(False)
        self._xlib.XCloseDisplay(self._display)
        self._display = None
