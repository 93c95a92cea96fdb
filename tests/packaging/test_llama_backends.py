"""`app.core.model_files.backends.load_backends` with the llama.cpp build at hand: the installed one, or the one in
``$CLOAKROOM_LLAMA_SITE`` (a folder holding a ``llama_cpp`` package, e.g. the portable wheel of
packaging/build_llama_cpp.py unpacked; the release check runs these tests with the portable build installed).

With an ordinary build the CPU backend is inside libggml and the call changes nothing. With the portable build
(``libggml-cpu-<level>.so`` modules in ``llama_cpp/lib``) nothing can load a model until it ran, and afterwards
exactly one CPU module is loaded, from the package's own folder. Each probe runs in a fresh process: backends are
registered once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import REPO_ROOT

PROBE = """
import json, sys
from pathlib import Path
import llama_cpp
from app.core.model_files.backends import load_backends

model, call_first = sys.argv[1], sys.argv[2] == "load-backends"
lib_dir = Path(llama_cpp.__file__).resolve().parent / "lib"
result = {"variants": sorted(p.name for p in lib_dir.glob("*ggml-cpu-*")), "registered": None, "again": None}
if call_first:
    result["registered"], result["again"] = load_backends(), load_backends()
try:
    llama = llama_cpp.Llama(model_path=model, n_ctx=256, n_threads=1, n_threads_batch=1, verbose=False)
    result["loaded"] = len(llama.tokenize(b"hello")) > 0
except ValueError:
    result["loaded"] = False
if sys.platform.startswith("linux"):
    maps = Path("/proc/self/maps").read_text().splitlines()
    result["mapped"] = sorted({line.rsplit("/", 1)[-1] for line in maps if "ggml-cpu-" in line})
print(json.dumps(result))
"""


def probe(model: Path, *, call_load_backends: bool) -> dict[str, object]:
    site = os.environ.get("CLOAKROOM_LLAMA_SITE")
    path = [site] if site else []
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(REPO_ROOT)])}
    argument = "load-backends" if call_load_backends else "plain"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(model), argument],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "load_backend" not in done.stderr, "llama.cpp's backend log reached the terminal"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_model_loads_after_load_backends_with_one_cpu_module(tiny_qwen3_gguf: Path) -> None:
    result = probe(tiny_qwen3_gguf, call_load_backends=True)
    assert result["loaded"] is True
    assert isinstance(result["registered"], int) and result["registered"] >= 1
    assert result["again"] == result["registered"], "a second call registered backends again"
    if result["variants"] and sys.platform.startswith("linux"):
        mapped = result["mapped"]
        assert isinstance(mapped, list) and len(mapped) == 1, f"expected exactly one CPU module, got {mapped}"
        assert mapped[0] in result["variants"]  # type: ignore[operator]


def test_the_portable_build_loads_no_model_without_it(tiny_qwen3_gguf: Path) -> None:
    """Why load_backends exists: llama.cpp's own automatic load looks only beside the executable and in the current
    folder, never in llama_cpp/lib, so a module build finds no CPU backend at all."""
    result = probe(tiny_qwen3_gguf, call_load_backends=False)
    if not result["variants"]:
        pytest.skip("the llama.cpp build at hand has its CPU backend built in (not the portable module build)")
    assert result["loaded"] is False
