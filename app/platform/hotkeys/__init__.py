"""Global hotkeys behind one small interface, with a backend per session (X11, Wayland portal, Windows, macOS).

Usage::

    manager = create_hotkey_manager(parent=app)
    manager.activated.connect(on_action)              # on_action("mask")
    result = manager.register("mask", "Ctrl+Alt+M")   # RegistrationResult: status + message for the user
    if not manager.is_supported:
        show(hotkey_guidance())                       # bind `cloakroom --mask-clipboard` in the desktop instead
"""

from .base import HotkeyManager, RegistrationResult, RegistrationStatus
from .factory import BACKEND_VARIABLE, create_hotkey_manager
from .guidance import (
    ACTION_MASK,
    ACTION_REVIEW,
    ACTION_UNMASK,
    DEFAULT_SEQUENCES,
    FORWARDING_COMMANDS,
    ForwardingCommand,
    command_line,
    hotkey_guidance,
)
from .keys import HotkeyParseError, KeyCombo, parse_hotkey
from .null import NullHotkeyManager

__all__ = [
    "ACTION_MASK",
    "ACTION_REVIEW",
    "ACTION_UNMASK",
    "BACKEND_VARIABLE",
    "DEFAULT_SEQUENCES",
    "FORWARDING_COMMANDS",
    "ForwardingCommand",
    "HotkeyManager",
    "HotkeyParseError",
    "KeyCombo",
    "NullHotkeyManager",
    "RegistrationResult",
    "RegistrationStatus",
    "command_line",
    "create_hotkey_manager",
    "hotkey_guidance",
    "parse_hotkey",
]
