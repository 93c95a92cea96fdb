"""Write a tiny random-weight Qwen3 checkpoint in Hugging Face format, as the official repositories lay it out.

``config.json`` (Qwen3ForCausalLM), ``model.safetensors`` (BF16, written by hand: numpy has no bfloat16, and torch is
not needed to write one), ``tokenizer.json`` rebuilt from the Qwen2 BPE vocabulary that ships in the llama-cpp-python
sdist (with Qwen3's added tokens), and ``tokenizer_config.json`` with the Qwen3 chat template. llama.cpp's converter
recognises this tokenizer as "qwen2" by hashing its output, exactly as for the real MemPrivacy models.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

from tests.helpers.models import QWEN3_ADDED_TOKENS, QWEN3_EOS_ID, QWEN3_PAD_ID, qwen3_chat_template, qwen_vocab_path

QWEN2_PRETOKENIZER_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
BYTE_LEVEL = {"add_prefix_space": False, "trim_offsets": False, "use_regex": False}


def _bf16_bytes(values: np.ndarray) -> bytes:
    """Round float32 to bfloat16 (round-to-nearest-even) and return the little-endian bytes."""
    bits = values.astype(np.float32).view(np.uint32)
    rounded = bits + 0x7FFF + ((bits >> 16) & 1)
    return (rounded >> 16).astype("<u2").tobytes()


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, values in tensors.items():
        blob = _bf16_bytes(values)
        header[name] = {"dtype": "BF16", "shape": list(values.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    encoded += b" " * (-len(encoded) % 8)
    with path.open("wb") as stream:
        stream.write(struct.pack("<Q", len(encoded)))
        stream.write(encoded)
        for blob in blobs:
            stream.write(blob)


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
    vocab = {token: index for index, (token, kind) in enumerate(zip(tokens, types)) if kind == 1}
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


def write_tiny_qwen3_checkpoint(folder: Path, *, hidden: int = 64, layers: int = 2, seed: int = 0) -> Path:
    """Write the checkpoint files into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    heads, kv_heads, head_dim, ffn, vocab_size = 4, 2, hidden // 4, hidden * 2, 151_936
    config = {
        "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": hidden,
        "intermediate_size": ffn, "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": kv_heads, "head_dim": head_dim, "vocab_size": vocab_size,
        "max_position_embeddings": 40960, "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0,
        "tie_word_embeddings": True, "torch_dtype": "bfloat16", "bos_token_id": QWEN3_PAD_ID,
        "eos_token_id": QWEN3_EOS_ID, "hidden_act": "silu", "attention_bias": False,
    }  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    (folder / "generation_config.json").write_text(json.dumps({"eos_token_id": [QWEN3_EOS_ID, QWEN3_PAD_ID]}))
    tokenizer, tokenizer_config = _tokenizer_files()
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False))
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, ensure_ascii=False))
    rng = np.random.default_rng(seed)

    def matrix(rows: int, columns: int) -> np.ndarray:
        return rng.standard_normal((rows, columns), dtype=np.float32) * 0.02

    tensors = {
        "model.embed_tokens.weight": matrix(vocab_size, hidden),
        "model.norm.weight": np.ones(hidden, np.float32),
    }
    for index in range(layers):
        prefix = f"model.layers.{index}."
        tensors |= {
            prefix + "input_layernorm.weight": np.ones(hidden, np.float32),
            prefix + "post_attention_layernorm.weight": np.ones(hidden, np.float32),
            prefix + "self_attn.q_proj.weight": matrix(heads * head_dim, hidden),
            prefix + "self_attn.k_proj.weight": matrix(kv_heads * head_dim, hidden),
            prefix + "self_attn.v_proj.weight": matrix(kv_heads * head_dim, hidden),
            prefix + "self_attn.o_proj.weight": matrix(hidden, heads * head_dim),
            prefix + "self_attn.q_norm.weight": np.ones(head_dim, np.float32),
            prefix + "self_attn.k_norm.weight": np.ones(head_dim, np.float32),
            prefix + "mlp.gate_proj.weight": matrix(ffn, hidden),
            prefix + "mlp.up_proj.weight": matrix(ffn, hidden),
            prefix + "mlp.down_proj.weight": matrix(hidden, ffn),
        }
    write_safetensors(folder / "model.safetensors", tensors)
    return folder
