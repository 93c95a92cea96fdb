#!/usr/bin/env bash
# GPU check: build llama-cpp-python with CUDA, then run the 4B stand-in's prefix, decode and 20 KB-document
# benchmarks with every layer on the GPU, and print the figures (tests/benchmarks/README.md, "On a GPU").
#
#   bash tests/benchmarks/gpu_check.sh            # from the repository root, on a machine with an NVIDIA GPU
#
# Needs: nvidia-smi and a driver, the CUDA toolkit (nvcc on PATH or in /usr/local/cuda/bin), a C/C++ compiler and
# cmake, Python 3.10+, and the package registry (or a wheelhouse in PIP_FIND_LINKS with PIP_NO_INDEX=1) for the
# app's dependencies. Everything goes to a scratch folder ($CLOAKROOM_GPU_WORK, default /tmp/cloakroom-gpu-check):
# its own virtualenv (the development .venv is not touched), the stand-in model, benchmarks-gpu.json.
#
# Designed for under 10 minutes on a current NVIDIA GPU with 16 cores: CUDA code only for the GPU present
# (CMAKE_CUDA_ARCHITECTURES from nvidia-smi), every core compiling; the 4B stand-in's F16 file is written while
# llama.cpp compiles and quantized with every core afterwards; the benchmarks' CPU-only sections are left out.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${CLOAKROOM_GPU_WORK:-${TMPDIR:-/tmp}/cloakroom-gpu-check}"
VENV="$WORK/venv"
PYTHON="${PYTHON:-python3}"
JOBS="$(nproc)"
SECTIONS="prefix,decode,long"
export CLOAKROOM_TEST_ASSETS="${CLOAKROOM_TEST_ASSETS:-$WORK/assets}"

say() { printf '\033[1m==> [%s] %s\033[0m\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "$*"; exit 1; }

command -v nvidia-smi >/dev/null || die "nvidia-smi not found: this check needs an NVIDIA GPU and its driver"
NVCC="$(command -v nvcc || true)"
[ -n "$NVCC" ] || NVCC=/usr/local/cuda/bin/nvcc
[ -x "$NVCC" ] || die "nvcc not found: install the CUDA toolkit (12.x) or put nvcc on PATH"
NVCC_DIR="$(dirname "$NVCC")"
export CUDACXX="$NVCC" PATH="$NVCC_DIR:$PATH"
CUDA_ARCH="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n 1 | tr -d '. ')"
LLAMA_VERSION="$(sed -n 's/.*"llama-cpp-python==\([^"]*\)".*/\1/p' "$REPO_ROOT/pyproject.toml")"
[ -n "$LLAMA_VERSION" ] || die "no llama-cpp-python==VERSION pin in pyproject.toml"

cd "$REPO_ROOT"  # the benchmark and test helpers are imported from the checkout
say "GPU: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -n 1); CUDA arch $CUDA_ARCH; $JOBS cores"
"$NVCC" --version | tail -n 1
mkdir -p "$WORK" "$CLOAKROOM_TEST_ASSETS"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip

say "Installing the app's dependencies, except llama-cpp-python (built next, with CUDA)"
"$VENV/bin/python" -m pip install -q -e "$REPO_ROOT" --no-deps
"$VENV/bin/python" - "$REPO_ROOT/pyproject.toml" >"$WORK/requirements.txt" <<'PY'
import re, sys, tomllib
project = tomllib.loads(open(sys.argv[1], encoding="utf-8").read())["project"]
for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
    if not re.match(r"llama[-_]cpp[-_]python", requirement, re.I):
        print(requirement)
PY
"$VENV/bin/python" -m pip install -q -r "$WORK/requirements.txt"

say "Writing the random-weight 4B stand-in (F16) in the background while llama.cpp compiles"
"$VENV/bin/python" -c "
from tests.benchmarks.standins import SHAPES
from tests.helpers.models import random_qwen3_path
print(random_qwen3_path(SHAPES['4b']))" >"$WORK/standin.log" 2>&1 &
STANDIN_PID=$!

say "Compiling llama-cpp-python $LLAMA_VERSION with CUDA (arch $CUDA_ARCH, $JOBS jobs; from source, no cache)"
compile_start=$SECONDS
CMAKE_ARGS="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=$CUDA_ARCH" CMAKE_BUILD_PARALLEL_LEVEL="$JOBS" \
  "$VENV/bin/python" -m pip install -q --no-deps --no-cache-dir --no-binary llama-cpp-python --force-reinstall \
  "llama-cpp-python==$LLAMA_VERSION"
say "Compiled in $((SECONDS - compile_start)) s"
"$VENV/bin/python" -c "
import llama_cpp
from app.core.model_files.backends import load_backends
load_backends()
assert llama_cpp.llama_supports_gpu_offload(), 'this llama.cpp build has no GPU offload'
print('llama.cpp GPU offload: yes')"

wait "$STANDIN_PID" || { cat "$WORK/standin.log"; die "writing the stand-in failed"; }
say "Quantizing the stand-in to Q4_K_M (all cores) and preparing the tokenizer assets"
"$VENV/bin/python" -c "from tests.benchmarks.standins import standin_model; print(standin_model('4b'))"

say "Benchmarks on the GPU: 4B stand-in, sections $SECTIONS"
# The benchmark loads its models on the CPU (n_gpu_layers=0) on purpose; here every layer goes to the GPU instead,
# through the app's own load_model, so the figures are what the app gets on this GPU.
status=0
"$VENV/bin/python" - --shape 4b --sections "$SECTIONS" --output "$WORK/benchmarks-gpu.json" <<'PY' || status=$?
import sys

from app.core.model_files.runtime import ALL_LAYERS, load_model
from tests.benchmarks import model_bench
from tests.benchmarks.__main__ import main


def load_on_gpu(self, *, n_ctx=model_bench.DETECTION_N_CTX, threads=None, flash_attn=False):
    count = threads or self.threads
    return load_model(self.model_path, n_ctx=n_ctx, n_threads=count, n_threads_batch=count,
                      n_gpu_layers=ALL_LAYERS, flash_attn=flash_attn)


model_bench.ModelBench.load = load_on_gpu
sys.exit(main(sys.argv[1:]))
PY
say "Done in $SECONDS s; figures in $WORK/benchmarks-gpu.json"
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader
exit "$status"
