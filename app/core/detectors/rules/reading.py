"""Read values the way a person does: past invisible characters, and full-width letters and digits as plain ones.

Text copied from web pages, chat apps and PDFs often carries characters that show nothing: zero-width spaces and
joiners, soft hyphens a CMS inserted for line breaking, byte-order marks, bidirectional marks and overrides. Inside an
API key or an e-mail address they end a pattern's match, so the value would be missed (``sk-proj-abc<ZWSP>def…``) or
masked only in part (``dana<ZWSP>.reyes@example.org`` → ``dana<ZWSP>.<Email_1>``), while anyone reading the masked
text — or a chatbot — reads the whole value. Chinese and Japanese input methods type full-width forms
(``１３８１２３４５６７８``, ``ｄａｎａ＠ｅｘａｍｐｌｅ．ｏｒｇ``), which the patterns (ASCII classes) would not see at all.

So the recognizers also run on a reading view of the text (`reading_view`): invisible characters removed and
full-width ASCII folded to ASCII, one character for one. What they find there is mapped back to a span of the original
that covers the invisible characters inside it too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Format characters that render as nothing: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width
# space/non-joiner/joiner, left-to-right and right-to-left marks, bidi embeddings and overrides, word joiner and
# invisible operators, bidi isolates and deprecated format controls, variation selectors, the byte-order mark.
_INVISIBLE_RUN = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff]+"
)
_NEEDS_VIEW = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufe00-\ufe0f\ufeff\uff01-\uff5e]"
)
# Full-width ASCII (U+FF01–FF5E) maps one-to-one onto ASCII, so folding keeps every offset.
_FULLWIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@dataclass(frozen=True)
class ReadingView:
    """The text as read (see the module doc), and where each of its pieces starts in the original."""

    text: str
    _view_starts: tuple[int, ...]
    _original_starts: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that ``view.text[start:end]`` was read from (invisible characters inside it
        included)."""
        return self._to_original(start), self._to_original(end - 1) + 1

    def _to_original(self, index: int) -> int:
        piece = bisect.bisect_right(self._view_starts, index) - 1
        return self._original_starts[piece] + index - self._view_starts[piece]


def reading_view(text: str) -> ReadingView | None:
    """The reading view, or None when it would equal the text (the common case costs one search)."""
    if _NEEDS_VIEW.search(text) is None:
        return None
    pieces: list[str] = []
    view_starts: list[int] = []
    original_starts: list[int] = []
    position = 0
    for run in _INVISIBLE_RUN.finditer(text):
        _add_piece(text, position, run.start(), pieces, view_starts, original_starts)
        position = run.end()
    _add_piece(text, position, len(text), pieces, view_starts, original_starts)
    view = "".join(pieces).translate(_FULLWIDTH_FOLD)
    return ReadingView(view, tuple(view_starts), tuple(original_starts))


def _add_piece(
    text: str, start: int, end: int, pieces: list[str], view_starts: list[int], original_starts: list[int]
) -> None:
    """Append ``text[start:end]`` (if not empty) to the view being built."""
    if start >= end:
        return
    view_starts.append(view_starts[-1] + len(pieces[-1]) if pieces else 0)
    original_starts.append(start)
    pieces.append(text[start:end])
