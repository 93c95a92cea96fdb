"""Fixtures for core tests: the small real models (defined in `tests.helpers.models`, shared with other folders)."""

from __future__ import annotations

from tests.helpers.models import (  # noqa: F401  (pytest finds fixtures by name)
    qwen3_template_text,
    smollm2_gguf,
    smollm2_llama,
    tiny_qwen3_gguf,
    tiny_qwen3_llama,
)
