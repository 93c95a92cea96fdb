"""Scoring one run's findings against the labels: the paper's metric for MemPrivacy data, Presidio's per-entity counts
for Presidio data, and the error examples a person asks for (``--examples``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.core.evaluation import presidio
from app.core.evaluation.datasets import MEMPRIVACY, EvalMessage, presidio_entity_level
from app.core.evaluation.metrics import CorpusScores, Counts, Item, score_message
from app.core.findings import Finding
from app.core.taxonomy import Level


@dataclass(frozen=True, slots=True)
class ErrorExample:
    """A missed label or a wrong prediction, with its text — only collected when the person asks (``--examples``)."""

    kind: str  # "missed" or "false positive"
    text: str
    type: str
    level: str


class Scorer(Protocol):
    def add(self, message: EvalMessage, raw: Sequence[Finding], merged: Sequence[Finding]) -> None: ...

    def to_json(self) -> dict[str, Any]: ...


def _items_of(findings: Sequence[Finding]) -> list[Item]:
    return [Item(finding.text, finding.type, finding.level) for finding in findings]


@dataclass
class PaperScorer:
    """The paper's metric over MemPrivacy-format messages."""

    min_level: Level
    examples_wanted: int = 0
    scores: CorpusScores = field(default_factory=CorpusScores)
    examples: list[ErrorExample] = field(default_factory=list)

    def add(self, message: EvalMessage, raw: Sequence[Finding], merged: Sequence[Finding]) -> None:
        score = score_message(message.text, message.items, _items_of(raw), self.min_level)
        self.scores.add(score)
        if len(self.examples) < 2 * self.examples_wanted:
            self._collect_examples(score.unmatched_gold(), "missed")
            self._collect_examples(score.unmatched_predicted(), "false positive")

    def _collect_examples(self, items: Sequence[Item], kind: str) -> None:
        have = sum(1 for example in self.examples if example.kind == kind)
        for item in items[: max(0, self.examples_wanted - have)]:
            self.examples.append(ErrorExample(kind, item.text, item.metric_type, item.level.label))

    def to_json(self) -> dict[str, Any]:
        return {"metric": "memprivacy-paper", "min_level": self.min_level.label, **self.scores.to_json()}


@dataclass
class PresidioScorer:
    """Presidio's per-entity counts (`presidio.score_record`), plus their sums per level and overall."""

    examples_wanted: int = 0
    scores: presidio.Scores = field(default_factory=presidio.Scores)
    examples: list[ErrorExample] = field(default_factory=list)

    def add(self, message: EvalMessage, raw: Sequence[Finding], merged: Sequence[Finding]) -> None:
        assert message.record is not None  # every Presidio-format message carries its record
        for entity, counts in presidio.score_record(message.record, merged).items():
            self.scores.counts(entity).add(counts)
        if len(self.examples) < 2 * self.examples_wanted:
            self._collect_examples(message.record, merged)

    def _collect_examples(self, record: presidio.PresidioRecord, merged: Sequence[Finding]) -> None:
        missed = [
            span for span in record.spans
            if span.entity_type in presidio.ENTITY_TYPES
            and not any(f.start < span.end and span.start < f.end for f in merged)
        ]  # fmt: skip
        wrong = [
            finding for finding in merged
            if presidio.entity_for_type(finding.type) is not None
            and not any(span.start < finding.end and finding.start < span.end for span in record.spans)
        ]  # fmt: skip
        counts = {kind: sum(1 for e in self.examples if e.kind == kind) for kind in ("missed", "false positive")}
        for span in missed[: max(0, self.examples_wanted - counts["missed"])]:
            level = presidio_entity_level(span.entity_type)
            label = level.label if level else "-"
            self.examples.append(ErrorExample("missed", record.text[span.start : span.end], span.entity_type, label))
        for finding in wrong[: max(0, self.examples_wanted - counts["false positive"])]:
            self.examples.append(ErrorExample("false positive", finding.text, finding.type, finding.level.label))

    @staticmethod
    def figures(counts: presidio.EntityCounts) -> tuple[float | None, float | None, float]:
        """Precision, recall and F1 under the paper metric's conventions (`metrics.Counts`): a figure without a
        denominator is None unless both sides are empty — Presidio's own table calls it 1.0, which reads as perfect."""
        as_counts = Counts(counts.true_positives, counts.predicted, counts.gold)
        return as_counts.precision, as_counts.recall, as_counts.f1

    def overall(self) -> presidio.EntityCounts:
        total = presidio.EntityCounts()
        for counts in self.scores.by_entity.values():
            total.add(counts)
        return total

    def by_level(self) -> dict[Level, presidio.EntityCounts]:
        levels: dict[Level, presidio.EntityCounts] = {}
        for entity, counts in self.scores.by_entity.items():
            level = presidio_entity_level(entity)
            if level is not None:
                levels.setdefault(level, presidio.EntityCounts()).add(counts)
        return levels

    def to_json(self) -> dict[str, Any]:
        def row(counts: presidio.EntityCounts) -> dict[str, Any]:
            precision, recall, f1 = self.figures(counts)
            return {
                "gold": counts.gold,
                "predicted": counts.predicted,
                "true_positives": counts.true_positives,
                "false_positives": counts.false_positives,
                "false_negatives": counts.false_negatives,
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }

        return {
            "metric": "presidio-entity",
            "overall": row(self.overall()),
            "by_level": {level.label: row(counts) for level, counts in sorted(self.by_level().items())},
            "by_entity": {entity: row(counts) for entity, counts in sorted(self.scores.by_entity.items())},
        }


def make_scorer(data_format: str, min_level: Level, examples: int) -> PaperScorer | PresidioScorer:
    """The scorer for a data format: the paper's metric for MemPrivacy data, per-entity counts for Presidio data."""
    if data_format == MEMPRIVACY:
        return PaperScorer(min_level, examples)
    return PresidioScorer(examples)
