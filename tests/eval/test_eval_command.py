"""`cloakroom eval` end to end with the rules detector, on small data files the tests write."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.cli import main
from app.cli.eval_commands import ProgressBar
from app.core.evaluation import SHARED_DATA_VARIABLE

SPAN_TEXTS = ("maria.lopez@example.com", "Maria Lopez", "knee injury", "Tr0ub4dor", "jane.roe", "John Smith")


def run_eval(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["eval", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_memprivacy_report_has_the_paper_metric_the_user_figures_and_no_text(
    memprivacy_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "out" / "report.md"
    code, out, err = run_eval(capsys, str(memprivacy_file), "--detector", "rules", "--report", str(report))
    assert code == 0
    summary = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    assert report.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    (run,) = summary["runs"]
    # Rules find the email, the phone number and the password; not the name or the health detail.
    assert run["scores"]["micro"] == {
        "matched": 3.0, "predicted": 3, "gold": 5, "precision": 1.0, "recall": 0.6, "f1": pytest.approx(0.75),
    }  # fmt: skip
    assert run["scores"]["by_level"]["PL4"]["recall"] == 1.0
    assert run["scores"]["by_type"]["Real Name"]["precision"] is None
    assert run["exposure"]["overall"]["leaked"] == 2
    assert run["exposure"]["unresolved_placeholders"] == 0
    assert run["speed"]["messages"] == 4
    assert summary["dataset"]["messages"] == 4 and summary["model"] is None
    markdown = report.read_text(encoding="utf-8")
    for heading in ("## Setup", "## Summary", "### By level", "### By type", "### What a user feels", "### Speed"):
        assert heading in markdown
    assert "![Precision and recall per level](report.png)" in markdown
    written = out + err + markdown + json.dumps(summary)
    assert not any(text in written for text in SPAN_TEXTS)
    assert "4/4 messages" in err


def test_presidio_report_scores_entities(presidio_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_eval(capsys, str(presidio_file), "--detector", "rules")
    assert code == 0
    assert "### By entity (Presidio overlap matching)" in out
    rows = {line.split(" | ")[0].strip("| "): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["EMAIL_ADDRESS"].split(" | ")[2:7] == ["1", "1", "1", "0", "0"]
    assert rows["PERSON"].split(" | ")[2:7] == ["1", "0", "0", "0", "1"]
    assert "rules: precision 1.000, recall 0.500" in err


def test_examples_quote_the_data_only_in_the_markdown_when_asked(
    memprivacy_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.md"
    code, _, err = run_eval(
        capsys, str(memprivacy_file), "--detector", "rules", "--examples", "5", "--report", str(report)
    )
    assert code == 0
    markdown = report.read_text(encoding="utf-8")
    assert "## Error examples" in markdown
    assert "| missed | Real Name | PL2 | Maria Lopez |" in markdown
    assert "Maria Lopez" not in report.with_suffix(".json").read_text(encoding="utf-8")
    assert "Maria Lopez" not in err


def test_min_level_and_limit_narrow_the_scoring(memprivacy_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_eval(capsys, str(memprivacy_file), "--detector", "rules", "--min-level", "PL3", "--limit", "2")
    assert code == 0
    assert "| PL3–PL4 | 1 | 0 | 0.00 | – | 0.000 | 0.000 |" in out
    assert "PL2–PL4" not in out
    assert "| Messages scored | 2 (first 2) |" in out


def test_a_data_set_name_is_found_in_the_shared_folder(
    memprivacy_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(SHARED_DATA_VARIABLE, str(memprivacy_file.parent))
    code, out, _ = run_eval(capsys, memprivacy_file.name, "--detector", "rules")
    assert code == 0
    assert f"# Cloakroom evaluation: {memprivacy_file.name}" in out


def test_without_a_model_the_default_is_the_rules_and_asking_for_the_model_fails_in_one_line(
    memprivacy_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_eval(capsys, str(memprivacy_file))
    assert code == 0
    assert "only the rules detector is evaluated" in err
    assert "| Detector | rules |" in out
    code, _, err = run_eval(capsys, str(memprivacy_file), "--detector", "both")
    assert code == 1
    assert err.strip().startswith("cloakroom: No model is set up") and err.count("\n") == 1


def test_bad_paths_are_one_line_errors(
    tmp_path: Path, memprivacy_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_eval(capsys, str(tmp_path / "missing.jsonl"), "--detector", "rules")
    assert code == 1 and "There is no data set" in err
    code, _, err = run_eval(capsys, str(memprivacy_file), "--detector", "rules", "--report", str(tmp_path / "r.json"))
    assert code == 1 and "FILE.md" in err


def test_progress_bar_estimates_the_time_left() -> None:
    assert ProgressBar.line(5, 10, 10.0) == (
        "[##############..............] 5/10 messages  50.0%  0:10 elapsed, ~0:10 left"
    )
    assert ProgressBar.line(2436, 2436, 3725.0).endswith("100.0%  1:02:05 elapsed")


def test_progress_in_a_log_writes_a_line_per_tenth() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    for done in range(1, 101):
        bar(done, 100)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11  # the first message, then each tenth
    assert lines[0].startswith("[" + "." * 28 + "] 1/100")
    assert lines[-1].startswith("[" + "#" * 28 + "] 100/100")
