"""The project's quality targets, checked against an evaluation's figures.

Data-set targets apply only to the whole data sets they were set on (recognised by file name, no ``--limit``); the
round-trip targets apply to every run. Reported as pass/fail beside the measured value, so a regression shows in the report itself.

- Rules alone on the Presidio synthetic set: EMAIL_ADDRESS, CREDIT_CARD, IBAN_CODE, IP_ADDRESS and US_SSN recall
  ≥ 0.98 and precision ≥ 0.95; PHONE_NUMBER recall ≥ 0.90 and precision ≥ 0.85.
- Rules alone on the PersonaMem-v2 sample: recall of Email and of Phone Number labels ≥ 0.95.
- Rules + model (the real MemPrivacy-4B-RL at Q4_K_M) on the PersonaMem-v2 sample: F1 within 2 points of the paper's
  full-precision 94.48.
- Every run: no unresolved placeholder after mask → unmask, and every message restored exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.evaluation import memprivacy, presidio
from app.core.evaluation.runner import BOTH, MODEL_ONLY, RULES_ONLY, EvalResult, RunResult
from app.core.evaluation.scorers import PaperScorer, PresidioScorer

STRICT_PRESIDIO_ENTITIES = ("EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN")
# The one place these figures are written: the rules benchmark and the tests on the shared data read them from here.
PRESIDIO_RULES_TARGETS: dict[str, tuple[float, float]] = {
    **dict.fromkeys(STRICT_PRESIDIO_ENTITIES, (0.98, 0.95)),
    "PHONE_NUMBER": (0.90, 0.85),
}
"""Presidio entity → (minimum recall, minimum precision) of the rules alone."""
MEMPRIVACY_RULES_TYPES = ("Email", "Phone Number")
MEMPRIVACY_RULES_RECALL = 0.95
"""The minimum recall of the rules alone on each of `MEMPRIVACY_RULES_TYPES` in the PersonaMem-v2 sample."""
PAPER_F1_PERSONAMEM = 0.9448
PAPER_F1_TOLERANCE = 0.02


@dataclass(frozen=True)
class TargetCheck:
    run: str
    name: str
    value: float | None
    goal: str
    passed: bool

    def to_json(self) -> dict[str, object]:
        return {"run": self.run, "target": self.name, "value": self.value, "goal": self.goal, "passed": self.passed}


def _at_least(run: str, name: str, value: float | None, minimum: float) -> TargetCheck:
    return TargetCheck(run, name, value, f"≥ {minimum:g}", value is not None and value >= minimum)


def _presidio_checks(run: RunResult, scorer: PresidioScorer) -> list[TargetCheck]:
    checks = []
    for entity, (recall, precision) in PRESIDIO_RULES_TARGETS.items():
        counts = scorer.scores.by_entity.get(entity, presidio.EntityCounts())
        checks.append(_at_least(run.label, f"{entity} recall", counts.recall, recall))
        checks.append(_at_least(run.label, f"{entity} precision", counts.precision, precision))
    return checks


def _memprivacy_rules_checks(run: RunResult, scorer: PaperScorer) -> list[TargetCheck]:
    checks = []
    for type_name in MEMPRIVACY_RULES_TYPES:
        counts = scorer.scores.by_type.get(type_name)
        recall = counts.recall if counts else None
        checks.append(_at_least(run.label, f"{type_name} recall", recall, MEMPRIVACY_RULES_RECALL))
    return checks


def _memprivacy_model_checks(run: RunResult, scorer: PaperScorer) -> list[TargetCheck]:
    f1 = scorer.scores.overall.f1
    minimum = PAPER_F1_PERSONAMEM - PAPER_F1_TOLERANCE
    name = f"F1 within 2 points of the paper's {100 * PAPER_F1_PERSONAMEM:.2f} (real MemPrivacy-4B-RL only)"
    return [TargetCheck(run.label, name, f1, f"≥ {minimum:.4f}", f1 >= minimum)]


def _round_trip_checks(run: RunResult) -> list[TargetCheck]:
    unresolved = run.exposure.unresolved_placeholders
    mismatches = run.exposure.round_trip_mismatches
    return [
        TargetCheck(run.label, "unresolved placeholders after mask → unmask", unresolved, "= 0", unresolved == 0),
        TargetCheck(run.label, "messages not restored exactly", mismatches, "= 0", mismatches == 0),
    ]


def check_targets(result: EvalResult) -> list[TargetCheck]:
    """Data-set targets only on the whole data set (``--limit`` would let a lucky first few messages pass them)."""
    file_name = result.dataset.path.name if result.limit is None else ""
    checks: list[TargetCheck] = []
    for run in result.runs:
        scorer = run.scorer
        if isinstance(scorer, PresidioScorer) and file_name == presidio.DATA_FILE_NAME and run.detector == RULES_ONLY:
            checks += _presidio_checks(run, scorer)
        if isinstance(scorer, PaperScorer) and file_name == memprivacy.DATA_FILE_NAME:
            if run.detector == RULES_ONLY:
                checks += _memprivacy_rules_checks(run, scorer)
            elif run.detector in (BOTH, MODEL_ONLY) and scorer.min_level.label == "PL2":
                checks += _memprivacy_model_checks(run, scorer)
        checks += _round_trip_checks(run)
    return checks
