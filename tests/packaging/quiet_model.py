"""A tiny qwen3 GGUF that answers ``[]`` ("nothing found") at once, for running `cloakroom mask --model` end to end.

The random-weight test model (tests/helpers/models.py) writes gibberish under the answer grammar until the token
limit, which costs minutes on 2 cores and ends in "answer cut off". This copy has its weights rewritten so that
greedy decoding is decided by the embedding table alone:

- every block's output projections (``attn_output``, ``ffn_down``) are zero, so the residual stream that reaches the
  final norm is the current token's embedding;
- every embedding row points the same way (a constant vector, plus a little noise so rows differ), so after the norm
  the logit of token j is proportional to how long row j is;
- a few rows are made longer: ``<|im_end|>`` most, then ``[]``, then ``[`` and ``]``.

Under the JSON grammar (which allows only ``[`` or ``[]`` first, and only the end token once the array is closed)
the answer is therefore ``[]`` then ``<|im_end|>``: two generated tokens, after a real prompt evaluation through
llama.cpp with the real tokenizer and chat template.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import gguf
import numpy as np

from tests.helpers.models import assets_dir, tiny_qwen3_path

# Relative lengths of the favoured embedding rows (every other row has length ~1).
FAVOURED_TOKENS = {"<|im_end|>": 3.0, "[]": 2.0, "[": 1.8, "]": 1.8}
BASE_VALUE = 0.5  # each component of the shared direction; logits end up tens apart, far beyond f16 rounding
NOISE = 0.01
ZEROED_TENSOR_SUFFIXES = (".attn_output.weight", ".ffn_down.weight")


def quiet_qwen3_path() -> Path:
    """The quiet model made from the tiny random qwen3, cached beside the other test models (GGUFReader takes ~13 s
    to parse the 151,936-token vocabulary, so it is written once per machine, not per test)."""
    source = tiny_qwen3_path()
    recipe = repr((source.name, sorted(FAVOURED_TOKENS.items()), BASE_VALUE, NOISE, ZEROED_TENSOR_SUFFIXES, 1))
    target = assets_dir() / f"{source.stem}-quiet-{hashlib.sha256(recipe.encode()).hexdigest()[:10]}.gguf"
    if not target.is_file():
        partial = target.with_name(target.name + ".partial")
        write_quiet_qwen3(source, partial)
        os.replace(partial, target)
    return target


def write_quiet_qwen3(source: Path, target: Path) -> Path:
    """Copy the random qwen3 GGUF ``source`` to ``target`` and rewrite its weights in place (see the module doc)."""
    shutil.copyfile(source, target)
    reader = gguf.GGUFReader(target, "r+")
    token_ids = _token_ids(reader)
    for tensor in reader.tensors:
        if tensor.name.endswith(ZEROED_TENSOR_SUFFIXES):
            tensor.data[...] = 0
        elif tensor.name == "token_embd.weight":
            point_rows_one_way(tensor.data, {token_ids[text]: scale for text, scale in FAVOURED_TOKENS.items()})
    reader.data.flush()
    return target


def _token_ids(reader: gguf.GGUFReader) -> dict[str, int]:
    field = reader.fields["tokenizer.ggml.tokens"]
    wanted = set(FAVOURED_TOKENS)
    found = {}
    for token_id, part_index in enumerate(field.data):
        text = bytes(field.parts[part_index]).decode("utf-8", errors="replace")
        if text in wanted:
            found[text] = token_id
    missing = wanted - set(found)
    if missing:
        raise ValueError(f"The model's vocabulary lacks {sorted(missing)}")
    return found


def point_rows_one_way(embeddings: np.ndarray, favoured: dict[int, float]) -> None:
    """Rows = BASE_VALUE everywhere plus small noise; favoured rows scaled up (shape: vocabulary × embedding)."""
    generator = np.random.default_rng(0)
    rows = BASE_VALUE + NOISE * generator.standard_normal(embeddings.shape)
    for token_id, scale in favoured.items():
        rows[token_id] = BASE_VALUE * scale
    embeddings[...] = rows.astype(embeddings.dtype)
