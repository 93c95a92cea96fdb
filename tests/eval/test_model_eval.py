"""`cloakroom eval` with a real GGUF model: SmolLM2-135M on two messages, two prompt profiles.

SmolLM2 extracts poorly, so nothing here asserts a score: the run must complete, time every message, count the
model's tokens, describe the model file and compare the profiles in one table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main

pytestmark = pytest.mark.slow


def test_model_run_reports_the_model_speed_and_a_profile_comparison(
    smollm2_gguf: Path, memprivacy_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "model.md"
    code = main([
        "eval", str(memprivacy_file), "--detector", "both", "--model", str(smollm2_gguf),
        "--profile", "card", "--profile", "cloakroom", "--limit", "2",
        "--threads", "1", "--n-ctx", "4096", "--max-new-tokens", "48", "--report", str(report),
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    summary = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    model = summary["model"]
    assert model["file_name"] == smollm2_gguf.name
    assert model["quantization"] == "Q4_1" and model["n_threads"] == 1 and model["max_new_tokens"] == 48
    assert len(model["sha256"]) == 64
    assert [run["profile"] for run in summary["runs"]] == ["card", "cloakroom"]
    for run in summary["runs"]:
        assert run["speed"]["messages"] == 2
        assert run["speed"]["generated_tokens"] > 0
        assert run["speed"]["prompt_tokens"] > run["speed"]["prompt_tokens_cached"]
        assert run["speed"]["generated_tokens_per_second"] > 0
        assert 0 <= run["model_failures"] <= 2
        assert run["exposure"]["unresolved_placeholders"] == 0
    markdown = report.read_text(encoding="utf-8")
    assert "## Prompt profiles compared" in markdown
    assert f"| Model SHA-256 | `{model['sha256']}` |" in markdown
    assert "| Quantization | Q4_1 |" in markdown
    assert "4/4 messages" in err
    assert "Maria Lopez" not in err
