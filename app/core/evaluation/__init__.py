"""Measuring detectors against labelled data sets (used by benchmarks and by ``cloakroom eval``).

The data sets are not part of the project (their licences forbid redistribution, or they are simply large): they live
in a folder beside the repository, ``../shared/data`` relative to the repository root, or wherever the
``CLOAKROOM_SHARED_DATA`` environment variable points.
"""

from __future__ import annotations

import os
from pathlib import Path

SHARED_DATA_VARIABLE = "CLOAKROOM_SHARED_DATA"
REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_data_dir() -> Path:
    """The folder that holds the evaluation data sets (it may not exist: callers check and explain)."""
    override = os.environ.get(SHARED_DATA_VARIABLE)
    if override:
        return Path(override).expanduser()
    return REPO_ROOT.parent / "shared" / "data"


def shared_data_file(name: str) -> Path | None:
    """The path of one data set file, or None when it is absent."""
    path = shared_data_dir() / name
    return path if path.is_file() else None


def missing_data_message(name: str) -> str:
    """What to tell the person when a data set is not there."""
    return (
        f"{name} not found in {shared_data_dir()}; put the evaluation data there "
        f"or set {SHARED_DATA_VARIABLE} to the folder that holds it."
    )
