"""Parsing portable key-sequence text, and each backend's key and modifier tables (pure; runs on every OS)."""

from __future__ import annotations

import ctypes
import ctypes.util

import pytest

from app.platform.hotkeys import macos_keymap, windows_keymap, x11_keymap
from app.platform.hotkeys.keys import FUNCTION_KEYS, HotkeyParseError, Key, KeyCombo, Modifier, parse_hotkey
from app.platform.hotkeys.portal import portal_trigger

CTRL_ALT = Modifier.ControlModifier | Modifier.AltModifier


@pytest.mark.parametrize(
    ("text", "key", "modifiers"),
    [
        ("Ctrl+Alt+M", Key.Key_M, CTRL_ALT),
        ("ctrl+alt+m", Key.Key_M, CTRL_ALT),
        ("  Ctrl+Alt+U ", Key.Key_U, CTRL_ALT),
        ("Meta+Shift+F5", Key.Key_F5, Modifier.MetaModifier | Modifier.ShiftModifier),
        ("F13", Key.Key_F13, Modifier.NoModifier),
        ("Ctrl+Alt+PgUp", Key.Key_PageUp, CTRL_ALT),
        ("Ctrl+Alt+Num+5", Key.Key_5, CTRL_ALT),  # the keypad flag is dropped: the digit key is grabbed
    ],
)
def test_parses_single_chords(text: str, key: Key, modifiers: Modifier) -> None:
    assert parse_hotkey(text) == KeyCombo(key, modifiers)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "No key combination"),
        ("Ctrl+K, Ctrl+M", "several chords"),
        ("Ctrl+Alt+Foo", "does not know"),
        ("Ctrl", "does not know"),
        ("Shift+M", "needs Ctrl, Alt or Meta"),
        ("M", "needs Ctrl, Alt or Meta"),
    ],
)
def test_rejects_what_cannot_be_a_global_hotkey(text: str, reason: str) -> None:
    with pytest.raises(HotkeyParseError, match=reason):
        parse_hotkey(text)


def test_portable_text_round_trips() -> None:
    assert parse_hotkey("alt+ctrl+m").portable_text() == "Ctrl+Alt+M"


# Keys every backend must support, so a hotkey that works on one OS also works on the others. (Not Insert: Mac
# keyboards have none; a PC keyboard's Insert key arrives there as Help.)
COMMON_KEYS = [Key(Key.Key_A.value + i) for i in range(26)] + [Key(Key.Key_0.value + i) for i in range(10)]
COMMON_KEYS += [
    *FUNCTION_KEYS[:12],
    Key.Key_Space, Key.Key_Escape, Key.Key_Tab, Key.Key_Return, Key.Key_Backspace, Key.Key_Delete,
    Key.Key_Home, Key.Key_End, Key.Key_PageUp, Key.Key_PageDown, Key.Key_Left, Key.Key_Right, Key.Key_Up,
    Key.Key_Down, Key.Key_Comma, Key.Key_Period, Key.Key_Minus, Key.Key_Equal, Key.Key_Slash, Key.Key_Semicolon,
    Key.Key_BracketLeft, Key.Key_BracketRight, Key.Key_Backslash, Key.Key_Apostrophe, Key.Key_QuoteLeft,
]  # fmt: skip


@pytest.mark.parametrize("key", COMMON_KEYS, ids=lambda key: key.name)
def test_every_backend_maps_the_common_keys(key: Key) -> None:
    assert x11_keymap.keysym_for(key) is not None
    assert windows_keymap.virtual_key_for(key) is not None
    assert macos_keymap.key_code_for(key) is not None


def test_backend_codes_are_unique_per_key() -> None:
    """Two keys sharing a code would make one hotkey fire for the other (Windows' =/+ key is the one exception)."""
    for table, allowed in [
        ({k: v[1] for k, v in x11_keymap.KEYSYMS.items()}, set()),
        (windows_keymap.VIRTUAL_KEYS, {0xBB, 0x0D}),  # Key_Equal/Key_Plus, Key_Return/Key_Enter
        (macos_keymap.KEY_CODES, set()),
    ]:
        codes = [code for code in table.values() if code not in allowed]
        assert len(codes) == len(set(codes))


def _libx11() -> ctypes.CDLL:
    name = ctypes.util.find_library("X11")
    if name is None:
        pytest.skip("libX11 is not installed (apt-get install libx11-6)")
    library = ctypes.CDLL(name)
    library.XStringToKeysym.argtypes = [ctypes.c_char_p]
    library.XStringToKeysym.restype = ctypes.c_ulong
    return library


def test_x11_keysym_names_and_values_agree_with_libx11() -> None:
    """Every name in the table is the one libX11 knows for that value; the portal sends these names."""
    xlib = _libx11()
    for key, (name, value) in x11_keymap.KEYSYMS.items():
        assert xlib.XStringToKeysym(name.encode()) == value, (key.name, name)


def test_x11_modifiers_and_lock_variants() -> None:
    combo = parse_hotkey("Ctrl+Alt+Shift+Meta+M")
    assert x11_keymap.modifier_mask(combo) == 0b1001101  # Shift 1 | Control 4 | Mod1 8 | Mod4 64
    assert x11_keymap.lock_variants(x11_keymap.MOD2_MASK) == (0, 2, 16, 18)


def test_windows_codes_and_flags() -> None:
    assert windows_keymap.virtual_key_for(Key.Key_M) == 0x4D
    assert windows_keymap.virtual_key_for(Key.Key_F24) == 0x87
    assert windows_keymap.virtual_key_for(Key.Key_F25) is None  # Windows has no VK_F25
    flags = windows_keymap.modifier_flags(parse_hotkey("Ctrl+Alt+M"))
    assert flags == windows_keymap.MOD_CONTROL | windows_keymap.MOD_ALT | windows_keymap.MOD_NOREPEAT
    assert windows_keymap.modifier_flags(parse_hotkey("Meta+Shift+M")) & windows_keymap.MOD_WIN


def test_macos_codes_follow_qts_ctrl_means_command_convention() -> None:
    assert macos_keymap.key_code_for(Key.Key_M) == 0x2E  # kVK_ANSI_M
    assert macos_keymap.key_code_for(Key.Key_F1) == 0x7A
    assert macos_keymap.key_code_for(Key.Key_F20) == 0x5A
    flags = macos_keymap.modifier_flags(parse_hotkey("Ctrl+Alt+M"))
    assert flags == macos_keymap.CMD_KEY | macos_keymap.OPTION_KEY
    assert macos_keymap.modifier_flags(parse_hotkey("Meta+M")) == macos_keymap.CONTROL_KEY


@pytest.mark.parametrize(
    ("text", "trigger"),
    [("Ctrl+Alt+M", "CTRL+ALT+m"), ("Meta+Shift+F5", "SHIFT+LOGO+F5"), ("Ctrl+Alt+PgUp", "CTRL+ALT+Prior")],
)
def test_portal_triggers_use_shortcut_spec_names(text: str, trigger: str) -> None:
    assert portal_trigger(parse_hotkey(text)) == trigger
