"""Convert a Qwen3 Hugging Face checkpoint (safetensors) to GGUF with numpy and the ``gguf`` package only.

Why Cloakroom carries its own converter: llama.cpp's ``convert_hf_to_gguf.py`` needs torch and transformers (several
GB), and the packaged app has no Python to run it in, so a person with the installer could never get the model. The
official weights are one architecture (Qwen3), so the part of llama.cpp's converter they need is small: hyper-parameters
from ``config.json``, a fixed table of tensor names, the BPE vocabulary from ``tokenizer.json``, and the special tokens,
merges and chat template that ``gguf.SpecialVocab`` reads the same way llama.cpp's converter does.

Memory stays near one chunk: each tensor is read from its shard in slices of `CHUNK_BYTES` (the safetensors header
gives its byte range), converted (BF16 → F32 by a 16-bit shift, F32 → F16 by numpy, BF16 → BF16 copied as is) and
written straight into the GGUF. The output is written as ``NAME.part`` and renamed when complete; an unknown
architecture, tensor, dtype or tokenizer is refused before anything is written.

`tests/models/test_hf_to_gguf.py` checks the result against llama.cpp's own converter tensor by tensor and key by key.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from app.core.errors import Cancelled
from app.core.model_files.download_checks import ensure_free_space
from app.core.model_files.errors import ConversionError
from app.core.model_files.library import PARTIAL_SUFFIX
from app.core.model_files.progress import CONVERT, ProgressCallback, report

CHUNK_BYTES = 32 << 20
INDEX_FILE = "model.safetensors.index.json"
SINGLE_FILE = "model.safetensors"
SUPPORTED_ARCHITECTURES = {"Qwen3ForCausalLM": "qwen3"}
SOURCE_DTYPES = {"BF16": 2, "F16": 2, "F32": 4}
OUTPUT_TYPES = ("bf16", "f16", "f32")
# The pre-tokenizer split of Qwen2 and Qwen3 (tokenizer.json); llama.cpp calls this pre-tokenizer "qwen2".
QWEN2_SPLIT_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
KNOWN_PRE_TOKENIZERS = {QWEN2_SPLIT_REGEX: "qwen2"}
# Hugging Face names of one Qwen3 block (after "model.layers.N.") → llama.cpp's names (after "blk.N.").
BLOCK_TENSORS = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "self_attn.q_norm.weight": "attn_q_norm.weight",
    "self_attn.k_norm.weight": "attn_k_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
GLOBAL_TENSORS = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}
BLOCK_PATTERN = re.compile(r"model\.layers\.(\d+)\.(.+)")
IGNORED_SUFFIXES = (".rotary_emb.inv_freq",)  # buffers some exports include; llama.cpp's converter drops them too


@dataclass(frozen=True)
class SourceTensor:
    """One tensor inside a safetensors shard: where its bytes are, never the bytes themselves."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    file: Path
    offset: int
    nbytes: int


@dataclass(frozen=True)
class PlannedTensor:
    """A tensor of the output file: its GGUF name and type, and where its data comes from."""

    gguf_name: str
    source: SourceTensor
    output_type: str  # "bf16", "f16" or "f32"

    @property
    def nbytes(self) -> int:
        count = int(np.prod(self.source.shape, dtype=np.int64))
        return count * (4 if self.output_type == "f32" else 2)


# ---------------------------------------------------------------------------------------------------------------------
# Reading the checkpoint


def read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConversionError(f"The checkpoint has no {path.name}.") from None
    except (OSError, ValueError) as error:
        raise ConversionError(f"Cannot read {path.name} of the checkpoint ({type(error).__name__}).") from None
    if not isinstance(value, dict):
        raise ConversionError(f"{path.name} of the checkpoint is not a JSON object.")
    return value


def read_safetensors_header(path: Path) -> list[SourceTensor]:
    """The tensors of one shard, sorted by name (the order the ``safetensors`` library and llama.cpp use)."""
    try:
        with path.open("rb") as stream:
            length = int.from_bytes(stream.read(8), "little")
            size = os.fstat(stream.fileno()).st_size
            if length <= 0 or 8 + length > size:
                raise ConversionError(f"{path.name} is not a complete safetensors file.")
            header = json.loads(stream.read(length).decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise ConversionError(f"Cannot read the header of {path.name} ({type(error).__name__}).") from None
    tensors = []
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        tensor = SourceTensor(name, entry["dtype"], tuple(entry["shape"]), path, 8 + length + start, end - start)
        if 8 + length + end > size:
            raise ConversionError(f"{path.name} is truncated (tensor {name} ends past the end of the file).")
        tensors.append(tensor)
    return sorted(tensors, key=lambda tensor: tensor.name)


def checkpoint_tensors(folder: Path) -> list[SourceTensor]:
    """Every tensor of the checkpoint: the shards named in the index (sorted), or the single ``model.safetensors``."""
    index_path = folder / INDEX_FILE
    if index_path.is_file():
        weight_map = read_json(index_path).get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise ConversionError(f"{INDEX_FILE} has no weight map.")
        shards = sorted(set(weight_map.values()))
    elif (folder / SINGLE_FILE).is_file():
        weight_map, shards = {}, [SINGLE_FILE]
    else:
        raise ConversionError(f"{folder.name} holds no safetensors weights ({SINGLE_FILE} or {INDEX_FILE}).")
    tensors: list[SourceTensor] = []
    for shard in shards:
        if not (folder / shard).is_file():
            raise ConversionError(f"The checkpoint is incomplete: {shard} is missing.")
        tensors += read_safetensors_header(folder / shard)
    if weight_map and set(weight_map) != {tensor.name for tensor in tensors}:
        raise ConversionError(f"The shards do not hold the tensors {INDEX_FILE} lists; download them again.")
    return tensors


def checkpoint_architecture(config: Mapping[str, Any]) -> str:
    """The GGUF architecture for the checkpoint's ``architectures``; anything else is refused by name."""
    names = config.get("architectures") or []
    architecture = names[0] if isinstance(names, list) and names else None
    if architecture not in SUPPORTED_ARCHITECTURES:
        raise ConversionError(
            f"Cloakroom's converter knows {', '.join(SUPPORTED_ARCHITECTURES)} (the MemPrivacy models), not "
            f"{architecture or 'an unnamed architecture'}. llama.cpp's convert_hf_to_gguf.py may convert it."
        )
    unsupported = [key for key in ("quantization_config", "rope_scaling") if config.get(key)]
    if unsupported:
        raise ConversionError(f"Cloakroom's converter does not handle {', '.join(unsupported)} in config.json.")
    return SUPPORTED_ARCHITECTURES[architecture]


# ---------------------------------------------------------------------------------------------------------------------
# The tensor plan


def gguf_tensor_name(name: str, n_layers: int) -> str | None:
    """llama.cpp's name for a Qwen3 tensor, or None when the tensor is not part of a Qwen3 model."""
    if name in GLOBAL_TENSORS:
        return GLOBAL_TENSORS[name]
    match = BLOCK_PATTERN.fullmatch(name)
    if match and int(match.group(1)) < n_layers and match.group(2) in BLOCK_TENSORS:
        return f"blk.{match.group(1)}.{BLOCK_TENSORS[match.group(2)]}"
    return None


def plan_tensors(tensors: list[SourceTensor], n_layers: int, output_type: str) -> list[PlannedTensor]:
    """Map every tensor; refuse unknown names and dtypes. Norms stay F32, as llama.cpp wants them."""
    if output_type not in OUTPUT_TYPES:
        raise ConversionError(f"Unknown output type {output_type!r}; choose one of: {', '.join(OUTPUT_TYPES)}.")
    plan, unknown = [], []
    for tensor in tensors:
        if tensor.name.endswith(IGNORED_SUFFIXES):
            continue
        gguf_name = gguf_tensor_name(tensor.name, n_layers)
        if gguf_name is None:
            unknown.append(tensor.name)
            continue
        if tensor.dtype not in SOURCE_DTYPES:
            raise ConversionError(f"Tensor {tensor.name} has dtype {tensor.dtype}; the converter reads BF16, F16, F32.")
        if tensor.nbytes != int(np.prod(tensor.shape, dtype=np.int64)) * SOURCE_DTYPES[tensor.dtype]:
            raise ConversionError(f"Tensor {tensor.name} has a size that does not match its shape.")
        one_dimensional = len(tensor.shape) <= 1 or gguf_name.endswith("_norm.weight")
        plan.append(PlannedTensor(gguf_name, tensor, "f32" if one_dimensional else output_type))
    if unknown:
        shown = ", ".join(unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
        raise ConversionError(f"The checkpoint has tensors a Qwen3 model does not have: {shown}.")
    names = {entry.gguf_name for entry in plan}
    missing = [name for name in ("token_embd.weight", "output_norm.weight") if name not in names]
    missing += [f"blk.{n}.{suffix}" for n in range(n_layers) for suffix in BLOCK_TENSORS.values()
                if f"blk.{n}.{suffix}" not in names]  # fmt: skip
    if missing:
        raise ConversionError(f"The checkpoint lacks {len(missing)} tensor(s) of a Qwen3 model, e.g. {missing[0]}.")
    return plan


def converted_size(folder: Path, output_type: str = "bf16") -> int:
    """Bytes of tensor data the GGUF will hold (the vocabulary adds a few MB)."""
    config = read_json(folder / "config.json")
    tensors = checkpoint_tensors(folder)
    return sum(entry.nbytes for entry in plan_tensors(tensors, int(config["num_hidden_layers"]), output_type))


# ---------------------------------------------------------------------------------------------------------------------
# Streaming the data


def _bf16_to_f32(raw: np.ndarray) -> np.ndarray:
    return (raw.astype(np.uint32) << 16).view(np.float32)


def _f32_to_bf16(values: np.ndarray) -> np.ndarray:
    """Round to nearest even, as ``gguf.quants`` does (NaN stays NaN)."""
    bits = values.view(np.uint32)
    bits = np.where((bits & 0x7FFFFFFF) > 0x7F800000, (bits & 0xFFFF0000) | (64 << 16), bits)
    return ((bits + (0x7FFF + ((bits >> 16) & 1))) >> 16).astype(np.uint16)


def _convert_chunk(raw: bytes, source_dtype: str, output_type: str) -> np.ndarray:
    """One slice of a tensor in the output type; BF16 → BF16 is a copy."""
    if source_dtype == "BF16" and output_type == "bf16":
        return np.frombuffer(raw, dtype="<u2")
    if source_dtype == "BF16":
        values = _bf16_to_f32(np.frombuffer(raw, dtype="<u2"))
    elif source_dtype == "F16":
        values = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    else:
        values = np.frombuffer(raw, dtype="<f4")
    if output_type == "f32":
        return values.astype("<f4", copy=False)
    if output_type == "f16":
        return values.astype("<f2")
    return _f32_to_bf16(np.ascontiguousarray(values, dtype=np.float32))


class StreamedTensor:
    """What ``GGUFWriter.write_tensor_data`` needs of an array (``nbytes``, ``tofile``), read and converted in slices.

    Slices are whole elements of the source, so a slice converts on its own; ``on_chunk`` gets the source bytes done
    and may raise `Cancelled`.
    """

    def __init__(self, planned: PlannedTensor, on_chunk: Callable[[int], None]) -> None:
        self.planned = planned
        self.nbytes = planned.nbytes
        self.on_chunk = on_chunk

    def byteswap(self, inplace: bool = False) -> StreamedTensor:
        raise ConversionError("Writing a big-endian GGUF is not supported.")

    def tofile(self, sink: IO[bytes]) -> None:
        source = self.planned.source
        step = CHUNK_BYTES - CHUNK_BYTES % SOURCE_DTYPES[source.dtype]
        with source.file.open("rb") as stream:
            stream.seek(source.offset)
            remaining = source.nbytes
            while remaining > 0:
                raw = stream.read(min(step, remaining))
                if not raw:
                    raise ConversionError(f"{source.file.name} ended early while reading {source.name}.")
                sink.write(_convert_chunk(raw, source.dtype, self.planned.output_type).tobytes())
                remaining -= len(raw)
                self.on_chunk(len(raw))


# ---------------------------------------------------------------------------------------------------------------------
# Metadata


def _hf_vocabulary(tokenizer: Mapping[str, Any]) -> tuple[dict[int, str], dict[int, Mapping[str, Any]]]:
    """Token id → text for the whole vocabulary, and id → entry for the added tokens."""
    model = tokenizer.get("model") or {}
    if model.get("type") != "BPE" or not isinstance(model.get("vocab"), dict):
        raise ConversionError("tokenizer.json is not a byte-level BPE tokenizer like Qwen's.")
    by_id = {int(index): text for text, index in model["vocab"].items()}
    added = {int(entry["id"]): entry for entry in tokenizer.get("added_tokens") or []}
    by_id |= {index: entry["content"] for index, entry in added.items()}
    return by_id, added


def _looks_special(token: str) -> bool:
    """llama.cpp's ``does_token_look_special``, for the forms that occur in BPE vocabularies."""
    return (
        token in ("<pad>", "<mask>", "<2mass>", "[@BOS@]")
        or (token.startswith("<|") and token.endswith("|>"))
        or (token.startswith("<｜") and token.endswith("｜>"))
        or (token.startswith("<unused") and token.endswith(">"))
    )


def tokenizer_pre(tokenizer: Mapping[str, Any]) -> str:
    """llama.cpp's name for the pre-tokenizer, recognised from its split pattern (llama.cpp hashes its output)."""
    steps = tokenizer.get("pre_tokenizer") or {}
    steps = steps.get("pretokenizers", [steps]) if steps.get("type") == "Sequence" else [steps]
    for step in steps:
        pattern = (step.get("pattern") or {}).get("Regex") if step.get("type") == "Split" else None
        if pattern in KNOWN_PRE_TOKENIZERS:
            return KNOWN_PRE_TOKENIZERS[pattern]
    raise ConversionError("The tokenizer's pre-tokenizer is not Qwen's; Cloakroom's converter cannot write it.")


def token_table(folder: Path, vocab_size: int) -> tuple[list[str], list[int], str]:
    """Tokens, token types and pre-tokenizer name, as llama.cpp's ``get_vocab_base`` writes them."""
    import gguf

    tokenizer = read_json(folder / "tokenizer.json")
    by_id, added = _hf_vocabulary(tokenizer)
    if by_id and max(by_id) >= vocab_size:
        raise ConversionError("tokenizer.json has more tokens than config.json's vocab_size.")
    tokens: list[str] = []
    types: list[int] = []
    for index in range(vocab_size):
        token = by_id.get(index)
        if token is None:
            tokens.append(f"[PAD{index}]")
            types.append(gguf.TokenType.UNUSED)
        elif index in added and (added[index].get("special") or _looks_special(token)):
            tokens.append(token)
            types.append(gguf.TokenType.CONTROL)
        elif index in added:
            tokens.append(token.replace("\u2581", " "))
            types.append(gguf.TokenType.USER_DEFINED)
        else:
            tokens.append(token)
            types.append(gguf.TokenType.NORMAL)
    return tokens, types, tokenizer_pre(tokenizer)


def _add_hyperparameters(writer: Any, config: Mapping[str, Any], file_type: int) -> None:
    """The keys llama.cpp's ``TextModel.set_gguf_parameters`` writes for a Qwen3 config, in its order."""
    writer.add_block_count(int(config["num_hidden_layers"]))
    writer.add_context_length(int(config["max_position_embeddings"]))
    writer.add_embedding_length(int(config["hidden_size"]))
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_head_count(int(config["num_attention_heads"]))
    writer.add_head_count_kv(int(config.get("num_key_value_heads", config["num_attention_heads"])))
    if config.get("rope_theta") is not None:
        writer.add_rope_freq_base(float(config["rope_theta"]))
    if config.get("rms_norm_eps") is not None:
        writer.add_layer_norm_rms_eps(float(config["rms_norm_eps"]))
    if config.get("head_dim") is not None:
        writer.add_key_length(int(config["head_dim"]))
        writer.add_value_length(int(config["head_dim"]))
    writer.add_file_type(file_type)


def _add_general_metadata(writer: Any, folder: Path) -> None:
    """Name, size label and model-card fields, from the same ``gguf.Metadata`` llama.cpp's converter uses."""
    import gguf

    total, shared, expert, expert_count = writer.get_total_parameter_count()
    metadata = gguf.Metadata.load(None, folder, None, total)
    if metadata.name is None:
        metadata.name = folder.name
    if metadata.size_label is None and total > 0:
        metadata.size_label = gguf.size_label(total, shared, expert, expert_count)
    writer.add_type(gguf.GGUFType.MODEL)
    metadata.set_gguf_meta_model(writer)


def _add_vocabulary(writer: Any, folder: Path, vocab_size: int) -> None:
    import gguf

    tokens, types, pre = token_table(folder, vocab_size)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(pre)
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    special = gguf.SpecialVocab(folder, load_merges=True)
    if _has_byte_level_post_processor(read_json(folder / "tokenizer.json")):
        # Newer gguf-py reads "no BOS/EOS added" from a ByteLevel post-processor; older releases leave the keys out.
        special.add_special_token.setdefault("bos", False)
        special.add_special_token.setdefault("eos", False)
    special.add_to_gguf(writer, quiet=True)


def _has_byte_level_post_processor(tokenizer: Mapping[str, Any]) -> bool:
    processor = tokenizer.get("post_processor") or {}
    return any(step.get("type") == "ByteLevel" for step in processor.get("processors", [processor]))


# ---------------------------------------------------------------------------------------------------------------------
# The conversion


FILE_TYPES = {"bf16": "MOSTLY_BF16", "f16": "MOSTLY_F16", "f32": "ALL_F32"}
RAW_TYPES = {"bf16": "BF16", "f16": "F16", "f32": "F32"}
NUMPY_TYPES = {"bf16": np.uint16, "f16": np.float16, "f32": np.float32}


def _progress_counter(
    total: int, progress: ProgressCallback | None, cancel: threading.Event | None
) -> Callable[[int], None]:
    done = 0

    def advance(amount: int) -> None:
        nonlocal done
        if cancel is not None and cancel.is_set():
            raise Cancelled("Conversion cancelled; its unfinished file was deleted.")
        done += amount
        report(progress, CONVERT, min(done, total), total)

    return advance


def _write_gguf(partial: Path, folder: Path, config: Mapping[str, Any], plan: list[PlannedTensor],
                output_type: str, advance: Callable[[int], None]) -> None:  # fmt: skip
    import gguf

    writer = gguf.GGUFWriter(partial, checkpoint_architecture(config))
    try:
        for entry in plan:
            raw_dtype = gguf.GGMLQuantizationType[RAW_TYPES[entry.output_type]]
            element = np.dtype(NUMPY_TYPES[entry.output_type])
            writer.add_tensor_info(entry.gguf_name, entry.source.shape, element, entry.nbytes, raw_dtype=raw_dtype)
        _add_general_metadata(writer, folder)
        _add_hyperparameters(writer, config, gguf.LlamaFileType[FILE_TYPES[output_type]])
        writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
        _add_vocabulary(writer, folder, int(config["vocab_size"]))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        for entry in plan:
            writer.write_tensor_data(StreamedTensor(entry, advance))  # type: ignore[arg-type]
    finally:
        writer.close()


def convert_checkpoint_to_gguf(
    folder: Path,
    output: Path,
    *,
    output_type: str = "bf16",
    check_disk: bool = True,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Write ``output`` from the Hugging Face checkpoint in ``folder``; it exists only when complete.

    Everything that could make the conversion fail halfway (architecture, tensor names, dtypes, tokenizer, disk
    space) is checked before the first byte is written.
    """
    config = read_json(folder / "config.json")
    checkpoint_architecture(config)
    plan = plan_tensors(checkpoint_tensors(folder), int(config["num_hidden_layers"]), output_type)
    token_table(folder, int(config["vocab_size"]))  # refuses an unknown tokenizer before writing
    expected = sum(entry.nbytes for entry in plan)
    if output.exists():
        raise ConversionError(f"{output} already exists; move or delete it first.")
    output.parent.mkdir(parents=True, exist_ok=True)
    if check_disk:
        ensure_free_space(output.parent, expected, what="the converted model")
    source_bytes = sum(entry.source.nbytes for entry in plan)
    advance = _progress_counter(source_bytes, progress, cancel)
    partial = output.with_name(output.name + PARTIAL_SUFFIX)
    report(progress, CONVERT, 0, source_bytes)
    try:
        _write_gguf(partial, folder, config, plan, output_type, advance)
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return output
