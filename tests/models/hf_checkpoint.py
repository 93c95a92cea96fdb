"""Write a random-weight Qwen3 checkpoint in Hugging Face format, as the official repositories lay it out.

``config.json`` (Qwen3ForCausalLM), ``generation_config.json``, BF16 shards with ``model.safetensors.index.json``
(written by hand and streamed: numpy has no bfloat16, and torch is not needed to write one), ``tokenizer.json``
rebuilt from the Qwen2 BPE vocabulary that ships in the llama-cpp-python sdist (with Qwen3's added tokens), and
``tokenizer_config.json`` with the Qwen3 chat template. llama.cpp's converter
recognises this tokenizer as "qwen2" by hashing its output, exactly as for the real MemPrivacy models.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from tests.helpers.models import (
    QWEN3_1_7B,
    QWEN3_4B,
    QWEN3_ADDED_TOKENS,
    QWEN3_EOS_ID,
    QWEN3_PAD_ID,
    QWEN_VOCAB_SIZE,
    TINY_QWEN3,
    Qwen3Shape,
    qwen3_chat_template,
    qwen_vocab_path,
)

QWEN2_PRETOKENIZER_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
BYTE_LEVEL = {"add_prefix_space": False, "trim_offsets": False, "use_regex": False}


def _bf16_bytes(values: np.ndarray) -> bytes:
    """Round float32 to bfloat16 (round-to-nearest-even) and return the little-endian bytes."""
    bits = values.astype(np.float32).view(np.uint32)
    rounded = bits + 0x7FFF + ((bits >> 16) & 1)
    return (rounded >> 16).astype("<u2").tobytes()


@dataclass(frozen=True)
class TensorRecipe:
    """A tensor to write: ones (norm weights, as trained models roughly have them), N(0, 0.02²) from its own stream,
    or given values."""

    shape: tuple[int, ...]
    stream: int | None  # None: all ones (unless values are given)
    values: np.ndarray | None = field(default=None, compare=False)

    def blocks(self, seed: int) -> Iterator[np.ndarray]:
        """The values in row blocks of at most ~4M elements, so a 4B-shaped embedding never sits in memory whole."""
        if self.values is not None:
            yield self.values.astype(np.float32)
            return
        if self.stream is None:
            yield np.ones(self.shape, np.float32)
            return
        rng = np.random.default_rng([seed, self.stream])
        rows, columns = self.shape[0], int(np.prod(self.shape[1:]))
        step = max(1, (1 << 22) // columns)
        for first in range(0, rows, step):
            block = rng.standard_normal((min(step, rows - first), columns), dtype=np.float32)
            block *= 0.02
            yield block

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape)) * 2


def write_safetensors(path: Path, tensors: dict[str, TensorRecipe], *, seed: int = 0) -> int:
    """Write BF16 tensors in the given order, streaming each one; return the bytes of tensor data."""
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, recipe in tensors.items():
        header[name] = {"dtype": "BF16", "shape": list(recipe.shape), "data_offsets": [offset, offset + recipe.nbytes]}
        offset += recipe.nbytes
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with path.open("wb") as stream:
        stream.write(struct.pack("<Q", len(encoded)))
        stream.write(encoded)
        for recipe in tensors.values():
            for block in recipe.blocks(seed):
                stream.write(_bf16_bytes(block))
    return offset


def read_tokenizer_arrays(path: Path) -> dict[str, list[Any]]:
    """The tokenizer's string and int arrays from a vocabulary GGUF, read directly.

    ``gguf.GGUFReader`` builds a numpy view per string and takes ~15 s for Qwen's 300k strings; this takes ~1 s.
    """
    data = path.read_bytes()
    position = 24  # magic, version, tensor count, metadata count
    (key_count,) = struct.unpack_from("<Q", data, 16)
    scalar_widths = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
    arrays: dict[str, list[Any]] = {}

    def string_at(offset: int) -> tuple[str, int]:
        (length,) = struct.unpack_from("<Q", data, offset)
        return data[offset + 8 : offset + 8 + length].decode("utf-8"), offset + 8 + length

    for _ in range(key_count):
        key, position = string_at(position)
        (value_type,) = struct.unpack_from("<I", data, position)
        position += 4
        if value_type == 8:
            _, position = string_at(position)
        elif value_type == 9:
            element_type, count = struct.unpack_from("<IQ", data, position)
            position += 12
            if element_type == 8:
                values = []
                for _ in range(count):
                    text, position = string_at(position)
                    values.append(text)
                arrays[key] = values
            else:
                width = scalar_widths[element_type]
                arrays[key] = list(np.frombuffer(data, dtype=f"<i{width}", count=count, offset=position))
                position += width * count
        else:
            position += scalar_widths[value_type]
    return arrays


def _tokenizer_files() -> tuple[dict[str, Any], dict[str, Any]]:
    arrays = read_tokenizer_arrays(qwen_vocab_path())
    tokens, merges = arrays["tokenizer.ggml.tokens"], arrays["tokenizer.ggml.merges"]
    types = [int(kind) for kind in arrays["tokenizer.ggml.token_type"]]
    vocab = {token: index for index, (token, kind) in enumerate(zip(tokens, types, strict=False)) if kind == 1}
    added = [
        {"id": index, "content": text, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
         "special": kind == 3}
        for index, (text, kind) in sorted(QWEN3_ADDED_TOKENS.items())
    ]  # fmt: skip
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": QWEN2_PRETOKENIZER_REGEX}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", **BYTE_LEVEL},
        ]},
        "post_processor": {"type": "ByteLevel", **BYTE_LEVEL},
        "decoder": {"type": "ByteLevel", **BYTE_LEVEL},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [merge.split(" ") for merge in merges]},
    }  # fmt: skip
    config = {
        "tokenizer_class": "Qwen2Tokenizer", "model_max_length": 40960, "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>", "bos_token": None, "add_prefix_space": False, "errors": "replace",
        "clean_up_tokenization_spaces": False, "split_special_tokens": False,
        "chat_template": qwen3_chat_template(),
        "added_tokens_decoder": {str(entry["id"]): {k: v for k, v in entry.items() if k != "id"} for entry in added},
    }  # fmt: skip
    return tokenizer, config


def qwen3_config(shape: Qwen3Shape) -> dict[str, Any]:
    """``config.json`` as the Qwen3 repositories have it (tied embeddings, as in 0.6B, 1.7B and 4B)."""
    return {
        "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": shape.n_embd,
        "intermediate_size": shape.n_ff, "num_hidden_layers": shape.n_layers, "num_attention_heads": shape.n_head,
        "num_key_value_heads": shape.n_head_kv, "head_dim": shape.head_dim, "vocab_size": QWEN_VOCAB_SIZE,
        "max_position_embeddings": shape.context_length, "rms_norm_eps": shape.rms_norm_eps,
        "rope_theta": shape.rope_freq_base, "rope_scaling": None, "tie_word_embeddings": True,
        "torch_dtype": "bfloat16", "bos_token_id": QWEN3_PAD_ID, "eos_token_id": QWEN3_EOS_ID, "hidden_act": "silu",
        "attention_bias": False, "attention_dropout": 0.0, "use_cache": True, "sliding_window": None,
        "use_sliding_window": False, "initializer_range": 0.02, "transformers_version": "4.51.0",
    }  # fmt: skip


def qwen3_tensor_recipes(shape: Qwen3Shape) -> list[dict[str, TensorRecipe]]:
    """The Hugging Face tensors, grouped: the embedding, each block, the final norm."""
    q_dim, kv_dim = shape.n_head * shape.head_dim, shape.n_head_kv * shape.head_dim
    counter = iter(range(1, 1 << 30))

    def matrix(rows: int, columns: int) -> TensorRecipe:
        return TensorRecipe((rows, columns), next(counter))

    def ones(size: int) -> TensorRecipe:
        return TensorRecipe((size,), None)

    groups = [{"model.embed_tokens.weight": matrix(QWEN_VOCAB_SIZE, shape.n_embd)}]
    for index in range(shape.n_layers):
        prefix = f"model.layers.{index}."
        groups.append({
            prefix + "input_layernorm.weight": ones(shape.n_embd),
            prefix + "post_attention_layernorm.weight": ones(shape.n_embd),
            prefix + "self_attn.q_proj.weight": matrix(q_dim, shape.n_embd),
            prefix + "self_attn.k_proj.weight": matrix(kv_dim, shape.n_embd),
            prefix + "self_attn.v_proj.weight": matrix(kv_dim, shape.n_embd),
            prefix + "self_attn.o_proj.weight": matrix(shape.n_embd, q_dim),
            prefix + "self_attn.q_norm.weight": ones(shape.head_dim),
            prefix + "self_attn.k_norm.weight": ones(shape.head_dim),
            prefix + "mlp.gate_proj.weight": matrix(shape.n_ff, shape.n_embd),
            prefix + "mlp.up_proj.weight": matrix(shape.n_ff, shape.n_embd),
            prefix + "mlp.down_proj.weight": matrix(shape.n_embd, shape.n_ff),
        })  # fmt: skip
    groups.append({"model.norm.weight": ones(shape.n_embd)})
    return groups


def write_qwen3_checkpoint(
    folder: Path, shape: Qwen3Shape = TINY_QWEN3, *, seed: int = 0, shards: int = 2, quiet: bool = False
) -> Path:
    """Write a random-weight Qwen3 checkpoint as the hub has it: config, BF16 shards with their index, tokenizer files.

    Shards are named ``model-0000K-of-0000N.safetensors`` and split between blocks, like the official ones.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(qwen3_config(shape), indent=2))
    generation = {"bos_token_id": QWEN3_PAD_ID, "eos_token_id": [QWEN3_EOS_ID, QWEN3_PAD_ID], "pad_token_id": QWEN3_PAD_ID,
                  "do_sample": True, "temperature": 0.6, "top_k": 20, "top_p": 0.95, "transformers_version": "4.51.0"}  # fmt: skip
    (folder / "generation_config.json").write_text(json.dumps(generation, indent=2))
    tokenizer, tokenizer_config = _tokenizer_files()
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False))
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, ensure_ascii=False))
    groups = qwen3_tensor_recipes(shape)
    if quiet:
        vocab = tokenizer["model"]["vocab"] | {entry["content"]: entry["id"] for entry in tokenizer["added_tokens"]}
        groups = _quiet(groups, vocab)
    if shards == 1:
        write_safetensors(folder / "model.safetensors", {k: v for group in groups for k, v in group.items()}, seed=seed)
        return folder
    weight_map: dict[str, str] = {}
    total = 0
    for number, part in enumerate(np.array_split(np.arange(len(groups)), shards), start=1):
        name = f"model-{number:05d}-of-{shards:05d}.safetensors"
        tensors = {k: v for index in part for k, v in groups[index].items()}
        total += write_safetensors(folder / name, tensors, seed=seed)
        weight_map |= dict.fromkeys(tensors, name)
    index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2))
    return folder


def write_tiny_qwen3_checkpoint(folder: Path, *, seed: int = 0, shards: int = 2, quiet: bool = False) -> Path:
    """The tiny shape (2 layers, 64 dims): ~20 MB, converts in seconds.

    ``quiet``: weights rewritten as in `tests.packaging.quiet_model`, so that the converted model answers ``[]`` at
    once under the answer grammar (for masking end to end with a model converted from this checkpoint).
    """
    return write_qwen3_checkpoint(folder, TINY_QWEN3, seed=seed, shards=shards, quiet=quiet)


def _quiet(groups: list[dict[str, TensorRecipe]], vocab: dict[str, int]) -> list[dict[str, TensorRecipe]]:
    """Zero every block's output projections; point every embedding row one way, the favoured tokens' longer."""
    from tests.packaging.quiet_model import FAVOURED_TOKENS, ZEROED_TENSOR_SUFFIXES, point_rows_one_way

    quiet = []
    for group in groups:
        changed = {}
        for name, recipe in group.items():
            if name.endswith(tuple(suffix.replace("attn_output", "o_proj").replace("ffn_down", "down_proj")
                                   for suffix in ZEROED_TENSOR_SUFFIXES)):  # fmt: skip
                recipe = replace(recipe, values=np.zeros(recipe.shape, np.float32))
            elif name == "model.embed_tokens.weight":
                rows = np.empty(recipe.shape, np.float32)
                point_rows_one_way(rows, {vocab[text]: scale for text, scale in FAVOURED_TOKENS.items()})
                recipe = replace(recipe, values=rows)
            changed[name] = recipe
        quiet.append(changed)
    return quiet


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.models.hf_checkpoint FOLDER [--shape 4b]``: a stand-in checkpoint for measuring conversion."""
    import argparse

    shapes = {"tiny": TINY_QWEN3, "1.7b": QWEN3_1_7B, "4b": QWEN3_4B}
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--shape", choices=shapes, default="tiny")
    parser.add_argument("--shards", type=int, default=2)
    arguments = parser.parse_args(argv)
    write_qwen3_checkpoint(arguments.folder, shapes[arguments.shape], shards=arguments.shards)
    print(f"written: {arguments.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
