"""The drafter: follows the model's answer as it is written and proposes how it goes on, as tokens.

Why: most answer tokens are predictable. JSON keys, quotes and commas are fixed by the answer's shape,
``original_text`` is copied from the input, type names come from the taxonomy and the level from the type table.
`decoders.DraftingDecoder` has the model check a whole draft in one batch, which costs far less than one model step
per token, and keeps only the tokens plain greedy decoding would have chosen, so a wrong guess costs a few batch rows
and never changes the answer.

How: `AnswerDrafter` follows the answer's JSON shape character by character (a `_Cursor` over the parts of the shape
the answer grammar enforces, `answer_grammar`) and proposes, as text, the rest of the structure up to the next free
choice, a value's continuation copied from the input (prompt lookup at the text level, so a value's first token
need not match how the input was tokenized), the rest of a known type name, the table's level. The text becomes
tokens the way the tokenizer would spell the whole answer.

Pure Python on purpose, without llama.cpp or numpy: the decoder passes in how tokens are spelled and how text is
tokenized, so the drafter's state machine is tested without a model (`tests/core/test_drafter.py`).

Nothing here logs, prints or keeps the input or the answer beyond the drafter's life (one answer).
"""

from __future__ import annotations

import codecs
import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.core.detectors.model.answer_stream import JSON_WHITESPACE
from app.core.detectors.model.output import ORIGINAL_TEXT, PRIVACY_LEVEL, PRIVACY_TYPE
from app.core.taxonomy import TYPE_ALIASES, TYPE_LEVELS, level_for_type

SpanHint = tuple[int, int, str]
"""A span of the input (start, end) likely to be a whole value, and its likely type."""


@dataclass(frozen=True, slots=True)
class _Literal:
    text: str


@dataclass(frozen=True, slots=True)
class _Space:
    """Optional whitespace of the grammar (``ws``: nothing, a space, or newlines and indentation), named by where it
    is: each place learns the whitespace the model writes there (pretty-printed answers indent differently after
    ``[``, after ``{`` and between items)."""

    slot: str


@dataclass(frozen=True, slots=True)
class _Value:
    key: str


_Part = _Literal | _Space | _Value


def _key_value(key: str, *, last: bool) -> tuple[_Part, ...]:
    parts: tuple[_Part, ...] = (
        _Literal(json.dumps(key)), _Space("before_colon"), _Literal(":"), _Space("after_colon"), _Value(key),
    )  # fmt: skip
    if last:
        return (*parts, _Space("before_brace"))
    return (*parts, _Space("after_value"), _Literal(","), _Space("after_comma"))


# One answer element exactly as the answer grammar (`answer_grammar`) spells it.
_ITEM: tuple[_Part, ...] = (
    _Literal("{"),
    _Space("after_brace"),
    *_key_value(ORIGINAL_TEXT, last=False),
    *_key_value(PRIVACY_TYPE, last=False),
    *_key_value(PRIVACY_LEVEL, last=True),
    _Literal("}"),
    _Space("after_item"),
)
_OPENING: tuple[_Part, ...] = (_Literal("["), _Space("after_bracket"))
_SEPARATOR: tuple[_Part, ...] = (_Literal(","), _Space("between_items"))
_PHASE_PARTS: dict[str, tuple[_Part, ...]] = {"opening": _OPENING, "item": _ITEM, "separator": _SEPARATOR}
# Python's json.dumps spacing, the likeliest before the model has shown its own.
_DEFAULT_SPACES = {"after_colon": " ", "after_comma": " ", "between_items": " "}

# Type names to complete a started type with: the table's names first (in its order), then other spellings.
_KNOWN_TYPES: tuple[str, ...] = (*TYPE_LEVELS, *TYPE_ALIASES)
_CLOSING_PUNCTUATION = frozenset(",.;:!?)]}")
_ALWAYS_BOUNDARY = frozenset('\n\r\t"“”‘’，。；：！？、（）「」『』《》【】')
MAX_COPIED_WORDS = 4


@dataclass
class _Cursor:
    """Where the answer text is in the grammar's shape: a phase, a part in it, and the state of an open string."""

    phase: str = "opening"  # opening | choice | item | after_item | separator | done ("]" written) | lost
    index: int = 0
    offset: int = 0  # characters of a literal already written
    in_string: bool = False
    escaped: bool = False
    unicode_digits: int = 0
    space: str = ""  # whitespace written so far at the current `_Space`
    raw: list[str] = field(default_factory=list)  # the open string's characters as written (JSON escapes kept)
    values: dict[str, str] = field(default_factory=dict)  # the current element's finished values, as written

    def part(self) -> _Part | None:
        """The part of the grammar's shape being written, or None at the end of a phase (or outside one)."""
        parts = _PHASE_PARTS.get(self.phase, ())
        return parts[self.index] if self.index < len(parts) else None

    def start_item(self) -> None:
        self.phase, self.index, self.offset, self.values = "item", 0, 0, {}

    def start_separator(self) -> None:
        self.phase, self.index, self.offset = "separator", 0, 0

    def leave_choice(self) -> None:
        """After "[" or an element, the grammar lets "]" end the array; anything else starts what must follow."""
        if self.phase == "choice":
            self.start_item()
        elif self.phase == "after_item":
            self.start_separator()

    def finish_phase(self) -> None:
        if self.phase == "opening":
            self.phase = "choice"
        elif self.phase == "item":
            self.phase = "after_item"
        else:  # a separator: another element follows
            self.start_item()


class AnswerDrafter:
    """Follows the answer as it is written and proposes its likely continuation as tokens.

    It never decides anything: a wrong guess costs a few batch rows, because verification keeps only tokens plain
    decoding would have chosen. ``source_text`` is the text the answer is about (values are copied from it).
    """

    def __init__(
        self,
        *,
        source_text: str,
        piece: Callable[[int], bytes],
        tokenize: Callable[[bytes], list[int]],
        hints: Sequence[SpanHint] = (),
        max_chars: int = 128,
    ) -> None:
        self._source = source_text
        self._hint_ends: dict[int, int] = {}
        self._hint_types: dict[str, str] = {}
        for start, end, kind in hints:
            if end > self._hint_ends.get(start, -1):
                self._hint_ends[start] = end
            self._hint_types.setdefault(source_text[start:end], kind)
        self._piece = piece
        self._tokenize = tokenize
        self._max_chars = max_chars
        self._tokens: list[int] = []
        self._pieces: list[bytes] = []
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._cursor = _Cursor()
        self._spaces: dict[str, str] = {}
        self._search_from = 0
        self._refused_longer = False  # the model just chose a shorter token than the drafted one
        self._end_likely = False  # ... and that token ended an element: "]" is the likelier next choice

    @property
    def phase(self) -> str:
        """Where the answer is in its shape: "done" once its closing "]" is written, "lost" once it left the shape
        (then nothing more is drafted), else the part being written ("opening", "item", …)."""
        return self._cursor.phase

    # -- following the answer -------------------------------------------------------------------------------------

    def push(self, token: int) -> None:
        """Take one token the answer now has."""
        piece = self._piece(token)
        self._tokens.append(token)
        self._pieces.append(piece)
        for char in self._decoder.decode(piece):
            self._feed(char)
        self._end_likely = self._refused_longer and self._at_element_end()
        self._refused_longer = False

    def refused(self, drafted: int, chosen: int) -> None:
        """The model chose ``chosen`` where the draft had ``drafted``; called before ``chosen`` is pushed.

        Why: a drafted element end carries the comma of the next element (``"},`` is one Qwen token). A model that
        takes a shorter token there (``"}``) is not going on to another element, so the next draft guesses "]"
        instead of drafting another element that would be thrown away.
        """
        drafted_piece, chosen_piece = self._piece(drafted), self._piece(chosen)
        self._refused_longer = drafted_piece != chosen_piece and drafted_piece.startswith(chosen_piece)

    def _at_element_end(self) -> bool:
        cursor = self._cursor
        return cursor.phase == "after_item" or (cursor.phase == "item" and cursor.index == len(_ITEM) - 1)

    def _feed(self, char: str) -> None:
        cursor = self._cursor
        while cursor.phase not in ("done", "lost"):
            if cursor.phase in ("choice", "after_item"):
                if char == "]":
                    cursor.phase = "done"
                    return
                cursor.leave_choice()
            part = cursor.part()
            if part is None:
                cursor.finish_phase()
            elif isinstance(part, _Space):
                if char in JSON_WHITESPACE:
                    cursor.space += char
                    return
                self._spaces[part.slot], cursor.space = cursor.space, ""
                cursor.index += 1
            elif isinstance(part, _Literal):
                self._feed_literal(part, char)
                return
            else:
                self._feed_string(part, char)
                return

    def _feed_literal(self, part: _Literal, char: str) -> None:
        cursor = self._cursor
        if char != part.text[cursor.offset]:
            cursor.phase = "lost"  # not the shape the grammar enforces: draft nothing more
            return
        cursor.offset += 1
        if cursor.offset == len(part.text):
            cursor.index, cursor.offset = cursor.index + 1, 0

    def _feed_string(self, part: _Value, char: str) -> None:
        cursor = self._cursor
        if not cursor.in_string:
            if char != '"':
                cursor.phase = "lost"
                return
            cursor.in_string, cursor.raw = True, []
            return
        if cursor.unicode_digits:
            cursor.unicode_digits -= 1
        elif cursor.escaped:
            cursor.escaped = False
            cursor.unicode_digits = 4 if char == "u" else 0
        elif char == "\\":
            cursor.escaped = True
        elif char == '"':
            value = "".join(cursor.raw)
            cursor.values[part.key] = value
            cursor.in_string, cursor.raw = False, []
            cursor.index += 1
            if part.key == ORIGINAL_TEXT:
                self._note_copied_value(value)
            return
        cursor.raw.append(char)

    def _note_copied_value(self, raw: str) -> None:
        """Values come in the order they appear: the next one is looked for after this one first."""
        value = _unescape(raw)
        if value:
            found = self._find_value_start(value)
            if found >= 0:
                self._search_from = found + len(value)

    def _find_value_start(self, started: str) -> int:
        """Where a value beginning with ``started`` most likely is in the input, or -1.

        Values start where words start, and come in order: the first word-start occurrence after the last value wins,
        then one anywhere, then any occurrence at all (a one-letter start such as "k" occurs everywhere).
        """
        source = self._source
        fallback = -1
        for begin in (self._search_from, 0):
            position = source.find(started, begin)
            while position >= 0:
                if _starts_word(source, position):
                    return position
                if fallback < 0:
                    fallback = position
                position = source.find(started, position + 1)
        return fallback

    # -- proposing ------------------------------------------------------------------------------------------------

    def propose(self, limit: int) -> list[int]:
        """Up to ``limit`` tokens that likely come next (possibly none)."""
        if limit <= 0 or self._cursor.phase in ("done", "lost"):
            return []
        text = self.predicted_text()
        if not text:
            return []
        pending, _ = self._decoder.getstate()
        data = text.encode("utf-8")
        if pending:
            if not data.startswith(pending):
                return []
            data = data[len(pending) :]
        return self._as_tokens(data, limit)

    def predicted_text(self) -> str:
        """The likely continuation as text, up to the next point nothing here can predict (or ``max_chars``)."""
        cursor = copy.deepcopy(self._cursor)
        out: list[str] = []
        length = 0
        while length < self._max_chars:
            step = self._predict_step(cursor)
            if step is None:
                break
            out.append(step)
            length += len(step)
        return "".join(out)

    def _predict_step(self, cursor: _Cursor) -> str | None:
        """The next stretch of predicted text, moving ``cursor`` past it; None where prediction stops."""
        if cursor.phase == "after_item" and self._end_likely:
            cursor.phase = "done"
            return "]"
        cursor.leave_choice()  # otherwise guess another element rather than the end of the array
        if cursor.phase not in _PHASE_PARTS:
            return None
        part = cursor.part()
        if part is None:
            cursor.finish_phase()
            return ""
        if isinstance(part, _Literal):
            text = part.text[cursor.offset :]
            cursor.index, cursor.offset = cursor.index + 1, 0
            return text
        if isinstance(part, _Space):
            written, cursor.space = cursor.space, ""
            cursor.index += 1
            learned = self._spaces.get(part.slot, _DEFAULT_SPACES.get(part.slot, ""))
            return learned[len(written) :] if learned.startswith(written) else ""
        return self._predict_value(cursor, part)

    def _predict_value(self, cursor: _Cursor, part: _Value) -> str | None:
        if cursor.escaped or cursor.unicode_digits:
            return None
        opening = "" if cursor.in_string else '"'
        written = "".join(cursor.raw) if cursor.in_string else ""
        completion = self._complete_value(part.key, written, cursor.values)
        if completion is None:
            if opening:  # the opening quote is certain even when the value is not
                cursor.in_string, cursor.raw = True, []
                return opening
            return None
        cursor.values[part.key] = written + completion
        cursor.in_string, cursor.raw = False, []
        cursor.index += 1
        return opening + completion + '"'

    def _complete_value(self, key: str, written: str, values: dict[str, str]) -> str | None:
        """The rest of a string value (JSON-escaped) given its start, or None when it cannot be guessed."""
        if key == ORIGINAL_TEXT:
            return self._copy_from_source(written)
        if key == PRIVACY_TYPE:
            guess = self._hint_types.get(_unescape(values.get(ORIGINAL_TEXT, "")))
            if guess is not None and guess.startswith(written):
                return guess[len(written) :]
            return _complete_type(written)
        label = level_for_type(_unescape(values.get(PRIVACY_TYPE, ""))).label
        return label[len(written) :] if label.startswith(written) else None

    def _copy_from_source(self, written: str) -> str | None:
        """Prompt lookup at the text level: where the started value occurs in the input, and how it goes on there."""
        started = _unescape(written)
        if not started:
            return None
        found = self._find_value_start(started)
        if found < 0:
            return None
        written_end = found + len(started)
        hinted_end = self._hint_ends.get(found, -1)
        if hinted_end >= written_end:  # a span the rules recognise (an e-mail, an IBAN…) ends where they say
            rest = self._source[written_end:hinted_end]
        else:
            rest = _copied_span_rest(self._source, written_end, self._max_chars, past_commas="," in started)
        return json.dumps(rest, ensure_ascii=False)[1:-1]

    def _as_tokens(self, data: bytes, limit: int) -> list[int]:
        """The draft text as the tokenizer would spell it after the tokens already written.

        Tokenizing it alone could split differently where it joins the last token (BPE merges across the seam), so
        it is tokenized together with the last one to three tokens and used when those come out unchanged.
        """
        for back in range(1, min(3, len(self._tokens)) + 1):
            tail = b"".join(self._pieces[-back:])
            joined = tail + data
            if not _is_utf8(joined):
                continue
            tokens = self._tokenize(joined)
            if tokens[:back] == self._tokens[-back:]:
                return tokens[back : back + limit]
        return self._tokenize(data)[:limit] if _is_utf8(data) else []


def rules_span_hints(text: str) -> list[SpanHint]:
    """Spans of ``text`` the rules detector recognises, with their types: where copied values likely end.

    Only hints for drafting: the model's own choices are verified as always.
    """
    from app.core.detectors.rules import RulesDetector  # imported late: only drafting needs the rules here

    return [(finding.start, finding.end, finding.type) for finding in RulesDetector().detect(text)]


def _starts_word(text: str, position: int) -> bool:
    """A word starts here: at the text's start, after a non-word character, or at a character of an unspaced script."""
    if position == 0 or not text[position - 1].isalnum() or not text[position].isalnum():
        return True
    return not text[position].isascii() or not text[position - 1].isascii()


def _complete_type(written: str) -> str | None:
    if not written:
        return None
    for name in _KNOWN_TYPES:
        if name.startswith(written):
            return name[len(written) :]
    return None


def _copied_span_rest(source: str, start: int, max_chars: int, *, past_commas: bool = False) -> str:
    """The likely rest of a value copied from ``source`` at ``start``: up to punctuation, a line end or a few words.

    With ``past_commas`` (the value already went on past a comma: an address, a list) commas end nothing and each
    comma-separated part may have its few words.
    """
    end = start
    words = 0
    limit = min(len(source), start + max_chars)
    while end < limit:
        char = source[end]
        if char in _ALWAYS_BOUNDARY:
            break
        if past_commas and char == ",":
            words = 0
        elif char in _CLOSING_PUNCTUATION and (end + 1 == len(source) or source[end + 1].isspace()):
            break
        if char.isspace():
            words += 1
            if words >= MAX_COPIED_WORDS:
                break
        end += 1
    return source[start:end]


def _unescape(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
