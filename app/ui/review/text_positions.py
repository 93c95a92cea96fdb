"""Convert between Python string indices (what findings use) and Qt text positions (UTF-16 code units).

Qt counts a character outside the Basic Multilingual Plane (emoji, CJK Extension B ideographs) as two positions,
Python as one index; every other character, and each line break between blocks, is one of each. Getting this wrong
shifts every highlight after the first emoji, so all offset traffic between findings and widgets goes through here.
"""

from __future__ import annotations

import bisect
import re

from PySide6.QtGui import QTextDocument

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# QTextDocument separates blocks with U+2029 in its raw text; the person's text had a line break there.
_BLOCK_SEPARATOR = "\u2029"


def document_text(document: QTextDocument) -> str:
    """The exact text of a document, line breaks as ``\\n``.

    ``toPlainText()`` would also turn no-break spaces into spaces and U+2028 into line breaks, so the masked text
    would differ from what the person pasted in more places than the masked spans.
    """
    return document.toRawText().replace(_BLOCK_SEPARATOR, "\n")


class TextPositions:
    """Index conversions for one text; build a new one whenever the text changes."""

    def __init__(self, text: str) -> None:
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        # The Qt position where each astral character starts (its two code units are there and one after).
        self._qt_starts = [index + count for count, index in enumerate(self._astral)]
        self._length = len(text)

    def to_qt(self, index: int) -> int:
        """The Qt position of Python index ``index`` (0 ≤ index ≤ len(text))."""
        return index + bisect.bisect_left(self._astral, index)

    def to_python(self, position: int) -> int:
        """The Python index at Qt ``position``; a position between the two halves of a pair maps to its character."""
        before = bisect.bisect_left(self._qt_starts, position)
        if before and position == self._qt_starts[before - 1] + 1:
            return self._astral[before - 1]
        return min(position - before, self._length)

    def qt_span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)
