"""Cloakroom's own converter (`hf_to_gguf`): a tiny random Qwen3 checkpoint in the hub's layout to a GGUF, no torch.

The first part runs everywhere, also with torch made unimportable (``sys.modules["torch"] = None``; the last test does
that in a child process). The equivalence part needs torch and transformers for llama.cpp's ``convert_hf_to_gguf.py``
(the test setup installs the CPU build) and is skipped without them: both converters must write the same tensors
(name, shape, type, bytes) and the same metadata, and llama.cpp must compute the same logits from both files.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.core.errors import Cancelled
from app.core.model_files import hf_to_gguf
from app.core.model_files.errors import ConversionError
from app.core.model_files.hf_to_gguf import convert_checkpoint_to_gguf
from tests.helpers.files import files_in
from tests.helpers.models import TestAssetError as AssetError
from tests.helpers.models import fetch_sdist, load_llama
from tests.helpers.paths import REPO_ROOT
from tests.models.hf_checkpoint import TensorRecipe, write_safetensors, write_tiny_qwen3_checkpoint

PROMPTS = {
    "en": "<|im_start|>user\nCall Dana Reyes at +1 415 555 0100 tomorrow.<|im_end|>\n<|im_start|>assistant\n",
    "zh": "<|im_start|>user\n请在明天下午三点给张伟打电话，号码是13812345678。<|im_end|>\n<|im_start|>assistant\n",
}
# Keys and tensors that may legitimately differ between the two converters, with the reason. Empty: today the files
# are identical byte for byte; a new llama.cpp that adds a key shows up here as a failure naming the key.
ALLOWED_METADATA_DIFFERENCES: dict[str, str] = {}
ALLOWED_TENSOR_DIFFERENCES: dict[str, str] = {}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return write_tiny_qwen3_checkpoint(tmp_path_factory.mktemp("checkpoint"))
    except AssetError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def ours_bf16(checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert_checkpoint_to_gguf(checkpoint, tmp_path_factory.mktemp("ours") / "model-bf16.gguf")


def copy_checkpoint(checkpoint: Path, target: Path) -> Path:
    target.mkdir()
    for path in checkpoint.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    return target


def gguf_contents(path: Path) -> tuple[dict[str, Any], dict[str, tuple[tuple[int, ...], str, bytes]]]:
    """Every metadata key with its types and value, and every tensor's shape, type and bytes, in file order."""
    import gguf

    reader = gguf.GGUFReader(path)
    metadata = {
        key: ([kind.name for kind in field.types], field.contents())
        for key, field in reader.fields.items()
        if not key.startswith("GGUF.")
    }
    tensors = {
        tensor.name: (tuple(int(size) for size in tensor.shape), tensor.tensor_type.name, bytes(tensor.data))
        for tensor in reader.tensors
    }
    return metadata, tensors


# ---------------------------------------------------------------------------------------------------------------------
# Without torch


def test_the_tiny_checkpoint_has_the_hub_layout(checkpoint: Path) -> None:
    assert sorted(files_in(checkpoint)) == [
        "config.json", "generation_config.json", "model-00001-of-00002.safetensors",
        "model-00002-of-00002.safetensors", "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json",
    ]  # fmt: skip
    index = json.loads((checkpoint / "model.safetensors.index.json").read_text())
    assert set(index["weight_map"].values()) == {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}
    assert "<think>" in json.loads((checkpoint / "tokenizer_config.json").read_text())["chat_template"]


def test_a_converted_checkpoint_has_qwen3_tensors_vocabulary_and_template(ours_bf16: Path) -> None:
    metadata, tensors = gguf_contents(ours_bf16)
    assert metadata["general.architecture"][1] == "qwen3"
    assert metadata["qwen3.block_count"][1] == 2
    assert metadata["tokenizer.ggml.pre"][1] == "qwen2"
    assert len(metadata["tokenizer.ggml.tokens"][1]) == 151_936
    assert metadata["tokenizer.ggml.eos_token_id"][1] == 151_645
    assert "<think>" in metadata["tokenizer.chat_template"][1]
    assert tensors["token_embd.weight"][:2] == ((64, 151_936), "BF16")
    assert tensors["blk.1.ffn_down.weight"][:2] == ((128, 64), "BF16")
    assert tensors["blk.0.attn_q_norm.weight"][:2] == ((16,), "F32")  # norms stay F32, as llama.cpp wants
    assert len(tensors) == 2 + 2 * 11


def test_bf16_weights_are_copied_and_f16_is_their_rounding(checkpoint: Path, ours_bf16: Path, tmp_path: Path) -> None:
    """The embedding's first bytes in the shard are the GGUF's, and F16 equals BF16 → F32 → F16 element by element."""
    source = next(t for t in hf_to_gguf.checkpoint_tensors(checkpoint) if t.name == "model.embed_tokens.weight")
    with source.file.open("rb") as stream:
        stream.seek(source.offset)
        raw = stream.read(source.nbytes)
    _, tensors = gguf_contents(ours_bf16)
    assert tensors["token_embd.weight"][2] == raw
    f16 = convert_checkpoint_to_gguf(checkpoint, tmp_path / "model-f16.gguf", output_type="f16")
    expected = ((np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)).astype(np.float16)
    assert gguf_contents(f16)[1]["token_embd.weight"][2] == expected.tobytes()


def test_the_converted_model_loads_and_answers(ours_bf16: Path) -> None:
    llama = load_llama(ours_bf16, n_ctx=256)
    try:
        answer = llama.create_completion(PROMPTS["en"], max_tokens=2, temperature=0.0)
        assert answer["usage"]["completion_tokens"] >= 1
        assert llama.tokenize(b"<think>", special=True) == [151_667]
    finally:
        llama.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}, "not LlamaForCausalLM"),
        ({"rope_scaling": {"rope_type": "yarn", "factor": 4.0}}, "rope_scaling"),
    ],
)
def test_an_unknown_architecture_is_refused_before_writing(
    checkpoint: Path, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    other = copy_checkpoint(checkpoint, tmp_path / "other")
    config = json.loads((other / "config.json").read_text()) | change
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(ConversionError, match=message):
        convert_checkpoint_to_gguf(other, tmp_path / "out" / "model.gguf")
    assert files_in(tmp_path / "out") == []


def test_an_unknown_tensor_is_refused_by_name(checkpoint: Path, tmp_path: Path) -> None:
    other = copy_checkpoint(checkpoint, tmp_path / "other")
    write_safetensors(other / "extra.safetensors", {"model.vision_tower.weight": TensorRecipe((4, 4), 1)})
    index = json.loads((other / "model.safetensors.index.json").read_text())
    index["weight_map"]["model.vision_tower.weight"] = "extra.safetensors"
    (other / "model.safetensors.index.json").write_text(json.dumps(index))
    with pytest.raises(ConversionError, match=r"model.vision_tower.weight"):
        convert_checkpoint_to_gguf(other, tmp_path / "model.gguf")
    assert not (tmp_path / "model.gguf").exists()


def test_a_missing_shard_and_a_missing_tensor_are_named(checkpoint: Path, tmp_path: Path) -> None:
    other = copy_checkpoint(checkpoint, tmp_path / "other")
    (other / "model-00002-of-00002.safetensors").unlink()
    with pytest.raises(ConversionError, match=r"model-00002-of-00002.safetensors is missing"):
        convert_checkpoint_to_gguf(other, tmp_path / "model.gguf")
    index = json.loads((other / "model.safetensors.index.json").read_text())
    index["weight_map"] = {k: v for k, v in index["weight_map"].items() if v.endswith("00001-of-00002.safetensors")}
    (other / "model.safetensors.index.json").write_text(json.dumps(index))
    with pytest.raises(ConversionError, match=r"lacks .* tensor"):
        convert_checkpoint_to_gguf(other, tmp_path / "model.gguf")
    assert [path.name for path in tmp_path.iterdir()] == ["other"]


def test_a_truncated_shard_is_refused(checkpoint: Path, tmp_path: Path) -> None:
    other = copy_checkpoint(checkpoint, tmp_path / "other")
    shard = other / "model-00001-of-00002.safetensors"
    shard.write_bytes(shard.read_bytes()[:100_000])
    with pytest.raises(ConversionError, match="truncated"):
        convert_checkpoint_to_gguf(other, tmp_path / "model.gguf")
    assert not (tmp_path / "model.gguf").exists()


def test_progress_counts_source_bytes_in_chunks_and_cancel_deletes_the_file(
    checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are at most CHUNK_BYTES (memory stays near one chunk), and a cancel mid-way leaves no file behind."""
    monkeypatch.setattr(hf_to_gguf, "CHUNK_BYTES", 1 << 20)
    events: list[tuple[str, int, int]] = []
    convert_checkpoint_to_gguf(checkpoint, tmp_path / "a.gguf", progress=lambda *event: events.append(event))
    done = [d for _, d, _ in events]
    total = sum(t.nbytes for t in hf_to_gguf.checkpoint_tensors(checkpoint))
    assert {stage for stage, _, _ in events} == {"convert"} and events[-1][1:] == (total, total)
    assert done == sorted(done) and max(np.diff(done)) <= 1 << 20
    assert len(events) > total // (1 << 20)

    cancel = threading.Event()

    def cancel_halfway(_stage: str, done_bytes: int, total_bytes: int) -> None:
        if done_bytes > total_bytes // 2:
            cancel.set()

    with pytest.raises(Cancelled):
        convert_checkpoint_to_gguf(checkpoint, tmp_path / "out" / "b.gguf", progress=cancel_halfway, cancel=cancel)
    assert files_in(tmp_path / "out") == []


def test_the_converter_runs_with_torch_and_transformers_unimportable(checkpoint: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "for name in ('torch', 'transformers', 'safetensors', 'sentencepiece', 'tokenizers'):\n"
        "    sys.modules[name] = None\n"
        "from pathlib import Path\n"
        "from app.core.model_files.hf_to_gguf import convert_checkpoint_to_gguf\n"
        f"convert_checkpoint_to_gguf(Path({str(checkpoint)!r}), Path({str(tmp_path / 'm.gguf')!r}))\n"
        "print('converted', 'torch' in sys.modules and sys.modules['torch'] is None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["converted", "True"]
    assert (tmp_path / "m.gguf").stat().st_size > 19_000_000


# ---------------------------------------------------------------------------------------------------------------------
# Against llama.cpp's converter (torch, transformers)


@pytest.fixture(scope="module")
def llama_cpp_converted(checkpoint: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The checkpoint converted by llama.cpp's convert_hf_to_gguf.py, BF16 and F16."""
    for name in ("torch", "transformers"):
        pytest.importorskip(name, reason="llama.cpp's converter needs torch and transformers")
    from app.core.model_files.convert import convert_checkpoint, install_converter_from_sdist

    folder = tmp_path_factory.mktemp("llama-cpp")
    try:
        converter = install_converter_from_sdist(fetch_sdist(), folder / "converter")
    except AssetError as error:
        pytest.fail(str(error), pytrace=False)
    yield {
        outtype: convert_checkpoint(checkpoint, folder / f"{outtype}.gguf", converter=converter, outtype=outtype)
        for outtype in ("bf16", "f16")
    }


def differences(ours: Path, theirs: Path) -> list[str]:
    """Each metadata key or tensor that is not identical, described without the data."""
    (our_metadata, our_tensors), (their_metadata, their_tensors) = gguf_contents(ours), gguf_contents(theirs)
    found = [
        f"key {key}: ours {str(our_metadata.get(key))[:80]}, llama.cpp's {str(their_metadata.get(key))[:80]}"
        for key in sorted(set(our_metadata) | set(their_metadata))
        if our_metadata.get(key) != their_metadata.get(key) and key not in ALLOWED_METADATA_DIFFERENCES
    ]
    for name in sorted(set(our_tensors) | set(their_tensors)):
        mine, other = our_tensors.get(name), their_tensors.get(name)
        if mine != other and name not in ALLOWED_TENSOR_DIFFERENCES:
            found.append(f"tensor {name}: ours {mine and mine[:2]}, llama.cpp's {other and other[:2]}")
    if list(our_tensors) != list(their_tensors):
        found.append("tensor order differs")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("outtype", ["bf16", "f16"])
def test_both_converters_write_the_same_tensors_and_metadata(
    checkpoint: Path, llama_cpp_converted: dict[str, Path], tmp_path: Path, outtype: str
) -> None:
    ours = convert_checkpoint_to_gguf(checkpoint, tmp_path / f"{outtype}.gguf", output_type=outtype)
    assert differences(ours, llama_cpp_converted[outtype]) == []


def last_logits(path: Path, prompt: str) -> np.ndarray:
    llama = load_llama(path, n_ctx=256, logits_all=True)
    try:
        tokens = llama.tokenize(prompt.encode(), add_bos=False, special=True)
        llama.eval(tokens)
        return np.array(llama.scores[llama.n_tokens - 1], copy=True)
    finally:
        llama.close()


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "zh"])
def test_both_files_give_identical_logits(ours_bf16: Path, llama_cpp_converted: dict[str, Path], language: str) -> None:
    ours, theirs = (
        last_logits(ours_bf16, PROMPTS[language]),
        last_logits(llama_cpp_converted["bf16"], PROMPTS[language]),
    )
    assert ours.shape == (151_936,) and np.isfinite(ours).all() and np.ptp(ours) > 0
    np.testing.assert_array_equal(ours, theirs)
