"""The runner's plumbing: the person's real name reaches the model, and a failed model answer fails only its message."""

from __future__ import annotations

import threading
from pathlib import Path

from app.core.detectors.base import ProgressCallback
from app.core.detectors.model.stats import ModelStats
from app.core.detectors.rules import RulesDetector
from app.core.errors import ModelOutputError
from app.core.evaluation.datasets import load_dataset
from app.core.evaluation.runner import BOTH, RunPlan, run_plan, run_plans
from app.core.evaluation.speed import percentile
from app.core.findings import Finding
from app.core.taxonomy import Level


class NameRecordingDetector:
    """Stands in for the model: finds nothing, notes whose message it was given, and fails where told to."""

    name = "model"

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.real_name = ""
        self.last_stats: ModelStats | None = None  # a stand-in reports no costs, as a model without stats would
        self.names_seen: list[str] = []
        self.fail_on_call = fail_on_call

    def detect(
        self, text: str, *, cancel: threading.Event | None = None, progress: ProgressCallback | None = None
    ) -> list[Finding]:
        self.names_seen.append(self.real_name)
        if len(self.names_seen) == self.fail_on_call:
            raise ModelOutputError("cut off")
        return []


def test_each_message_goes_to_the_model_with_its_authors_real_name(memprivacy_file: Path) -> None:
    model = NameRecordingDetector()
    plan = RunPlan("both", BOTH, "card", RulesDetector(), model)
    run_plan(load_dataset(memprivacy_file), plan, min_level=Level.PL2)
    assert model.names_seen == ["Maria Lopez", "Maria Lopez", "Maria Lopez", "Tom Baker"]


def test_a_cut_off_answer_fails_its_message_only_and_the_rules_still_count(memprivacy_file: Path) -> None:
    plan = RunPlan("both", BOTH, "card", RulesDetector(), NameRecordingDetector(fail_on_call=1))
    run = run_plan(load_dataset(memprivacy_file), plan, min_level=Level.PL2)
    assert run.model_failures == 1
    assert run.scorer.scores.overall.matched == 3.0  # the first message's email and phone, found by the rules
    assert len(run.speed.seconds) == 4


def test_progress_counts_messages_over_all_runs(memprivacy_file: Path) -> None:
    dataset = load_dataset(memprivacy_file)
    plans = [RunPlan(f"rules {n}", "rules", None, RulesDetector(), None) for n in range(2)]
    seen: list[tuple[int, int]] = []
    runs = run_plans(dataset, plans, min_level=Level.PL2, progress=lambda done, total: seen.append((done, total)))
    assert len(runs) == 2
    assert seen == [(done, 8) for done in range(1, 9)]


def test_percentile_is_nearest_rank() -> None:
    assert percentile([3.0, 1.0, 2.0, 4.0], 0.95) == 4.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert percentile([], 0.95) == 0.0
