"""Load llama.cpp's backend modules from llama_cpp's own folder, for release builds that keep them apart.

The release build (``packaging/build_llama_cpp.py``) compiles the CPU backend once per instruction-set level as
loadable modules (``libggml-cpu-haswell.so``, ``ggml-cpu-icelake.dll``...), so one bundle runs on old CPUs and uses
AVX2/AVX-512 where present. ggml picks the best module for the CPU when asked to load backends, but llama.cpp's
automatic load (``llama_backend_init``) looks only next to the executable and in the current folder: the Python
binary's folder, the bundle's root. The modules live in ``llama_cpp/lib`` (``_internal/llama_cpp/lib`` in the
bundle), so they must be loaded from there explicitly, before the first model.

On an ordinary build the CPU backend is linked into libggml and already registered: nothing happens.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import llama_cpp

_lock = threading.Lock()
_registered: int | None = None  # backends registered, once load_backends has run in this process


def new_llama(**options: Any) -> llama_cpp.Llama:
    """A `llama_cpp.Llama` with ``options``, after the backend modules are loaded: every model the app opens is made
    here, so none can be opened before its CPU backend exists."""
    import llama_cpp

    load_backends()
    return llama_cpp.Llama(**options)


def load_backends() -> int:
    """Register the backend modules of a module build (once per process); return how many backends are registered.

    Free after the first call. `new_llama` calls it; call it yourself before asking llama.cpp about devices or GPU
    support without a model.
    """
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        import llama_cpp  # heavy: imported only once a model is wanted

        lib_dir = Path(llama_cpp.__file__).resolve().parent / "lib"
        ggml = _ggml_of_libllama(lib_dir)
        ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
        ggml.ggml_backend_reg_count.argtypes = []
        if ggml.ggml_backend_reg_count() == 0:
            ggml.ggml_backend_load_all_from_path.restype = None
            ggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
            with _quiet_llama_log():  # ggml reports each module it loads on stderr otherwise
                ggml.ggml_backend_load_all_from_path(str(lib_dir).encode("utf-8"))
        _registered = int(ggml.ggml_backend_reg_count())
        return _registered


def _ggml_of_libllama(lib_dir: Path) -> ctypes.CDLL:
    """The ggml library that libllama itself was linked against.

    There may be several: a wheel cannot hold symlinks, so it carries libggml.so, .so.0 and .so.0.x as separate
    files, and a PyInstaller bundle has one copy beside libllama and another in its root. Each copy has its own
    backend registry, and backends registered in the wrong one stay invisible to llama.cpp. On Linux and macOS,
    symbols looked up through libllama's own handle come from libllama's dependencies, i.e. the right copy. On
    Windows that lookup does not reach dependencies; there the ggml.dll already in the process (the one libllama
    loaded) is taken by its module name.
    """
    from llama_cpp import llama_cpp as bindings  # the module that holds libllama's handle
    from llama_cpp._ctypes_extensions import load_shared_library

    if sys.platform != "win32":
        library: ctypes.CDLL = bindings._lib
        return library
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetModuleHandleW.restype = ctypes.c_void_p
    kernel32.GetModuleHandleW.argtypes = [ctypes.c_wchar_p]
    handle = kernel32.GetModuleHandleW("ggml.dll")
    if handle:
        return ctypes.CDLL("ggml.dll", handle=handle)
    return load_shared_library("ggml", lib_dir)


@contextmanager
def _quiet_llama_log() -> Iterator[None]:
    """llama-cpp-python prints llama.cpp's log to stderr until the first ``Llama(verbose=False)`` raises its logger's
    level; keep it at errors for the duration."""
    from llama_cpp._logger import logger  # imported by llama_cpp itself: cheap here

    previous = logger.level
    logger.setLevel(max(previous, logging.ERROR))
    try:
        yield
    finally:
        logger.setLevel(previous)
