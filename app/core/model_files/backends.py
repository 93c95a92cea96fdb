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
import threading
from pathlib import Path

_lock = threading.Lock()
_done = False


def load_backends() -> int:
    """Register the backend modules of a module build (once per process); return how many backends are registered.

    Cheap after the first call; call it before anything asks llama.cpp for a model, a device or GPU support.
    """
    global _done
    with _lock:
        import llama_cpp  # heavy: imported only once a model is wanted
        from llama_cpp._ctypes_extensions import load_shared_library

        lib_dir = Path(llama_cpp.__file__).resolve().parent / "lib"
        ggml = load_shared_library("ggml", lib_dir)  # the library libllama already loaded: the same handle
        ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
        ggml.ggml_backend_reg_count.argtypes = []
        if not _done and ggml.ggml_backend_reg_count() == 0:
            ggml.ggml_backend_load_all_from_path.restype = None
            ggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
            ggml.ggml_backend_load_all_from_path(str(lib_dir).encode("utf-8"))
        _done = True
        return int(ggml.ggml_backend_reg_count())
