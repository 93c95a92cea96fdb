"""The thread runner of the setup wizard: its signals, cancelling, failures, and thinned progress."""

from __future__ import annotations

import gc
import threading

import pytest
from pytestqt.qtbot import QtBot

from app.core.errors import Cancelled, ModelError
from app.core.model_files.progress import ProgressCallback
from app.ui.background_job import BackgroundJob


def _recorder(job: BackgroundJob) -> dict[str, list]:
    seen: dict[str, list] = {"progress": [], "finished": [], "failed": [], "cancelled": [], "ended": []}
    job.progress.connect(lambda *args: seen["progress"].append(args))
    job.finished.connect(lambda result: seen["finished"].append(result))
    job.failed.connect(lambda message: seen["failed"].append(message))
    job.cancelled.connect(lambda: seen["cancelled"].append(True))
    job.ended.connect(lambda: seen["ended"].append(job.is_running()))
    return seen


def _run(qtbot: QtBot, job: BackgroundJob) -> dict[str, list]:
    seen = _recorder(job)
    with qtbot.waitSignal(job.ended, timeout=10_000):
        job.start()
    return seen


def test_progress_then_the_result_arrive_in_the_gui_thread(qtbot: QtBot) -> None:
    gui_thread = threading.current_thread()
    threads: list[threading.Thread] = []

    def work(progress: ProgressCallback, cancel: threading.Event) -> str:
        threads.append(threading.current_thread())
        progress("download", 0, 3_000_000_000)
        progress("download", 3_000_000_000, 3_000_000_000)  # past 2**31: the signal carries 64-bit numbers
        progress("load", 0, 1)
        return "the result"

    job = BackgroundJob(work)
    seen = _run(qtbot, job)
    assert threads and threads[0] is not gui_thread
    assert seen["progress"] == [
        ("download", 0, 3_000_000_000),
        ("download", 3_000_000_000, 3_000_000_000),
        ("load", 0, 1),
    ]
    assert seen["finished"] == ["the result"] and not seen["failed"] and not seen["cancelled"]
    assert seen["ended"] == [False]  # is_running() is already False when `ended` arrives
    assert not job.is_running()


def test_cancel_sets_the_event_and_ends_with_cancelled(qtbot: QtBot) -> None:
    entered = threading.Event()

    def work(progress: ProgressCallback, cancel: threading.Event) -> None:
        entered.set()
        if not cancel.wait(10):
            raise AssertionError("never cancelled")
        raise Cancelled("Stopped.")

    job = BackgroundJob(work)
    seen = _recorder(job)
    job.start()
    assert entered.wait(5)
    assert job.is_running()
    with qtbot.waitSignal(job.ended, timeout=10_000):
        job.cancel()
    assert job.cancel_requested
    assert seen["cancelled"] == [True] and not seen["finished"] and not seen["failed"]


def test_an_error_raised_because_of_a_cancel_counts_as_the_cancel(qtbot: QtBot) -> None:
    def work(progress: ProgressCallback, cancel: threading.Event) -> None:
        cancel.wait(10)
        raise OSError(104, "Connection reset by peer")  # what a download torn down midway may raise

    job = BackgroundJob(work)
    seen = _recorder(job)
    with qtbot.waitSignal(job.ended, timeout=10_000):
        job.start()
        job.cancel()
    assert seen["cancelled"] == [True] and not seen["failed"]


def test_a_core_error_is_shown_as_its_own_sentence(qtbot: QtBot) -> None:
    def work(progress: ProgressCallback, cancel: threading.Event) -> None:
        raise ModelError("llama.cpp cannot load m.gguf (bad tensor).")

    seen = _run(qtbot, BackgroundJob(work))
    assert seen["failed"] == ["llama.cpp cannot load m.gguf (bad tensor)."]
    assert not seen["finished"] and not seen["cancelled"]


def test_an_unexpected_error_names_its_kind_but_never_its_text(qtbot: QtBot) -> None:
    def work(progress: ProgressCallback, cancel: threading.Event) -> None:
        raise ValueError("Dana Reyes, dana@example.org")  # stands for any message that might quote user text

    seen = _run(qtbot, BackgroundJob(work))
    (message,) = seen["failed"]
    assert "ValueError" in message
    assert "Dana" not in message and "example.org" not in message


def test_a_flood_of_progress_is_thinned_but_the_final_report_arrives(qtbot: QtBot) -> None:
    reports = 200_000

    def work(progress: ProgressCallback, cancel: threading.Event) -> None:
        for done in range(1, reports + 1):
            progress("download", done, reports)

    seen = _run(qtbot, BackgroundJob(work))
    assert 1 <= len(seen["progress"]) < reports // 10
    assert seen["progress"][0] == ("download", 1, reports)
    assert seen["progress"][-1] == ("download", reports, reports)


def test_a_job_runs_only_once(qtbot: QtBot) -> None:
    job = BackgroundJob(lambda progress, cancel: None)
    _run(qtbot, job)
    with pytest.raises(RuntimeError):
        job.start()


def test_a_job_its_owner_let_go_of_still_runs_to_its_end(qtbot: QtBot) -> None:
    """A window may close while its job winds down; the job must not be destroyed mid-run (that aborts Python)."""
    results: list[int] = []
    release = threading.Event()

    def start_and_forget() -> None:
        job = BackgroundJob(lambda progress, cancel: release.wait(10) and 42)
        job.finished.connect(results.append)
        job.start()

    start_and_forget()
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: results == [42], timeout=10_000)
