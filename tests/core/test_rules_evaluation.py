"""The Presidio scorer (matching rule, reader, entity table) and the rules detector's targets on the shared data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.detectors.rules import RulesDetector
from app.core.evaluation import SHARED_DATA_VARIABLE, missing_data_message, shared_data_dir, shared_data_file
from app.core.evaluation.presidio import (
    DATA_FILE_NAME,
    ENTITY_TYPES,
    EntityCounts,
    GoldSpan,
    PresidioRecord,
    entity_for_type,
    format_table,
    match_count,
    read_records,
    score,
    score_record,
)
from app.core.evaluation.targets import PRESIDIO_RULES_TARGETS
from app.core.findings import RULES, Finding
from app.core.taxonomy import is_known_type, level_for_type


def _finding(start: int, end: int, type_name: str = "Phone Number") -> Finding:
    return Finding(start, end, "x" * (end - start), type_name, level_for_type(type_name), RULES)


def test_entity_table_maps_to_known_types_without_overlap() -> None:
    seen: set[str] = set()
    for types in ENTITY_TYPES.values():
        assert all(is_known_type(type_name) for type_name in types)
        assert not seen & types
        seen |= types
    assert entity_for_type("Internal IP") == "IP_ADDRESS"
    assert entity_for_type("Password") is None


@pytest.mark.parametrize(
    ("prediction", "matches"),
    [
        ((10, 20), 1),  # exact
        ((5, 25), 1),  # covers the gold span and more
        ((10, 15), 1),  # exactly half of the gold span
        ((10, 14), 0),  # less than half
        ((20, 30), 0),  # touches but does not overlap
    ],
)
def test_a_prediction_matches_when_it_covers_half_the_gold_span(prediction: tuple[int, int], matches: int) -> None:
    assert match_count([GoldSpan("PHONE_NUMBER", 10, 20)], [_finding(*prediction)]) == matches


def test_matching_is_one_to_one_and_prefers_the_largest_overlap() -> None:
    gold = [GoldSpan("PHONE_NUMBER", 0, 10), GoldSpan("PHONE_NUMBER", 10, 20)]
    # One prediction straddles both gold spans; the second covers only the second span, better.
    predictions = [_finding(4, 16), _finding(10, 20)]
    assert match_count(gold, predictions) == 2
    assert match_count(gold, [_finding(0, 20)]) == 1
    assert match_count(gold[:1], [_finding(0, 10), _finding(0, 10)]) == 1


def test_score_record_counts_per_entity_and_ignores_unmapped_types() -> None:
    record = PresidioRecord("x" * 40, (GoldSpan("PHONE_NUMBER", 0, 10), GoldSpan("EMAIL_ADDRESS", 20, 30)), 1)
    findings = [_finding(0, 10), _finding(11, 15), _finding(20, 30, "Password")]
    counts = score_record(record, findings)
    assert (counts["PHONE_NUMBER"].true_positives, counts["PHONE_NUMBER"].false_positives) == (1, 1)
    assert (counts["EMAIL_ADDRESS"].true_positives, counts["EMAIL_ADDRESS"].false_negatives) == (0, 1)
    assert set(counts) == {"PHONE_NUMBER", "EMAIL_ADDRESS"}


def test_counts_precision_and_recall() -> None:
    counts = EntityCounts(true_positives=3, false_positives=1, false_negatives=2)
    assert (counts.precision, counts.recall) == (0.75, 0.6)
    assert (EntityCounts().precision, EntityCounts().recall) == (1.0, 1.0)


def test_read_records_and_score_end_to_end(tmp_path: Path) -> None:
    text = "Call 415-555-0134 or write to a@example.com"
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps(
            [
                {
                    "full_text": text,
                    "masked": "",
                    "template_id": 7,
                    "spans": [
                        {
                            "entity_type": "PHONE_NUMBER",
                            "entity_value": "415-555-0134",
                            "start_position": 5,
                            "end_position": 17,
                        },
                        {
                            "entity_type": "EMAIL_ADDRESS",
                            "entity_value": "a@example.com",
                            "start_position": 30,
                            "end_position": 43,
                        },
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    records = read_records(path)
    assert records[0].template_id == 7 and records[0].spans[0] == GoldSpan("PHONE_NUMBER", 5, 17)
    scores = score(records, RulesDetector().detect)
    assert scores.counts("PHONE_NUMBER").true_positives == 1
    assert scores.counts("EMAIL_ADDRESS").true_positives == 1
    table = format_table(scores)
    assert "PHONE_NUMBER" in table and "1.000" in table


def test_read_records_rejects_spans_outside_their_text(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            [
                {
                    "full_text": "short",
                    "spans": [{"entity_type": "PERSON", "entity_value": "x", "start_position": 3, "end_position": 99}],
                }
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="record 0"):
        read_records(path)


def test_shared_data_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(SHARED_DATA_VARIABLE, str(tmp_path))
    assert shared_data_dir() == tmp_path
    assert shared_data_file(DATA_FILE_NAME) is None
    assert SHARED_DATA_VARIABLE in missing_data_message(DATA_FILE_NAME)


def test_rules_detector_meets_its_targets_on_the_presidio_data() -> None:
    path = shared_data_file(DATA_FILE_NAME)
    if path is None:
        pytest.skip(missing_data_message(DATA_FILE_NAME))
    scores = score(read_records(path), RulesDetector().detect)
    for entity, (recall, precision) in PRESIDIO_RULES_TARGETS.items():
        counts = scores.counts(entity)
        assert counts.recall >= recall, entity
        assert counts.precision >= precision, entity
