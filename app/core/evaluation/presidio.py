"""Scoring a detector on the Presidio synthetic data set (microsoft/presidio-research ``synth_dataset_v2.json``).

The file is a JSON list of records ``{full_text, masked, spans: [{entity_type, entity_value, start_position,
end_position}], template_id}`` with character offsets into ``full_text``.

Entity types are mapped to Cloakroom's taxonomy by `ENTITY_TYPES`: each Presidio entity accepts a set of our types,
and the sets are disjoint, so every prediction is scored against at most one entity. Presidio entities with no
counterpart (``DATE_TIME``: a date in general is not private) are not scored, and predictions of our types that map
to no entity (a "Password", say) are ignored.

Matching rule (one-to-one, per entity): a prediction matches a gold span of that entity when

* the prediction's type is one the entity accepts, and
* the two spans overlap, and the overlap covers at least half of the gold span
  (``overlap >= (gold.end - gold.start) / 2``).

Among all such pairs, the pairs with the largest overlap are taken first (ties: earlier gold span, then earlier
prediction), and each gold span and each prediction is used at most once. Matched pairs are true positives,
unmatched predictions false positives, unmatched gold spans false negatives; precision = TP / (TP + FP) and
recall = TP / (TP + FN), each 1.0 when its denominator is 0.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.findings import Finding

DATA_FILE_NAME = "presidio_synth_dataset_v2.json"

# Presidio entity -> the Cloakroom types that count as finding it.
ENTITY_TYPES: Mapping[str, frozenset[str]] = {
    "PERSON": frozenset({"Real Name", "Third-Party Identifiable Info"}),
    "STREET_ADDRESS": frozenset({"Detailed Address", "Work Address"}),
    "GPE": frozenset({"Precise Location"}),
    "ORGANIZATION": frozenset({"Employer/Company Name"}),
    "CREDIT_CARD": frozenset({"Bank/Payment Card Number"}),
    "TITLE": frozenset({"Job Title/Rank"}),
    "PHONE_NUMBER": frozenset({"Phone Number"}),
    "AGE": frozenset({"Specific Age"}),
    "NRP": frozenset({"Religious Beliefs", "Political Views/Stance", "Sensitive Identity", "Identity Background"}),
    "EMAIL_ADDRESS": frozenset({"Email"}),
    "ZIP_CODE": frozenset({"Zip Code"}),
    "DOMAIN_NAME": frozenset({"Network Identifier"}),
    "IBAN_CODE": frozenset({"Financial Account"}),
    "US_SSN": frozenset({"ID Number"}),
    "IP_ADDRESS": frozenset({"IP Address", "Internal IP"}),
    "US_DRIVER_LICENSE": frozenset({"Driver's License Number"}),
}
UNSCORED_ENTITIES: frozenset[str] = frozenset({"DATE_TIME"})


@dataclass(frozen=True, slots=True)
class GoldSpan:
    entity_type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PresidioRecord:
    text: str
    spans: tuple[GoldSpan, ...]
    template_id: int | None


@dataclass(slots=True)
class EntityCounts:
    """True positives, false positives and false negatives of one entity."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def gold(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def predicted(self) -> int:
        return self.true_positives + self.false_positives

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    def add(self, other: EntityCounts) -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives


@dataclass(slots=True)
class Scores:
    """Per-entity counts over a whole data set."""

    by_entity: dict[str, EntityCounts] = field(default_factory=dict)

    def counts(self, entity: str) -> EntityCounts:
        return self.by_entity.setdefault(entity, EntityCounts())


def read_records(path: Path) -> list[PresidioRecord]:
    """Read the data set; a span whose offsets fall outside its text is an error in the file, reported by index."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    records: list[PresidioRecord] = []
    for index, item in enumerate(raw):
        text = item["full_text"]
        spans = tuple(
            GoldSpan(span["entity_type"], int(span["start_position"]), int(span["end_position"]))
            for span in item.get("spans") or ()
        )
        if any(not 0 <= span.start < span.end <= len(text) for span in spans):
            raise ValueError(f"record {index} of {path.name} has a span outside its text")
        records.append(PresidioRecord(text, spans, item.get("template_id")))
    return records


def entity_for_type(type_name: str) -> str | None:
    """The Presidio entity a Cloakroom type is scored against, if any."""
    for entity, types in ENTITY_TYPES.items():
        if type_name in types:
            return entity
    return None


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def match_count(gold: Sequence[GoldSpan], predicted: Sequence[Finding]) -> int:
    """How many one-to-one matches the module's matching rule allows (largest overlaps first)."""
    pairs: list[tuple[int, int, int]] = []
    for gold_index, span in enumerate(gold):
        for prediction_index, finding in enumerate(predicted):
            overlap = _overlap(span.start, span.end, finding.start, finding.end)
            if overlap > 0 and 2 * overlap >= span.end - span.start:
                pairs.append((-overlap, gold_index, prediction_index))
    pairs.sort()
    used_gold: set[int] = set()
    used_predictions: set[int] = set()
    for _, gold_index, prediction_index in pairs:
        if gold_index not in used_gold and prediction_index not in used_predictions:
            used_gold.add(gold_index)
            used_predictions.add(prediction_index)
    return len(used_gold)


def score_record(record: PresidioRecord, findings: Iterable[Finding]) -> dict[str, EntityCounts]:
    """Counts per scored entity for one record."""
    findings = list(findings)
    entities = {span.entity_type for span in record.spans if span.entity_type in ENTITY_TYPES}
    entities |= {entity for finding in findings if (entity := entity_for_type(finding.type)) is not None}
    result: dict[str, EntityCounts] = {}
    for entity in sorted(entities):
        gold = [span for span in record.spans if span.entity_type == entity]
        predicted = [finding for finding in findings if finding.type in ENTITY_TYPES[entity]]
        matched = match_count(gold, predicted)
        result[entity] = EntityCounts(matched, len(predicted) - matched, len(gold) - matched)
    return result


def score(records: Iterable[PresidioRecord], detect: Callable[[str], Sequence[Finding]]) -> Scores:
    """Run ``detect`` over every record and add up the counts per entity."""
    scores = Scores()
    for record in records:
        for entity, counts in score_record(record, detect(record.text)).items():
            scores.counts(entity).add(counts)
    return scores


def format_table(scores: Scores, entities: Iterable[str] | None = None) -> str:
    """A plain-text table: entity, gold, predicted, TP, FP, FN, precision, recall."""
    names = list(entities) if entities is not None else sorted(scores.by_entity)
    header = f"{'entity':<18} {'gold':>5} {'pred':>5} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>9} {'recall':>7}"
    lines = [header, "-" * len(header)]
    for name in names:
        counts = scores.by_entity.get(name, EntityCounts())
        lines.append(
            f"{name:<18} {counts.gold:>5} {counts.predicted:>5} {counts.true_positives:>5} "
            f"{counts.false_positives:>5} {counts.false_negatives:>5} {counts.precision:>9.3f} {counts.recall:>7.3f}"
        )
    return "\n".join(lines)
