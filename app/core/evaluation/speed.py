"""Seconds per message and the model's token counts, as ``cloakroom eval`` reports them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.detectors.model.stats import ModelStats


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

    def add_model_stats(self, stats: ModelStats | None) -> None:
        if stats is None:
            return
        self.stats_available = True
        self.model_calls += stats.chunks
        self.prompt_tokens += stats.prompt_tokens
        self.prompt_tokens_cached += stats.prompt_tokens_cached
        self.prompt_seconds += stats.prompt_eval_seconds
        self.generated_tokens += stats.generated_tokens
        self.generation_seconds += stats.generation_seconds

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
