"""Run the benchmarks: ``python -m tests.benchmarks [--quick] [--shape 4b]`` (see tests/benchmarks/README.md).

Writes ``benchmarks.json`` in the current directory (every figure at the top level under its name, then ``targets``,
``details``, ``machine`` and ``run``) and prints a table of figures against targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.benchmarks import model_bench, rules_bench, trained_bench
from tests.benchmarks.inputs import check_inputs
from tests.benchmarks.model_bench import ModelBench, Results
from tests.benchmarks.standins import SHAPES, standin_model

# name -> (comparison, target): every figure is a ratio or a count measured in one run.
TARGETS: dict[str, tuple[str, float]] = {
    "prefix_reuse_speedup": (">=", 5.0),
    "prefix_reuse_speedup_zh": (">=", 5.0),
    "restart_speedup": (">=", 5.0),
    "decode_speedup": (">=", 2.5),
    "decode_speedup_zh": (">=", 2.5),
    "decode_speedup_with_flash_attention": ("info", 0.0),
    "threads_2_vs_1_prompt_speedup": ("info", 0.0),
    "threads_2_vs_1_decode_speedup": ("info", 0.0),
    "chunking_overhead": ("<=", 1.2),
    "chunking_overhead_zh": ("<=", 1.2),
    "spans_lost_at_boundaries": ("<=", 0.0),
    "rules_linearity": ("<=", 12.0),
    "rules_adversarial_ratio": ("<=", 3.0),
    "event_loop_latency_ratio": ("<=", 2.0),
    "peak_rss_over_model_gb": ("<=", 1.0),
    "pretty_answer_items_ratio": (">=", 1.0),
    "dense_items_found_ratio": (">=", 1.0),
    "dense_failures": ("<=", 0.0),
    "prompt_token_boundary_mismatches": ("<=", 0.0),
}
SECTION_ORDER = ("prefix", "restart", "decode", "threads", "long", "memory", "responsiveness", "rules", "trained")
QUIET_LOAD = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny stand-in model, single repetitions (a smoke run)")
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), help="stand-in model shape (default: tiny with --quick, else 0.6b)"
    )
    parser.add_argument("--threads", type=int, help="llama.cpp threads (default: the free physical cores)")
    parser.add_argument("--sections", default=",".join(SECTION_ORDER), help=f"comma list of {', '.join(SECTION_ORDER)}")
    parser.add_argument("--output", type=Path, default=Path("benchmarks.json"))
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help=f"first wait up to this long for the 1-minute load average to drop below {QUIET_LOAD}")  # fmt: skip
    arguments = parser.parse_args(argv)
    sections = [name.strip() for name in arguments.sections.split(",") if name.strip()]
    unknown = set(sections) - set(SECTION_ORDER)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    shape = arguments.shape or ("tiny" if arguments.quick else "0.6b")
    check_inputs()
    if arguments.wait_quiet > 0:
        _wait_for_quiet(arguments.wait_quiet)

    from app.core.model_files.hardware import default_thread_count

    threads = arguments.threads or default_thread_count()
    machine = _machine()
    model_path = standin_model(shape, log=_log) if set(sections) - {"rules"} else None
    results = Results()
    errors: dict[str, str] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cloakroom-bench-cache-") as cache:
        bench = ModelBench(model_path, threads, arguments.quick, _log, results) if model_path else None
        runners: dict[str, Callable[[], None]] = {
            "prefix": lambda: model_bench.prefix_reuse(bench),
            "restart": lambda: model_bench.restart(bench, Path(cache)),
            "decode": lambda: model_bench.decoding(bench),
            "threads": lambda: model_bench.threads(bench),
            "long": lambda: model_bench.long_text(bench),
            "memory": lambda: _memory(model_path, threads, Path(cache), results),
            "responsiveness": lambda: _responsiveness(model_path, threads, arguments.quick, results),
            "rules": lambda: _rules(arguments.quick, results),
            "trained": lambda: trained_bench.trained(bench),
        }
        for name in SECTION_ORDER:
            if name not in sections:
                continue
            _log(f"— {name}")
            try:
                runners[name]()
            except Exception as error:  # noqa: BLE001 - one failed section must not lose the others' figures
                errors[name] = f"{type(error).__name__}: {error}"
                traceback.print_exc()
    machine["loadavg_end"] = _loadavg()
    report = {
        **results.figures,
        "targets": {name: {"compare": compare, "target": target} for name, (compare, target) in TARGETS.items()},
        "details": results.details,
        "machine": machine,
        "run": {
            "shape": shape,
            "model_file": model_path.name if model_path else None,
            "model_bytes": model_path.stat().st_size if model_path else None,
            "threads": threads,
            "quick": arguments.quick,
            "sections": sections,
            "seconds": time.perf_counter() - started,
            "errors": errors,
        },
    }
    arguments.output.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    _print_table(results.figures, machine, shape, threads)
    print(f"\nwrote {arguments.output}")
    return 1 if errors else 0


def _memory(model_path: Path | None, threads: int, cache: Path, results: Results) -> None:
    details = _subprocess_json(
        ["tests.benchmarks.memory_bench", "--model", str(model_path), "--threads", str(threads), "--cache", str(cache)]
    )
    results.figures["peak_rss_over_model_gb"] = details.pop("peak_rss_over_model_gb")
    results.details["memory"] = details
    _log(
        f"memory: peak {details['peak_rss_bytes'] / 1e9:.2f} GB, model file {details['model_file_bytes'] / 1e9:.2f} GB"
    )


def _responsiveness(model_path: Path | None, threads: int, quick: bool, results: Results) -> None:
    command = ["tests.benchmarks.responsiveness_bench", "--model", str(model_path), "--threads", str(threads)]
    details = _subprocess_json([*command, "--quick"] if quick else command)
    results.figures["event_loop_latency_ratio"] = details.pop("event_loop_latency_ratio")
    results.details["responsiveness"] = details
    _log(f"responsiveness: p95 frame {details['idle_p95_ms']:.1f} ms idle, {details['busy_p95_ms']:.1f} ms busy")


def _rules(quick: bool, results: Results) -> None:
    figures, details = rules_bench.run(quick, _log)
    results.figures.update(figures)
    results.details["rules"] = details


def _subprocess_json(module_and_arguments: list[str]) -> dict[str, Any]:
    """Run a benchmark module in its own Python process; its last stdout line is a JSON object."""
    completed = subprocess.run(
        [sys.executable, "-m", *module_and_arguments],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{module_and_arguments[0]} failed: {completed.stderr.strip().splitlines()[-1:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# -- reporting ------------------------------------------------------------------------------------------------------------


def _print_table(figures: dict[str, float], machine: dict[str, Any], shape: str, threads: int) -> None:
    print(f"\nCloakroom benchmarks — stand-in {shape}, {threads} thread(s), {machine['cpu']}, "
          f"load {machine['loadavg_start']} → {machine['loadavg_end']}")  # fmt: skip
    print(f"{'figure':42} {'value':>10}  {'target':>8}  result")
    for name, value in figures.items():
        compare, target = TARGETS.get(name, ("info", 0.0))
        if compare == "info":
            verdict, target_text = "", ""
        else:
            passed = value >= target if compare == ">=" else value <= target
            verdict, target_text = ("pass" if passed else "FAIL"), f"{compare} {target:g}"
        print(f"{name:42} {value:>10.3f}  {target_text:>8}  {verdict}")
    if max(machine["loadavg_start"][0], machine["loadavg_end"][0]) >= QUIET_LOAD:
        print(f"\nThe machine was not quiet (load average ≥ {QUIET_LOAD}): llama.cpp threads spin, so these figures are "
              "provisional; run again on an idle machine.")  # fmt: skip


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import llama_cpp

    from app.core.model_files.hardware import free_physical_cores

    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "free_physical_cores": free_physical_cores(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "llama_cpp_python": llama_cpp.__version__,
        "loadavg_start": _loadavg(),
        "busy_processes_at_start": _busy_processes(),
    }


def _loadavg() -> list[float]:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return [-1.0, -1.0, -1.0]


def _busy_processes() -> int:
    """Other processes using a CPU noticeably right now (their timings would disturb ours)."""
    try:
        output = subprocess.run(["ps", "-eo", "pid,pcpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return -1
    busy = 0
    for line in output.splitlines()[1:]:
        pid, cpu = line.split()
        if int(pid) != os.getpid() and float(cpu) >= 20:
            busy += 1
    return busy


def _wait_for_quiet(limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while _loadavg()[0] >= QUIET_LOAD and time.monotonic() < deadline:
        time.sleep(15)
    _log(f"load average now {_loadavg()}")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
