"""Qt keys and modifiers → Windows virtual-key codes and ``RegisterHotKey`` modifier flags (WinUser.h)."""

from __future__ import annotations

from .keys import FUNCTION_KEYS, Key, KeyCombo, Modifier

MOD_ALT = 0x0001
MOD_CONTROL = 0x0002
MOD_SHIFT = 0x0004
MOD_WIN = 0x0008
MOD_NOREPEAT = 0x4000  # holding the keys down sends one WM_HOTKEY, not a stream

MODIFIER_FLAGS: dict[Modifier, int] = {
    Modifier.ShiftModifier: MOD_SHIFT,
    Modifier.ControlModifier: MOD_CONTROL,
    Modifier.AltModifier: MOD_ALT,
    Modifier.MetaModifier: MOD_WIN,
}

# Punctuation sits on "OEM" keys whose meaning depends on the layout; these are the US-layout assignments, which
# Microsoft documents and most Latin layouts share for these keys.
_OEM_KEYS: dict[Key, int] = {
    Key.Key_Semicolon: 0xBA,  # VK_OEM_1
    Key.Key_Equal: 0xBB,  # VK_OEM_PLUS (the =/+ key)
    Key.Key_Plus: 0xBB,
    Key.Key_Comma: 0xBC,  # VK_OEM_COMMA
    Key.Key_Minus: 0xBD,  # VK_OEM_MINUS
    Key.Key_Period: 0xBE,  # VK_OEM_PERIOD
    Key.Key_Slash: 0xBF,  # VK_OEM_2
    Key.Key_QuoteLeft: 0xC0,  # VK_OEM_3 (`~)
    Key.Key_BracketLeft: 0xDB,  # VK_OEM_4
    Key.Key_Backslash: 0xDC,  # VK_OEM_5
    Key.Key_BracketRight: 0xDD,  # VK_OEM_6
    Key.Key_Apostrophe: 0xDE,  # VK_OEM_7
}

_SPECIAL_KEYS: dict[Key, int] = {
    Key.Key_Backspace: 0x08,  # VK_BACK
    Key.Key_Tab: 0x09,
    Key.Key_Return: 0x0D,
    Key.Key_Enter: 0x0D,
    Key.Key_Pause: 0x13,
    Key.Key_Escape: 0x1B,
    Key.Key_Space: 0x20,
    Key.Key_PageUp: 0x21,  # VK_PRIOR
    Key.Key_PageDown: 0x22,  # VK_NEXT
    Key.Key_End: 0x23,
    Key.Key_Home: 0x24,
    Key.Key_Left: 0x25,
    Key.Key_Up: 0x26,
    Key.Key_Right: 0x27,
    Key.Key_Down: 0x28,
    Key.Key_Print: 0x2C,  # VK_SNAPSHOT
    Key.Key_Insert: 0x2D,
    Key.Key_Delete: 0x2E,
    Key.Key_Help: 0x2F,
    Key.Key_Menu: 0x5D,  # VK_APPS
}


def _build_virtual_keys() -> dict[Key, int]:
    table: dict[Key, int] = {}
    for offset in range(26):
        table[Key(Key.Key_A.value + offset)] = 0x41 + offset  # 'A'..'Z'
    for digit in range(10):
        table[Key(Key.Key_0.value + digit)] = 0x30 + digit
    for index, key in enumerate(FUNCTION_KEYS[:24]):  # Windows has VK_F1 .. VK_F24
        table[key] = 0x70 + index
    table.update(_OEM_KEYS)
    table.update(_SPECIAL_KEYS)
    return table


VIRTUAL_KEYS: dict[Key, int] = _build_virtual_keys()


def virtual_key_for(key: Key) -> int | None:
    return VIRTUAL_KEYS.get(key)


def modifier_flags(combo: KeyCombo) -> int:
    """``RegisterHotKey``'s fsModifiers for the combo, with MOD_NOREPEAT."""
    flags = MOD_NOREPEAT
    for modifier, bit in MODIFIER_FLAGS.items():
        if combo.has(modifier):
            flags |= bit
    return flags
