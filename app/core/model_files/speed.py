"""How fast each model size and quantization would mask text on this machine, measured in seconds rather than guessed.

RAM alone says whether a model fits, not whether masking a chat message takes 2 s or 20 s: that depends on the
cores, their vector units, memory bandwidth and a GPU. So this module measures. Nobody has the 4B and 1.7B models
before converting, so it measures *stand-ins*: random-weight qwen3 GGUFs with the real width, heads and feed-forward
size of each model but only `STAND_IN_LAYERS` block, quantized like the real file would be. A token's cost is almost
all in the blocks and the output matrix, which have the same shapes as in the real model, so

    seconds per token (real) ≈ seconds per token (stand-in) × (blocks + output matrix in block-equivalents)

The stand-in's vocabulary is 257 byte tokens (the output matrix of the real 151,936-token vocabulary is counted in
block-equivalents instead), so writing and quantizing one takes seconds, not the minutes a full-size model would.
Where a real model is already registered, `measure_gguf` measures it directly instead.

Two workloads turn speeds into what a person cares about: a short chat message and a 2 KB e-mail (`WORKLOADS`),
each some prompt tokens to read and some answer tokens to write. The recommendation (`recommend_from_speed`) is the
most accurate option — 4B before 1.7B (F1 85.97 vs 84.54 on MemPrivacy-Bench), Q8_0 before Q6_K before Q4_K_M — that
fits in memory and masks a short chat message within `TARGET_SECONDS`.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.model_files.backends import new_llama
from app.core.model_files.catalog import Catalog, CatalogModel
from app.core.model_files.gguf_info import format_bytes
from app.core.model_files.hardware import HardwareInfo
from app.core.model_files.progress import MEASURE, ProgressCallback, raise_if_cancelled, report
from app.core.model_files.quantize import QUANTIZATIONS, estimated_size, quantize_model
from app.core.paths import app_paths

STAND_IN_LAYERS = 1
STAND_IN_VOCAB = 257  # 256 byte tokens and an end token
MEASURED_QUANTIZATIONS = ("Q8_0", "Q6_K", "Q4_K_M")  # most accurate first
TARGET_SECONDS = 5.0
CONTEXT_TOKENS = 8192  # the context the app runs with; its KV cache counts towards memory
MEMORY_OVERHEAD_BYTES = 600 * 1024**2  # llama.cpp's compute buffers and the app itself
PROMPT_TOKENS = 64
STEPS = 8
ESTIMATES_FILE = "speed-estimates.json"


@dataclass(frozen=True)
class ModelShape:
    """What decides a Qwen3 model's cost per token."""

    layers: int
    embedding: int
    heads: int
    kv_heads: int
    head_dim: int
    feed_forward: int
    vocab: int = 151_936

    @property
    def block_parameters(self) -> int:
        attention = self.embedding * self.head_dim * (2 * self.heads + 2 * self.kv_heads)
        return attention + 3 * self.embedding * self.feed_forward

    @property
    def output_in_blocks(self) -> float:
        """The output matrix (vocabulary × embedding) as a number of blocks' worth of weights."""
        return self.vocab * self.embedding / self.block_parameters

    @property
    def kv_bytes_per_token(self) -> int:
        return self.layers * 2 * self.kv_heads * self.head_dim * 2  # keys and values, f16


SHAPES = {
    "Qwen/Qwen3-4B": ModelShape(layers=36, embedding=2560, heads=32, kv_heads=8, head_dim=128, feed_forward=9728),
    "Qwen/Qwen3-1.7B": ModelShape(layers=28, embedding=2048, heads=16, kv_heads=8, head_dim=128, feed_forward=6144),
}


@dataclass(frozen=True)
class Workload:
    """Prompt tokens the model reads (the message; the instructions' state is reused) and answer tokens it writes."""

    name: str
    prompt_tokens: int
    answer_tokens: int


SHORT_CHAT = Workload("a short chat message", prompt_tokens=80, answer_tokens=60)
EMAIL_2KB = Workload("a 2 KB e-mail", prompt_tokens=600, answer_tokens=220)
WORKLOADS = (SHORT_CHAT, EMAIL_2KB)


@dataclass(frozen=True)
class Speed:
    prompt_tokens_per_s: float
    steps_per_s: float

    def seconds(self, workload: Workload) -> float:
        return workload.prompt_tokens / self.prompt_tokens_per_s + workload.answer_tokens / self.steps_per_s

    def scaled(self, factor: float) -> Speed:
        """The speed of a model whose every token costs ``factor`` times as much."""
        return Speed(self.prompt_tokens_per_s / factor, self.steps_per_s / factor)


@dataclass(frozen=True)
class SpeedOption:
    """One model at one quantization: its estimated speed, memory need, and whether that fits here."""

    model: CatalogModel
    quantization: str
    speed: Speed
    memory_bytes: int
    fits: bool
    measured_directly: bool = False  # True: the registered model itself, not a stand-in

    @property
    def short_seconds(self) -> float:
        return self.speed.seconds(SHORT_CHAT)

    @property
    def email_seconds(self) -> float:
        return self.speed.seconds(EMAIL_2KB)


@dataclass(frozen=True)
class SpeedRecommendation:
    option: SpeedOption
    reason: str
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------------------------------
# Stand-ins


def _byte_tokens() -> list[str]:
    """The 256 byte-level BPE symbols (GPT-2's byte-to-unicode table), so the stand-in's tokenizer is valid."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    extra = iter(range(256, 512))
    return [chr(byte if byte in printable else next(extra)) for byte in range(256)]


def _block_tensors(shape: ModelShape, block: int) -> list[tuple[str, tuple[int, ...]]]:
    q, kv, d = shape.heads * shape.head_dim, shape.kv_heads * shape.head_dim, shape.embedding
    prefix = f"blk.{block}."
    return [
        (prefix + "attn_norm.weight", (d,)), (prefix + "attn_q.weight", (q, d)), (prefix + "attn_k.weight", (kv, d)),
        (prefix + "attn_v.weight", (kv, d)), (prefix + "attn_output.weight", (d, q)),
        (prefix + "attn_q_norm.weight", (shape.head_dim,)), (prefix + "attn_k_norm.weight", (shape.head_dim,)),
        (prefix + "ffn_norm.weight", (d,)), (prefix + "ffn_gate.weight", (shape.feed_forward, d)),
        (prefix + "ffn_up.weight", (shape.feed_forward, d)), (prefix + "ffn_down.weight", (d, shape.feed_forward)),
    ]  # fmt: skip


def write_stand_in(path: Path, shape: ModelShape, layers: int = STAND_IN_LAYERS) -> Path:
    """A random-weight F16 qwen3 GGUF with ``shape``'s width and ``layers`` blocks (its text is noise)."""
    import gguf

    writer = gguf.GGUFWriter(path, "qwen3")
    writer.add_name("cloakroom-speed-stand-in")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_context_length(CONTEXT_TOKENS)
    writer.add_embedding_length(shape.embedding)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(shape.feed_forward)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_key_length(shape.head_dim)
    writer.add_value_length(shape.head_dim)
    writer.add_rope_freq_base(1_000_000.0)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list([*_byte_tokens(), "<|end|>"])
    writer.add_token_types([1] * 256 + [3])
    writer.add_token_merges(["! !"])
    writer.add_eos_token_id(STAND_IN_VOCAB - 1)
    writer.add_bos_token_id(STAND_IN_VOCAB - 1)
    tensors: list[tuple[str, tuple[int, ...]]] = [("token_embd.weight", (STAND_IN_VOCAB, shape.embedding))]
    for block in range(layers):
        tensors += _block_tensors(shape, block)
    tensors.append(("output_norm.weight", (shape.embedding,)))
    rng = np.random.default_rng(0)
    for name, tensor_shape in tensors:
        if len(tensor_shape) == 1:
            writer.add_tensor(name, np.ones(tensor_shape, np.float32))
        else:
            writer.add_tensor(name, (rng.standard_normal(tensor_shape, dtype=np.float32) * 0.02).astype(np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


# ---------------------------------------------------------------------------------------------------------------------
# Measuring


LlamaFactory = Callable[..., Any]


def _default_llama(**options: Any) -> Any:
    return new_llama(verbose=False, **options)


def measure_gguf(
    path: Path,
    *,
    n_threads: int,
    n_gpu_layers: int = 0,
    prompt_tokens: int = PROMPT_TOKENS,
    steps: int = STEPS,
    factory: LlamaFactory = _default_llama,
) -> Speed:
    """Prompt tokens per second (one batch of ``prompt_tokens``) and answer steps per second (one token each).

    The first batch is a warm-up (llama.cpp allocates and pages the weights in on first use) and is not counted.
    """
    llama = factory(model_path=str(path), n_ctx=prompt_tokens * 2 + steps + 8, n_batch=prompt_tokens,
                    n_threads=n_threads, n_threads_batch=n_threads, n_gpu_layers=n_gpu_layers)  # fmt: skip
    try:
        vocab = min(256, llama.n_vocab())
        tokens = [(index * 7) % vocab for index in range(prompt_tokens)]
        llama.eval(tokens[:4])
        llama.reset()
        start = time.perf_counter()
        llama.eval(tokens)
        prompt_seconds = time.perf_counter() - start
        start = time.perf_counter()
        for step in range(steps):
            llama.eval([step % vocab])
        step_seconds = time.perf_counter() - start
    finally:
        llama.close()
    return Speed(prompt_tokens / max(prompt_seconds, 1e-6), steps / max(step_seconds, 1e-6))


def memory_needed(model: CatalogModel, quantization: str) -> int:
    """Weights, the KV cache at the app's context, and llama.cpp's working memory."""
    weights = model.expected_gguf_size(quantization) or estimated_size(model.parameters, QUANTIZATIONS[quantization])
    shape = SHAPES.get(model.base_model)
    kv = shape.kv_bytes_per_token * CONTEXT_TOKENS if shape else 0
    return weights + kv + MEMORY_OVERHEAD_BYTES


def memory_available(hardware: HardwareInfo, use_gpu: bool) -> int:
    if use_gpu:
        return hardware.best_gpu_bytes
    return hardware.available_ram_bytes or hardware.total_ram_bytes or 0


def measure_options(
    catalog: Catalog,
    hardware: HardwareInfo,
    *,
    n_threads: int,
    use_gpu: bool = False,
    quantizations: Sequence[str] = MEASURED_QUANTIZATIONS,
    factory: LlamaFactory = _default_llama,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> list[SpeedOption]:
    """Measure a stand-in of every catalog model at every quantization; a few seconds each on a laptop."""
    models = [model for model in catalog.models if model.base_model in SHAPES]
    total = len(models) * len(quantizations)
    options: list[SpeedOption] = []
    report(progress, MEASURE, 0, total)
    with tempfile.TemporaryDirectory(prefix="cloakroom-speed-") as scratch:
        for model in models:
            shape = SHAPES[model.base_model]
            source = write_stand_in(Path(scratch) / f"{model.size}-f16.gguf", shape)
            for quantization in quantizations:
                raise_if_cancelled(cancel)
                quantized = quantize_model(
                    source, Path(scratch) / f"{model.size}-{quantization}.gguf", quantization, n_threads=n_threads
                )
                raw = measure_gguf(quantized, n_threads=n_threads, n_gpu_layers=-1 if use_gpu else 0, factory=factory)
                quantized.unlink()
                speed = raw.scaled(shape.layers / STAND_IN_LAYERS + shape.output_in_blocks)
                need = memory_needed(model, quantization)
                fits = need <= memory_available(hardware, use_gpu)
                options.append(SpeedOption(model, quantization, speed, need, fits))
                report(progress, MEASURE, len(options), total)
            source.unlink()
    return options


def measure_own_model(
    path: Path, model: CatalogModel, quantization: str, *, n_threads: int, use_gpu: bool = False,
    factory: LlamaFactory = _default_llama,
) -> SpeedOption:  # fmt: skip
    """The registered model itself (it already fits: it is on this machine and was loaded before)."""
    speed = measure_gguf(path, n_threads=n_threads, n_gpu_layers=-1 if use_gpu else 0, factory=factory)
    return SpeedOption(model, quantization, speed, memory_needed(model, quantization), True, measured_directly=True)


# ---------------------------------------------------------------------------------------------------------------------
# Choosing


def accuracy_rank(option: SpeedOption, catalog: Catalog) -> tuple[int, float]:
    """Lower is more accurate: the larger model first, then the quantization with more bits per weight."""
    sizes = sorted(catalog.models, key=lambda model: -model.parameters)
    kind = QUANTIZATIONS.get(option.quantization.upper())
    return sizes.index(option.model), -(kind.bits_per_weight if kind else 0.0)


def recommend_from_speed(options: Sequence[SpeedOption], catalog: Catalog) -> SpeedRecommendation | None:
    """The most accurate option that fits and masks a short chat message within `TARGET_SECONDS`; else the fastest."""
    if not options:
        return None
    ranked = sorted(options, key=lambda option: accuracy_rank(option, catalog))
    for option in ranked:
        if option.fits and option.short_seconds <= TARGET_SECONDS:
            reason = (
                f"the most accurate option that fits in memory ({format_bytes(option.memory_bytes)}) and masks a "
                f"short chat message in about {option.short_seconds:.0f} s (target: {TARGET_SECONDS:.0f} s or less)"
            )
            return SpeedRecommendation(option, reason)
    fitting = [option for option in options if option.fits] or list(options)
    fastest = min(fitting, key=lambda option: option.short_seconds)
    warning = (
        f"No option masks a short chat message within {TARGET_SECONDS:.0f} s here; the fastest takes about "
        f"{fastest.short_seconds:.1f} s. The rules still mask at once; the model adds its findings when it is done."
    )
    return SpeedRecommendation(fastest, "the fastest option on this machine", (warning,))


# ---------------------------------------------------------------------------------------------------------------------
# Remembering the estimates, to check them against the real model later


@dataclass(frozen=True)
class SavedEstimate:
    """What was estimated for one size and quantization (no text of the person's: only sizes and seconds)."""

    parameters: int
    quantization: str
    short_seconds: float
    email_seconds: float


def save_estimates(options: Sequence[SpeedOption], folder: Path | None = None) -> Path:
    """Keep the measured estimates in the data folder, so the model status can compare them with the real model."""
    path = (folder or app_paths().data) / ESTIMATES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [
        {"parameters": option.model.parameters, "quantization": option.quantization,
         "short_seconds": round(option.short_seconds, 2), "email_seconds": round(option.email_seconds, 2)}
        for option in options if not option.measured_directly
    ]  # fmt: skip
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps({"schema": 1, "estimates": entries}, indent=2), encoding="utf-8")
    os.replace(partial, path)
    return path


def estimate_for(parameters: int, quantization: str, folder: Path | None = None) -> SavedEstimate | None:
    """The saved estimate for a model of about ``parameters`` weights at ``quantization``, if one was measured."""
    path = (folder or app_paths().data) / ESTIMATES_FILE
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["estimates"]
        saved = [SavedEstimate(**entry) for entry in entries if entry["quantization"] == quantization.upper()]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    close = [entry for entry in saved if abs(entry.parameters - parameters) <= 0.25 * entry.parameters]
    return min(close, key=lambda entry: abs(entry.parameters - parameters), default=None)
