"""Qt keys and modifiers → macOS virtual key codes (``kVK_*``, Carbon Events.h) and Carbon modifier flags.

Qt on macOS reads "Ctrl" as the Command key and "Meta" as the Control key (unless the app sets
``AA_MacDontSwapCtrlAndMeta``), so "Ctrl+Alt+M" is ⌥⌘M there; this table follows Qt.

Virtual key codes name key *positions* on the ANSI (US) keyboard. On other layouts a letter can sit elsewhere
(AZERTY's A is ANSI's Q); translating through the current layout (``UCKeyTranslate``) is not done yet.
"""

from __future__ import annotations

from .keys import FUNCTION_KEYS, Key, KeyCombo, Modifier

CMD_KEY = 1 << 8
SHIFT_KEY = 1 << 9
OPTION_KEY = 1 << 11
CONTROL_KEY = 1 << 12

MODIFIER_FLAGS: dict[Modifier, int] = {
    Modifier.ShiftModifier: SHIFT_KEY,
    Modifier.ControlModifier: CMD_KEY,  # Qt's macOS convention: Ctrl means Command
    Modifier.AltModifier: OPTION_KEY,
    Modifier.MetaModifier: CONTROL_KEY,
}

_LETTERS = {
    "A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06, "X": 0x07, "C": 0x08, "V": 0x09,
    "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E, "R": 0x0F, "Y": 0x10, "T": 0x11, "O": 0x1F, "U": 0x20, "I": 0x22,
    "P": 0x23, "L": 0x25, "J": 0x26, "K": 0x28, "N": 0x2D, "M": 0x2E,
}  # fmt: skip
_DIGITS = {"1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19, "7": 0x1A, "8": 0x1C, "0": 0x1D}
# kVK_F1 .. kVK_F20 (the codes are not in order).
_FUNCTION_CODES = (
    0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D,
    0x67, 0x6F, 0x69, 0x6B, 0x71, 0x6A, 0x40, 0x4F, 0x50, 0x5A,
)  # fmt: skip

_OTHER_KEYS: dict[Key, int] = {
    Key.Key_Equal: 0x18,
    Key.Key_Minus: 0x1B,
    Key.Key_BracketRight: 0x1E,
    Key.Key_BracketLeft: 0x21,
    Key.Key_Return: 0x24,
    Key.Key_Apostrophe: 0x27,
    Key.Key_Semicolon: 0x29,
    Key.Key_Backslash: 0x2A,
    Key.Key_Comma: 0x2B,
    Key.Key_Slash: 0x2C,
    Key.Key_Period: 0x2F,
    Key.Key_Tab: 0x30,
    Key.Key_Space: 0x31,
    Key.Key_QuoteLeft: 0x32,
    Key.Key_Backspace: 0x33,  # kVK_Delete: the key labelled delete, left of the Return key
    Key.Key_Enter: 0x4C,  # kVK_ANSI_KeypadEnter
    Key.Key_Escape: 0x35,
    Key.Key_Help: 0x72,
    Key.Key_Home: 0x73,
    Key.Key_PageUp: 0x74,
    Key.Key_Delete: 0x75,  # kVK_ForwardDelete
    Key.Key_End: 0x77,
    Key.Key_PageDown: 0x79,
    Key.Key_Left: 0x7B,
    Key.Key_Right: 0x7C,
    Key.Key_Down: 0x7D,
    Key.Key_Up: 0x7E,
}


def _build_key_codes() -> dict[Key, int]:
    table: dict[Key, int] = {}
    for letter, code in _LETTERS.items():
        table[Key(ord(letter))] = code  # Qt's letter keys are their upper-case ASCII codes
    for digit, code in _DIGITS.items():
        table[Key(ord(digit))] = code
    for key, code in zip(FUNCTION_KEYS, _FUNCTION_CODES, strict=False):
        table[key] = code
    table.update(_OTHER_KEYS)
    return table


KEY_CODES: dict[Key, int] = _build_key_codes()


def key_code_for(key: Key) -> int | None:
    return KEY_CODES.get(key)


def modifier_flags(combo: KeyCombo) -> int:
    """``RegisterEventHotKey``'s inHotKeyModifiers for the combo."""
    flags = 0
    for modifier, bit in MODIFIER_FLAGS.items():
        if combo.has(modifier):
            flags |= bit
    return flags
