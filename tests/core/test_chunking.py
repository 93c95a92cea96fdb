"""Splitting long text: where cuts fall, overlap, CJK, and that no value is lost or cut at a chunk edge."""

from __future__ import annotations

import itertools
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.core.chunking import TextChunk, plan_chunks
from app.core.detectors.model.output import ModelItem, locate_items
from app.core.taxonomy import Level


def count_chars(text: str) -> int:
    """One token per character: exactly additive, so budgets can be checked exactly."""
    return len(text)


def count_words(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


def assert_well_formed(text: str, chunks: list[TextChunk], max_tokens: int, count=count_chars) -> None:
    """Cores tile the text in order; every chunk fits the budget (except one letter with its combining marks, which
    is never cut apart); overlaps reach only into the previous core."""
    assert chunks[0].start == chunks[0].new_from == 0
    assert chunks[-1].end == len(text)
    for previous, chunk in itertools.pairwise(chunks):
        assert chunk.new_from == previous.end
        assert previous.new_from <= chunk.start <= chunk.new_from < chunk.end
    for chunk in chunks:
        piece = chunk.of(text)
        one_grapheme = all(unicodedata.category(char).startswith("M") for char in piece[1:])
        assert count(piece) <= max_tokens or one_grapheme


def test_short_text_is_one_chunk() -> None:
    assert plan_chunks("short text", 100, count_chars, 10) == [TextChunk(0, 10, 0)]
    assert plan_chunks("", 100, count_chars, 10) == []


def test_cuts_fall_at_paragraph_breaks_when_paragraphs_fit() -> None:
    paragraphs = [f"Paragraph {index} has a few words in it." for index in range(6)]
    text = "\n\n".join(paragraphs)
    chunks = plan_chunks(text, 100, count_chars, overlap_tokens=0)
    assert len(chunks) > 1
    assert_well_formed(text, chunks, 100)
    for chunk in chunks[:-1]:
        assert text[chunk.end - 2 : chunk.end] == "\n\n"  # each core ends right after a blank line


def test_cuts_fall_at_sentence_ends_inside_a_long_paragraph() -> None:
    text = " ".join(f"Sentence number {index} ends here." for index in range(12))
    chunks = plan_chunks(text, 80, count_chars, overlap_tokens=0)
    assert len(chunks) > 1
    assert_well_formed(text, chunks, 80)
    for chunk in chunks[:-1]:
        assert text[chunk.end - 2 : chunk.end] == ". "


def test_chinese_sentence_ends_are_boundaries_without_spaces() -> None:
    text = "".join(f"我的第{index}句话在这里结束。" for index in range(20))
    chunks = plan_chunks(text, 30, count_chars, overlap_tokens=0)
    assert len(chunks) > 1
    assert_well_formed(text, chunks, 30)
    for chunk in chunks[:-1]:
        assert text[chunk.end - 1] == "。"


def test_words_then_characters_are_the_last_resort() -> None:
    words = " ".join(["word"] * 60)
    chunks = plan_chunks(words, 23, count_chars, overlap_tokens=0)
    assert_well_formed(words, chunks, 23)
    assert all(words[chunk.end - 1] == " " for chunk in chunks[:-1])  # never inside a word

    blob = "x" * 500  # a long key with no boundary at all
    chunks = plan_chunks(blob, 64, count_chars, overlap_tokens=8)
    assert_well_formed(blob, chunks, 64)


def test_neighbouring_chunks_overlap_by_at_most_the_overlap() -> None:
    text = " ".join(f"w{index:03d}" for index in range(300))
    chunks = plan_chunks(text, 120, count_chars, overlap_tokens=30)
    assert len(chunks) > 3
    assert_well_formed(text, chunks, 120)
    for chunk in chunks[1:]:
        overlap = text[chunk.start : chunk.new_from]
        assert 20 <= len(overlap) <= 30  # reaches back nearly the whole overlap, snapped to a word start
        assert text[chunk.start - 1] == " "


def test_overlap_in_chinese_text_needs_no_spaces() -> None:
    text = "这是一段很长的中文文本没有任何标点符号" * 20
    chunks = plan_chunks(text, 50, count_chars, overlap_tokens=10)
    assert_well_formed(text, chunks, 50)
    assert all(chunk.new_from - chunk.start == 10 for chunk in chunks[1:])


def test_budget_holds_with_a_word_counter() -> None:
    text = "\n".join(f"Line {index}: name Jane Roe, phone 555-01{index:02d}." for index in range(80))
    chunks = plan_chunks(text, 60, count_words, overlap_tokens=12)
    assert len(chunks) > 1
    assert_well_formed(text, chunks, 60, count=count_words)


def test_a_value_crossing_a_chunk_boundary_is_found_whole() -> None:
    """A multi-word address straddles a cut. The chunk after it starts early enough (overlap) to hold it whole; the
    value is then located in the whole input, so the finding covers it entirely and at the right offsets."""
    address = "Flat 4, 17 Baker Street, London NW1 6XE"
    filler = " ".join(["lorem"] * 14)
    text = f"{filler} I live at {address} since May. {filler}"
    chunks = plan_chunks(text, 90, count_chars, overlap_tokens=45)
    address_start = text.index(address)
    address_end = address_start + len(address)
    cut_inside = [chunk for chunk in chunks if address_start < chunk.new_from < address_end]
    assert cut_inside, "the test text must put a cut inside the address"

    items = [item for chunk in chunks for item in scripted_model(chunk.of(text), [address])]
    located = locate_items(text, items)
    assert [(finding.start, finding.end) for finding in located.findings] == [(address_start, address_end)]
    assert located.findings[0].text == address


def scripted_model(chunk_text: str, private_values: list[str]) -> list[ModelItem]:
    """A stand-in for the model's reading of one chunk: it reports a value only if it sees the whole value."""
    return [ModelItem(value, "Detailed Address", Level.PL2) for value in private_values if value in chunk_text]


# ---------------------------------------------------------------------------------------------------------------------
# Properties: for any text and budget, no span shorter than the overlap is ever lost to a cut.

_pieces = st.sampled_from(
    [
        "alpha",
        "beta",
        "Jane",
        "Roe",
        "555-0100",
        "。",
        "我",
        "叫",
        "张伟",
        ".",
        "!",
        "?",
        " ",
        " ",
        " ",
        "\n",
        "\n\n",
        ",",
    ]
)


@given(pieces=st.lists(_pieces, min_size=1, max_size=250), max_tokens=st.integers(48, 120))
def test_every_short_span_is_whole_in_some_chunk(pieces: list[str], max_tokens: int) -> None:
    text = "".join(pieces)
    overlap = max_tokens // 3
    chunks = plan_chunks(text, max_tokens, count_chars, overlap_tokens=overlap)
    if not text:
        assert chunks == []
        return
    assert_well_formed(text, chunks, max_tokens)
    span_length = overlap - 10  # the longest piece is 8 characters: the overlap may snap back that far
    for span_start in range(len(text) - span_length + 1):
        span_end = span_start + span_length
        assert any(chunk.start <= span_start and span_end <= chunk.end for chunk in chunks)


@given(text=st.text(min_size=1, max_size=400), max_tokens=st.integers(1, 60), overlap=st.integers(0, 30))
def test_any_text_is_covered_within_budget(text: str, max_tokens: int, overlap: int) -> None:
    chunks = plan_chunks(text, max_tokens, count_chars, overlap_tokens=overlap)
    assert_well_formed(text, chunks, max_tokens)


def test_the_overlap_stays_whole_in_text_without_word_starts() -> None:
    # Reported by hardening: only the position beside "。" was a word start, and the overlap shrank to 1 character.
    text = "alpha" * 8 + "。" + "alpha" * 5
    first, second = plan_chunks(text, 61, count_chars, overlap_tokens=20)
    assert first.end - second.start >= 12
