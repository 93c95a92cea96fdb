"""Hostile and odd input through `Engine.mask` with the real rules detector: a masked result or a clear refusal,
never a crash, a hang, or a value masked only in part.

Threat model: "Hostile and odd input" (resources/THREAT_MODEL.md). The fixed corpus is in `corpus`; the properties
below let hypothesis mix the same ingredients.
"""

from __future__ import annotations

import bisect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.detectors.rules import RulesDetector
from app.core.engine import Engine
from app.core.errors import CloakroomError, InputError
from app.core.findings import Finding, finding_at
from app.core.locate import find_exact, find_exact_all
from app.core.masking import MaskResult, mask_text, protected_tokens, unmask_text
from app.core.store import MemoryStore, PlaceholderRequest
from app.core.taxonomy import Level
from app.core.text_input import MAX_INPUT_CHARS, decode_input
from tests.hardening import corpus
from tests.hardening.corpus import Case

RULES = RulesDetector()


def engine(store: MemoryStore | None = None) -> Engine:
    return Engine(store=store if store is not None else MemoryStore(), rules=RULES)


def occurrences(text: str, value: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(value)
    while start != -1:
        spans.append((start, start + len(value)))
        start = text.find(value, start + 1)
    return spans


def wholly_masked(result: MaskResult, start: int, end: int) -> bool:
    """Whether ``[start, end)`` of the input lies inside one replaced span."""
    return any(item.start <= start and end <= item.end for item in result.replacements)


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covered(cover: list[tuple[int, int]], start: int, end: int) -> bool:
    index = bisect.bisect_right([interval[0] for interval in cover], start) - 1
    return index >= 0 and cover[index][1] >= end


def assert_nothing_found_shows(text: str, findings: list[Finding], result: MaskResult, tokens: list) -> None:
    """No character of any finding stays visible, except inside a placeholder the input already held (which must
    survive unchanged and hides nothing): a value is never masked only in part."""
    cover = _merged([(item.start, item.end) for item in result.replacements] + [(t.start, t.end) for t in tokens])
    for finding in findings:
        assert _covered(cover, finding.start, finding.end), f"a {finding.type} finding is visible, whole or in part"


def assert_secrets_masked(case: Case, result: MaskResult) -> None:
    for secret in case.secrets:
        spans = occurrences(case.text, secret)
        assert spans, f"{case.name}: the corpus lost its secret"
        for start, end in spans:
            assert wholly_masked(result, start, end), f"{case.name}: a secret is visible or masked only in part"


@pytest.mark.parametrize(
    "case", [case for case in corpus.fixed_corpus() if not case.refused], ids=lambda case: case.name
)
def test_the_corpus_is_masked_whole_and_restores_exactly(case: Case) -> None:
    store = MemoryStore()
    findings = engine(store).detect(case.text)
    tokens = protected_tokens(case.text, store)
    result = engine(store).mask(case.text)
    assert_secrets_masked(case, result)
    assert_nothing_found_shows(case.text, findings, result, tokens)
    assert unmask_text(result.text, store).text == case.text


@pytest.mark.parametrize("case", [case for case in corpus.fixed_corpus() if case.refused], ids=lambda case: case.name)
def test_what_cannot_be_processed_is_refused_clearly(case: Case) -> None:
    store = MemoryStore()
    with pytest.raises(InputError) as refusal:
        engine(store).mask(case.text)
    assert corpus.EMAIL not in str(refusal.value) and len(store) == 0
    with pytest.raises(InputError):
        engine(store).unmask(case.text)


def test_text_over_the_size_limit_is_refused_before_any_work() -> None:
    text = corpus.EMAIL + " " + "x" * MAX_INPUT_CHARS
    with pytest.raises(InputError, match="too large"):
        engine().mask(text)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        "café".encode("latin-1"),
        b"\xff\xfe" + "hi".encode("utf-16-le"),
    ],
    ids=["all bytes", "a PNG header", "Latin-1", "UTF-16 with a byte-order mark"],
)
def test_binary_and_non_utf8_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="not UTF-8"):
        decode_input(data)


def test_a_text_already_holding_an_issued_placeholder_keeps_it_and_masks_the_rest() -> None:
    store = MemoryStore()
    issued = engine(store).mask(f"mail {corpus.EMAIL}").replacements[0].placeholder
    text = f"Earlier: {issued}. Now my card {corpus.CARD} and {issued}_2 and the bare key email_1."
    result = engine(store).mask(text)
    assert result.text.count(issued) == 2 and corpus.CARD not in result.text
    # The bare "email_1" is a placeholder this store issued (a chatbot's rewrite of <Email_1>): it restores too.
    assert unmask_text(result.text, store).text == text.replace(issued, corpus.EMAIL).replace("email_1", corpus.EMAIL)


def test_a_bare_token_the_store_issued_is_kept_and_an_unknown_one_is_masked_when_found() -> None:
    """`Summer_2024` is a password until the store says it issued such a placeholder."""
    store = MemoryStore()
    text = "password: Summer_2024"
    assert engine(store).mask(text).text == "password: <Password_1>"
    store.assign([PlaceholderRequest(f"value {number}", "Summer", Level.PL2, "rules") for number in range(2024)])
    assert engine(MemoryStore()).mask(text).text == "password: <Password_1>"
    assert engine(store).mask(text).text == text  # now it is a placeholder this store issued: left alone


def test_thousands_of_short_secrets_are_each_masked_whole() -> None:
    case = corpus.many_short_secrets(3000)
    store = MemoryStore()
    result = engine(store).mask(case.text)
    assert_secrets_masked(case, result)
    assert len(store) == len(case.secrets)
    assert unmask_text(result.text, store).text == case.text


def test_two_megabytes_with_secrets_at_both_ends_and_the_middle() -> None:
    case = corpus.large_text(2_000_000)
    store = MemoryStore()
    result = engine(store).mask(case.text)
    assert_secrets_masked(case, result)
    assert unmask_text(result.text, store).text == case.text


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_ten_megabytes_with_secrets_at_both_ends_and_the_middle() -> None:
    case = corpus.large_text(10 * 1024 * 1024)
    store = MemoryStore()
    result = engine(store).mask(case.text)
    assert_secrets_masked(case, result)
    assert unmask_text(result.text, store).text == case.text


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_hundred_thousand_distinct_values_finish() -> None:
    """A pasted table of addresses: finding every other occurrence of each value used to cost values × text length
    (about ten minutes here); one pass over the text makes it linear (seconds). The timeout turns a regression into a
    failure instead of a hang."""
    values = [f"person{index}@example.org" for index in range(200_000)]
    text = "\n".join(f"{value},row {index}" for index, value in enumerate(values))
    findings = [
        finding_at(text, start, start + len(value), "Email", Level.PL2, "rules")
        for value, start in zip(values, _line_starts(text), strict=False)
    ]
    store = MemoryStore()
    result = mask_text(text, findings, store)
    assert len(result.replacements) == len(values) and len(store) == len(values)
    assert "@example.org" not in result.text


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


# --- properties ------------------------------------------------------------------------------------------------------

_HOSTILE_PIECES = st.sampled_from(
    [
        corpus.EMAIL,
        corpus.API_KEY,
        corpus.CARD,
        corpus.PHONE,
        corpus.IBAN,
        corpus.CN_MOBILE,
        corpus.AWS_KEY,
        "password: ",
        "verification code: ",
        "验证码：",
        "密码",
        "手机",
        " ",
        "\n",
        ".",
        "@",
        "-",
        "_",
        "1",
        "42",
        *corpus.ZERO_WIDTH.values(),
        corpus.RIGHT_TO_LEFT_OVERRIDE,
        corpus.POP_DIRECTIONAL_FORMATTING,
        corpus.CYRILLIC_A,
        corpus.CYRILLIC_O,
        "\U0001f511",
        "\U0001f468\u200d\U0001f469",
        "张伟",
        "。",
        "，",
        "<Email_1>",
        "<Email 1>",
        "[Email_1]",
        "＜Email_1＞",
        "Email_1",
        "Summer_2024",
        "\\<Key\\_1\\>",
        "{{Key_1}}",
        corpus.to_fullwidth("dana@example.org"),
        corpus.to_fullwidth(corpus.CODE),
        "\x07",
        "\t",
    ]
)


@given(st.lists(_HOSTILE_PIECES, min_size=1, max_size=40).map("".join))
def test_any_mix_is_masked_without_half_masking_or_refused(text: str) -> None:
    store = MemoryStore()
    try:
        findings = engine(store).detect(text)
        result = engine(store).mask(text)
    except InputError:
        return  # a clear refusal is a valid answer (an all-whitespace or control-heavy mix)
    assert_nothing_found_shows(text, findings, result, protected_tokens(text))
    restored = unmask_text(result.text, store).text
    assert " ".join(restored.split()) == " ".join(text.split())  # exact up to whitespace inside one value


@given(st.text(max_size=300))
def test_arbitrary_unicode_gives_a_result_or_a_clear_refusal(text: str) -> None:
    try:
        engine().mask(text)
    except CloakroomError as error:
        assert isinstance(error, InputError)


@given(
    st.text(alphabet="ab_1 .@\u200bé张", max_size=60),
    st.lists(st.text(alphabet="ab_1 .@\u200bé张", min_size=1, max_size=4), min_size=1, max_size=8),
    st.booleans(),
)
def test_one_pass_search_finds_what_one_search_per_value_finds(text: str, needles: list[str], whole: bool) -> None:
    """The one-pass search for many values (used above a size threshold) agrees with `find_exact` exactly."""
    from app.core import locate

    wanted = dict.fromkeys(needles, whole)
    expected = {needle: find_exact(text, needle, whole_words=whole) for needle in wanted}
    original = locate.ONE_PASS_THRESHOLD
    locate.ONE_PASS_THRESHOLD = -1
    try:
        assert find_exact_all(text, wanted) == expected
    finally:
        locate.ONE_PASS_THRESHOLD = original


_HIDDEN = [*corpus.ZERO_WIDTH.values(), corpus.RIGHT_TO_LEFT_OVERRIDE, "\u200e", "\u2066", "\ufe0f"]


@given(
    st.sampled_from(sorted(corpus.STRUCTURED_SECRETS)),
    st.lists(st.tuples(st.integers(min_value=1), st.sampled_from(_HIDDEN)), min_size=1, max_size=4),
)
def test_invisible_characters_anywhere_inside_a_secret_do_not_hide_it(
    name: str, insertions: list[tuple[int, str]]
) -> None:
    secret = corpus.STRUCTURED_SECRETS[name]
    hidden = secret
    for position, char in insertions:
        cut = 1 + position % (len(hidden) - 1)  # strictly inside, so the value's extent stays clear
        hidden = hidden[:cut] + char + hidden[cut:]
    text = corpus.sentence_with(hidden)
    store = MemoryStore()
    result = engine(store).mask(text)
    start = text.index(hidden)
    assert wholly_masked(result, start, start + len(hidden)), f"the {name} shows through its invisible characters"
    assert unmask_text(result.text, store).text == text
