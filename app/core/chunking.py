"""Split a text too long for one model call into overlapping chunks.

Cuts fall at paragraph breaks where possible, else at sentence ends (``.!?`` before whitespace, the Chinese ``。！？``
and line breaks), else at whitespace, and only as a last resort inside a run of characters (a long key or a Chinese
sentence without punctuation). Each chunk after the first repeats the end of the one before (the overlap), so a value
that straddles a cut is seen whole by at least one model call when it is shorter than the overlap.

The model's answers are located in the *whole* input, never in a chunk (see `app.core.detectors.model.detector`): a value seen
in any chunk is marked wherever it occurs, and no span is ever cut at a chunk edge. Chunks are offsets into the input,
not copies, so nothing here holds text longer than a call needs.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from app.core.locate import is_unspaced_script

TokenCounter = Callable[[str], int]
"""How many model tokens a string costs (the detector passes its tokenizer; tests pass simple counters)."""

# Longest plausible token in characters: bounds how far back the overlap search looks.
MAX_CHARS_PER_TOKEN = 32
# How far the start of an overlap may move forward to begin at a word rather than inside one.
MAX_OVERLAP_SNAP_CHARS = 8

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|[。！？；]+[”’」』）]*\s*|\n\s*")
_WHITESPACE = re.compile(r"\s+")
_SPLIT_LEVELS: tuple[re.Pattern[str], ...] = (_PARAGRAPH_BREAK, _SENTENCE_END, _WHITESPACE)


@dataclass(frozen=True, slots=True)
class TextChunk:
    """``text[start:end]`` is what one model call reads; ``text[new_from:end]`` is the part no earlier chunk covered.

    ``start < new_from`` means the chunk begins with an overlap into the previous chunk.
    """

    start: int
    end: int
    new_from: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def shifted(self, offset: int) -> TextChunk:
        return TextChunk(self.start + offset, self.end + offset, self.new_from + offset)


def plan_chunks(text: str, max_tokens: int, count_tokens: TokenCounter, overlap_tokens: int = 0) -> list[TextChunk]:
    """Chunks of at most about ``max_tokens`` tokens (overlap included) that together cover ``text``.

    Token counts of pieces are added up, which slightly overestimates the count of their concatenation for BPE
    tokenizers; the caller still checks the exact prompt length before each call.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    if not text:
        return []
    if count_tokens(text) <= max_tokens:
        return [TextChunk(0, len(text), 0)]
    overlap = max(0, min(overlap_tokens, max_tokens // 2))
    core_budget = max_tokens - overlap
    cores = _pack(_units(text, 0, len(text), core_budget, count_tokens, level=0), core_budget)
    chunks = [TextChunk(cores[0][0], cores[0][1], cores[0][0])]
    for (previous_start, _), (start, end) in itertools.pairwise(cores):
        view_start = _overlap_start(text, previous_start, start, overlap, count_tokens)
        chunks.append(TextChunk(view_start, end, start))
    return chunks


def _units(
    text: str, start: int, end: int, budget: int, count_tokens: TokenCounter, level: int
) -> Iterator[tuple[int, int, int]]:
    """Consecutive pieces ``(start, end, tokens)`` of ``text[start:end]``, each within ``budget`` tokens.

    A piece that is too long is split at the next finer kind of boundary; only pieces that need it are split further,
    so the tokenizer runs on a long text a few times, not once per word.
    """
    tokens = count_tokens(text[start:end])
    if tokens <= budget:
        yield start, end, tokens
        return
    if level >= len(_SPLIT_LEVELS):
        yield from _hard_cuts(text, start, end, budget, count_tokens)
        return
    cuts = [match.end() for match in _SPLIT_LEVELS[level].finditer(text, start, end) if start < match.end() < end]
    bounds = [start, *cuts, end]
    for piece_start, piece_end in itertools.pairwise(bounds):
        yield from _units(text, piece_start, piece_end, budget, count_tokens, level + 1)


def _hard_cuts(
    text: str, start: int, end: int, budget: int, count_tokens: TokenCounter
) -> Iterator[tuple[int, int, int]]:
    """Cut a run without usable boundaries into pieces of at most ``budget`` tokens (never before a combining mark)."""
    position = start
    while position < end:
        remaining = text[position:end]
        remaining_tokens = max(1, count_tokens(remaining))
        length = min(len(remaining), max(1, len(remaining) * budget // remaining_tokens))
        while True:
            cut = _not_before_mark(text, position, min(end, position + length))
            tokens = count_tokens(text[position:cut])
            if tokens <= budget or length == 1:
                break
            length = max(1, length * 3 // 4)
        yield position, cut, tokens
        position = cut


def _not_before_mark(text: str, start: int, cut: int) -> int:
    """Move a cut forward past combining marks, so an accent is never separated from its letter."""
    while start < cut < len(text) and unicodedata.category(text[cut]).startswith("M"):
        cut += 1
    return cut


def _pack(units: Iterable[tuple[int, int, int]], budget: int) -> list[tuple[int, int]]:
    """Greedily join consecutive pieces into chunk cores of at most ``budget`` tokens."""
    cores: list[tuple[int, int]] = []
    core_start = core_end = -1
    core_tokens = 0
    for start, end, tokens in units:
        if core_start < 0:
            core_start = start
        elif core_tokens + tokens > budget:
            cores.append((core_start, core_end))
            core_start, core_tokens = start, 0
        core_end = end
        core_tokens += tokens
    cores.append((core_start, core_end))
    return cores


def _overlap_start(text: str, previous_start: int, boundary: int, overlap: int, count_tokens: TokenCounter) -> int:
    """The earliest start before ``boundary`` whose stretch up to it fits in ``overlap`` tokens, moved forward to a
    word start (or a position next to a Chinese/Japanese character) when one is near.

    Snapping only a few characters keeps the overlap whole: text without spaces ("alphaalpha…。") has no word starts
    at all, and snapping to the nearest one there would shrink the overlap to nothing.
    """
    if overlap <= 0:
        return boundary
    lowest = max(previous_start, boundary - overlap * MAX_CHARS_PER_TOKEN)
    anywhere = _earliest_fitting(text, range(lowest, boundary), boundary, overlap, count_tokens)
    if anywhere is None:
        return boundary
    for position in range(anywhere, min(boundary, anywhere + MAX_OVERLAP_SNAP_CHARS + 1)):
        if _is_soft_boundary(text, position, previous_start):
            return position
    return anywhere


def _is_soft_boundary(text: str, position: int, previous_start: int) -> bool:
    """A word start, or a position next to an unspaced-script character, or where the previous chunk's core began."""
    if position == previous_start:
        return True
    before, after = text[position - 1], text[position]
    if after.isspace():
        return False
    return before.isspace() or is_unspaced_script(before) or is_unspaced_script(after)


def _earliest_fitting(
    text: str, candidates: Sequence[int], boundary: int, overlap: int, count_tokens: TokenCounter
) -> int | None:
    """Binary search: the token count of ``text[p:boundary]`` falls as ``p`` grows."""
    low, high = 0, len(candidates)
    while low < high:
        middle = (low + high) // 2
        if count_tokens(text[candidates[middle] : boundary]) <= overlap:
            high = middle
        else:
            low = middle + 1
    return candidates[low] if low < len(candidates) else None
