"""Responsiveness: the Qt event loop keeps its timers while the worker thread runs a detection.

Run in its own process by the benchmark command (Qt and the model stay out of the main benchmark process):

    python -m tests.benchmarks.responsiveness_bench --model PATH --threads N [--quick]

The tray app's own `DetectionWorker` (app/ui/worker.py) loads the stand-in model with the ~3k-token prompt profile
and runs detections of the 2 KB e-mail (steered to its gold answer) back to back, while the GUI thread runs a 16 ms
timer (one frame at 60 Hz). ``event_loop_latency_ratio`` is the 95th percentile of the timer's intervals during
detection over the same when idle (target ≤ 2: at worst a frame is late by one frame). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

FRAME_MS = 16


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(json.dumps(measure(arguments.model, arguments.threads, arguments.quick)))
    return 0


def measure(model_path: Path, threads: int, quick: bool) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.engine import Engine
    from app.core.store import MemoryStore
    from app.ui.worker import DetectionWorker, ModelSlot, ModelState

    app = QApplication.instance() or QApplication([])
    slot = ModelSlot()
    worker = DetectionWorker(Engine(store=MemoryStore(), model=slot), slot)
    worker.start()
    email = _email_text()

    def wait(condition: object, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.005)

    worker.load_model(lambda: _load_detector(model_path, threads))
    wait(lambda: worker.state in (ModelState.READY, ModelState.ERROR), 3600)
    if worker.state is not ModelState.READY:
        raise SystemExit(f"the model did not load: {worker.state_message}")

    intervals: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        intervals.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(FRAME_MS)

    seconds = 2.0 if quick else 5.0
    wait(lambda: False, seconds)
    idle = intervals[1:]
    intervals.clear()

    finished: list[int] = []
    worker.job_finished.connect(lambda job_id, _findings: finished.append(job_id))
    worker.job_failed.connect(lambda job_id, _message: finished.append(job_id))
    started = time.perf_counter()
    jobs = 0
    while time.perf_counter() - started < seconds or jobs == 0:
        jobs += 1
        worker.submit(email, model_only=True)
        wait(lambda jobs=jobs: len(finished) >= jobs, 3600)
    busy = intervals[1:]
    timer.stop()
    worker.shutdown()
    return {
        "idle_p95_ms": _p95(idle),
        "busy_p95_ms": _p95(busy),
        "idle_median_ms": statistics.median(idle),
        "busy_median_ms": statistics.median(busy),
        "busy_max_ms": max(busy),
        "detections": jobs,
        "busy_seconds": time.perf_counter() - started,
        "event_loop_latency_ratio": _p95(busy) / _p95(idle),
    }


def _load_detector(model_path: Path, threads: int) -> object:
    from app.core.assembly import LoadedModelDetector
    from app.core.detectors.model.detector import ModelDetector
    from app.core.model_files.runtime import load_model
    from tests.benchmarks.inputs import INPUTS
    from tests.benchmarks.model_bench import GoldSteering
    from tests.benchmarks.standins import LongPromptProfile

    loaded = load_model(
        model_path, n_ctx=8192, n_threads=threads, n_threads_batch=threads, n_gpu_layers=0, flash_attn=False
    )
    llama = loaded.llama
    profile = LongPromptProfile(lambda text: len(llama.tokenize(text.encode(), add_bos=False, special=True)))
    detector = ModelDetector(llama, profile=profile, steering=GoldSteering(llama, [INPUTS["email", "en"]]))
    detector.warm_prefix(None)
    return LoadedModelDetector(detector, loaded)


def _email_text() -> str:
    from tests.benchmarks.inputs import INPUTS

    return INPUTS["email", "en"].text


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


if __name__ == "__main__":
    sys.exit(main())
