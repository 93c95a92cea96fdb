"""Find where a value occurs in a text.

The model returns strings, not offsets, and the same value may occur several times. A value is found exactly first,
then ignoring case and differences in whitespace. A match never starts or ends inside a longer word of Latin (or other
spaced) script — "Ann" is not found in "Annual" — but Chinese and Japanese text has no spaces, so there a value glued
to its neighbours (``我叫张伟。``) is a match.
"""

from __future__ import annotations

import re
import unicodedata


def is_unspaced_script(char: str) -> bool:
    """Characters of scripts written without spaces between words (CJK ideographs, kana, full-width forms)."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x20000 <= code <= 0x3FFFF  # CJK extensions B and later
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width and half-width forms
    )


def is_word_char(char: str) -> bool:
    """A character that continues a word of a spaced script (letters, digits, underscore, combining marks)."""
    if is_unspaced_script(char):
        return False
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends in the middle of a word."""
    if start > 0 and is_word_char(text[start]) and is_word_char(text[start - 1]):
        return False
    if end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end]):
        return False
    return True


def find_exact(text: str, needle: str, *, whole_words: bool = True) -> list[tuple[int, int]]:
    """Non-overlapping exact occurrences of ``needle``, by default only at word boundaries."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    position = text.find(needle)
    while position != -1:
        end = position + len(needle)
        if not whole_words or at_word_boundaries(text, position, end):
            spans.append((position, end))
            position = text.find(needle, end)
        else:
            position = text.find(needle, position + 1)
    return spans


def _tolerant_pattern(needle: str) -> re.Pattern[str] | None:
    parts = needle.split()
    if not parts:
        return None
    return re.compile(r"\s+".join(re.escape(part) for part in parts), flags=re.IGNORECASE)


def find_tolerant(text: str, needle: str) -> list[tuple[int, int]]:
    """Occurrences ignoring case and with any run of whitespace matching any other run, at word boundaries."""
    pattern = _tolerant_pattern(needle)
    if pattern is None:
        return []
    return [
        (match.start(), match.end())
        for match in pattern.finditer(text)
        if at_word_boundaries(text, match.start(), match.end())
    ]


def find_occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every occurrence of ``needle``: exact matches if there are any, else tolerant ones; ``[]`` if it is absent."""
    needle = needle.strip()
    return find_exact(text, needle) or find_tolerant(text, needle)
