"""The issue's rules-only targets on the shared evaluation data (skipped where ../shared/data is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.evaluation import memprivacy, missing_data_message, presidio, shared_data_file


def shared_or_skip(name: str) -> Path:
    path = shared_data_file(name)
    if path is None:
        pytest.skip(missing_data_message(name))
    return path


def targets_of(path: Path, tmp_path: Path) -> dict[str, dict[str, object]]:
    report = tmp_path / "report.md"
    assert main(["eval", str(path), "--detector", "rules", "--report", str(report)]) == 0
    summary = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    return {str(check["target"]): check for check in summary["targets"]}


def test_rules_meet_the_presidio_targets(tmp_path: Path) -> None:
    targets = targets_of(shared_or_skip(presidio.DATA_FILE_NAME), tmp_path)
    assert len(targets) == 14
    failed = {name: check["value"] for name, check in targets.items() if not check["passed"]}
    assert failed == {}


def test_rules_find_the_email_and_phone_labels_of_the_personamem_sample(tmp_path: Path) -> None:
    targets = targets_of(shared_or_skip(memprivacy.DATA_FILE_NAME), tmp_path)
    assert set(targets) >= {"Email recall", "Phone Number recall"}
    failed = {name: check["value"] for name, check in targets.items() if not check["passed"]}
    assert failed == {}
