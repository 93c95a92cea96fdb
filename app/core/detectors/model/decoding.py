"""Writing the model's answer fast: many answer tokens per model step, with the same tokens plain decoding gives.

Why: on a laptop CPU one model step (a `llama_decode` of one token) of the 4B model costs a few hundred milliseconds
and the schema grammar adds ~20–35 ms per token over Qwen's 151k-token vocabulary, yet most answer tokens are
predictable: JSON keys, quotes and commas are fixed by the schema, ``original_text`` is copied from the input, type
names come from the taxonomy and the level from the type table. A batch of ten tokens costs far less than ten steps.

How — speculative decoding with a deterministic drafter and greedy verification:

1. `AnswerDrafter` follows the answer's JSON shape as it is written and proposes how it goes on, as text: the rest of
   the structure up to the next free choice, a value's continuation copied from the input (prompt lookup at the text
   level, so a value's first token need not match how the input was tokenized), the rest of a known type name, the
   table's level. The text becomes tokens the way the tokenizer would spell the whole answer.
2. The last chosen token and the drafted tokens are evaluated in one batch, with logits for every row.
3. Row by row, the greedy choice under the grammar is computed (`greedy_choice`: llama.cpp's own grammar sampler,
   asked about the few best candidates instead of the whole vocabulary). Drafted tokens are kept while they equal the
   choice; the first choice that differs is kept as well (it is what plain decoding picks there) and the rest of the
   batch is dropped from the KV cache.

So every kept token is the token that plain greedy decoding under the same grammar (`PlainDecoder`, which is what
`Llama.create_completion(grammar=..., temperature=0)` does) picks after the same tokens. One caveat, inherent to
batching in llama.cpp: logits of a row evaluated in a batch can differ in the last bits from the same row evaluated
alone, so two candidates within rounding of each other could be ordered differently. The equivalence tests compare
both decoders on a fixed English and Chinese corpus with a real model.

Both decoders own the generation loop, mirroring `Llama.generate` and `Llama.eval` of llama-cpp-python 0.3.36 (the
project pins it): the KV prefix the `Llama` still holds is reused, ``input_ids``/``n_tokens`` stay in step with the
KV cache, so `Llama.generate` and the next call still see a consistent state.

``steering`` exists for benchmarks on random-weight stand-in models, whose greedy answer is gibberish: it names a
token whose logit is raised above all others before each choice, so both decoders write a known answer with the
model's real costs. The app never sets it.

Nothing here logs, prints or keeps the prompt, the input or the answer beyond the call.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import ctypes
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import llama_cpp
import numpy as np

from app.core.detectors.model.output import ORIGINAL_TEXT, PRIVACY_LEVEL, PRIVACY_TYPE
from app.core.errors import Cancelled, ModelError
from app.core.taxonomy import TYPE_ALIASES, TYPE_LEVELS, level_for_type

# Batches of up to 48 rows. llama.cpp's CPU kernels are cheapest per row at multiples of 16 rows: on the 4B stand-in
# 32 rows cost 2.94 s and 33 rows 3.43 s, so a cap just past a multiple of 16 (32 drafts: 33 rows) wasted a block.
DEFAULT_MAX_DRAFT_TOKENS = 47
# Below this logit margin between the best and the next allowed token, a batch row's choice is checked by evaluating
# that row alone, as plain decoding does. With flash attention, batch rows differ from single tokens by at most
# ~1e-7 relative (K-quant kernels) or not at all (Q8_0, Q4_1): 0.1 covers that at almost no cost. Without it the
# attention rounds differently by up to ~1 logit and no margin restores identical answers (see `ModelDetector`).
DEFAULT_TIE_MARGIN = 0.1
# Candidate widths tried before asking the grammar about the whole vocabulary (which costs tens of milliseconds).
_CANDIDATE_WIDTHS = (32, 1024)
STEERING_MARGIN = 10.0  # well above `DEFAULT_TIE_MARGIN`: a steered choice is never a close call
_TOKEN_DATA = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
_NO_ABORT = llama_cpp.ggml_abort_callback()  # a NULL callback: llama.cpp then never aborts


SpanHint = tuple[int, int, str]
"""A span of the input (start, end) likely to be a whole value, and its likely type."""


class Steering(Protocol):
    """Names the token to favour after ``answer`` (the answer tokens so far) to an answer about ``source_text``, or
    None to leave the logits alone."""

    def __call__(self, answer: Sequence[int], source_text: str) -> int | None: ...


class FixedAnswer:
    """`Steering` toward a known token sequence (then the end token): random-weight stand-ins then write it.

    Once the answer leaves the sequence it steers no more. For benchmarks and tests only.
    """

    def __init__(self, tokens: Sequence[int], end_token: int) -> None:
        self.tokens = list(tokens)
        self.end_token = end_token

    def __call__(self, answer: Sequence[int], source_text: str = "") -> int | None:
        position = len(answer)
        if position > len(self.tokens) or list(answer) != self.tokens[:position]:
            return None
        return self.tokens[position] if position < len(self.tokens) else self.end_token


@dataclass
class DecodedAnswer:
    """One answer and what it cost — token ids and counts, which the caller must not log (the ids spell the answer)."""

    tokens: list[int]
    text: str
    finish_reason: str  # "stop": the model ended it; "length": cut at the token limit
    prompt_tokens: int
    prompt_tokens_cached: int
    prompt_eval_seconds: float
    generation_seconds: float
    model_steps: int = 0  # llama_decode calls while answering (after the prompt)
    drafted_tokens: int = 0
    accepted_draft_tokens: int = 0


# ---------------------------------------------------------------------------------------------------------------------
# The grammar, asked about a few tokens at a time


class GrammarGate:
    """llama.cpp's grammar sampler for one answer: which tokens the grammar allows now, and advancing it by one.

    It is the same sampler `Llama.create_completion(grammar=...)` builds (`llama_sampler_init_grammar` with the
    grammar's text and root), so "allowed" means exactly what it means there. Asking about 30 tokens costs
    microseconds; asking about the whole vocabulary is what plain decoding pays on every token.
    """

    def __init__(self, llama: llama_cpp.Llama, grammar: llama_cpp.LlamaGrammar) -> None:
        sampler = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not sampler:
            raise ModelError("llama.cpp could not build the answer grammar.")
        self._sampler = sampler
        self.n_vocab = llama.n_vocab()
        self.all_tokens = np.arange(self.n_vocab, dtype=np.intc)
        self._data = np.zeros(self.n_vocab, dtype=_TOKEN_DATA)
        self._array = llama_cpp.llama_token_data_array(
            data=self._data.ctypes.data_as(llama_cpp.llama_token_data_p), size=0, selected=-1, sorted=False
        )

    def allowed(self, tokens: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """A mask over ``tokens``: True where the grammar accepts the token next (the grammar sets others to -inf)."""
        count = len(tokens)
        self._data["id"][:count] = tokens
        self._data["logit"][:count] = 0.0
        self._array.size = count
        self._array.selected = -1
        self._array.sorted = False
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(self._array))
        return np.isfinite(self._data["logit"][:count])

    def allows(self, token: int) -> bool:
        return bool(self.allowed(np.array([token], dtype=np.intc))[0])

    def accept(self, token: int) -> None:
        """Advance the grammar by ``token``, which must be allowed (llama.cpp aborts the process on a rejected one)."""
        llama_cpp.llama_sampler_accept(self._sampler, token)

    def close(self) -> None:
        if self._sampler:
            llama_cpp.llama_sampler_free(self._sampler)
            self._sampler = None


def greedy_choice(logits: np.ndarray[Any, Any], gate: GrammarGate) -> int:
    """The token plain greedy decoding under the grammar picks: the highest logit among allowed tokens, lowest id on ties.

    That is llama.cpp's chain of grammar sampler (rejected tokens get -inf) and greedy sampler (the first maximum in
    id order). The grammar is asked about the best candidates first and about the whole vocabulary only when none of
    them is allowed; candidates are always a whole leading run of the order (-logit, id), ties at its end included,
    so the first allowed one is the answer.
    """
    best = int(np.argmax(logits))
    if gate.allows(best):
        return best
    for width in _CANDIDATE_WIDTHS:
        candidates = _leading_candidates(logits, width)
        allowed = gate.allowed(candidates)
        if allowed.any():
            return int(candidates[int(np.argmax(allowed))])
    allowed = gate.allowed(gate.all_tokens)
    if not allowed.any():
        raise ModelError("The answer grammar allows no token; the model's answer cannot go on.")
    return int(np.argmax(np.where(allowed, logits, -np.inf)))


def choice_margin(logits: np.ndarray[Any, Any], gate: GrammarGate, choice: int) -> float:
    """How far the chosen token's logit lies above the best other token the grammar allows now.

    Looks among the 8 best candidates; when none of them is allowed, the gap to the 8th is a lower bound.
    """
    candidates = _leading_candidates(logits, 8)
    others = candidates[candidates != choice]
    if others.size == 0:
        return float("inf")
    allowed = gate.allowed(others)
    runner_up = others[int(np.argmax(allowed))] if allowed.any() else others[-1]
    return float(logits[choice] - logits[runner_up])


def _leading_candidates(logits: np.ndarray[Any, Any], width: int) -> np.ndarray[Any, Any]:
    """At least ``width`` tokens with the highest logits (all ties of the lowest one included), best first."""
    width = min(width, len(logits))
    threshold = logits[np.argpartition(logits, -width)[-width:]].min()
    candidates = np.flatnonzero(logits >= threshold)
    order = np.lexsort((candidates, -logits[candidates]))
    return candidates[order].astype(np.intc)


# ---------------------------------------------------------------------------------------------------------------------
# The drafter: the answer's shape, copied values, known types


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
_JSON_WHITESPACE = frozenset(" \t\n\r")
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

    phase: str = "opening"  # opening | choice | item | after_item | separator | closing | lost
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
        while cursor.phase not in ("closing", "lost"):
            if cursor.phase in ("choice", "after_item"):
                if char == "]":
                    cursor.phase = "closing"
                    return
                cursor.leave_choice()
            part = cursor.part()
            if part is None:
                cursor.finish_phase()
            elif isinstance(part, _Space):
                if char in _JSON_WHITESPACE:
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
        if limit <= 0 or self._cursor.phase in ("closing", "lost"):
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
            cursor.phase = "closing"
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


# ---------------------------------------------------------------------------------------------------------------------
# The decoders


class AnswerDecoder:
    """Shared plumbing: prompt evaluation with KV prefix reuse, cancelling, timing, the `Llama`'s bookkeeping.

    One decoder per `Llama`; like the `Llama`, it is used from one thread only.
    """

    def __init__(
        self, llama: llama_cpp.Llama, grammar: llama_cpp.LlamaGrammar | None, *, steering: Steering | None = None
    ) -> None:
        self._llama = llama
        self._grammar = grammar
        self.steering = steering
        self._source_text = ""
        self._text_sink: _AnswerTextSink | None = None

    def decode(
        self,
        prompt_tokens: Sequence[int],
        *,
        max_new_tokens: int,
        source_text: str = "",
        cancel: threading.Event | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> DecodedAnswer:
        """Greedy answer to ``prompt_tokens`` under the grammar, of at most ``max_new_tokens`` tokens.

        ``on_text`` receives the answer's text as it grows: after each model step, the text of the tokens accepted
        in that step (pieces joined give the whole answer; a character split across tokens waits for its end).
        Raises `Cancelled` when ``cancel`` is set (llama.cpp also stops inside a long evaluation) and `ModelError`
        when llama.cpp fails; neither message quotes the text.
        """
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        started = time.perf_counter()
        self._source_text = source_text
        self._text_sink = None if on_text is None else _AnswerTextSink(self._llama, on_text)
        try:
            with abort_when_cancelled(self._llama, cancel):
                cached = self._evaluate_prompt(prompt_tokens)
                prompt_seconds = time.perf_counter() - started
                answer = self._answer(prompt_tokens, max_new_tokens, source_text, cancel)
                self._step_done(answer.tokens, None)
        except (RuntimeError, ValueError):
            # An abort surfaces as a failed decode. llama.cpp errors can quote the input: never chain them.
            if cancel is not None and cancel.is_set():
                raise Cancelled() from None
            raise ModelError("The model failed while reading the text or writing its answer.") from None
        finally:
            self._source_text = ""  # keep no user text beyond the call
            self._text_sink = None
        answer.prompt_tokens = len(prompt_tokens)
        answer.prompt_tokens_cached = cached
        answer.prompt_eval_seconds = prompt_seconds
        answer.generation_seconds = time.perf_counter() - started - prompt_seconds
        answer.text = self._llama.detokenize(answer.tokens, prev_tokens=list(prompt_tokens)).decode(
            "utf-8", errors="ignore"
        )
        return answer

    def _answer(
        self, prompt_tokens: Sequence[int], max_new_tokens: int, source_text: str, cancel: threading.Event | None
    ) -> DecodedAnswer:
        raise NotImplementedError

    # -- prompt ---------------------------------------------------------------------------------------------------

    def _evaluate_prompt(self, prompt_tokens: Sequence[int]) -> int:
        """Evaluate what llama.cpp does not already hold of the prompt; return how many tokens were reused.

        As `Llama.generate` does: keep the longest common prefix of the held tokens and the prompt (at least the last
        prompt token is evaluated again, for its logits), drop the rest from the KV cache, evaluate the remainder.
        """
        llama = self._llama
        if len(prompt_tokens) >= llama.n_ctx():
            raise ModelError("The prompt does not fit into the model's context window; raise n_ctx.")
        reused = min(common_prefix_length(llama.input_ids[: llama.n_tokens], prompt_tokens), len(prompt_tokens) - 1)
        if reused > 0 and llama._ctx.kv_cache_seq_rm(-1, reused, -1):
            llama.n_tokens = reused
        else:
            reused = 0
            llama.reset()
        llama._requires_eval = True
        llama.eval(list(prompt_tokens[reused:]))
        return reused

    # -- llama.cpp plumbing ---------------------------------------------------------------------------------------

    def _evaluate_rows(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` in one batch with logits for every row, as `Llama.eval` does with ``logits_all``.

        `Llama.eval` itself cannot be used: it would copy every row's logits into ``Llama.scores``, which is only
        ``n_batch`` rows long unless the whole context was made with ``logits_all`` (151k floats per token).
        """
        llama = self._llama
        if len(tokens) > llama.n_batch or llama.n_tokens + len(tokens) > llama.n_ctx():
            raise ModelError("The model's answer does not fit into its context window; raise n_ctx.")
        llama._ctx.kv_cache_seq_rm(-1, llama.n_tokens, -1)
        llama._batch.set_batch(batch=list(tokens), n_past=llama.n_tokens, logits_all=True)
        llama._ctx.decode(llama._batch)
        llama.input_ids[llama.n_tokens : llama.n_tokens + len(tokens)] = tokens
        llama.n_tokens += len(tokens)
        llama._requires_eval = False

    def _logits(self, row: int) -> np.ndarray[Any, Any]:
        """The logits of one output row of the last batch (-1: the last), as a writable view into llama.cpp's buffer."""
        pointer = llama_cpp.llama_get_logits_ith(self._llama.ctx, row)
        if not pointer:
            raise ModelError("llama.cpp returned no logits.")
        return np.ctypeslib.as_array(pointer, shape=(self._llama.n_vocab(),))

    def _steer(self, logits: np.ndarray[Any, Any], answer: Sequence[int]) -> None:
        if self.steering is None:
            return
        target = self.steering(answer, self._source_text)
        if target is not None:
            logits[target] = float(np.max(logits)) + STEERING_MARGIN

    def _truncate(self, n_tokens: int) -> None:
        """Forget evaluated tokens from ``n_tokens`` on (rejected draft rows)."""
        llama = self._llama
        if n_tokens < llama.n_tokens:
            llama._ctx.kv_cache_seq_rm(-1, n_tokens, -1)
            llama.n_tokens = n_tokens
            llama._requires_eval = True

    def _step_done(self, tokens: Sequence[int], cancel: threading.Event | None) -> None:
        """After each model step: hand the newly accepted answer text on, then stop if cancelled."""
        if self._text_sink is not None:
            self._text_sink.catch_up(tokens)
        _check(cancel)

    def is_end(self, token: int) -> bool:
        """An end-of-generation token (``<|im_end|>`` and the like): the answer is complete."""
        return bool(llama_cpp.llama_vocab_is_eog(self._llama._model.vocab, token))


@contextlib.contextmanager
def abort_when_cancelled(llama: llama_cpp.Llama, cancel: threading.Event | None) -> Iterator[None]:
    """Let llama.cpp stop a running evaluation when ``cancel`` is set: a long prompt takes minutes on a CPU."""
    if cancel is None:
        yield
        return
    callback = llama_cpp.ggml_abort_callback(lambda _data: cancel.is_set())
    llama_cpp.llama_set_abort_callback(llama.ctx, callback, None)  # llama.cpp keeps a raw pointer: `callback` lives on
    try:
        yield
    finally:
        llama_cpp.llama_set_abort_callback(llama.ctx, _NO_ABORT, None)


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class _AnswerTextSink:
    """Turns the growing list of answer tokens into text pieces for a listener (`AnswerDecoder.decode`'s ``on_text``).

    Token pieces are bytes; a UTF-8 character can span two tokens, so an incremental decoder holds a partial one back.
    """

    def __init__(self, llama: llama_cpp.Llama, listener: Callable[[str], None]) -> None:
        self._llama = llama
        self._listener = listener
        self._sent = 0
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="ignore")

    def catch_up(self, tokens: Sequence[int]) -> None:
        new = tokens[self._sent :]
        self._sent = len(tokens)
        text = self._utf8.decode(b"".join(token_piece(self._llama, token) for token in new))
        if text:
            self._listener(text)


class PlainDecoder(AnswerDecoder):
    """The reference: one token per model step, sampled by llama.cpp's sampler chain with the whole-vocabulary grammar.

    The chain is built by `Llama._init_sampler` with the arguments `ModelDetector` used to give
    `Llama.create_completion` (temperature 0, no repeat penalty, the grammar): the same tokens, the same costs.
    """

    def _answer(
        self, prompt_tokens: Sequence[int], max_new_tokens: int, source_text: str, cancel: threading.Event | None
    ) -> DecodedAnswer:
        llama = self._llama
        sampler = llama._init_sampler(temp=0.0, repeat_penalty=1.0, grammar=self._grammar)
        tokens: list[int] = []
        answer = DecodedAnswer(tokens, "", "length", 0, 0, 0.0, 0.0)
        try:
            while True:
                self._steer(self._logits(-1), tokens)
                token = sampler.sample(llama._ctx, -1)
                if self.is_end(token):
                    answer.finish_reason = "stop"
                    return answer
                tokens.append(token)
                if len(tokens) >= max_new_tokens:
                    return answer
                self._step_done(tokens, cancel)
                self._evaluate_rows([token])
                answer.model_steps += 1
        finally:
            sampler.close()


class DraftingDecoder(AnswerDecoder):
    """Greedy decoding that drafts the answer's predictable tokens and verifies them in one batch per model step."""

    def __init__(
        self,
        llama: llama_cpp.Llama,
        grammar: llama_cpp.LlamaGrammar,
        *,
        steering: Steering | None = None,
        max_draft_tokens: int = DEFAULT_MAX_DRAFT_TOKENS,
        span_hints: Callable[[str], Sequence[SpanHint]] | None = rules_span_hints,
        tie_margin: float = DEFAULT_TIE_MARGIN,
    ) -> None:
        super().__init__(llama, grammar, steering=steering)
        self.max_draft_tokens = max_draft_tokens
        self._span_hints = span_hints
        self.tie_margin = tie_margin
        self._pieces: dict[int, bytes] = {}

    def _answer(
        self, prompt_tokens: Sequence[int], max_new_tokens: int, source_text: str, cancel: threading.Event | None
    ) -> DecodedAnswer:
        hints = self._span_hints(source_text) if self._span_hints is not None and source_text else ()
        drafter = AnswerDrafter(source_text=source_text, piece=self._piece, tokenize=self._tokenize_plain, hints=hints)
        tokens: list[int] = []
        answer = DecodedAnswer(tokens, "", "length", 0, 0, 0.0, 0.0)
        gate = GrammarGate(self._llama, self._grammar)
        try:
            choice = self._choose(self._logits(-1), tokens, gate)
            while True:
                if self.is_end(choice):
                    answer.finish_reason = "stop"
                    return answer
                self._take(choice, tokens, gate, drafter)
                if len(tokens) >= max_new_tokens:
                    return answer
                self._step_done(tokens, cancel)
                room = min(
                    self.max_draft_tokens,
                    max_new_tokens - len(tokens) - 1,
                    self._llama.n_ctx() - self._llama.n_tokens - 2,
                    self._llama.n_batch - 1,
                )
                draft = drafter.propose(room)
                batch = [choice, *draft]
                start = self._llama.n_tokens
                self._evaluate_rows(batch)
                answer.model_steps += 1
                answer.drafted_tokens += len(draft)
                verdict = self._verify(draft, tokens, gate, drafter, max_new_tokens)
                answer.accepted_draft_tokens += verdict.accepted
                if verdict.close_call:
                    choice = self._recheck_alone(batch[verdict.accepted], start + verdict.accepted, tokens, gate)
                    answer.model_steps += 1
                    continue
                self._truncate(start + 1 + verdict.accepted)
                if verdict.choice is None:  # the token limit was reached inside the draft
                    return answer
                choice = verdict.choice
        finally:
            gate.close()

    def _verify(
        self,
        draft: Sequence[int],
        tokens: list[int],
        gate: GrammarGate,
        drafter: AnswerDrafter,
        max_new_tokens: int,
    ) -> _Verdict:
        """Keep drafted tokens while each is the greedy choice; say what comes next and how many were kept.

        A row whose choice wins by less than ``tie_margin`` is a close call: its choice is left to `_recheck_alone`.
        """
        for row in range(len(draft) + 1):
            logits = self._logits(row)
            choice = self._choose(logits, tokens, gate)
            if self.tie_margin > 0 and choice_margin(logits, gate, choice) < self.tie_margin:
                return _Verdict(None, row, close_call=True)
            if row < len(draft) and choice != draft[row]:
                drafter.refused(draft[row], choice)
            if row == len(draft) or choice != draft[row] or self.is_end(choice):
                return _Verdict(choice, row)
            self._take(choice, tokens, gate, drafter)
            if len(tokens) >= max_new_tokens:
                return _Verdict(None, row + 1)
        raise AssertionError("unreachable")

    def _recheck_alone(self, token: int, position: int, tokens: list[int], gate: GrammarGate) -> int:
        """Evaluate ``token`` (at ``position``) alone and choose from its logits, as plain decoding would."""
        self._truncate(position)
        self._evaluate_rows([token])
        return self._choose(self._logits(-1), tokens, gate)

    def _choose(self, logits: np.ndarray[Any, Any], tokens: Sequence[int], gate: GrammarGate) -> int:
        self._steer(logits, tokens)
        return greedy_choice(logits, gate)

    @staticmethod
    def _take(token: int, tokens: list[int], gate: GrammarGate, drafter: AnswerDrafter) -> None:
        tokens.append(token)
        gate.accept(token)
        drafter.push(token)

    def _piece(self, token: int) -> bytes:
        piece = self._pieces.get(token)
        if piece is None:
            piece = self._pieces[token] = token_piece(self._llama, token)
        return piece

    def _tokenize_plain(self, data: bytes) -> list[int]:
        return self._llama.tokenize(data, add_bos=False, special=False)


@dataclass(frozen=True, slots=True)
class _Verdict:
    """How a batch went: the next choice (None: stop, or a close call), drafted tokens kept, and whether the last
    row was too close to call from a batch."""

    choice: int | None
    accepted: int
    close_call: bool = False


def token_piece(llama: llama_cpp.Llama, token: int) -> bytes:
    """The bytes a token stands for (control tokens: none).

    Not `LlamaModel.token_to_piece`: in 0.3.36 it returns its whole 32-byte buffer, NUL padding included.
    """
    size = 64
    while True:
        buffer = ctypes.create_string_buffer(size)
        length = llama_cpp.llama_token_to_piece(llama._model.vocab, token, buffer, size, 0, False)
        if length >= 0:
            return buffer.raw[:length]
        size = -length


CALIBRATION_ROWS = 6
# Drafting keeps plain decoding's answers only where batch rows round like single tokens; beyond this much noise (in
# logits) a close call re-checked alone still sits on batch-made history, so "auto" decoding stays plain. Measured
# without flash attention: the 4B-shaped Q4_K_M stand-in 0.31 at a 3k-token prefix (0.05 for the 0.6B shape), SmolLM2
# Q4_1 0.65 — where drafting still gave the same findings as plain decoding on all 9 texts of the equivalence corpus
# but different tokens in 2–3 of them. 0.5 lets the 4B draft and keeps SmolLM2's rounding on the plain side.
MAX_NOISE_FOR_DRAFTING = 0.5


def measure_batch_noise(llama: llama_cpp.Llama, context: Sequence[int], rows: int = CALIBRATION_ROWS) -> float:
    """How far llama.cpp's logits for the same tokens differ between one batch and one token at a time.

    It depends on the weights' quantization, the attention kernel (flash attention or not) and the backend, so it is
    measured, on the last ``rows`` tokens of ``context`` (the fixed prompt prefix: no user data). The model holds all
    of ``context`` afterwards. Costs ``rows`` single steps and one batch, once per loaded model.
    """
    rows = max(1, min(rows, len(context) - 1))
    probe = AnswerDecoder(llama, None)
    head, tail = list(context[:-rows]), list(context[-rows:])
    if common_prefix_length(llama.input_ids[: llama.n_tokens], head) < len(head) or llama.n_tokens < len(head):
        llama.reset()
        llama._ctx.kv_cache_clear()
        llama.eval(head)
    probe._truncate(len(head))
    probe._evaluate_rows(tail)
    batched = [probe._logits(row).copy() for row in range(rows)]
    probe._truncate(len(head))
    noise = 0.0
    for row, token in enumerate(tail):
        probe._evaluate_rows([token])
        noise = max(noise, float(np.max(np.abs(probe._logits(-1) - batched[row]))))
    return noise


def common_prefix_length(first: Sequence[int], second: Sequence[int]) -> int:
    """How many leading tokens two sequences share (vectorised: prompts are thousands of tokens)."""
    count = min(len(first), len(second))
    if count == 0:
        return 0
    differs = np.flatnonzero(np.asarray(first[:count]) != np.asarray(second[:count]))
    return int(differs[0]) if differs.size else count
