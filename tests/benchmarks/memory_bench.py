"""Memory: peak resident memory of a process that loads the stand-in at a 4k context and runs a detection.

Run in its own process by the benchmark command, so the peak (``VmHWM``) is this work's alone:

    python -m tests.benchmarks.memory_bench --model PATH --threads N --cache DIR

It loads the model as the app does (`load_model`, flash attention off), warms the ~3k-token prompt prefix from the
persisted state in ``DIR`` (made there on the first run) and detects the 2 KB e-mail (steered to its gold answer).
``peak_rss_over_model_gb`` is the peak minus the model file's size, in GB (10^9 bytes; target ≤ 1). Prints one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

N_CTX = 4096
MAX_NEW_TOKENS = 384  # leaves room for the ~3k prefix and the e-mail in 4k


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    arguments = parser.parse_args(argv)
    print(json.dumps(measure(arguments.model, arguments.threads, arguments.cache)))
    return 0


def measure(model_path: Path, threads: int, cache: Path) -> dict[str, float | str]:
    from app.core.detectors.model.detector import ModelDetector
    from app.core.model_files.runtime import load_model
    from tests.benchmarks.inputs import INPUTS
    from tests.benchmarks.model_bench import GoldSteering
    from tests.benchmarks.standins import LongPromptProfile

    after_start = _status_bytes("VmRSS")
    loaded = load_model(
        model_path, n_ctx=N_CTX, n_threads=threads, n_threads_batch=threads, n_gpu_layers=0, flash_attn=False
    )
    llama = loaded.llama
    profile = LongPromptProfile(lambda text: len(llama.tokenize(text.encode(), add_bos=False, special=True)))
    email = INPUTS["email", "en"]
    detector = ModelDetector(
        llama, profile=profile, steering=GoldSteering(llama, [email]), max_new_tokens=MAX_NEW_TOKENS
    )
    warmth = detector.warm_prefix(cache)
    detector.detect(email.text)
    peak = _status_bytes("VmHWM")
    file_size = model_path.stat().st_size
    return {
        "model_file_bytes": file_size,
        "peak_rss_bytes": peak,
        "rss_before_load_bytes": after_start,
        "n_ctx": N_CTX,
        "prefix_tokens": len(detector.fixed_prefix_tokens),
        "prefix_source": warmth.source,
        "peak_rss_over_model_gb": (peak - file_size) / 1e9,
    }


def _status_bytes(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


if __name__ == "__main__":
    sys.exit(main())
