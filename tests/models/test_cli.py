"""`cloakroom model test | hardware | convert --clean` and the progress display."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.cli import main
from app.cli.model_commands import TerminalProgress


def test_model_test_loads_answers_and_reports(smollm2_gguf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["model", "test", str(smollm2_gguf), "--threads", "1", "--ctx", "256", "--max-tokens", "4"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Device:        " in captured.out
    assert "Threads:       1 (batch 1), context 256" in captured.out
    assert "tokens/s" in captured.out and "Memory:        weights" in captured.out


def test_model_test_of_a_damaged_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cut.gguf"
    path.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\x00" * 30)
    assert main(["model", "test", str(path), "--threads", "1"]) == 1
    err = capsys.readouterr().err
    assert err == "cloakroom: cut.gguf holds no weights (it is a vocabulary-only GGUF).\n"


def test_model_hardware_recommends_from_memory_without_measuring(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "hardware", "--no-measure"]) == 0
    out = capsys.readouterr().out
    assert "CPU cores:" in out and "Recommended:" in out and "IAAR-Shanghai/MemPrivacy-" in out
    assert "not measured" in out


@pytest.mark.slow
def test_model_hardware_measures_each_size_and_the_registered_model(
    tiny_qwen3_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.core.model_files.library import register_model

    register_model(tiny_qwen3_gguf, load=False)
    assert main(["model", "hardware", "--quant", "Q4_K_M", "--threads", "1", "--cpu"]) == 0
    captured = capsys.readouterr()
    rows = [line.split() for line in captured.out.splitlines() if line.startswith(("4B ", "1.7B "))]
    assert [row[:2] for row in rows] == [["4B", "Q4_K_M"], ["1.7B", "Q4_K_M"], ["1.7B", "F16"]]
    assert captured.out.count("(your model, measured)") == 1
    for row in rows:
        prompt_speed, steps_speed = float(row[4]), float(row[5])
        assert prompt_speed > 0 and steps_speed > 0
        assert row[6].startswith("~") and row[8].startswith("~")
    assert "Recommended:    " in captured.out and "Measuring stand-ins: 100%" in captured.err


def test_convert_clean_with_nothing_to_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "convert", "--clean"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


@pytest.mark.slow
def test_convert_from_a_local_checkpoint_registers_the_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.core.model_files.library import registered_model
    from tests.models.hf_checkpoint import write_tiny_qwen3_checkpoint

    checkpoint = write_tiny_qwen3_checkpoint(tmp_path / "MemPrivacy-tiny")
    code = main(["model", "convert", "--from", str(checkpoint), "--quant", "q8_0", "--threads", "1", "--use"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Converting to GGUF: 100%" in captured.err and "Quantizing" in captured.err
    registered = registered_model()
    assert registered is not None and registered.name == "MemPrivacy-tiny-Q8_0.gguf"
    assert f"Cloakroom now uses {registered}" in captured.out


def test_unknown_size_and_quantization_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "convert", "--size", "70b"]) == 1
    assert "choose one of: 4b, 1.7b" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["model", "convert", "--quant", "Q3_WHAT"])


def test_progress_in_a_log_prints_a_few_lines_per_stage() -> None:
    stream = io.StringIO()
    bar = TerminalProgress(stream)
    for done in range(0, 1001, 10):
        bar("download", done * 1000, 1_000_000)
    bar("load", 0, 1)
    bar("load", 1, 1)
    bar.finish()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Downloading:   0% (0 B of 1.0 MB)"
    assert lines[4] == "Downloading: 100% (1.0 MB of 1.0 MB)"
    assert len([line for line in lines if line.startswith("Downloading")]) == 5
    assert lines[-1] == "Checking that llama.cpp loads it: 100%"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_at_a_terminal_redraws_one_line_per_stage() -> None:
    stream = FakeTerminal()
    bar = TerminalProgress(stream, min_interval_s=0)
    for done in (0, 500, 1000):
        bar("quantize", done, 1000)
    bar("load", 0, 1)
    bar.finish()
    screen = stream.getvalue()
    assert screen.count("\n") == 2  # the finished stage's line is kept; the unfinished one is closed by finish()
    assert "\r\033[KQuantizing: 100% (1.0 kB of 1.0 kB)\n" in screen
    assert screen.endswith("\r\033[KChecking that llama.cpp loads it:   0%\n")
