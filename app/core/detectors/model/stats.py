"""What a model detection cost and returned, in a module without llama.cpp, so the UI and the CLI can type it cheaply."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True)
class ModelStats:
    """What the last `ModelDetector.detect` cost and returned — counts and times only, never content.

    Mutable because ``detect`` counts into it as it goes: each call counts into a new one and hands it out as
    ``last_stats`` when it ends (also when it fails); nothing changes it after that.

    ``prompt_tokens_cached`` counts prompt tokens llama.cpp still held from the previous call (about that many were
    not evaluated again); ``prefix_restores`` how often the fixed prefix was read back from disk instead.
    ``model_steps`` counts llama.cpp evaluations while answering; ``drafted_tokens`` the tokens proposed for checking
    in those batches and ``accepted_draft_tokens`` those that were kept. ``items_returned`` counts the answer arrays'
    elements; ``items_malformed`` those skipped for missing or mistyped fields; ``items_preferences`` those the model
    graded PL1 (dropped); ``items_not_found`` the distinct values that do not occur in the input. ``chunks_retried``
    counts cut-off answers whose chunk was split and asked again.
    """

    chunks: int = 0
    prompt_tokens: int = 0
    prompt_tokens_cached: int = 0
    generated_tokens: int = 0
    prompt_eval_seconds: float = 0.0
    generation_seconds: float = 0.0
    items_returned: int = 0
    items_malformed: int = 0
    items_preferences: int = 0
    items_not_found: int = 0
    findings: int = 0
    prefix_restores: int = 0
    model_steps: int = 0
    drafted_tokens: int = 0
    accepted_draft_tokens: int = 0
    chunks_retried: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
