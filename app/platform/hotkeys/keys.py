"""Parse a hotkey from Qt's portable key-sequence text ("Ctrl+Alt+M") into one key and its modifiers.

Settings store hotkeys in ``QKeySequence`` portable text, so the Settings page can show and edit them with Qt's own
widgets. Each backend then maps the parsed `KeyCombo` to its OS's codes with a table of its own.

Not every key sequence makes a global hotkey: it must be a single chord (no "Ctrl+K, Ctrl+M"), a real key, and carry
Ctrl, Alt or Meta, unless the key is a function key. Otherwise it would steal ordinary typing from every program.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

Key = Qt.Key
Modifier = Qt.KeyboardModifier

# The modifiers a global hotkey may use. Keypad is dropped (see parse_hotkey); on macOS Qt reads "Ctrl" as Command
# and "Meta" as Control, and the macOS backend follows that convention.
HOTKEY_MODIFIERS = (
    Modifier.ShiftModifier,
    Modifier.ControlModifier,
    Modifier.AltModifier,
    Modifier.MetaModifier,
)
_CHORD_MODIFIERS = Modifier.ControlModifier | Modifier.AltModifier | Modifier.MetaModifier

_MODIFIER_KEYS = {
    Key.Key_Shift,
    Key.Key_Control,
    Key.Key_Alt,
    Key.Key_AltGr,
    Key.Key_Meta,
    Key.Key_Super_L,
    Key.Key_Super_R,
    Key.Key_Hyper_L,
    Key.Key_Hyper_R,
    Key.Key_CapsLock,
    Key.Key_NumLock,
    Key.Key_ScrollLock,
}

FUNCTION_KEYS = tuple(Key(Key.Key_F1.value + offset) for offset in range(35))  # F1 .. F35


@dataclass(frozen=True)
class KeyCombo:
    """One key with its modifiers, as Qt names them."""

    key: Key
    modifiers: Modifier

    def has(self, modifier: Modifier) -> bool:
        return bool(self.modifiers & modifier)

    def portable_text(self) -> str:
        """The canonical portable text ("Ctrl+Alt+M"), for display and comparison."""
        combination = self.modifiers | self.key
        return QKeySequence(combination).toString(QKeySequence.SequenceFormat.PortableText)

    def native_text(self) -> str:
        """The key as this OS writes it ("⌥⌘M" on macOS, "Ctrl+Alt+M" elsewhere), for messages."""
        combination = self.modifiers | self.key
        return QKeySequence(combination).toString(QKeySequence.SequenceFormat.NativeText)


class HotkeyParseError(ValueError):
    """The text is not usable as a global hotkey; the message says why, for the Settings page."""


def parse_hotkey(sequence: str) -> KeyCombo:
    """The `KeyCombo` for ``sequence`` in portable text, or HotkeyParseError with a message for the user."""
    text = sequence.strip()
    if not text:
        raise HotkeyParseError("No key combination was given.")
    parsed = QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText)
    if parsed.count() == 0:
        raise HotkeyParseError(f"'{text}' is not a key combination.")
    if parsed.count() > 1:
        raise HotkeyParseError(f"'{text}' is a sequence of several chords; a global hotkey must be a single chord.")
    combination = parsed[0]
    key = combination.key()
    modifiers = combination.keyboardModifiers() & ~Modifier.KeypadModifier
    if key == Key.Key_unknown or key.value == 0:
        raise HotkeyParseError(f"'{text}' names a key that Qt does not know.")
    if key in _MODIFIER_KEYS:
        raise HotkeyParseError(f"'{text}' has no key besides the modifiers.")
    if not (modifiers & _CHORD_MODIFIERS) and key not in FUNCTION_KEYS:
        raise HotkeyParseError(
            f"'{text}' needs Ctrl, Alt or Meta, or it would take the key away from every other program."
        )
    return KeyCombo(key=Key(key), modifiers=Modifier(modifiers))


def unmapped_key_message(combo: KeyCombo, backend: str) -> str:
    """The message when a backend's table has no code for the key."""
    return f"{combo.portable_text()} cannot be used as a global hotkey here ({backend} has no code for that key)."
