"""The rules detector on the project's corpus of realistic pastes (tests/data/rules_corpus.jsonl), and its scorer.

The corpus is written by tests/data/make_rules_corpus.py from templates; every value in it is made up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.detectors.rules import RulesDetector
from app.core.findings import RULES, Finding
from app.core.taxonomy import Level, is_known_type, level_for_type
from tests.benchmarks.rules_quality import (
    CORPUS_FILE,
    CORPUS_TARGETS,
    CorpusRecord,
    CorpusSpan,
    corpus_report,
    read_corpus,
    score_corpus,
)

MIN_PASTES = 300
MIN_CLEAN_TEXTS = 50


@pytest.fixture(scope="module")
def corpus() -> list[CorpusRecord]:
    return read_corpus()


def test_corpus_is_large_bilingual_and_labelled_with_the_taxonomy(corpus: list[CorpusRecord]) -> None:
    assert len(corpus) >= MIN_PASTES
    assert sum(record.clean for record in corpus) >= MIN_CLEAN_TEXTS
    languages = {json.loads(line)["language"] for line in CORPUS_FILE.read_text(encoding="utf-8").splitlines()}
    assert languages == {"en", "zh"}
    for record in corpus:
        assert not (record.clean and record.spans), record.id
        for span in record.spans:
            assert is_known_type(span.type), (record.id, span.type)
            assert span.level == level_for_type(span.type), (record.id, span.type)


def test_rules_meet_the_corpus_targets(corpus: list[CorpusRecord]) -> None:
    result = score_corpus(corpus, RulesDetector().detect)
    report = corpus_report(result, details=True)  # record ids and types only, never values
    assert result.recall >= CORPUS_TARGETS["recall"], report
    assert result.pl4_coverage >= CORPUS_TARGETS["pl4_covered"], report
    assert result.precision >= CORPUS_TARGETS["precision"], report
    assert result.clean_findings <= CORPUS_TARGETS["clean_findings"], report


def _finding(start: int, end: int, type_name: str) -> Finding:
    return Finding(start, end, "x" * (end - start), type_name, level_for_type(type_name), RULES)


def _record(spans: tuple[CorpusSpan, ...], clean: bool = False) -> CorpusRecord:
    return CorpusRecord("r", "x" * 100, clean, spans)


def test_scorer_counts_half_covered_spans_of_the_same_level_as_found() -> None:
    spans = (CorpusSpan(10, 20, "Phone Number", Level.PL2), CorpusSpan(30, 40, "Email", Level.PL2))
    findings = [_finding(10, 15, "Phone Number"), _finding(30, 40, "Password")]  # the second has the wrong level
    result = score_corpus([_record(spans)], lambda text: findings)
    assert (sum(result.found.values()), sum(result.gold.values())) == (1, 2)
    assert result.correct_findings == 1 and result.findings == 2
    assert result.misses == [("r", "Email")] and result.false_alarms == [("r", "Password")]


def test_scorer_wants_pl4_spans_covered_to_the_last_character() -> None:
    spans = (CorpusSpan(0, 20, "Key", Level.PL4), CorpusSpan(40, 60, "Token", Level.PL4))
    findings = [_finding(0, 12, "Key"), _finding(12, 20, "Password"), _finding(40, 59, "Token")]
    result = score_corpus([_record(spans)], lambda text: findings)
    assert (result.pl4_covered, result.pl4_spans) == (1, 2)
    assert result.recall == 1.0  # both are found; only the first is fully masked


def test_scorer_counts_every_finding_on_a_clean_text_as_a_false_alarm() -> None:
    result = score_corpus([_record((), clean=True)], lambda text: [_finding(0, 5, "PIN")])
    assert (result.clean_texts, result.clean_findings, result.precision) == (1, 1, 0.0)
    assert not result.meets_targets()


def test_reading_rejects_a_gold_span_that_does_not_match_its_offsets(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    record = {
        "id": "bad",
        "language": "en",
        "kind": "env",
        "clean": False,
        "text": "PIN 1234",
        "spans": [{"start": 0, "end": 3, "text": "1234", "type": "PIN", "level": "PL4"}],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad"):
        read_corpus(path)
