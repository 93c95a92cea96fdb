"""Quantize a GGUF with llama.cpp's ``llama_model_quantize``, in a child process.

Why a child process: the C call blocks for minutes on a 4B model and cannot be interrupted from Python, and it logs
every tensor to stderr. In a child (``spawn``, the start method that is safe beside Qt and llama.cpp threads) it can
be terminated when the person cancels, its log goes to a file whose tail explains a failure, and a crash inside
llama.cpp cannot take the app down. Progress is the output file's size against the size expected for the type.

The output is written as ``NAME.part`` and renamed only after it has been read back as a valid GGUF.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import Cancelled
from app.core.model_files.child_log import log_ending
from app.core.model_files.errors import QuantizationError
from app.core.model_files.gguf_info import inspect_gguf
from app.core.model_files.library import PARTIAL_SUFFIX
from app.core.model_files.progress import QUANTIZE, ProgressCallback, report

POLL_INTERVAL_S = 0.25
LOG_TAIL_LINES = 6


@dataclass(frozen=True)
class Quantization:
    name: str
    ftype_constant: str  # the name in llama_cpp, resolved in the child so this module never imports llama.cpp
    bits_per_weight: float
    description: str


QUANTIZATIONS: Mapping[str, Quantization] = {
    q.name: q
    for q in (
        Quantization("Q4_K_M", "LLAMA_FTYPE_MOSTLY_Q4_K_M", 4.9, "recommended: small and close to the original"),
        Quantization("Q4_K_S", "LLAMA_FTYPE_MOSTLY_Q4_K_S", 4.6, "a little smaller than Q4_K_M, a little worse"),
        Quantization("Q5_K_M", "LLAMA_FTYPE_MOSTLY_Q5_K_M", 5.7, "between Q4_K_M and Q6_K"),
        Quantization("Q6_K", "LLAMA_FTYPE_MOSTLY_Q6_K", 6.6, "nearly lossless"),
        Quantization("Q8_0", "LLAMA_FTYPE_MOSTLY_Q8_0", 8.5, "practically lossless, twice the size of Q4_K_M"),
        Quantization("F16", "LLAMA_FTYPE_MOSTLY_F16", 16.0, "unquantized (half precision)"),
        Quantization("BF16", "LLAMA_FTYPE_MOSTLY_BF16", 16.0, "unquantized (the official weights' own precision)"),
    )
}
DEFAULT_QUANTIZATION = "Q4_K_M"
UNQUANTIZED = frozenset({"F16", "BF16"})


def parse_quantization(name: str) -> Quantization:
    """Case-insensitive lookup; `QuantizationError` lists the choices."""
    try:
        return QUANTIZATIONS[name.strip().upper()]
    except KeyError:
        raise QuantizationError(f"Unknown quantization {name!r}; choose one of: {', '.join(QUANTIZATIONS)}.") from None


def estimated_size(parameter_count: int, quantization: Quantization) -> int:
    return int(parameter_count * quantization.bits_per_weight / 8)


def _quantize_in_child(source: str, target: str, ftype_constant: str, n_threads: int, log_path: str) -> None:
    """Runs in the child process: send llama.cpp's log to a file, quantize, exit 0 on success."""
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    import ctypes

    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, ftype_constant)
    params.nthread = n_threads
    result = llama_cpp.llama_model_quantize(source.encode(), target.encode(), ctypes.byref(params))
    os._exit(0 if result == 0 else 3)


def _partial_size(part: Path) -> int:
    try:
        return part.stat().st_size
    except OSError:
        return 0


def quantize_model(
    source: Path,
    target: Path,
    quantization: str = DEFAULT_QUANTIZATION,
    *,
    n_threads: int = 0,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Write ``target`` as a ``quantization`` of ``source``; the target appears only when it is complete.

    ``n_threads`` 0 lets llama.cpp choose (all cores: quantizing is a one-off batch job).
    """
    kind = parse_quantization(quantization)
    info = inspect_gguf(source)
    if target.exists():
        raise QuantizationError(f"{target} already exists; move or delete it first.")
    part = target.with_name(target.name + PARTIAL_SUFFIX)
    part.unlink(missing_ok=True)
    expected = estimated_size(info.parameter_count, kind)
    with tempfile.TemporaryDirectory(prefix="cloakroom-quantize-") as scratch:
        log_path = Path(scratch) / "quantize.log"
        try:
            _run_child(source, part, kind, n_threads, log_path, expected, progress, cancel)
            inspect_gguf(part)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    os.replace(part, target)
    report(progress, QUANTIZE, expected, expected)
    return target


def _run_child(
    source: Path,
    part: Path,
    kind: Quantization,
    n_threads: int,
    log_path: Path,
    expected: int,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> None:
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=_quantize_in_child,
        args=(str(source), str(part), kind.ftype_constant, n_threads, str(log_path)),
        name="cloakroom-quantize",
        daemon=True,
    )
    child.start()
    try:
        report(progress, QUANTIZE, 0, expected)
        while child.is_alive():
            if cancel is not None and cancel.wait(POLL_INTERVAL_S):
                raise Cancelled("Quantization cancelled; nothing was written.")
            child.join(0 if cancel is not None else POLL_INTERVAL_S)
            report(progress, QUANTIZE, min(_partial_size(part), max(0, expected - 1)), expected)
    finally:
        if child.is_alive():
            child.terminate()
            child.join(5)
            if child.is_alive():
                child.kill()
                child.join()
    if child.exitcode != 0 or not part.exists():
        raise QuantizationError(
            f"llama.cpp could not quantize {source.name} to {kind.name} (exit code {child.exitcode})."
            + log_ending(log_path, LOG_TAIL_LINES)
        )
