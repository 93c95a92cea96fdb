"""Load a GGUF model with llama.cpp the way this machine runs it best, and unload it when it is idle.

- GPU offload: when llama.cpp was built with a GPU backend, all layers go to the GPU by default (``n_gpu_layers=-1``).
  If that load fails (too little GPU memory, a driver problem), the model is loaded again on the CPU and the result
  says so, so the person learns why it is slow instead of getting an error.
- Threads: the free physical cores unless chosen (see `hardware`); prompt processing uses as many, since spinning
  threads on busy cores cost more than they bring.
- Memory: the weights' size from llama.cpp, the KV cache from the header, the process's resident memory.
- Memory and speed on the CPU: the file is read rather than memory-mapped, and batches go through llama.cpp in
  micro-batches of 128 tokens (`CPU_OPTIONS`). llama.cpp repacks most CPU weights into its own interleaved layout,
  so a mapped file stays resident *beside* the repacked copy. Measured with the 4B stand-in on a 2-core CPU: peak
  resident memory at a 4k context 2.95 GB over the file when mapped, 0.94 GB when read (256-token micro-batches);
  reading 515 prompt tokens after the 3k-token prefix 10.3 tokens/s with micro-batches of 512, 13.1 with 256, 14.1
  with 128, 12.7 with 64 (the attention scratch grows with the micro-batch times the context).
- Idle unloading: `ModelKeeper` loads on first use and frees the model after the configured idle minutes; the UI
  calls `unload_if_idle` from a timer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.model_files.backends import new_llama
from app.core.model_files.errors import ModelLoadError
from app.core.model_files.gguf_info import GgufInfo, inspect_gguf, require_weights
from app.core.model_files.hardware import default_thread_count, gpu_offload_supported, process_memory_bytes

if TYPE_CHECKING:
    import llama_cpp

ALL_LAYERS = -1
DEFAULT_N_CTX = 8192
CPU_OPTIONS: dict[str, Any] = {"use_mmap": False, "n_ubatch": 128}
"""`llama_cpp.Llama` options for a model that runs on the CPU (see the module doc); a caller's own options win."""

LlamaFactory = Callable[..., "llama_cpp.Llama"]
"""Builds a `llama_cpp.Llama` from keyword arguments; tests pass one that fails on the GPU to force the fallback."""


@dataclass(frozen=True)
class ModelMemory:
    weights_bytes: int | None
    kv_cache_bytes: int | None
    process_bytes: int | None


@dataclass
class LoadedModel:
    """A loaded model and how it was loaded (what the settings page and ``cloakroom model test`` show)."""

    llama: llama_cpp.Llama
    path: Path
    info: GgufInfo
    n_gpu_layers: int
    n_threads: int
    n_threads_batch: int
    n_ctx: int
    fell_back_to_cpu: bool = False
    notice: str | None = None

    @property
    def on_gpu(self) -> bool:
        return self.n_gpu_layers != 0

    @property
    def device(self) -> str:
        return "GPU" if self.on_gpu else "CPU"

    def memory(self) -> ModelMemory:
        return ModelMemory(
            weights_bytes=_weights_bytes(self.llama),
            kv_cache_bytes=self.info.kv_cache_bytes(self.n_ctx),
            process_bytes=process_memory_bytes(),
        )

    def close(self) -> None:
        close = getattr(self.llama, "close", None)
        if callable(close):
            close()


def _weights_bytes(llama: Any) -> int | None:
    try:
        import llama_cpp

        return int(llama_cpp.llama_model_size(llama.model))
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return None


def _short_reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
    return text[:200]


def load_model(
    path: str | Path,
    *,
    n_ctx: int = DEFAULT_N_CTX,
    n_threads: int | None = None,
    n_threads_batch: int | None = None,
    n_gpu_layers: int = ALL_LAYERS,
    llama_factory: LlamaFactory | None = None,
    gpu_offload: bool | None = None,
    **llama_options: Any,
) -> LoadedModel:
    """Load ``path`` on the GPU when possible, else on the CPU; raise `InvalidModelFile` or `ModelLoadError`.

    ``llama_options`` go to `llama_cpp.Llama` unchanged (e.g. ``n_batch``, ``draft_model``); ``verbose`` defaults to
    False, because llama.cpp's log would otherwise go to the terminal. ``gpu_offload`` overrides the build check.
    """
    model_path = Path(path).expanduser()
    info = require_weights(inspect_gguf(model_path))
    factory = llama_factory or new_llama
    threads = n_threads if n_threads and n_threads > 0 else default_thread_count()
    batch_threads = n_threads_batch if n_threads_batch and n_threads_batch > 0 else threads
    options = {"verbose": False, **llama_options}
    base = {"model_path": str(model_path), "n_ctx": n_ctx, "n_threads": threads, "n_threads_batch": batch_threads}
    supports_gpu = gpu_offload_supported() if gpu_offload is None else gpu_offload

    def build(layers: int) -> LoadedModel:
        cpu_options = CPU_OPTIONS if layers == 0 else {}
        llama = factory(**base, n_gpu_layers=layers, **{**cpu_options, **options})
        return LoadedModel(llama, model_path, info, layers, threads, batch_threads, n_ctx)

    if n_gpu_layers != 0 and supports_gpu:
        try:
            return build(n_gpu_layers)
        except Exception as gpu_error:  # noqa: BLE001 - whatever the GPU load raised, the CPU is the way out
            loaded = _load_on_cpu(build, model_path)
            loaded.fell_back_to_cpu = True
            loaded.notice = (
                f"Loading the model on the GPU failed ({_short_reason(gpu_error)}); it runs on the CPU instead, "
                "which is slower. Lower the GPU layers setting or close programs that use the GPU."
            )
            return loaded
    loaded = _load_on_cpu(build, model_path)
    if n_gpu_layers != 0 and not supports_gpu:
        loaded.notice = "This llama.cpp build has no GPU support; the model runs on the CPU."
    return loaded


def _load_on_cpu(build: Callable[[int], LoadedModel], model_path: Path) -> LoadedModel:
    try:
        return build(0)
    except Exception as error:  # noqa: BLE001 - turned into one sentence for the person
        raise ModelLoadError(f"llama.cpp could not load {model_path.name}: {_short_reason(error)}.") from None


# ---------------------------------------------------------------------------------------------------------------------
# Idle unloading


class IdleTracker:
    """Remembers when the model was last used; idle unloading is off when the timeout is 0 minutes."""

    def __init__(self, unload_after_minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._timeout_s = max(0.0, unload_after_minutes * 60)
        self._last_use = clock()

    def set_timeout(self, unload_after_minutes: float) -> None:
        self._timeout_s = max(0.0, unload_after_minutes * 60)

    def touch(self) -> None:
        self._last_use = self._clock()

    def idle_seconds(self) -> float:
        return max(0.0, self._clock() - self._last_use)

    def is_idle(self) -> bool:
        return self._timeout_s > 0 and self.idle_seconds() >= self._timeout_s

    def seconds_until_idle(self) -> float | None:
        """When to check again (None when unloading is off) — lets the UI arm a one-shot timer."""
        if self._timeout_s <= 0:
            return None
        return max(0.0, self._timeout_s - self.idle_seconds())


class ModelKeeper:
    """Owns the loaded model: loads it on first use, unloads it after the idle timeout or on request.

    Use the model only inside ``with keeper.use() as model:``; unloading waits for no one — `unload_if_idle`
    simply skips while the model is in use, so a timer can call it at any moment from any thread.
    """

    def __init__(
        self,
        loader: Callable[[], LoadedModel],
        unload_after_minutes: float = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loader = loader
        self._lock = threading.Lock()
        self._model: LoadedModel | None = None
        self.idle = IdleTracker(unload_after_minutes, clock)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @contextmanager
    def use(self) -> Iterator[LoadedModel]:
        with self._lock:
            if self._model is None:
                self._model = self._loader()
            self.idle.touch()
            try:
                yield self._model
            finally:
                self.idle.touch()

    def unload(self) -> bool:
        """Free the model now (waits for a use in progress); True if one was loaded."""
        with self._lock:
            return self._drop()

    def unload_if_idle(self) -> bool:
        """Free the model if it has been idle long enough and nobody is using it; True if it was freed."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return self._drop() if self.idle.is_idle() else False
        finally:
            self._lock.release()

    def memory(self) -> ModelMemory | None:
        model = self._model
        return model.memory() if model is not None else None

    def _drop(self) -> bool:
        model, self._model = self._model, None
        if model is None:
            return False
        model.close()
        return True
