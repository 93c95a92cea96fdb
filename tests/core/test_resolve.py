from __future__ import annotations

from app.core.findings import Finding, finding_at
from app.core.resolve import resolve
from app.core.taxonomy import Level

TEXT = "Reach John Smith at john.smith@example.com tomorrow."


def _finding(text: str, value: str, type_name: str, level: Level, detector: str, nth: int = 0) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(value, start + 1)
    return finding_at(text, start, start + len(value), type_name, level, detector)


def test_a_containing_span_wins_and_takes_the_highest_level() -> None:
    outer = _finding(TEXT, "john.smith@example.com", "Email", Level.PL2, "rules")
    inner = _finding(TEXT, "john.smith", "Account ID/Username", Level.PL3, "model")
    (merged,) = resolve(TEXT, [inner, outer])
    assert (merged.start, merged.end, merged.type) == (outer.start, outer.end, "Email")
    assert merged.level is Level.PL3
    assert merged.detector == "model+rules"


def test_partial_overlaps_become_one_span_covering_both() -> None:
    left = _finding(TEXT, "John Smith at", "Real Name", Level.PL2, "model")
    right = _finding(TEXT, "at john.smith@example.com", "Email", Level.PL2, "rules")
    (merged,) = resolve(TEXT, [left, right])
    assert merged.text == "John Smith at john.smith@example.com"
    assert merged.type == "Email"  # the larger finding names the span


def test_separate_and_duplicate_findings() -> None:
    name = _finding(TEXT, "John Smith", "Real Name", Level.PL2, "model")
    email = _finding(TEXT, "john.smith@example.com", "Email", Level.PL2, "rules")
    assert resolve(TEXT, [email, name, name]) == [name, email]


def test_touching_spans_stay_apart() -> None:
    text = "abcdef"
    first = finding_at(text, 0, 3, "Key", Level.PL4, "rules")
    second = finding_at(text, 3, 6, "Key", Level.PL4, "rules")
    assert resolve(text, [second, first]) == [first, second]
