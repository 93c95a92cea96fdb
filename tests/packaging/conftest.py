"""Fixtures for the packaging tests: the quiet test model (see quiet_model.py) and the tiny model it is made from."""

from __future__ import annotations

from tests.helpers.models import quiet_qwen3_gguf  # noqa: F401 - a fixture, re-exported for this folder
