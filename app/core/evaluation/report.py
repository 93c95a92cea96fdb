"""The evaluation report: markdown tables for people, a JSON summary for scripts, a PNG chart when matplotlib is there.

Reports hold figures, types and levels — never the text of a message or a span — so they can be shared even when the
data set is the person's own. The one exception is the error examples section, written only when the person asks for
it (``--examples N``); the JSON summary never holds examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.core.evaluation import presidio
from app.core.evaluation.datasets import presidio_entity_level
from app.core.evaluation.metrics import Counts
from app.core.evaluation.runner import EvalResult, RunResult
from app.core.evaluation.scorers import PaperScorer, PresidioScorer
from app.core.evaluation.targets import TargetCheck, check_targets
from app.core.model_files.gguf_info import format_bytes
from app.core.taxonomy import Level

CHART_LEVELS = (Level.PL2, Level.PL3, Level.PL4)


# ---------------------------------------------------------------------------------------------------------------------
# Small formatting helpers


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _percent(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}"


def _seconds(value: float) -> str:
    """Three significant digits: rules take microseconds, a model on a CPU whole seconds."""
    return f"{value:.3g}"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _cell(value: object) -> str:
    """Table cells come from data-set labels and model type names: keep them from breaking the table."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def _counts_row(label: str, counts: Counts) -> list[object]:
    return [
        label, counts.gold, counts.predicted, f"{counts.matched:.2f}",
        _ratio(counts.precision), _ratio(counts.recall), _ratio(counts.f1),
    ]  # fmt: skip


COUNTS_HEADER = ["", "gold", "predicted", "matched", "precision", "recall", "F1"]


# ---------------------------------------------------------------------------------------------------------------------
# Headline figures of a run (the same for both data formats)


def headline(run: RunResult) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 of a run: micro over all scored labels."""
    scorer = run.scorer
    if isinstance(scorer, PaperScorer):
        overall = scorer.scores.overall
        return overall.precision, overall.recall, overall.f1
    return scorer.figures(scorer.overall())


def level_precision_recall(run: RunResult) -> dict[Level, tuple[float | None, float | None]]:
    scorer = run.scorer
    if isinstance(scorer, PaperScorer):
        return {level: (c.precision, c.recall) for level, c in scorer.scores.by_level.items()}
    return {level: scorer.figures(c)[:2] for level, c in scorer.by_level().items()}


# ---------------------------------------------------------------------------------------------------------------------
# Markdown


def _setup_section(result: EvalResult) -> list[str]:
    dataset = result.dataset
    rows: list[tuple[str, str]] = [
        ("Data set", f"`{dataset.path.name}` ({dataset.format} format)"),
        ("Data set SHA-256", f"`{dataset.sha256}`"),
        ("Messages scored", f"{len(dataset.messages):,}" + (f" (first {result.limit:,})" if result.limit else "")),
        ("Labelled values", f"{dataset.gold_count:,}"),
        ("Detector", result.detector),
        ("Level threshold", f"{result.min_level.label} and above (scored and masked)"),
    ]
    profiles = [run.profile for run in result.runs if run.profile]
    rows.append(("Prompt profile", ", ".join(profiles) if profiles else "– (no model)"))
    rows += _model_rows(result)
    rows += _machine_rows(result.machine)
    rows.append(("Run", f"{result.started_at}, {result.seconds:.1f} s in all"))
    return ["## Setup", "", *_table(["", ""], rows, "ll")]


def _model_rows(result: EvalResult) -> list[tuple[str, str]]:
    model = result.model
    if model is None:
        return [("Model", "– (rules only)")]
    rows = [
        (
            "Model file",
            f"`{model.file_name}` ({format_bytes(model.size_bytes)})" + (f", {model.name}" if model.name else ""),
        ),
        ("Model SHA-256", f"`{model.sha256}`"),
        ("Quantization", model.quantization),
        ("Architecture", model.architecture),
        (
            "Ran on",
            f"{model.device} ({model.n_gpu_layers} GPU layers), {model.n_threads} threads, context {model.n_ctx:,}",
        ),
    ]
    if model.max_new_tokens:
        rows.append(("Answer limit", f"{model.max_new_tokens} new tokens"))
    if model.notice:
        rows.append(("Note", model.notice))
    return rows


def _machine_rows(machine: dict[str, Any]) -> list[tuple[str, str]]:
    if not machine:
        return []
    ram = machine.get("ram_bytes")
    cpu = (
        f"{machine.get('cpu')}, {machine.get('physical_cores')} physical / {machine.get('logical_cores')} logical cores"
    )
    return [
        ("Machine", f"{machine.get('system')}, Python {machine.get('python')}"),
        ("CPU", cpu + (f", {format_bytes(ram)} RAM" if ram else "")),
        ("GPU", ", ".join(machine.get("gpus") or []) or "none found"),
        ("llama.cpp", (f"llama-cpp-python {machine.get('llama_cpp_python')}, GPU offload "
                      f"{'available' if machine.get('llama_cpp_gpu_offload') else 'not built in'}")),
    ]  # fmt: skip


def _summary_section(result: EvalResult) -> list[str]:
    header = [
        "run", "precision", "recall", "F1", "leak rate", "partly exposed", "over-masking",
        "unresolved", "s/msg median", "s/msg p95", "prompt tok/s", "gen tok/s", "model failures",
    ]  # fmt: skip
    rows = []
    for run in result.runs:
        precision, recall, f1 = headline(run)
        exposure = run.exposure.overall
        rows.append([
            run.label, _ratio(precision), _ratio(recall), _ratio(f1),
            _percent(exposure.leak_rate), _percent(exposure.partly_exposed_rate),
            _percent(run.exposure.over_masking_rate), run.exposure.unresolved_placeholders,
            _seconds(run.speed.median), _seconds(run.speed.p95),
            _rate(run.speed.prompt_tokens_per_second), _rate(run.speed.generated_tokens_per_second),
            run.model_failures,
        ])  # fmt: skip
    metric = (
        "the paper's metric, micro" if isinstance(result.runs[0].scorer, PaperScorer) else "Presidio entities, micro"
    )
    intro = f"Precision, recall and F1 ({metric}); leak rate, partly exposed and over-masking in %."
    return ["## Summary", "", intro, "", *_table(header, rows)]


def _target_value(value: float | None) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def _targets_section(checks: Sequence[TargetCheck]) -> list[str]:
    if not checks:
        return []
    rows = [
        [check.run, check.name, _target_value(check.value), check.goal, "pass" if check.passed else "**FAIL**"]
        for check in checks
    ]
    return ["## Targets", "", *_table(["run", "target", "value", "goal", "result"], rows, "lllrl")]


def _paper_sections(run: RunResult, scorer: PaperScorer) -> list[str]:
    scores = scorer.scores
    thresholds = scores.by_threshold
    threshold_rows = [_counts_row(f"{level.label}–PL4" if level < Level.PL4 else "PL4", thresholds[level])
                      for level in (Level.PL2, Level.PL3, Level.PL4) if level >= scorer.min_level]  # fmt: skip
    lines = ["### Paper metric by level threshold (micro)", "", *_table(COUNTS_HEADER, threshold_rows)]
    lines += [
        (
            f"Macro (mean over {scores.messages:,} messages, empty/empty = 1): precision {_ratio(scores.macro_precision)},"
            f" recall {_ratio(scores.macro_recall)}, F1 {_ratio(scores.macro_f1)}."
        ),
        "",
        "### By level",
        "",
    ]
    lines += _table(COUNTS_HEADER, [_counts_row(level.label, c) for level, c in sorted(scores.by_level.items())])
    type_rows = sorted(scores.by_type.items(), key=lambda item: (-item[1].gold, -item[1].predicted, item[0]))
    lines += ["### By type", "", *_table(["type", *COUNTS_HEADER[1:]], [_counts_row(n, c) for n, c in type_rows])]
    return lines


def _presidio_sections(run: RunResult, scorer: PresidioScorer) -> list[str]:
    numbers = ["gold", "predicted", "TP", "FP", "FN", "precision", "recall", "F1"]

    def figures(counts: presidio.EntityCounts) -> list[object]:
        precision, recall, f1 = scorer.figures(counts)
        return [counts.gold, counts.predicted, counts.true_positives, counts.false_positives,
                counts.false_negatives, _ratio(precision), _ratio(recall), _ratio(f1)]  # fmt: skip

    entity_rows = []
    for entity, counts in sorted(scorer.scores.by_entity.items()):
        level = presidio_entity_level(entity)
        entity_rows.append([entity, level.label if level else "–", *figures(counts)])
    level_rows = [[level.label, *figures(counts)] for level, counts in sorted(scorer.by_level().items())]
    lines = ["### By entity (Presidio overlap matching)", ""]
    lines += _table(["entity", "level", *numbers], entity_rows, "ll" + "r" * len(numbers))
    lines += ["### By level", "", *_table(["level", *numbers], level_rows)]
    return lines


def _exposure_section(run: RunResult) -> list[str]:
    exposure = run.exposure
    header = ["level", "labelled values", "leaked verbatim", "leak rate %", "partly exposed", "partly exposed %"]
    rows = [
        [level.label, c.values, c.leaked, _percent(c.leak_rate), c.partly_exposed, _percent(c.partly_exposed_rate)]
        for level, c in sorted(exposure.by_level.items())
    ]
    total = exposure.overall
    rows.append(["all", total.values, total.leaked, _percent(total.leak_rate), total.partly_exposed,
                 _percent(total.partly_exposed_rate)])  # fmt: skip
    lines = [f"### What a user feels (masking at {exposure.threshold.label} and above)", "", *_table(header, rows)]
    lines += [
        (
            f"- Over-masking: {exposure.over_masked_characters:,} of {exposure.characters:,} characters masked outside "
            f"every labelled span ({_percent(exposure.over_masking_rate, 3)} %); {exposure.masked_characters:,} masked "
            "in all."
        ),
        (
            f"- Round trip mask → unmask: {exposure.unresolved_placeholders} unresolved placeholders, "
            f"{exposure.round_trip_mismatches} messages not restored exactly (both must be 0)."
        ),
        "",
    ]
    return lines


def _speed_section(run: RunResult) -> list[str]:
    speed = run.speed
    lines = [
        "### Speed",
        "",
        (
            f"- Seconds per message: median {_seconds(speed.median)}, 95th percentile {_seconds(speed.p95)}, "
            f"{_seconds(speed.total)} s for {len(speed.seconds):,} messages; the first took {_seconds(speed.first)} s."
        ),
    ]
    if speed.stats_available:
        evaluated = speed.prompt_tokens - speed.prompt_tokens_cached
        lines += [
            (
                f"- Model: {speed.model_calls:,} calls; {evaluated:,} prompt tokens evaluated "
                f"({speed.prompt_tokens_cached:,} reused from the cache) at {_rate(speed.prompt_tokens_per_second)} tokens/s; "
                f"{speed.generated_tokens:,} tokens generated at {_rate(speed.generated_tokens_per_second)} tokens/s."
            ),
        ]
    if run.model_failures:
        lines.append(
            f"- {run.model_failures} messages had a cut-off or malformed model answer; only the rules (if they ran) "
            "scored there."
        )
    return [*lines, ""]


def _run_section(run: RunResult) -> list[str]:
    lines = [f"## Run: {run.label}", ""]
    if isinstance(run.scorer, PaperScorer):
        lines += _paper_sections(run, run.scorer)
    else:
        lines += _presidio_sections(run, run.scorer)
    return lines + _exposure_section(run) + _speed_section(run)


def _profile_comparison_section(result: EvalResult) -> list[str]:
    runs = [run for run in result.runs if run.profile]
    if len(runs) < 2:
        return []
    header = ["profile", "precision", "recall", "F1"]
    paper = isinstance(runs[0].scorer, PaperScorer)
    if paper:
        header += ["F1 PL3–PL4", "F1 PL4"]
    header += ["leak rate %", "over-masking %", "s/msg median", "s/msg p95", "gen tok/s", "failures"]
    rows = []
    for run in runs:
        precision, recall, f1 = headline(run)
        row: list[object] = [run.profile, _ratio(precision), _ratio(recall), _ratio(f1)]
        if isinstance(run.scorer, PaperScorer):
            thresholds = run.scorer.scores.by_threshold
            row += [_ratio(thresholds[Level.PL3].f1), _ratio(thresholds[Level.PL4].f1)]
        row += [_percent(run.exposure.overall.leak_rate), _percent(run.exposure.over_masking_rate),
                _seconds(run.speed.median), _seconds(run.speed.p95), _rate(run.speed.generated_tokens_per_second),
                run.model_failures]  # fmt: skip
        rows.append(row)
    return ["## Prompt profiles compared", "", *_table(header, rows)]


def _method_section(result: EvalResult) -> list[str]:
    lines = ["## How these figures are computed", ""]
    if isinstance(result.runs[0].scorer, PaperScorer):
        lines += [
            (
                "- Paper metric (`app/core/evaluation/metrics.py`): each message on its own; a prediction scores only if it "
                "is a substring of the message, its level equals the label's and its type matches after normalisation "
                "and a small alias table; exact value 1, descriptive types partial credit (F1 of the longest common token "
                "run, CJK per character); greedy one-to-one matching. Micro: P = Σ matched / Σ predicted, "
                "R = Σ matched / Σ labelled."
            ),
        ]
    else:
        lines += [
            (
                "- Presidio entities (`app/core/evaluation/presidio.py`): a finding of a type mapped to the entity matches "
                "a labelled span it overlaps by at least half of the span; one-to-one, largest overlaps first. "
                "Entities and the Cloakroom types that count as finding them:"
            ),
        ]
        lines += [
            f"  - {entity}: {', '.join(sorted(types))}" for entity, types in sorted(presidio.ENTITY_TYPES.items())
        ]
        lines.append(f"  - not scored: {', '.join(sorted(presidio.UNSCORED_ENTITIES))}")
    lines += [
        (
            "- Leak rate: labelled values at or above the threshold still found verbatim in the masked text. Partly "
            "exposed: values with any character left unmasked. Over-masking: masked characters outside every labelled "
            "span, over all characters."
        ),
        "- Seconds per message: the detectors' time (the model's first call also evaluates the fixed prompt).",
        "",
    ]
    return lines


def _examples_section(result: EvalResult) -> list[str]:
    runs = [run for run in result.runs if run.examples]
    if not runs:
        return []
    lines = ["## Error examples (written because --examples was given; they quote the data)", ""]
    for run in runs:
        rows = [[example.kind, example.type, example.level, example.text] for example in run.examples]
        lines += [f"### {run.label}", "", *_table(["kind", "type", "level", "text"], rows, "llll")]
    return lines


def render_markdown(result: EvalResult, chart_name: str | None = None) -> str:
    checks = check_targets(result)
    lines = [f"# Cloakroom evaluation: {result.dataset.path.name}", ""]
    lines += _setup_section(result) + _summary_section(result) + _targets_section(checks)
    lines += _profile_comparison_section(result)
    if chart_name:
        lines += ["## Precision and recall per level", "", f"![Precision and recall per level]({chart_name})", ""]
    for run in result.runs:
        lines += _run_section(run)
    for note in result.notes:
        lines += [f"> {note}", ""]
    lines += _method_section(result) + _examples_section(result)
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------------------------------
# JSON and chart


def summary_json(result: EvalResult) -> dict[str, Any]:
    """Figures only (no examples, no text): safe to keep beside the report and to compare between runs."""
    dataset = result.dataset
    return {
        "dataset": {
            "file": dataset.path.name,
            "format": dataset.format,
            "sha256": dataset.sha256,
            "messages": len(dataset.messages),
            "labelled_values": dataset.gold_count,
            "limit": result.limit,
        },
        "detector": result.detector,
        "min_level": result.min_level.label,
        "model": result.model.to_json() if result.model else None,
        "machine": result.machine,
        "started_at": result.started_at,
        "seconds": result.seconds,
        "runs": [run.to_json() for run in result.runs],
        "targets": [check.to_json() for check in check_targets(result)],
        "notes": list(result.notes),
    }


def write_chart(result: EvalResult, path: Path) -> bool:
    """Grouped bars of precision and recall per level, one pair per run; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axis = plt.subplots(figsize=(8, 5), dpi=100)
    width = 0.8 / (2 * len(result.runs))
    positions = range(len(CHART_LEVELS))
    for index, run in enumerate(result.runs):
        figures = level_precision_recall(run)
        precision = [(figures.get(level, (None, None))[0] or 0.0) for level in CHART_LEVELS]
        recall = [(figures.get(level, (None, None))[1] or 0.0) for level in CHART_LEVELS]
        offset = (2 * index - len(result.runs)) * width + width / 2
        axis.bar([p + offset for p in positions], precision, width, label=f"precision · {run.label}")
        axis.bar([p + offset + width for p in positions], recall, width, label=f"recall · {run.label}")
    axis.set_xticks(list(positions), [level.label for level in CHART_LEVELS])
    axis.set_ylim(0, 1.05)
    axis.set_ylabel("share")
    axis.set_title(f"{result.dataset.path.name}: precision and recall per level")
    axis.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True


def write_report(result: EvalResult, markdown_path: Path) -> list[Path]:
    """Write FILE.md, FILE.json and (with matplotlib) FILE.png side by side; return the paths written."""
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    json_path = markdown_path.with_suffix(".json")
    chart_path = markdown_path.with_suffix(".png")
    written = []
    chart_written = write_chart(result, chart_path)
    if chart_written:
        written.append(chart_path)
    else:
        result.notes.append("No chart: matplotlib is not installed (`pip install 'cloakroom[eval]'`).")
    markdown_path.write_text(render_markdown(result, chart_path.name if chart_written else None), encoding="utf-8")
    json_path.write_text(json.dumps(summary_json(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [markdown_path, json_path, *written]
