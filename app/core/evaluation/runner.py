"""Run detectors over a labelled data set and collect every figure ``cloakroom eval`` reports.

Per message, as the app would treat it, but with a fresh in-memory store and a policy with no personal settings
(no allow-list, no type overrides: the evaluation measures the detectors, not the person's configuration):

1. each chosen detector runs on its own (timed); the model gets the message's user name;
2. the paper's metric (`metrics`) scores the detectors' raw predictions — before overlapping spans are merged, as
   the paper scores the model's answer list;
3. the merged findings are masked under the level threshold and the masked text is unmasked again: leak rate,
   over-masking and the round trip (`exposure`);
4. Presidio data is also scored per entity by `presidio` (overlap matching on offsets).

A model answer that is cut off or malformed fails only its message: it is counted, the rules' findings (if the rules
run) stand for that message, and the run goes on. Nothing here prints or keeps message text, except the error
examples a caller asks for explicitly.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.core.detectors.base import Detector
from app.core.engine import Engine
from app.core.errors import ConfigError, InputError, ModelOutputError
from app.core.evaluation import memprivacy, presidio
from app.core.evaluation.exposure import Exposure, GoldValue, measure_exposure, occurrences
from app.core.evaluation.metrics import CorpusScores, Counts, Item, score_message
from app.core.findings import Finding
from app.core.policy import Policy
from app.core.resolve import resolve
from app.core.store import MemoryStore
from app.core.taxonomy import Level, level_for_type

MEMPRIVACY = "memprivacy"
PRESIDIO = "presidio"
FORMATS = (MEMPRIVACY, PRESIDIO)
RULES_ONLY = "rules"
MODEL_ONLY = "model"
BOTH = "both"
DETECTOR_CHOICES = (RULES_ONLY, MODEL_ONLY, BOTH)

ProgressFunction = Callable[[int, int], None]
"""Called with (messages done, messages in all runs)."""


# ---------------------------------------------------------------------------------------------------------------------
# Data sets


@dataclass(frozen=True, slots=True)
class EvalMessage:
    """One message to score, in a form common to both data formats."""

    text: str
    user_name: str
    items: tuple[Item, ...]  # labels for the paper's metric (MemPrivacy data)
    gold_values: tuple[GoldValue, ...]  # labels with their spans, for leak rate and over-masking
    record: presidio.PresidioRecord | None = None  # the Presidio record, for its per-entity scorer


@dataclass(frozen=True)
class Dataset:
    path: Path
    format: str
    messages: tuple[EvalMessage, ...]
    sha256: str

    @property
    def gold_count(self) -> int:
        return sum(len(message.gold_values) for message in self.messages)


def guess_format(path: Path) -> str:
    """``.jsonl`` is MemPrivacy (one user per line), ``.json`` Presidio (one list); otherwise look at the first byte."""
    if path.suffix.lower() == ".jsonl":
        return MEMPRIVACY
    if path.suffix.lower() == ".json":
        return PRESIDIO
    with path.open("rb") as handle:
        first = handle.read(64).lstrip()[:1]
    return PRESIDIO if first == b"[" else MEMPRIVACY


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def presidio_entity_level(entity: str) -> Level | None:
    """The level a Presidio entity is judged at: the lowest level of the types that count as finding it."""
    types = presidio.ENTITY_TYPES.get(entity)
    if not types:
        return None
    return min(level_for_type(name) for name in types)


def _memprivacy_messages(path: Path, limit: int | None) -> list[EvalMessage]:
    messages = []
    for message in memprivacy.read_messages(path, limit):
        gold_values = tuple(
            GoldValue(item.text, item.level, occurrences(message.text, item.text)) for item in message.gold
        )
        messages.append(EvalMessage(message.text, message.user_name, message.gold, gold_values))
    return messages


def _presidio_messages(path: Path, limit: int | None) -> list[EvalMessage]:
    try:
        records = presidio.read_records(path)
    except (ValueError, KeyError, TypeError) as error:
        # json.JSONDecodeError is a ValueError; the reader's own messages name a record index, never its text.
        reason = str(error) if isinstance(error, ValueError) and not isinstance(error, json.JSONDecodeError) else ""
        raise InputError(f"{path.name} is not a Presidio data set{': ' + reason if reason else ''}.") from None
    messages = []
    for record in records[:limit] if limit is not None else records:
        gold_values = tuple(
            GoldValue(
                record.text[span.start : span.end], presidio_entity_level(span.entity_type), ((span.start, span.end),)
            )
            for span in record.spans
        )
        messages.append(EvalMessage(record.text, "", (), gold_values, record))
    return messages


def load_dataset(path: Path, data_format: str | None = None, limit: int | None = None) -> Dataset:
    """Read a data set in either format (guessed from the file when not given)."""
    if not path.is_file():
        raise InputError(f"There is no data set at {path}.")
    chosen = data_format or guess_format(path)
    if chosen not in FORMATS:
        raise ConfigError(f"Unknown data format; use one of: {', '.join(FORMATS)}.")
    reader = _memprivacy_messages if chosen == MEMPRIVACY else _presidio_messages
    try:
        messages = reader(path, limit)
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text.") from None
    return Dataset(path, chosen, tuple(messages), file_sha256(path))


# ---------------------------------------------------------------------------------------------------------------------
# Scorers


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


# ---------------------------------------------------------------------------------------------------------------------
# Speed


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0–1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class SpeedTally:
    """Seconds per message, and the model's token counts and times where the detector reports them."""

    seconds: list[float] = field(default_factory=list)
    model_calls: int = 0
    prompt_tokens: int = 0
    prompt_tokens_cached: int = 0
    prompt_seconds: float = 0.0
    generated_tokens: int = 0
    generation_seconds: float = 0.0
    stats_available: bool = False

    def add_model_stats(self, stats: object | None) -> None:
        if stats is None:
            return
        self.stats_available = True
        self.model_calls += int(getattr(stats, "chunks", 0))
        self.prompt_tokens += int(getattr(stats, "prompt_tokens", 0))
        self.prompt_tokens_cached += int(getattr(stats, "prompt_tokens_cached", 0))
        self.prompt_seconds += float(getattr(stats, "prompt_eval_seconds", 0.0))
        self.generated_tokens += int(getattr(stats, "generated_tokens", 0))
        self.generation_seconds += float(getattr(stats, "generation_seconds", 0.0))

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 0.95)

    @property
    def total(self) -> float:
        return sum(self.seconds)

    @property
    def first(self) -> float:
        """The first message's time: with a model it includes evaluating the fixed prompt, which later calls reuse."""
        return self.seconds[0] if self.seconds else 0.0

    @property
    def prompt_tokens_per_second(self) -> float | None:
        """Prompt tokens actually evaluated (those llama.cpp still held are left out) per second of evaluation."""
        evaluated = self.prompt_tokens - self.prompt_tokens_cached
        return evaluated / self.prompt_seconds if self.stats_available and self.prompt_seconds > 0 else None

    @property
    def generated_tokens_per_second(self) -> float | None:
        if not self.stats_available or self.generation_seconds <= 0:
            return None
        return self.generated_tokens / self.generation_seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "messages": len(self.seconds),
            "seconds_total": self.total,
            "seconds_per_message_median": self.median,
            "seconds_per_message_p95": self.p95,
            "seconds_first_message": self.first,
            "model_calls": self.model_calls,
            "prompt_tokens": self.prompt_tokens,
            "prompt_tokens_cached": self.prompt_tokens_cached,
            "prompt_seconds": self.prompt_seconds,
            "generated_tokens": self.generated_tokens,
            "generation_seconds": self.generation_seconds,
            "prompt_tokens_per_second": self.prompt_tokens_per_second,
            "generated_tokens_per_second": self.generated_tokens_per_second,
        }


# ---------------------------------------------------------------------------------------------------------------------
# Running


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


@dataclass(frozen=True)
class RunPlan:
    """What one run uses: the rules detector, a model detector (None for rules only), and names for the report."""

    label: str
    detector: str
    profile: str | None
    rules: Detector | None
    model: Detector | None


def set_user_name(model: Detector | None, name: str) -> None:
    """Tell the model detector whose messages come next (the attribute is ``real_name``; older drafts ``user_name``)."""
    if model is None:
        return
    for attribute in ("real_name", "user_name"):
        if hasattr(model, attribute):
            setattr(model, attribute, name)
            return


def _make_scorer(data_format: str, min_level: Level, examples: int) -> PaperScorer | PresidioScorer:
    if data_format == MEMPRIVACY:
        return PaperScorer(min_level, examples)
    return PresidioScorer(examples)


def _detect(plan: RunPlan, message: EvalMessage, run: RunResult) -> list[Finding]:
    """The raw findings of the plan's detectors; a failed model answer fails this message only."""
    started = time.perf_counter()
    findings: list[Finding] = []
    if plan.rules is not None:
        findings.extend(plan.rules.detect(message.text))
    if plan.model is not None:
        set_user_name(plan.model, message.user_name)
        try:
            findings.extend(plan.model.detect(message.text))
        except ModelOutputError:
            run.model_failures += 1  # a cut-off or malformed answer; other model errors end the evaluation
        run.speed.add_model_stats(getattr(plan.model, "last_stats", None))
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
        plan.label, plan.detector, plan.profile, _make_scorer(dataset.format, min_level, examples), Exposure(min_level)
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


# ---------------------------------------------------------------------------------------------------------------------
# What the report says about the model and the machine


@dataclass(frozen=True)
class ModelInfo:
    file_name: str
    path: str
    size_bytes: int
    sha256: str
    quantization: str
    architecture: str
    name: str | None
    device: str
    n_gpu_layers: int
    n_threads: int
    n_ctx: int
    max_new_tokens: int | None
    notice: str | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def describe_machine() -> dict[str, Any]:
    """Operating system, CPU, memory, GPUs and the llama.cpp build: what speed figures depend on."""
    from app.core.model_files.hardware import detect_hardware

    hardware = detect_hardware()
    info: dict[str, Any] = {
        "system": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_name(),
        "physical_cores": hardware.physical_cores,
        "logical_cores": hardware.logical_cores,
        "ram_bytes": hardware.total_ram_bytes,
        "gpus": [gpu.name for gpu in hardware.gpus],
        "llama_cpp_gpu_offload": hardware.gpu_offload_supported,
    }
    try:
        import llama_cpp

        info["llama_cpp_python"] = llama_cpp.__version__
    except ImportError:
        info["llama_cpp_python"] = None
    return info


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


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
