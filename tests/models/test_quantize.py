"""Quantizing a random-weight F16 qwen3 GGUF with llama.cpp: the results are the asked type, load and answer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.core.errors import Cancelled
from app.core.model_files.errors import InvalidModelFile, QuantizationError
from app.core.model_files.gguf_info import inspect_gguf
from app.core.model_files.quantize import parse_quantization, quantize_model
from tests.helpers.files import files_in
from tests.helpers.models import load_llama


@pytest.mark.parametrize(("quantization", "tensor_type"), [("Q4_K_M", "Q4_K"), ("Q8_0", "Q8_0")])
def test_quantized_model_has_the_type_loads_and_answers(
    quantizable_qwen3_f16: Path, tmp_path: Path, quantization: str, tensor_type: str
) -> None:
    target = tmp_path / f"model-{quantization}.gguf"
    events: list[tuple[str, int, int]] = []
    quantize_model(
        quantizable_qwen3_f16, target, quantization, n_threads=1, progress=lambda *event: events.append(event)
    )
    info = inspect_gguf(target)
    source = inspect_gguf(quantizable_qwen3_f16)
    assert info.quantization == quantization
    assert info.tensor_types.get(tensor_type, 0) > 0
    assert info.parameter_count == source.parameter_count
    assert info.file_size < source.file_size * 0.7
    assert events and events[-1][0] == "quantize" and events[-1][1] == events[-1][2] > 0
    assert files_in(tmp_path) == [target.name]
    llama = load_llama(target, n_ctx=256)
    try:
        answer = llama.create_completion("Hello", max_tokens=4, temperature=0.0)
        assert answer["usage"]["completion_tokens"] >= 1
        assert answer["choices"][0]["finish_reason"] in ("length", "stop")
    finally:
        llama.close()


def test_cancelled_quantization_leaves_nothing(quantizable_qwen3_f16: Path, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        quantize_model(quantizable_qwen3_f16, tmp_path / "out.gguf", "Q4_K_M", n_threads=1, cancel=cancel)
    assert files_in(tmp_path) == []


def test_unknown_quantization_and_bad_source_are_explained(tmp_path: Path) -> None:
    with pytest.raises(QuantizationError, match="choose one of: Q4_K_M"):
        parse_quantization("Q3_XYZ")
    assert parse_quantization("q4_k_m").name == "Q4_K_M"
    source = tmp_path / "not-a-model.gguf"
    source.write_bytes(b"nothing")
    with pytest.raises(InvalidModelFile):
        quantize_model(source, tmp_path / "out.gguf")
    assert files_in(tmp_path) == ["not-a-model.gguf"]


def test_an_existing_target_is_not_overwritten(tiny_qwen3_gguf: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.gguf"
    target.write_bytes(b"keep me")
    with pytest.raises(QuantizationError, match="already exists"):
        quantize_model(tiny_qwen3_gguf, target, "Q8_0", n_threads=1)
    assert target.read_bytes() == b"keep me"
