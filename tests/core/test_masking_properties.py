"""Properties of mask/unmask that must hold for any text and any findings."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from app.core.findings import Finding, finding_at
from app.core.locate import find_exact
from app.core.masking import mask_text, unmask_text
from app.core.placeholders import TokenForm, find_placeholder_tokens
from app.core.store import MemoryStore
from app.core.taxonomy import Level

# Characters chosen to provoke trouble: placeholder punctuation, escapes, full-width forms, CJK, line breaks.
ALPHABET = "abEmail_19 <>[]{}\\&;lt-\n＜＞＿张伟。" + "\u200b"
BARE = TokenForm.BARE
TYPES = ["Email", "ail", "Phone Number", "Third-Party Identifiable Info", "Driver's License Number", "T", "张"]


@st.composite
def text_and_findings(draw: st.DrawFn) -> tuple[str, list[Finding]]:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=60))
    findings = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        type_name = draw(st.sampled_from(TYPES))
        level = draw(st.sampled_from([Level.PL2, Level.PL3, Level.PL4]))
        findings.append(finding_at(text, start, end, type_name, level, "rules"))
    return text, findings


@given(text_and_findings())
def test_unmask_of_mask_gives_back_the_input(case: tuple[str, list[Finding]]) -> None:
    text, findings = case
    store = MemoryStore()
    masked = mask_text(text, findings, store)
    assert unmask_text(masked.text, store).text == text


@given(text_and_findings())
def test_every_occurrence_of_a_masked_value_is_covered(case: tuple[str, list[Finding]]) -> None:
    text, findings = case
    masked = mask_text(text, findings, MemoryStore())
    covered = [(item.start, item.end) for item in masked.replacements]
    protected = [(token.start, token.end) for token in find_placeholder_tokens(text)]
    for replacement in masked.replacements:
        value = replacement.finding.text
        for start, end in find_exact(text, value, whole_words=replacement.finding.level < Level.PL4):
            inside_mask = any(a <= start and end <= b for a, b in covered)
            touches_existing_placeholder = any(start < b and a < end for a, b in protected + covered)
            assert inside_mask or touches_existing_placeholder


@given(text_and_findings())
def test_placeholders_already_in_the_input_survive(case: tuple[str, list[Finding]]) -> None:
    text, findings = case
    masked = mask_text(text, findings, MemoryStore())
    # Bare tokens ("a_1") survive only when the store issued them; this store issued none.
    before = Counter(text[token.start : token.end] for token in find_placeholder_tokens(text) if token.form is not BARE)
    after = Counter(masked.text[token.start : token.end] for token in find_placeholder_tokens(masked.text))
    assert before - after == Counter()


@given(text_and_findings())
def test_replacements_do_not_overlap_and_spell_the_input(case: tuple[str, list[Finding]]) -> None:
    text, findings = case
    masked = mask_text(text, findings, MemoryStore())
    spans = sorted((item.start, item.end) for item in masked.replacements)
    assert all(previous_end <= start for (_, previous_end), (start, _) in itertools.pairwise(spans))
    assert all(text[item.start : item.end] == item.finding.text for item in masked.replacements)


@given(st.lists(st.text(alphabet="ab c", min_size=1, max_size=5), min_size=1, max_size=8))
def test_one_value_one_placeholder(values: list[str]) -> None:
    store = MemoryStore()
    placeholder_of: dict[str, str] = {}
    for value in values:
        if not value.strip():
            continue
        text = f"[{value}]"
        masked = mask_text(text, [finding_at(text, 1, 1 + len(value), "Key", Level.PL4, "rules")], store)
        for item in masked.replacements:
            normalized = " ".join(item.finding.text.split())
            assert placeholder_of.setdefault(normalized, item.placeholder) == item.placeholder
    assert len({mapping.placeholder for mapping in store}) == len(store)
