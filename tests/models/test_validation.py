"""Checking model files: good GGUFs pass with their metadata, damaged ones fail with one clear sentence."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from app.core.model_files.errors import InvalidModelFile
from app.core.model_files.gguf_info import inspect_gguf
from app.core.model_files.library import register_model, registered_model, validate_model_file
from app.core.paths import app_paths

BAD_KINDS_AND_MESSAGES = [
    ("truncated", "cut short"),
    ("truncated-header", "cut short"),
    ("wrong-magic", "not a GGUF model"),
    ("random", "not a GGUF model"),
    ("empty", "empty (0 bytes)"),
    ("html", "web page"),
]

BadFileMaker = Callable[[str], Path]


@pytest.fixture
def bad_gguf(tmp_path: Path, tiny_qwen3_gguf: Path) -> BadFileMaker:
    """Make a damaged model file by kind: truncated, wrong-magic, random, empty, html."""

    def make(kind: str) -> Path:
        path = tmp_path / f"{kind}.gguf"
        good = tiny_qwen3_gguf.read_bytes()
        if kind == "truncated":
            path.write_bytes(good[: len(good) * 2 // 3])
        elif kind == "truncated-header":
            path.write_bytes(good[:4096])
        elif kind == "wrong-magic":
            path.write_bytes(b"GGUX" + good[4:])
        elif kind == "random":
            path.write_bytes(os.urandom(64 * 1024))
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "html":
            path.write_bytes(b"<!DOCTYPE html><html><body>Repository not found</body></html>")
        else:
            raise ValueError(kind)
        return path

    return make


def test_tiny_qwen3_is_valid_and_described(tiny_qwen3_gguf: Path) -> None:
    check = validate_model_file(tiny_qwen3_gguf)
    assert check.loaded
    assert check.warnings == ()
    info = check.info
    assert info.architecture == "qwen3"
    assert info.quantization == "F16"
    assert info.vocab_size == 151_936
    assert info.block_count == 2 and info.embedding_length == 64
    assert info.chat_template and "<|im_start|>" in info.chat_template
    assert info.tensor_count == 2 * 11 + 2
    rows = dict(info.summary_rows())
    assert rows["Architecture"] == "qwen3" and rows["Vocabulary"] == "151936"


def test_smollm2_is_valid_with_an_architecture_warning(smollm2_gguf: Path) -> None:
    check = validate_model_file(smollm2_gguf)
    assert check.info.architecture == "llama"
    assert check.info.quantization == "Q4_1"
    assert 130_000_000 < check.info.parameter_count < 140_000_000
    assert len(check.warnings) == 1 and "'llama', not 'qwen3'" in check.warnings[0]


def test_kv_cache_size_follows_the_header(smollm2_gguf: Path) -> None:
    info = inspect_gguf(smollm2_gguf)
    # 30 layers x 3 KV heads x (64 + 64) dims x 2 bytes per token
    assert info.kv_cache_bytes(1000) == 1000 * 30 * 3 * 128 * 2


@pytest.mark.parametrize(("kind", "message"), BAD_KINDS_AND_MESSAGES)
def test_damaged_files_are_rejected_clearly(bad_gguf: BadFileMaker, kind: str, message: str) -> None:
    path = bad_gguf(kind)
    with pytest.raises(InvalidModelFile) as caught:
        validate_model_file(path)
    text = str(caught.value)
    assert message in text
    assert path.name in text
    assert "\n" not in text


def test_a_folder_and_a_missing_file_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidModelFile, match="is a folder"):
        inspect_gguf(tmp_path)
    with pytest.raises(InvalidModelFile, match="There is no file"):
        inspect_gguf(tmp_path / "absent.gguf")


def test_a_header_that_lies_about_a_string_length_is_rejected(tmp_path: Path, tiny_qwen3_gguf: Path) -> None:
    data = bytearray(tiny_qwen3_gguf.read_bytes())
    data[24:32] = (2**62).to_bytes(8, "little")  # the first metadata key's length
    path = tmp_path / "lying.gguf"
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidModelFile, match="damaged GGUF header"):
        inspect_gguf(path)


def test_a_file_llama_cpp_refuses_is_rejected(tmp_path: Path, tiny_qwen3_gguf: Path) -> None:
    """A header that parses but names an architecture llama.cpp does not know only fails at the load check."""
    data = tiny_qwen3_gguf.read_bytes()
    patched = data.replace(b"qwen3", b"qwenX")  # every key prefix and the architecture name
    path = tmp_path / "unknown-arch.gguf"
    path.write_bytes(patched)
    assert inspect_gguf(path).architecture == "qwenX"
    with pytest.raises(InvalidModelFile, match=r"llama.cpp cannot load"):
        validate_model_file(path)


def test_register_saves_the_path_only_for_a_good_file(bad_gguf: BadFileMaker, tiny_qwen3_gguf: Path) -> None:
    with pytest.raises(InvalidModelFile):
        register_model(bad_gguf("truncated"))
    assert registered_model() is None
    assert not app_paths().settings.exists()
    register_model(tiny_qwen3_gguf)
    assert registered_model() == tiny_qwen3_gguf.resolve()


@pytest.mark.parametrize(("kind", "message"), BAD_KINDS_AND_MESSAGES)
def test_cli_use_of_a_bad_file_is_one_line_and_registers_nothing(
    bad_gguf: BadFileMaker, capsys: pytest.CaptureFixture[str], kind: str, message: str
) -> None:
    code = main(["model", "use", str(bad_gguf(kind))])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("cloakroom: ") and message in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err + captured.out
    assert registered_model() is None


def test_cli_use_then_info_and_list(tiny_qwen3_gguf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "use", str(tiny_qwen3_gguf)]) == 0
    assert registered_model() == tiny_qwen3_gguf.resolve()
    assert main(["model", "info"]) == 0
    out = capsys.readouterr().out
    assert "qwen3" in out and "llama.cpp loads:   yes" in out
    assert main(["model", "list", "--no-hardware"]) == 0
    listing = capsys.readouterr().out
    assert f"* {tiny_qwen3_gguf.resolve()}" in listing
    assert "IAAR-Shanghai/MemPrivacy-4B-RL" in listing and "IAAR-Shanghai/MemPrivacy-1.7B-RL" in listing


def test_cli_info_without_a_registered_model_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "info"]) == 1
    assert "No model is registered" in capsys.readouterr().err


def test_cli_info_of_smollm2_warns_about_the_architecture(
    smollm2_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["model", "info", str(smollm2_gguf), "--no-load-check"]) == 0
    captured = capsys.readouterr()
    assert "Architecture:      llama" in captured.out
    assert "warning:" in captured.err and "not 'qwen3'" in captured.err


def test_a_vocabulary_only_gguf_is_not_a_model() -> None:
    from tests.helpers.models import qwen_vocab_path

    with pytest.raises(InvalidModelFile, match="holds no weights"):
        validate_model_file(qwen_vocab_path())
