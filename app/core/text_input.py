"""Checks on text before it is masked or unmasked: refuse clearly what cannot be handled, never half-process it."""

from __future__ import annotations

from app.core.errors import InputError

MAX_INPUT_CHARS = 16 * 1024 * 1024
_CONTROL_ALLOWED = {"\t", "\n", "\r", "\f", "\v"}
_MAX_CONTROL_SHARE = 0.10


def check_text(text: str) -> str:
    """Return ``text`` unchanged if it can be processed; raise `InputError` saying why not (never quoting it)."""
    if not text or not text.strip():
        raise InputError("There is no text to process (the input is empty).")
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(
            f"The text is too large ({len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}). Split it and try again."
        )
    if "\x00" in text:
        raise InputError("The input contains NUL characters: it looks like binary data, not text.")
    controls = sum(1 for char in text if char < " " and char not in _CONTROL_ALLOWED)
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise InputError("The input is mostly control characters: it looks like binary data, not text.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("The input contains broken Unicode (unpaired surrogate characters).") from None
    return text


def decode_input(data: bytes) -> str:
    """Decode bytes read from a file or stdin as UTF-8 text (with or without a byte-order mark)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("The input is not UTF-8 text (binary data, or another encoding).") from None
