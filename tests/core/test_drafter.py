"""The drafter's JSON state machine, without a model: any answer the grammar allows, fed token by token.

The drafter is pure Python (it is handed how tokens are spelled and how text is tokenized), so these tests give it a
byte-level vocabulary and check it against the answer grammar itself: `answer_grammar_text` is read into a regular
expression for whole answers and one for the prefixes of answers (the grammar has no recursion, so both exist).

The invariants, from `drafter.AnswerDrafter`:

- it follows every valid answer to its end: never "lost" on the way, "done" after the closing "]", and then it
  drafts nothing;
- what it predicts never leaves the grammar: the text written so far followed by the predicted text is the start of
  some valid answer. So where the grammar forces the answer's next character, the drafter predicts that character,
  and where it and the answer part ways the grammar allowed both — a free choice (spacing, a value, the level);
- the proposed tokens spell the start of the predicted text, after the bytes of a character already begun.

Values and input hold no DEL (U+007F): the drafter copies the input as `json.dumps` spells it, which leaves DEL raw
where the grammar wants it escaped. Such a draft costs one rejected batch row, never a different answer.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.detectors.model.answer_grammar import answer_grammar_text
from app.core.detectors.model.drafter import AnswerDrafter
from app.core.detectors.model.output import ANSWER_KEYS, ANSWER_LEVELS
from app.core.taxonomy import TYPE_ALIASES, TYPE_LEVELS
from tests.helpers.paths import REPO_ROOT

# -- the answer grammar as regular expressions ------------------------------------------------------------------------

_GBNF_TOKEN = re.compile(r'\s*("(?:\\.|[^"\\])*"|\[(?:\\.|[^\]\\])*\]|[A-Za-z_][\w-]*|\{\d+(?:,\d*)?\}|[()|*+?])')
Node = tuple
"""("lit", text) | ("cls", source) | ("ref", name) | ("seq", [nodes]) | ("alt", [nodes]) | ("rep", node, lo, hi)"""


class _GbnfReader:
    """Reads the subset of GBNF the answer grammar uses: literals, character classes, rule names, groups, ``|`` and
    the repetitions ``* + ? {m,n}``."""

    def __init__(self, body: str) -> None:
        self._tokens = _GBNF_TOKEN.findall(body)
        self._at = 0

    def alternatives(self) -> Node:
        options = [self._sequence()]
        while self._peek() == "|":
            self._at += 1
            options.append(self._sequence())
        return ("alt", options)

    def _sequence(self) -> Node:
        items = []
        while self._peek() not in (None, "|", ")"):
            items.append(self._repeated())
        return ("seq", items)

    def _repeated(self) -> Node:
        node = self._atom()
        while (token := self._peek()) is not None and (token in "*+?" or token.startswith("{")):
            self._at += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}.get(token) or _bounds(token)
            node = ("rep", node, low, high)
        return node

    def _atom(self) -> Node:
        token = self._tokens[self._at]
        self._at += 1
        if token == "(":
            node = self.alternatives()
            self._at += 1  # ")"
            return node
        if token.startswith('"'):
            return ("lit", token[1:-1].encode().decode("unicode_escape"))
        if token.startswith("["):
            return ("cls", token)
        return ("ref", token)

    def _peek(self) -> str | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None


def _bounds(token: str) -> tuple[int, int | None]:
    """``{m}``, ``{m,}`` or ``{m,n}``: the least and the most repetitions (None: no most)."""
    low, comma, high = token[1:-1].partition(",")
    if not comma:
        return int(low), int(low)
    return int(low), int(high) if high else None


@dataclass(frozen=True)
class _Grammar:
    rules: dict[str, Node]

    def full(self, node: Node) -> str:
        """A regular expression for the strings ``node`` matches."""
        kind = node[0]
        if kind == "lit":
            return re.escape(node[1])
        if kind == "cls":
            return node[1]
        if kind == "ref":
            return f"(?:{self.full(self.rules[node[1]])})"
        if kind == "seq":
            return "".join(f"(?:{self.full(item)})" for item in node[1])
        if kind == "alt":
            return "(?:" + "|".join(self.full(option) for option in node[1]) + ")"
        _, inner, low, high = node
        return f"(?:{self.full(inner)}){{{low},{'' if high is None else high}}}"

    def prefix(self, node: Node) -> str:
        """A regular expression for the starts (empty and whole included) of the strings ``node`` matches."""
        kind = node[0]
        if kind == "lit":
            return "(?:" + "|".join(re.escape(node[1][:end]) for end in range(len(node[1]) + 1)) + ")"
        if kind == "cls":
            return f"(?:{node[1]})?"
        if kind == "ref":
            return self.prefix(self.rules[node[1]])
        if kind == "seq":
            pattern = ""
            for item in reversed(node[1]):  # a start of the first item, or all of it and a start of the rest
                pattern = f"(?:{self.prefix(item)}|{self.full(item)}{pattern})" if pattern else self.prefix(item)
            return pattern
        if kind == "alt":
            return "(?:" + "|".join(self.prefix(option) for option in node[1]) + ")"
        _, inner, _low, high = node
        if high is None:
            return f"(?:{self.full(inner)})*{self.prefix(inner)}"
        if high == 0:
            return ""
        return f"(?:(?:{self.full(inner)}){{0,{high - 1}}}{self.prefix(inner)}|(?:{self.full(inner)}){{{high}}})"


def _answer_grammar() -> _Grammar:
    rules = {}
    for line in answer_grammar_text().splitlines():
        if line.strip():
            name, _, body = line.partition("::=")
            rules[name.strip()] = _GbnfReader(body).alternatives()
    return _Grammar(rules)


_GRAMMAR = _answer_grammar()
VALID_ANSWER = re.compile(_GRAMMAR.full(_GRAMMAR.rules["root"]), re.DOTALL)
ANSWER_START = re.compile(_GRAMMAR.prefix(_GRAMMAR.rules["root"]), re.DOTALL)


def test_the_grammar_reading_tells_answers_and_their_starts_from_other_text() -> None:
    answer = '[\n  {"original_text": "a\\"b\\u00e9", "privacy_type":"Email" , "privacy_level": "PL2"}\n]'
    assert VALID_ANSWER.fullmatch(answer) and VALID_ANSWER.fullmatch("[]")
    assert all(ANSWER_START.fullmatch(answer[:end]) for end in range(len(answer) + 1))
    for wrong in ('[{"original_text":"a"}]', '[{"original_text": "x", "privacy_type": "T", "privacy_level": "PL5"}]'):
        assert not VALID_ANSWER.fullmatch(wrong)
    for wrong_start in ("x", "[,", '[{"privacy_type"', '[{"original_text": "\n', "[] ", "[\n\n\n"):
        assert not ANSWER_START.fullmatch(wrong_start)


# -- answers the grammar allows ---------------------------------------------------------------------------------------

_SPACE_SLOTS = ("after_bracket", "after_brace", "before_colon", "after_colon", "after_value", "after_comma",
                "before_brace", "after_item", "between_items")  # fmt: skip
SPACES = st.sampled_from(["", " "]) | st.builds(
    lambda newlines, indent: "\n" * newlines + indent, st.integers(1, 2), st.text(alphabet=" \t", max_size=20)
)
# Any character but surrogates (not text) and DEL (see the module doc); controls, quotes and backslashes included.
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x7f")
VALUE_TEXT = st.text(CHARACTERS, max_size=16) | st.sampled_from(["Alice Wong", "a/b", 'say "hi"', "张伟", "x\\y"])
TYPE_NAMES = st.sampled_from([*TYPE_LEVELS, *TYPE_ALIASES]) | VALUE_TEXT


def _spelled(value: str, style: str) -> str:
    """``value`` as a JSON string body, in one of the spellings the grammar allows."""
    if style == "unicode":  # every character escaped: \\u00e9, surrogate pairs for characters beyond the BMP
        units = value.encode("utf-16-be")
        return "".join(f"\\u{units[at]:02x}{units[at + 1]:02x}" for at in range(0, len(units), 2))
    body = json.dumps(value, ensure_ascii=style == "ascii")[1:-1].replace("\x7f", "\\u007f")
    return body.replace("/", "\\/") if style == "slashes" else body


@dataclass(frozen=True)
class _Case:
    source: str
    answer: str
    chunk_sizes: list[int]  # how the answer's bytes are cut into tokens, in turn


@st.composite
def cases(draw: st.DrawFn) -> _Case:
    """A valid answer about an input that holds most of its values, spaced and escaped as the grammar allows."""
    house_style = {slot: draw(SPACES) for slot in _SPACE_SLOTS}  # a model tends to space alike; sometimes not

    def space(slot: str) -> str:
        return house_style[slot] if draw(st.booleans()) else draw(SPACES)

    def string(value: str) -> str:
        return '"' + _spelled(value, draw(st.sampled_from(["plain", "ascii", "unicode", "slashes"]))) + '"'

    values = draw(st.lists(st.tuples(VALUE_TEXT, TYPE_NAMES, st.sampled_from(ANSWER_LEVELS)), max_size=4))
    source_parts = []
    items = []
    for original, kind, level in values:
        if draw(st.booleans()) or not original:
            source_parts.append(draw(st.text(CHARACTERS, max_size=8)))
        source_parts.append(original)
        fields = [(ANSWER_KEYS[0], string(original)), (ANSWER_KEYS[1], string(kind)), (ANSWER_KEYS[2], f'"{level}"')]
        item = "{" + space("after_brace")
        for number, (key, value) in enumerate(fields):
            item += f'"{key}"' + space("before_colon") + ":" + space("after_colon") + value
            item += space("before_brace") if number == 2 else space("after_value") + "," + space("after_comma")
        items.append(item + "}")
    source_parts.append(draw(st.text(CHARACTERS, max_size=8)))
    if items:
        between = [space("after_item") + "," + space("between_items") for _ in items[1:]]
        body = "".join(item + separator for item, separator in zip(items, [*between, ""], strict=False)) + space(
            "after_item"
        )
        answer = "[" + space("after_bracket") + body + "]"
    else:
        answer = "[" + space("after_bracket") + "]"
    chunk_sizes = draw(st.lists(st.integers(1, 8), min_size=1, max_size=6))
    return _Case("".join(source_parts), answer, chunk_sizes)


class _ByteVocabulary:
    """A stand-in tokenizer: each byte is a token (ids 0–255); the test's longer pieces get further ids."""

    def __init__(self) -> None:
        self._pieces = [bytes([byte]) for byte in range(256)]
        self._ids = {piece: token for token, piece in enumerate(self._pieces)}

    def token(self, piece: bytes) -> int:
        if piece not in self._ids:
            self._ids[piece] = len(self._pieces)
            self._pieces.append(piece)
        return self._ids[piece]

    def piece(self, token: int) -> bytes:
        return self._pieces[token]

    def tokenize(self, data: bytes) -> list[int]:
        return list(data)


def _cut(data: bytes, sizes: list[int]) -> Iterator[bytes]:
    start = turn = 0
    while start < len(data):
        end = start + sizes[turn % len(sizes)]
        yield data[start:end]
        start, turn = end, turn + 1


# -- the drafter on them ----------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_the_drafter_follows_any_valid_answer_and_never_drafts_outside_the_grammar(case: _Case) -> None:
    assert VALID_ANSWER.fullmatch(case.answer)  # the strategy writes only what the grammar allows
    vocabulary = _ByteVocabulary()
    drafter = AnswerDrafter(source_text=case.source, piece=vocabulary.piece, tokenize=vocabulary.tokenize)
    data = case.answer.encode()
    written = b""
    for piece in _cut(data, case.chunk_sizes):
        drafter.push(vocabulary.token(piece))
        written += piece
        text = written.decode("utf-8", errors="ignore")  # a character cut in two is not read yet
        begun = written[len(text.encode()) :]
        predicted = drafter.predicted_text()  # it starts with the character begun, if any
        assert drafter.phase != "lost"
        assert ANSWER_START.fullmatch(text + predicted), "the drafter predicted what the grammar refuses"
        proposal = drafter.propose(8)
        assert len(proposal) <= 8
        if proposal:
            assert predicted.encode().startswith(begun + b"".join(vocabulary.piece(token) for token in proposal))
    assert drafter.phase == "done"
    assert drafter.predicted_text() == "" and drafter.propose(8) == []


def test_the_drafter_needs_neither_llama_cpp_nor_numpy() -> None:
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, app.core.detectors.model.drafter; print(*sys.modules)"],
        capture_output=True, text=True, check=True, cwd=REPO_ROOT,
    )  # fmt: skip
    modules = set(imported.stdout.split())
    assert "app.core.detectors.model.drafter" in modules
    assert not {"llama_cpp", "numpy"} & modules
