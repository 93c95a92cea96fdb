"""`cloakroom eval DATASET`: measure the detectors on labelled data, the way the paper does and the way a user feels it.

    cloakroom eval DATASET [--format memprivacy|presidio] [--detector rules|model|both] [--model PATH]
                   [--profile NAME ...] [--compare-profiles] [--min-level PL2] [--limit N] [--report FILE.md]
                   [--examples N] [--threads N] [--n-ctx N] [--max-new-tokens N]

DATASET is a file, or the name of a file in the shared evaluation folder (``../shared/data`` beside the repository,
or ``$CLOAKROOM_SHARED_DATA``). Without ``--report`` the markdown report goes to stdout; with it, FILE.md, FILE.json
and FILE.png are written. Progress with an estimate of the time left goes to stderr — counts only, never text.
The evaluation never opens the vault: it masks into a fresh in-memory store.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.common import message, settings_for, write_output
from app.core.assembly import configured_model_path
from app.core.errors import ConfigError, InputError
from app.core.evaluation import shared_data_file
from app.core.evaluation.datasets import FORMATS, load_dataset
from app.core.evaluation.machine import ModelInfo, describe_machine
from app.core.evaluation.runner import BOTH, DETECTOR_CHOICES, MODEL_ONLY, RULES_ONLY, EvalResult, RunPlan, run_plans
from app.core.settings import PROMPT_PROFILES, Settings
from app.core.taxonomy import Level

if TYPE_CHECKING:
    from app.core.model_files.runtime import LoadedModel

BAR_WIDTH = 28


class ProgressBar:
    """``[#####.....] 120/2,436 messages  4.9%  0:12 elapsed, ~3:40 left`` on stderr.

    At a terminal the line is redrawn at most every ``min_interval_s``; in a log (not a terminal) a line is written at
    every tenth of the work, so CI logs stay short. The estimate is the mean time per message so far times the
    messages left: the model's first call (the fixed prompt) makes it pessimistic at first, then it settles.
    """

    def __init__(self, stream: TextIO | None = None, min_interval_s: float = 0.25) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.min_interval_s = min_interval_s
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if self.interactive:
            if not finished and now - self._last_draw < self.min_interval_s:
                return
            self._last_draw = now
            self.stream.write("\r" + self.line(done, total, now - self.started) + ("\n" if finished else ""))
        else:
            tenth = (10 * done) // total if total else 10
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self.stream.write(self.line(done, total, now - self.started) + "\n")
        self.stream.flush()

    @staticmethod
    def line(done: int, total: int, elapsed: float) -> str:
        share = done / total if total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        text = f"[{bar}] {done:,}/{total:,} messages {100 * share:5.1f}%  {_clock(elapsed)} elapsed"
        if done and done < total:
            text += f", ~{_clock(elapsed / done * (total - done))} left"
        return text


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _whole_number(value: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a whole number") from None
    if number < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}")
    return number


def _positive(value: str) -> int:
    return _whole_number(value, 1)


def _non_negative(value: str) -> int:
    return _whole_number(value, 0)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `cloakroom eval` to the `cloakroom` parser."""
    parser = subparsers.add_parser(
        "eval",
        help="measure detection quality and speed on a labelled data set",
        description="Score the detectors on MemPrivacy JSONL or Presidio JSON data: the paper's metric, leak rate, "
        "over-masking, the mask/unmask round trip and speed. Never opens the vault.",
    )
    parser.add_argument("dataset", metavar="DATASET", help="a data set file, or a file name in the shared data folder")
    parser.add_argument("--format", choices=FORMATS, help="the data format (default: from the file)")
    parser.add_argument(
        "--detector",
        choices=DETECTOR_CHOICES,
        help="which detectors run (default: both when a model is set up, else rules)",
    )
    parser.add_argument("--model", metavar="PATH", help="a GGUF model file (default: the one set with `model use`)")
    parser.add_argument(
        "--profile",
        action="append",
        choices=PROMPT_PROFILES,
        help="the model's prompt profile; repeat it to compare profiles (default: the setting)",
    )
    parser.add_argument(
        "--compare-profiles", action="store_true", help="run every prompt profile usable here and compare them"
    )
    parser.add_argument(
        "--min-level",
        choices=[level.label for level in (Level.PL2, Level.PL3, Level.PL4)],
        default="PL2",
        help="score labels and mask findings at this level and above (default: PL2, the paper's headline)",
    )
    parser.add_argument("--limit", type=_positive, metavar="N", help="score only the first N messages")
    parser.add_argument("--report", metavar="FILE.md", type=Path, help="write FILE.md, FILE.json and FILE.png")
    parser.add_argument(
        "--examples",
        type=_non_negative,
        default=0,
        metavar="N",
        help="put up to N missed and N wrong spans per run into the report (they quote the data; off by default)",
    )
    parser.add_argument("--threads", type=_positive, metavar="N", help="llama.cpp threads (default: the setting)")
    parser.add_argument(
        "--n-ctx", type=_positive, metavar="N", help="the model's context window (default: the setting)"
    )
    parser.add_argument("--max-new-tokens", type=_positive, metavar="N", help="bound on each model answer")
    parser.set_defaults(handler=run_eval)


def resolve_dataset_path(name: str) -> Path:
    """A path that exists, else a file of that name in the shared data folder, else a one-line error."""
    path = Path(name).expanduser()
    if path.is_file():
        return path
    if path.name == name:
        shared = shared_data_file(name)
        if shared is not None:
            return shared
    from app.core.evaluation import missing_data_message

    raise InputError(f"There is no data set at {name}. " + missing_data_message(path.name))


def _model_path(args: argparse.Namespace, settings: Settings) -> Path | None:
    """The model to evaluate: ``--model``, else the configured one unless the person turned the model off."""
    if args.detector == RULES_ONLY:
        return None
    if args.model is None and not settings.use_model:
        return None
    return configured_model_path(settings, args.model)


def _chosen_detector(args: argparse.Namespace, model_path: Path | None) -> str:
    if args.detector is None:
        if model_path is None:
            message("cloakroom: no model is set up, so only the rules detector is evaluated (see `cloakroom model`).")
            return RULES_ONLY
        return BOTH
    if args.detector in (MODEL_ONLY, BOTH) and model_path is None:
        raise ConfigError("No model is set up: pass --model PATH.gguf or choose one with `cloakroom model use`.")
    return args.detector


def _chosen_profiles(args: argparse.Namespace, settings: Settings) -> list[str]:
    from app.core.evaluation.plans import check_profiles, comparable_profiles

    if args.compare_profiles:
        profiles = list(dict.fromkeys([*(args.profile or []), *comparable_profiles()]))
    else:
        profiles = args.profile or [settings.prompt_profile]
    return check_profiles(profiles)


def _check_report_path(path: Path | None) -> None:
    if path is not None and path.suffix.lower() in (".json", ".png"):
        raise ConfigError("--report takes the markdown file's name (FILE.md); FILE.json and FILE.png go beside it.")


def run_eval(args: argparse.Namespace) -> int:
    _check_report_path(args.report)
    settings = settings_for(args)
    dataset = load_dataset(resolve_dataset_path(args.dataset), args.format, args.limit)
    if not dataset.messages:
        raise InputError(f"{dataset.path.name} holds no messages to score.")
    model_path = _model_path(args, settings)
    detector = _chosen_detector(args, model_path)
    started_at = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    clock = time.monotonic()
    plans, model_info, loaded = _plans(args, settings, detector, model_path)
    try:
        message(f"Scoring {len(dataset.messages):,} messages of {dataset.path.name} ({dataset.format}), "
                f"{len(plans)} run{'s' if len(plans) != 1 else ''}.")  # fmt: skip
        runs = run_plans(
            dataset, plans, min_level=Level[args.min_level], examples=args.examples, progress=ProgressBar()
        )
    finally:
        if loaded is not None:
            loaded.close()
    result = EvalResult(
        dataset=dataset,
        detector=detector,
        min_level=Level[args.min_level],
        limit=args.limit,
        runs=runs,
        model=model_info,
        machine=describe_machine(),
        started_at=started_at,
        seconds=time.monotonic() - clock,
    )
    return _write(result, args.report)


def _plans(
    args: argparse.Namespace, settings: Settings, detector: str, model_path: Path | None
) -> tuple[list[RunPlan], ModelInfo | None, LoadedModel | None]:
    """The runs to make, what the report says about the model, and the loaded model (to close afterwards)."""
    from app.core.evaluation.plans import describe_model, load_eval_model, model_plans, rules_plan

    if detector == RULES_ONLY:
        return [rules_plan()], None, None
    assert model_path is not None  # _chosen_detector refuses the model without a path
    profiles = _chosen_profiles(args, settings)
    message(f"Loading {model_path.name} …")
    loaded = load_eval_model(model_path, settings, n_threads=args.threads, n_ctx=args.n_ctx)
    if loaded.notice:
        message(f"cloakroom: {loaded.notice}")
    try:
        message("Computing the model file's SHA-256 for the report …")
        info = describe_model(loaded, args.max_new_tokens)
        plans: list[RunPlan] = model_plans(loaded, settings, profiles, detector, max_new_tokens=args.max_new_tokens)
    except BaseException:
        loaded.close()
        raise
    return plans, info, loaded


def _write(result: EvalResult, report: Path | None) -> int:
    from app.core.evaluation.report import headline, render_markdown, write_report

    if report is None:
        write_output(render_markdown(result))
    else:
        for path in write_report(result, report):
            message(f"Wrote {path}")
    for run in result.runs:
        precision, recall, f1 = headline(run)
        message(
            f"{run.label}: precision {_fmt(precision)}, recall {_fmt(recall)}, F1 {_fmt(f1)}, "
            f"leak rate {100 * run.exposure.overall.leak_rate:.2f} %, "
            f"unresolved placeholders {run.exposure.unresolved_placeholders}"
        )
    return 0


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
