"""Where the repository is, for tests that run its scripts, read its files or start `python -m app` in it."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
