"""The incremental answer parser agrees with the whole-answer parser, however the answer is spaced or split."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.core.detectors.model.answer_stream import AnswerStream
from app.core.detectors.model.output import parse_model_output
from app.core.taxonomy import Level

LEVELS = st.sampled_from(["PL2", "PL3", "PL4", "PL1", "", "high"])
TYPES = st.sampled_from(
    ["Email", "Real Name", "Password", "Third-Party Identifiable Info", "<b>Token</b>", "", "自定义"]
)
TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["dana@example.org", ' quoted "x" ', "back\\slash", "}]{[", "张伟", "  "]
)
WELL_FORMED = st.fixed_dictionaries({"original_text": TEXTS, "privacy_type": TYPES, "privacy_level": LEVELS})
ODD_ELEMENTS = (
    st.dictionaries(st.sampled_from(["original_text", "privacy_type", "extra"]), st.integers() | TEXTS, max_size=3)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
    | TEXTS
    | st.lists(st.integers(), max_size=3)
    | st.fixed_dictionaries({"original_text": TEXTS, "privacy_type": TYPES, "nested": st.lists(TEXTS, max_size=2)})
)
ELEMENTS = st.lists(WELL_FORMED | ODD_ELEMENTS, max_size=8)
WHITESPACE = st.text(alphabet=" \t\n\r", max_size=3)


def _layouts(draw: st.DrawFn, elements: list[object]) -> str:
    """The answer as compact JSON, ``indent=2`` JSON or with random JSON whitespace between every pair of tokens."""
    style = draw(st.sampled_from(["compact", "indent", "random"]))
    ascii_only = draw(st.booleans())
    if style == "compact":
        return json.dumps(elements, separators=(",", ":"), ensure_ascii=ascii_only)
    if style == "indent":
        return json.dumps(elements, indent=2, ensure_ascii=ascii_only)
    gap, around = draw(WHITESPACE), draw(WHITESPACE)
    text = json.dumps(
        elements,
        indent="\n" + draw(WHITESPACE) if draw(st.booleans()) else None,
        separators=(around + "," + gap, around + ":" + gap),
        ensure_ascii=ascii_only,
    )
    return draw(WHITESPACE) + text + draw(WHITESPACE)


@st.composite
def answers(draw: st.DrawFn) -> str:
    return _layouts(draw, draw(ELEMENTS))


def _split(text: str, cuts: list[int]) -> list[str]:
    points = sorted({min(cut, len(text)) for cut in cuts})
    return [text[start:end] for start, end in zip([0, *points], [*points, len(text)], strict=True)]


@given(answers(), st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_streamed_items_equal_the_whole_answers_items(answer: str, cuts: list[int]) -> None:
    stream = AnswerStream()
    streamed = [item for piece in _split(answer, cuts) for item in stream.feed(piece)]
    parsed = parse_model_output(answer)
    assert streamed == list(parsed.items)
    assert (stream.returned, stream.malformed) == (parsed.returned, parsed.malformed)
    assert stream.complete and not stream.broken


@given(st.lists(WELL_FORMED, min_size=1, max_size=5), st.sampled_from([None, 2]))
def test_each_item_arrives_exactly_when_its_object_closes(elements: list[dict[str, str]], indent: int | None) -> None:
    answer = json.dumps(elements, indent=indent)
    stream = AnswerStream()
    fed = 0
    for count in range(1, len(elements) + 1):
        closing_brace = len(json.dumps(elements[:count], indent=indent).rstrip("]\n "))
        before = stream.feed(answer[fed : closing_brace - 1])
        stream.feed(answer[closing_brace - 1])
        fed = closing_brace
        assert before == []
        expected = parse_model_output(json.dumps(elements[:count])).items
        assert stream.items == list(expected)


@given(st.text(max_size=80), st.lists(st.integers(min_value=0, max_value=80), max_size=6))
def test_any_text_never_raises(text: str, cuts: list[int]) -> None:
    stream = AnswerStream()
    for piece in _split(text, cuts):
        stream.feed(piece)


@given(answers(), st.text(max_size=20))
def test_a_cut_or_garbled_answer_never_raises_and_a_prefix_yields_only_the_answers_items(
    answer: str, tail: str
) -> None:
    whole = parse_model_output(answer).items
    for end in range(0, len(answer) + 1, max(1, len(answer) // 10)):
        assert set(AnswerStream().feed(answer[:end])) <= set(whole)
        AnswerStream().feed(answer[:end] + tail)


def test_an_indented_answer_streams_each_object_when_its_brace_closes() -> None:
    stream = AnswerStream()
    first = (
        '[\n  {\n    "original_text": "dana@example.org",\n    "privacy_type": "Email",\n    "privacy_level": "PL2"\n  '
    )
    assert stream.feed(first) == []
    (item,) = stream.feed("}")
    assert (item.original_text, item.privacy_type, item.level) == ("dana@example.org", "Email", Level.PL2)
    assert stream.feed(',\n  {"original_text": "hunter2", "privacy_type": "Password"') == []
    (second,) = stream.feed("}\n]\n")
    assert second.level is Level.PL4  # filled from the type table
    assert stream.complete


def test_repeated_elements_are_reported_once() -> None:
    element = {"original_text": "Ann", "privacy_type": "Real Name", "privacy_level": "PL2"}
    stream = AnswerStream()
    assert len(stream.feed(json.dumps([element] * 3))) == 1
    assert stream.returned == 3


def test_prose_or_a_broken_element_stops_the_stream_quietly() -> None:
    prose = AnswerStream()
    assert prose.feed("Sure! Here are the findings: [") == [] and prose.broken
    broken = AnswerStream()
    good = '{"original_text": "Ann", "privacy_type": "Real Name", "privacy_level": "PL2"}'
    assert len(broken.feed(f'[{good}, {{"original_text": }}, {good.replace("Ann", "Bob")}]')) == 1
    assert broken.broken
    trailing_comma = AnswerStream()
    trailing_comma.feed(f"[{good},]")
    assert trailing_comma.broken and not trailing_comma.complete
