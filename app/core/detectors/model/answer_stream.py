"""Read the model's answer while it is being written: each array element as soon as its object is complete.

Why: on a laptop CPU one answer takes seconds to a minute. The review window can show each finding the moment its
JSON element is closed, so the person starts reviewing long before the model is done. The final answer is still
parsed whole by `output.parse_model_output` and merged as before; this stream only reports early.

How: a small scanner follows the top-level array character by character — JSON whitespace (spaces, tabs, newlines,
indentation) between tokens, strings with escapes, nested objects and arrays — and cuts out the raw text of each
element when it closes. That text is parsed with `json.loads` and turned into an item with
`output.item_from_json`, exactly as the whole-answer parser does, so for any complete, valid answer the stream
yields the same distinct items in the same order. Partial input just waits for more; input that can no longer be a
JSON array (prose, a second document, a broken element) stops the stream quietly — it never raises, because the
authoritative parse at the end reports the error.

Nothing here logs or keeps text beyond the element being read.
"""

from __future__ import annotations

import enum
import json

from app.core.detectors.model.output import ModelItem, item_from_json
from app.core.taxonomy import Level

JSON_WHITESPACE = frozenset(" \t\n\r")
_OPENERS = {"{": "}", "[": "]"}
_SCALAR_ENDS = JSON_WHITESPACE | {",", "]"}


class _Phase(enum.Enum):
    BEFORE_ARRAY = "before array"
    FIRST_ELEMENT = "first element or end"  # right after "[": "]" is allowed
    NEXT_ELEMENT = "next element"  # right after ",": "]" is not (no trailing commas in JSON)
    IN_ELEMENT = "in element"
    AFTER_ELEMENT = "after element"
    DONE = "done"
    BROKEN = "broken"


class AnswerStream:
    """Feed it the answer's text in pieces (`feed`); it returns the new distinct items each piece completed.

    ``returned`` counts the elements closed so far and ``malformed`` those without a usable value or type, as
    `output.ParsedAnswer` does for a whole answer. ``broken`` says the text stopped being a JSON array.
    """

    def __init__(self) -> None:
        self._phase = _Phase.BEFORE_ARRAY
        self._element: list[str] = []
        self._closers: list[str] = []  # expected closing brackets of the open containers, innermost last
        self._in_string = False
        self._escaped = False
        self._seen: set[ModelItem] = set()
        self.items: list[ModelItem] = []
        self.returned = 0
        self.malformed = 0
        self.preferences = 0  # elements graded PL1 (dropped)

    @property
    def broken(self) -> bool:
        return self._phase is _Phase.BROKEN

    @property
    def complete(self) -> bool:
        """The array was closed (trailing whitespace may still follow)."""
        return self._phase is _Phase.DONE

    def feed(self, piece: str) -> list[ModelItem]:
        """Read ``piece``; return the items of elements it completed that were not seen before (maybe none)."""
        new_items: list[ModelItem] = []
        for char in piece:
            if self._phase is _Phase.BROKEN:
                break
            item = self._read(char)
            if item is not None and item not in self._seen:
                self._seen.add(item)
                self.items.append(item)
                new_items.append(item)
        return new_items

    # -- the scanner ----------------------------------------------------------------------------------------------

    def _read(self, char: str) -> ModelItem | None:
        phase = self._phase
        if phase is _Phase.IN_ELEMENT:
            return self._read_element(char)
        if char in JSON_WHITESPACE:
            return None
        if phase is _Phase.BEFORE_ARRAY:
            self._phase = _Phase.FIRST_ELEMENT if char == "[" else _Phase.BROKEN
        elif phase in (_Phase.FIRST_ELEMENT, _Phase.NEXT_ELEMENT):
            if char == "]" and phase is _Phase.FIRST_ELEMENT:
                self._phase = _Phase.DONE
            elif char in ",]":
                self._phase = _Phase.BROKEN
            else:
                self._phase = _Phase.IN_ELEMENT
                return self._read_element(char)
        elif phase is _Phase.AFTER_ELEMENT:
            self._phase = {",": _Phase.NEXT_ELEMENT, "]": _Phase.DONE}.get(char, _Phase.BROKEN)
        else:  # DONE: anything but whitespace after the array makes it no JSON document
            self._phase = _Phase.BROKEN
        return None

    def _read_element(self, char: str) -> ModelItem | None:
        """One character of an element; its item (or None) when the element closed."""
        if not self._closers and not self._in_string and self._element and char in _SCALAR_ENDS:
            # A bare number or literal ends at the first delimiter, which belongs to the array.
            item = self._finish_element()
            if self._phase is _Phase.AFTER_ELEMENT:
                self._read(char)
            return item
        self._element.append(char)
        if self._in_string:
            self._read_string(char)
            if not self._in_string and not self._closers:  # a bare string element just closed
                return self._finish_element()
            return None
        if char == '"':
            self._in_string = True
        elif char in _OPENERS:
            self._closers.append(_OPENERS[char])
        elif char in "}]":
            if not self._closers or self._closers.pop() != char:
                self._phase = _Phase.BROKEN
                return None
            if not self._closers:
                return self._finish_element()
        return None

    def _read_string(self, char: str) -> None:
        if self._escaped:
            self._escaped = False
        elif char == "\\":
            self._escaped = True
        elif char == '"':
            self._in_string = False

    def _finish_element(self) -> ModelItem | None:
        raw = "".join(self._element)
        self._element.clear()
        try:
            element = json.loads(raw)
        except (ValueError, RecursionError):
            self._phase = _Phase.BROKEN
            return None
        self._phase = _Phase.AFTER_ELEMENT
        self.returned += 1
        item = item_from_json(element)
        if item is None:
            self.malformed += 1
        elif item.level is Level.PL1:  # a preference: dropped, as `parse_model_output` drops it
            self.preferences += 1
            return None
        return item
