"""Qt keys and modifiers → X11 keysyms and modifier masks (also the key names the Wayland portal expects).

Keysym values and names are X11's (``X11/keysymdef.h``); xkbcommon uses the same names, which is why the
GlobalShortcuts portal's trigger strings ("CTRL+ALT+m") reuse this table.
"""

from __future__ import annotations

from .keys import FUNCTION_KEYS, Key, KeyCombo, Modifier

# X modifier masks (X11/X.h).
SHIFT_MASK = 1 << 0
LOCK_MASK = 1 << 1  # Caps Lock
CONTROL_MASK = 1 << 2
MOD1_MASK = 1 << 3  # Alt on every common layout
MOD2_MASK = 1 << 4  # Num Lock on every common layout; the backend asks the server to be sure
MOD4_MASK = 1 << 6  # Super ("Windows key"), which Qt calls Meta on X11

MODIFIER_MASKS: dict[Modifier, int] = {
    Modifier.ShiftModifier: SHIFT_MASK,
    Modifier.ControlModifier: CONTROL_MASK,
    Modifier.AltModifier: MOD1_MASK,
    Modifier.MetaModifier: MOD4_MASK,
}

# Keys whose Qt code is their ASCII code, which is also their keysym value (Latin-1 keysyms equal code points).
_ASCII_PUNCTUATION: dict[Key, str] = {
    Key.Key_Space: "space",
    Key.Key_Exclam: "exclam",
    Key.Key_QuoteDbl: "quotedbl",
    Key.Key_NumberSign: "numbersign",
    Key.Key_Dollar: "dollar",
    Key.Key_Percent: "percent",
    Key.Key_Ampersand: "ampersand",
    Key.Key_Apostrophe: "apostrophe",
    Key.Key_ParenLeft: "parenleft",
    Key.Key_ParenRight: "parenright",
    Key.Key_Asterisk: "asterisk",
    Key.Key_Plus: "plus",
    Key.Key_Comma: "comma",
    Key.Key_Minus: "minus",
    Key.Key_Period: "period",
    Key.Key_Slash: "slash",
    Key.Key_Colon: "colon",
    Key.Key_Semicolon: "semicolon",
    Key.Key_Less: "less",
    Key.Key_Equal: "equal",
    Key.Key_Greater: "greater",
    Key.Key_Question: "question",
    Key.Key_At: "at",
    Key.Key_BracketLeft: "bracketleft",
    Key.Key_Backslash: "backslash",
    Key.Key_BracketRight: "bracketright",
    Key.Key_AsciiCircum: "asciicircum",
    Key.Key_Underscore: "underscore",
    Key.Key_QuoteLeft: "grave",
    Key.Key_BraceLeft: "braceleft",
    Key.Key_Bar: "bar",
    Key.Key_BraceRight: "braceright",
    Key.Key_AsciiTilde: "asciitilde",
}

_SPECIAL_KEYS: dict[Key, tuple[str, int]] = {
    Key.Key_Escape: ("Escape", 0xFF1B),
    Key.Key_Tab: ("Tab", 0xFF09),
    Key.Key_Backspace: ("BackSpace", 0xFF08),
    Key.Key_Return: ("Return", 0xFF0D),
    Key.Key_Enter: ("KP_Enter", 0xFF8D),
    Key.Key_Insert: ("Insert", 0xFF63),
    Key.Key_Delete: ("Delete", 0xFFFF),
    Key.Key_Pause: ("Pause", 0xFF13),
    Key.Key_Print: ("Print", 0xFF61),
    Key.Key_SysReq: ("Sys_Req", 0xFF15),
    Key.Key_Home: ("Home", 0xFF50),
    Key.Key_End: ("End", 0xFF57),
    Key.Key_Left: ("Left", 0xFF51),
    Key.Key_Up: ("Up", 0xFF52),
    Key.Key_Right: ("Right", 0xFF53),
    Key.Key_Down: ("Down", 0xFF54),
    Key.Key_PageUp: ("Prior", 0xFF55),
    Key.Key_PageDown: ("Next", 0xFF56),
    Key.Key_Menu: ("Menu", 0xFF67),
    Key.Key_Help: ("Help", 0xFF6A),
}


def _build_keysyms() -> dict[Key, tuple[str, int]]:
    table: dict[Key, tuple[str, int]] = {}
    for offset in range(26):  # letters: the lower-case keysym, which every layout binds at level one
        letter = chr(ord("a") + offset)
        table[Key(Key.Key_A.value + offset)] = (letter, ord(letter))
    for digit in range(10):
        table[Key(Key.Key_0.value + digit)] = (str(digit), ord("0") + digit)
    for index, key in enumerate(FUNCTION_KEYS):
        table[key] = (f"F{index + 1}", 0xFFBE + index)
    for key, name in _ASCII_PUNCTUATION.items():
        table[key] = (name, key.value)
    table.update(_SPECIAL_KEYS)
    return table


KEYSYMS: dict[Key, tuple[str, int]] = _build_keysyms()


def keysym_for(key: Key) -> int | None:
    """The X keysym of a Qt key, or None when the table has none."""
    entry = KEYSYMS.get(key)
    return None if entry is None else entry[1]


def keysym_name_for(key: Key) -> str | None:
    entry = KEYSYMS.get(key)
    return None if entry is None else entry[0]


def modifier_mask(combo: KeyCombo) -> int:
    """The X modifier mask of a combo's modifiers (lock modifiers excluded; the backend adds their variants)."""
    mask = 0
    for modifier, bit in MODIFIER_MASKS.items():
        if combo.has(modifier):
            mask |= bit
    return mask


def lock_variants(num_lock_mask: int) -> tuple[int, ...]:
    """Every combination of Caps Lock and Num Lock: a grab matches exact modifier state, so each needs its own grab."""
    return tuple(sorted({0, LOCK_MASK, num_lock_mask, LOCK_MASK | num_lock_mask}))
