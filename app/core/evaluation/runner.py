"""Run detectors over a labelled data set and collect every figure ``cloakroom eval`` reports.

Per message, as the app would treat it, but with a fresh in-memory store and a policy with no personal settings
(no allow-list, no type overrides: the evaluation measures the detectors, not the person's configuration):

1. each chosen detector runs on its own (timed); the model gets the message's author's name (``real_name``);
2. the paper's metric (`metrics`) scores the detectors' raw predictions — before overlapping spans are merged, as
   the paper scores the model's answer list;
3. the merged findings are masked under the level threshold and the masked text is unmasked again: leak rate,
   over-masking and the round trip (`exposure`);
4. Presidio data is also scored per entity by `presidio` (overlap matching on offsets).

A model answer that is cut off or malformed fails only its message: it is counted, the rules' findings (if the rules
run) stand for that message, and the run goes on. Nothing here prints or keeps message text, except the error
examples a caller asks for explicitly.

The data sets are read by `datasets`, scored by `scorers` and timed by `speed`; `machine` describes where it ran.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.core.detectors.base import Detector
from app.core.detectors.model.stats import ModelStats
from app.core.engine import Engine
from app.core.errors import ModelOutputError
from app.core.evaluation.datasets import Dataset, EvalMessage
from app.core.evaluation.exposure import Exposure, measure_exposure
from app.core.evaluation.machine import ModelInfo
from app.core.evaluation.scorers import ErrorExample, PaperScorer, PresidioScorer, make_scorer
from app.core.evaluation.speed import SpeedTally
from app.core.findings import Finding
from app.core.policy import Policy
from app.core.resolve import resolve
from app.core.store import MemoryStore
from app.core.taxonomy import Level

RULES_ONLY = "rules"
MODEL_ONLY = "model"
BOTH = "both"
DETECTOR_CHOICES = (RULES_ONLY, MODEL_ONLY, BOTH)

ProgressFunction = Callable[[int, int], None]
"""Called with (messages done, messages in all runs)."""


@dataclass
class RunResult:
    """One pass over the data set: one detector choice, one prompt profile."""

    label: str
    detector: str
    profile: str | None
    scorer: PaperScorer | PresidioScorer
    exposure: Exposure
    speed: SpeedTally = field(default_factory=SpeedTally)
    model_failures: int = 0

    @property
    def examples(self) -> list[ErrorExample]:
        return self.scorer.examples

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "detector": self.detector,
            "profile": self.profile,
            "scores": self.scorer.to_json(),
            "exposure": self.exposure.to_json(),
            "speed": self.speed.to_json(),
            "model_failures": self.model_failures,
        }


class EvaluatedModel(Detector, Protocol):
    """What the runner needs of a model detector (`ModelDetector` is one): whose messages come next, and what the
    last detection cost. Declared, so a detector without them is a type error rather than a silently empty figure."""

    real_name: str
    last_stats: ModelStats | None


@dataclass(frozen=True)
class RunPlan:
    """What one run uses: the rules detector, a model detector (None for rules only), and names for the report."""

    label: str
    detector: str
    profile: str | None
    rules: Detector | None
    model: EvaluatedModel | None


def _detect(plan: RunPlan, message: EvalMessage, run: RunResult) -> list[Finding]:
    """The raw findings of the plan's detectors; a failed model answer fails this message only."""
    started = time.perf_counter()
    findings: list[Finding] = []
    if plan.rules is not None:
        findings.extend(plan.rules.detect(message.text))
    if plan.model is not None:
        plan.model.real_name = message.real_name
        try:
            findings.extend(plan.model.detect(message.text))
        except ModelOutputError:
            run.model_failures += 1  # a cut-off or malformed answer; other model errors end the evaluation
        run.speed.add_model_stats(plan.model.last_stats)
    run.speed.seconds.append(time.perf_counter() - started)
    return findings


def run_plan(
    dataset: Dataset,
    plan: RunPlan,
    *,
    min_level: Level,
    examples: int = 0,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Score one plan over every message of the data set (``progress`` gets the count of messages done)."""
    engine = Engine(store=MemoryStore(), policy=Policy(min_level=min_level))
    run = RunResult(
        plan.label, plan.detector, plan.profile, make_scorer(dataset.format, min_level, examples), Exposure(min_level)
    )
    for done, message in enumerate(dataset.messages, start=1):
        raw = _detect(plan, message, run)
        merged = resolve(message.text, raw)
        run.scorer.add(message, raw, merged)
        masked = engine.mask_findings(message.text, merged)
        unmasked = engine.unmask(masked.text)
        run.exposure.add(measure_exposure(message.text, message.gold_values, masked, unmasked, min_level))
        if progress is not None:
            progress(done)
    return run


def run_plans(
    dataset: Dataset,
    plans: Sequence[RunPlan],
    *,
    min_level: Level,
    examples: int = 0,
    progress: ProgressFunction | None = None,
) -> list[RunResult]:
    """Run every plan in turn (one profile after another keeps each profile's prompt prefix cached)."""
    total = len(dataset.messages) * len(plans)
    results = []
    for index, plan in enumerate(plans):
        offset = index * len(dataset.messages)

        def report(done: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + done, total)

        results.append(run_plan(dataset, plan, min_level=min_level, examples=examples, progress=report))
    return results


@dataclass
class EvalResult:
    """Everything a report needs."""

    dataset: Dataset
    detector: str
    min_level: Level
    limit: int | None
    runs: list[RunResult]
    model: ModelInfo | None = None
    machine: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
