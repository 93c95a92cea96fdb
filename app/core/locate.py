"""Find where a value occurs in a text.

The model returns strings, not offsets, and the same value may occur several times. A value is found exactly first,
then ignoring case and differences in whitespace. A match never starts or ends inside a longer word of Latin (or other
spaced) script — "Ann" is not found in "Annual" — but Chinese and Japanese text has no spaces, so there a value glued
to its neighbours (``我叫张伟。``) is a match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

# Scripts written without spaces between words: hiragana and katakana, CJK extension A, CJK unified ideographs, CJK
# compatibility ideographs, CJK extensions B and later, CJK punctuation, full-width and half-width forms.
UNSPACED_SCRIPT_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)
UNSPACED_SCRIPT_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in UNSPACED_SCRIPT_RANGES)
"""The ranges as the inside of a regex character class, for scanning a run in one regex call instead of a loop."""
_UNSPACED_SCRIPT_CHAR = re.compile(f"[{UNSPACED_SCRIPT_CLASS}]")


def is_unspaced_script(char: str) -> bool:
    """Characters of scripts written without spaces between words (CJK ideographs, kana, full-width forms)."""
    return _UNSPACED_SCRIPT_CHAR.match(char) is not None


def is_word_char(char: str) -> bool:
    """A character that continues a word of a spaced script (letters, digits, underscore, combining marks)."""
    if is_unspaced_script(char):
        return False
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends in the middle of a word."""
    if start > 0 and is_word_char(text[start]) and is_word_char(text[start - 1]):
        return False
    return not (end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end]))


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


# Above this product of needles and text length, `find_exact_all` finds every needle in one pass over the text instead
# of one scan per needle: scans cost that product, and a pasted table of 100,000 e-mail addresses (3 MB) would take
# minutes that way — the app would seem hung.
ONE_PASS_THRESHOLD = 20_000_000
# The one pass lets the regex engine jump to positions where the first characters of some needle occur; more
# characters mean fewer false starts but a larger pattern to compile.
_PREFIX_CHARACTERS = 3
_END = ""  # the key that marks where a needle ends in the trie (a character key is never empty)

Trie = dict[str, "Trie | str"]


def find_exact_all(text: str, needles: Mapping[str, bool]) -> dict[str, list[tuple[int, int]]]:
    """`find_exact` for many needles at once: ``needles`` maps each needle to its ``whole_words``, and the result
    maps each needle to exactly the spans `find_exact` gives for it."""
    wanted = {needle: whole_words for needle, whole_words in needles.items() if needle}
    if len(wanted) * len(text) <= ONE_PASS_THRESHOLD:
        return {needle: find_exact(text, needle, whole_words=whole_words) for needle, whole_words in wanted.items()}
    return _find_exact_in_one_pass(text, wanted)


def _find_exact_in_one_pass(text: str, wanted: Mapping[str, bool]) -> dict[str, list[tuple[int, int]]]:
    """Every needle's occurrences from one left-to-right pass: at each position where a needle may start (found by one
    regex), walk a trie of the needles to see which do. Per needle, the spans `find_exact` would accept."""
    trie = _trie(wanted)
    starts = re.compile(_prefix_pattern(trie, _PREFIX_CHARACTERS))
    spans: dict[str, list[tuple[int, int]]] = {needle: [] for needle in wanted}
    free_from = dict.fromkeys(wanted, 0)  # find_exact's occurrences of one needle never overlap
    match = starts.search(text)
    while match is not None:
        start = match.start()
        for needle, end in _needles_at(trie, text, start):
            if start >= free_from[needle] and (not wanted[needle] or at_word_boundaries(text, start, end)):
                spans[needle].append((start, end))
                free_from[needle] = end
        match = starts.search(text, start + 1)
    return spans


def _trie(needles: Iterable[str]) -> Trie:
    root: Trie = {}
    for needle in needles:
        node = root
        for char in needle:
            node = node.setdefault(char, {})  # type: ignore[assignment]
        node[_END] = needle
    return root


def _needles_at(trie: Trie, text: str, start: int) -> Iterator[tuple[str, int]]:
    """The needles that occur at ``start``, each with its end."""
    node = trie
    for index in range(start, len(text)):
        child = node.get(text[index])
        if child is None:
            return
        node = child  # type: ignore[assignment]
        needle = node.get(_END)
        if needle is not None:
            yield needle, index + 1  # type: ignore[misc]


def _prefix_pattern(node: Trie, depth: int) -> str:
    """A regex matching the first ``depth`` characters of any needle in the trie (the whole needle if shorter)."""
    if _END in node or depth == 0:
        return ""
    branches = [re.escape(char) + _prefix_pattern(child, depth - 1) for char, child in node.items()]  # type: ignore[arg-type]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


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
