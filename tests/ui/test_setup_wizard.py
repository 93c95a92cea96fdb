"""The setup assistant end to end with real parts: real GGUF files, llama.cpp, a fake hub on 127.0.0.1, real threads.

The test run's detector is the real `ModelDetector` on the tiny random-weight qwen3 model. Such a model writes
gibberish until its answer limit, so most tests steer it (`decoders.FixedAnswer`, made for random-weight stand-ins)
to a known short answer; one test runs the app's own loader with a tiny answer limit and checks only that the page
shows an outcome.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableWidget, QWizard
from pytestqt.qtbot import QtBot

from app.core.assembly import LoadedModelDetector
from app.core.detectors.model.decoders import FixedAnswer
from app.core.detectors.model.detector import ModelDetector
from app.core.model_files import convert as conversion
from app.core.model_files import official_prompt
from app.core.model_files.catalog import load_catalog
from app.core.model_files.library import registered_model
from app.core.model_files.runtime import load_model
from app.core.paths import app_paths
from app.core.settings import Settings
from app.ui import model_status
from app.ui.background_job import BackgroundJob
from app.ui.model_status import ModelStatus
from app.ui.setup import SetupWizard
from app.ui.setup import pages as setup_pages
from app.ui.setup import wizard as setup_assistant
from app.ui.setup.pages import Page, Source
from app.ui.setup.progress_page import PERMILLE
from tests.helpers.fake_hub import FakeHub, git_blob_id

REPO = "my-org/MemPrivacy-4B-RL-GGUF"
FILENAME = "MemPrivacy-4B-RL-Q4_K_M.gguf"
STEERED_ANSWER = (
    '[{"original_text": "Dana Reyes", "privacy_type": "Real Name", "privacy_level": "PL2"}, '
    '{"original_text": "dana.reyes@example.org", "privacy_type": "Email", "privacy_level": "PL2"}, '
    '{"original_text": "482913", "privacy_type": "Verification Code", "privacy_level": "PL4"}]'
)
WAIT_MS = 60_000


def steered_loader(settings: Settings, path: Path) -> Callable[[], LoadedModelDetector]:
    """Loads the model as the app does (one thread here) and steers the random weights to a known answer."""

    def load() -> LoadedModelDetector:
        loaded = load_model(path, n_ctx=settings.n_ctx, n_threads=1, n_gpu_layers=0)
        llama = loaded.llama
        tokens = llama.tokenize(STEERED_ANSWER.encode(), add_bos=False, special=False)
        steering = FixedAnswer(tokens, llama.token_eos())
        return LoadedModelDetector(ModelDetector(llama, max_new_tokens=200, steering=steering), loaded)

    return load


@pytest.fixture(autouse=True)
def no_job_outlives_its_test(qtbot: QtBot) -> Iterator[None]:
    """A job still running after a test would report into the next one."""
    yield
    for job in list(BackgroundJob._running_jobs):
        job.cancel()
    qtbot.waitUntil(lambda: not BackgroundJob._running_jobs, timeout=WAIT_MS)


@pytest.fixture
def settings() -> Settings:
    return Settings(n_threads=1, n_ctx=2048, n_gpu_layers=0)


def open_wizard(qtbot: QtBot, settings: Settings, **options: object) -> SetupWizard:
    wizard = SetupWizard(settings, **options)  # type: ignore[arg-type]
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def go_to_source(wizard: SetupWizard, source: Source) -> None:
    wizard.next()  # licence
    wizard.next()  # source
    wizard.source_page.buttons[source].setChecked(True)
    wizard.next()


def next_enabled(wizard: SetupWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def back_enabled(wizard: SetupWizard) -> bool:
    return wizard.button(QWizard.WizardButton.BackButton).isEnabled()


def files_under(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def table_rows(table: QTableWidget) -> list[tuple[str, ...]]:
    return [
        tuple(table.item(row, column).text() for column in range(table.columnCount()))
        for row in range(table.rowCount())
    ]


# --- skipping ------------------------------------------------------------------------------------------------------


def test_skipping_finishes_with_first_run_done_and_no_model(qtbot: QtBot, settings: Settings) -> None:
    wizard = open_wizard(qtbot, settings)
    assert "rules only" in wizard.welcome_page.skip_button.text()
    wizard.welcome_page.skip_button.click()
    assert wizard.currentId() == Page.DONE
    assert "Settings → Model" in wizard.done_page.summary.text()
    wizard.back()
    assert wizard.currentId() == Page.WELCOME and not wizard.skipped  # changed their mind: the normal way again
    wizard.next()
    assert wizard.currentId() == Page.LICENCE
    wizard.back()
    wizard.skip()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    result = wizard.result_settings()
    assert result.first_run_done is True and result.model_path is None
    assert registered_model() is None


def test_skipping_keeps_a_model_already_set(qtbot: QtBot, settings: Settings) -> None:
    wizard = open_wizard(qtbot, dataclasses.replace(settings, model_path="/models/mine.gguf"))
    assert "mine.gguf" in wizard.welcome_page.skip_button.text()
    wizard.skip()
    result = wizard.result_settings()
    assert result.model_path == "/models/mine.gguf" and result.first_run_done


# --- a file the person has -----------------------------------------------------------------------------------------


def test_a_gguf_file_is_checked_shown_tried_and_becomes_the_model(
    qtbot: QtBot, settings: Settings, tiny_qwen3_gguf: Path
) -> None:
    wizard = open_wizard(qtbot, settings, trial_loader=steered_loader)
    go_to_source(wizard, Source.FILE)
    page = wizard.file_page
    assert not next_enabled(wizard)
    page.choose(str(tiny_qwen3_gguf))
    assert page.checking and not next_enabled(wizard)
    qtbot.waitUntil(lambda: not page.checking, timeout=WAIT_MS)
    assert page.status.kind == "success"
    metadata = dict(table_rows(page.metadata))
    assert metadata["Architecture"] == "qwen3" and metadata["Layers"] == "2"
    assert not page.warnings.isVisible()  # qwen3 with a chat template: nothing to warn about
    assert next_enabled(wizard)

    wizard.next()
    test_page = wizard.test_page
    assert wizard.currentId() == Page.TEST
    qtbot.waitUntil(lambda: test_page.outcome != "", timeout=WAIT_MS)
    assert test_page.outcome == "found"
    assert table_rows(test_page.findings) == [
        ("Dana Reyes", "Real Name", "PL2"),
        ("dana.reyes@example.org", "Email", "PL2"),
        ("482913", "Verification Code", "PL4"),
    ]
    assert "3 item" in test_page.status.text() and "CPU" in test_page.facts.text()

    wizard.next()
    assert tiny_qwen3_gguf.name in wizard.done_page.summary.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    result = wizard.result_settings()
    assert result.model_path == str(tiny_qwen3_gguf.resolve())
    assert result.first_run_done and result.use_model
    assert files_under(app_paths().models) == []  # a file of the person's own is used where it is, not copied


def test_the_apps_own_loader_runs_the_test_and_the_page_shows_its_outcome(
    qtbot: QtBot, settings: Settings, tiny_qwen3_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unsteered, random weights ramble: with a tiny answer limit that is a cut-off answer, shown as such."""
    monkeypatch.setattr(model_status, "TRIAL_MAX_NEW_TOKENS", 4)
    wizard = open_wizard(qtbot, settings)
    go_to_source(wizard, Source.FILE)
    wizard.file_page.choose(str(tiny_qwen3_gguf))
    qtbot.waitUntil(lambda: next_enabled(wizard), timeout=WAIT_MS)
    wizard.next()
    page = wizard.test_page
    qtbot.waitUntil(lambda: page.outcome != "", timeout=WAIT_MS)
    assert page.outcome in ("failed", "nothing")  # a random-weight model finds nothing meaningful
    assert page.findings.rowCount() == 0
    assert page.advice.kind in ("error", "warning") and "MemPrivacy" in page.advice.text()
    assert "Ran on CPU" in page.facts.text()  # where it ran and its memory are shown all the same
    assert next_enabled(wizard)  # the file passed its checks; the test only demonstrates


@pytest.mark.parametrize("damage", ["web page", "truncated"])
def test_a_broken_file_is_refused_clearly_and_nothing_is_registered(
    qtbot: QtBot, settings: Settings, tiny_qwen3_gguf: Path, tmp_path: Path, damage: str
) -> None:
    broken = tmp_path / "model.gguf"
    if damage == "web page":
        broken.write_bytes(b"<!DOCTYPE html><html><body>Repository not found</body></html>")
    else:
        data = tiny_qwen3_gguf.read_bytes()
        broken.write_bytes(data[: len(data) * 2 // 3])
    wizard = open_wizard(qtbot, settings)
    go_to_source(wizard, Source.FILE)
    page = wizard.file_page
    page.choose(str(broken))
    qtbot.waitUntil(lambda: not page.checking, timeout=WAIT_MS)
    assert page.status.kind == "error"
    assert "model.gguf" in page.status.text() and "Choose another file" in page.status.text()
    assert not page.metadata.isVisible()
    assert not next_enabled(wizard) and page.checked is None
    wizard.reject()
    assert wizard.result_settings().model_path is None
    assert registered_model() is None


# --- a download ----------------------------------------------------------------------------------------------------


def start_download(qtbot: QtBot, wizard: SetupWizard) -> list[int]:
    """Fill in the download page, press Download; return the bar's values as they come."""
    go_to_source(wizard, Source.DOWNLOAD)
    page = wizard.download_page
    assert not next_enabled(wizard)
    page.repo.setText(REPO)
    page.filename.setText(FILENAME)
    assert next_enabled(wizard)
    assert wizard.button(QWizard.WizardButton.NextButton).text().replace("&", "") == "Download"
    values: list[int] = []
    wizard.progress_page.bar.valueChanged.connect(values.append)
    wizard.next()
    assert wizard.currentId() == Page.PROGRESS
    return values


def test_a_download_shows_its_progress_is_verified_and_becomes_the_model(
    qtbot: QtBot, settings: Settings, hub: FakeHub, tiny_qwen3_gguf: Path
) -> None:
    hub.add(REPO, FILENAME, tiny_qwen3_gguf.read_bytes())
    wizard = open_wizard(qtbot, settings, trial_loader=steered_loader)
    values = start_download(qtbot, wizard)
    page = wizard.progress_page
    assert page.running and not back_enabled(wizard) and not next_enabled(wizard)
    qtbot.waitUntil(lambda: not page.running, timeout=WAIT_MS)
    assert page.message.kind == "success", page.message.text()
    assert PERMILLE in values
    assert [page.stage_list.state_of(stage) for stage in ("download", "verify", "load")] == ["done"] * 3
    assert files_under(app_paths().models) == [FILENAME]  # no .part left beside it
    assert next_enabled(wizard) and not back_enabled(wizard)  # done: no going back to download it again

    wizard.next()
    qtbot.waitUntil(lambda: wizard.test_page.outcome != "", timeout=WAIT_MS)
    assert wizard.test_page.findings.rowCount() == 3
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result_settings().model_path == str((app_paths().models / FILENAME).resolve())


def endless(hub: FakeHub, data: bytes) -> None:
    """Announce more bytes than are served: the client keeps resuming and never finishes — until it is stopped."""
    hub.add(REPO, FILENAME, data, advertise_size=len(data) * 3)


def test_stopping_a_download_midway_leaves_nothing_in_the_models_folder(
    qtbot: QtBot, settings: Settings, hub: FakeHub, tiny_qwen3_gguf: Path
) -> None:
    endless(hub, tiny_qwen3_gguf.read_bytes())
    wizard = open_wizard(qtbot, settings)
    values = start_download(qtbot, wizard)
    page = wizard.progress_page
    qtbot.waitUntil(lambda: any(0 < value < PERMILLE for value in values), timeout=WAIT_MS)
    assert "of 76.6 MB" in page.detail.text()
    page.stop_button.click()
    qtbot.waitUntil(lambda: not page.running, timeout=WAIT_MS)
    assert page.message.kind == "info" and "Stopped" in page.message.text()
    assert files_under(app_paths().models) == []
    assert page.retry_button.isVisible() and not next_enabled(wizard) and back_enabled(wizard)
    wizard.back()
    assert wizard.currentId() == Page.DOWNLOAD


def test_cancelling_the_assistant_during_a_download_stops_it_then_closes(
    qtbot: QtBot, settings: Settings, hub: FakeHub, tiny_qwen3_gguf: Path
) -> None:
    endless(hub, tiny_qwen3_gguf.read_bytes())
    wizard = open_wizard(qtbot, settings)
    values = start_download(qtbot, wizard)
    qtbot.waitUntil(lambda: any(0 < value < PERMILLE for value in values), timeout=WAIT_MS)
    wizard.reject()
    assert wizard.isVisible()  # it waits for the job to wind down…
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT_MS)  # …then closes
    assert wizard.result() == QWizard.DialogCode.Rejected
    assert files_under(app_paths().models) == []


def test_a_checksum_mismatch_is_an_error_with_a_way_forward(
    qtbot: QtBot, settings: Settings, hub: FakeHub, tiny_qwen3_gguf: Path
) -> None:
    hub.add(REPO, FILENAME, tiny_qwen3_gguf.read_bytes(), advertise_sha256="0" * 64)
    wizard = open_wizard(qtbot, settings)
    start_download(qtbot, wizard)
    page = wizard.progress_page
    qtbot.waitUntil(lambda: not page.running, timeout=WAIT_MS)
    assert page.message.kind == "error" and "SHA-256" in page.message.text()
    assert page.stage_list.state_of("download") == "done" and page.stage_list.state_of("verify") == "active"
    assert files_under(app_paths().models) == []
    assert page.retry_button.isVisible() and back_enabled(wizard) and not next_enabled(wizard)
    assert wizard.result_settings().model_path is None


# --- converting ----------------------------------------------------------------------------------------------------


def test_convert_is_offered_without_torch_or_llama_cpps_converter(
    qtbot: QtBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cloakroom converts with its own converter: the packaged app and a plain install can both convert."""
    monkeypatch.setattr(conversion, "missing_packages", lambda: ["torch", "transformers"])
    monkeypatch.setattr(conversion, "find_converter", lambda: None)
    wizard = open_wizard(qtbot, settings)
    wizard.next()
    wizard.next()
    page = wizard.source_page
    assert page.buttons[Source.CONVERT].isEnabled() and page.buttons[Source.CONVERT].isChecked()
    page.buttons[Source.CONVERT].setChecked(True)
    wizard.next()
    assert wizard.currentId() == Page.CONVERT
    assert wizard.convert_page.request().quantization == "Q4_K_M"
    assert "IAAR-Shanghai/MemPrivacy-" in wizard.convert_page.summary.text()


@pytest.mark.slow
def test_measuring_speed_shows_seconds_per_size_and_the_convert_page_follows_its_advice(
    qtbot: QtBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real stand-ins, one quantization to keep it short; the recommendation from memory is replaced by the measured
    one, and the conversion page preselects it."""
    from app.core.model_files import speed

    monkeypatch.setattr(speed, "MEASURED_QUANTIZATIONS", ("Q4_K_M",))
    wizard = open_wizard(qtbot, dataclasses.replace(settings, n_threads=1))
    wizard.next()
    page = wizard.licence_page
    qtbot.waitUntil(lambda: wizard.hardware is not None, timeout=WAIT_MS)
    page.measure_button.click()
    assert not page.measure_button.isEnabled()
    qtbot.waitUntil(page.measure_button.isEnabled, timeout=WAIT_MS * 3)
    table = page.speed_label.text()
    assert table.count("<tr") == 3 and "Q4_K_M" in table and "MemPrivacy 1.7B (RL)" in table
    assert "Short chat message" in table and "2 KB e-mail" in table
    advice = wizard.recommendation
    assert advice is not None and advice.quantization == "Q4_K_M"
    assert page.recommendation_label.text().startswith("Recommended from the measurement: <b>MemPrivacy")
    wizard.next()
    wizard.source_page.buttons[Source.CONVERT].setChecked(True)
    wizard.next()
    assert wizard.convert_page.size_buttons[advice.model.size].isChecked()
    if os.environ.get("CLOAKROOM_SCREENSHOTS"):
        wizard.back()
        wizard.back()
        page.grab().save(os.path.join(os.environ["CLOAKROOM_SCREENSHOTS"], "wizard-speed.png"))


# --- the official prompt -------------------------------------------------------------------------------------------


PUBLISHED_PROMPT = b"Stand-in for the authors' template: {real_name} {input_dialogue_content}\n"


def serve_prompt(hub: FakeHub, monkeypatch: pytest.MonkeyPatch, served: bytes) -> None:
    """The catalog's official prompt, replaced by a stand-in the fake hub serves (the real one may not be copied)."""
    spec = dataclasses.replace(
        official_prompt.official_prompt_spec(),
        url=f"{hub.url}/raw/extract_privacy.txt",
        fallback_urls=(),
        size=len(PUBLISHED_PROMPT),
        git_blob_id=git_blob_id(PUBLISHED_PROMPT),
        sha256=hashlib.sha256(PUBLISHED_PROMPT).hexdigest(),
    )
    monkeypatch.setattr(official_prompt, "official_prompt_specs", lambda: (spec,))
    hub.raw["extract_privacy.txt"] = served


def test_the_official_prompt_is_stored_only_when_it_is_the_published_file(
    qtbot: QtBot, settings: Settings, hub: FakeHub, tiny_qwen3_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_prompt(hub, monkeypatch, PUBLISHED_PROMPT.replace(b"template", b"tampered"))
    wizard = open_wizard(qtbot, settings, trial_loader=steered_loader)
    go_to_source(wizard, Source.FILE)
    wizard.file_page.choose(str(tiny_qwen3_gguf))  # not named MemPrivacy: nothing is fetched unasked
    qtbot.waitUntil(lambda: next_enabled(wizard), timeout=WAIT_MS)
    wizard.next()
    page = wizard.test_page
    assert hub.gets("/raw/") == []
    page.prompt_button.click()
    qtbot.waitUntil(lambda: page.prompt_status.kind == "error", timeout=WAIT_MS)
    assert "not stored" in page.prompt_status.text() and not official_prompt.official_prompt_path().exists()
    assert "Cloakroom's own words" in page.prompt_status.text()

    hub.raw["extract_privacy.txt"] = PUBLISHED_PROMPT
    page.prompt_button.click()
    qtbot.waitUntil(lambda: page.prompt_status.kind == "success", timeout=WAIT_MS)
    assert official_prompt.official_prompt_path().read_bytes() == PUBLISHED_PROMPT
    assert not page.prompt_button.isEnabled()  # installed: nothing more to fetch


def wizard_after_its_test_run(
    qtbot: QtBot, settings: Settings, model: Path, loader: model_status.TrialLoader
) -> SetupWizard:
    """The wizard on its Test page for a file the person chose, once the test run has an outcome."""
    wizard = open_wizard(qtbot, settings, trial_loader=loader)
    go_to_source(wizard, Source.FILE)
    wizard.file_page.choose(str(model))
    qtbot.waitUntil(lambda: next_enabled(wizard), timeout=WAIT_MS)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.test_page.outcome != "", timeout=WAIT_MS)
    return wizard


def test_a_memprivacy_model_gets_its_official_prompt_before_the_test_runs(
    qtbot: QtBot,
    settings: Settings,
    hub: FakeHub,
    tiny_qwen3_gguf: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_prompt(hub, monkeypatch, PUBLISHED_PROMPT)
    model = tmp_path / "MemPrivacy-4B-RL-Q4_K_M.gguf"
    model.write_bytes(tiny_qwen3_gguf.read_bytes())
    prompt_present_at_load: list[bool] = []

    def loader(settings: Settings, path: Path) -> Callable[[], LoadedModelDetector]:
        prompt_present_at_load.append(official_prompt.official_prompt_path().exists())
        return steered_loader(settings, path)

    wizard = wizard_after_its_test_run(qtbot, settings, model, loader)
    page = wizard.test_page
    assert page.prompt_status.kind == "success" and len(hub.gets("/raw/")) == 1
    assert prompt_present_at_load == [True]  # fetched first: the test ran with the prompt the app will use
    assert page.outcome == "found"


def test_without_the_network_the_test_still_runs_and_says_what_is_missing(
    qtbot: QtBot,
    settings: Settings,
    hub: FakeHub,
    tiny_qwen3_gguf: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_prompt(hub, monkeypatch, b"")
    del hub.raw["extract_privacy.txt"]  # the server answers 404
    model = tmp_path / "MemPrivacy-1.7B-RL-Q4_K_M.gguf"
    model.write_bytes(tiny_qwen3_gguf.read_bytes())
    wizard = wizard_after_its_test_run(qtbot, settings, model, steered_loader)
    page = wizard.test_page
    assert page.prompt_status.kind == "error" and "Cloakroom's own words" in page.prompt_status.text()
    assert page.prompt_button.isEnabled() and page.outcome == "found"


# --- the model status widget ---------------------------------------------------------------------------------------


def test_model_status_shows_the_file_and_a_test_measures_it(
    qtbot: QtBot, settings: Settings, tiny_qwen3_gguf: Path
) -> None:
    status = ModelStatus(settings, trial_loader=steered_loader)
    qtbot.addWidget(status)
    assert "rules" in status.file_label.text() and not status.test_button.isEnabled()
    status.set_model_path(str(tiny_qwen3_gguf))
    assert status.file_label.text() == tiny_qwen3_gguf.name
    assert "qwen3" in status.details_label.text() and "MB" in status.details_label.text()
    assert "CPU" in status.device_label.text()  # GPU layers 0 in these settings
    assert status.memory_label.text() == "not loaded now"
    status.test_button.click()
    assert status.test_running
    qtbot.waitUntil(lambda: not status.test_running, timeout=WAIT_MS)
    assert "3 item" in status.test_result.text()
    assert "weights" in status.memory_label.text() and "measured during the test" in status.memory_label.text()
    assert status.speed_label.text().startswith("a short chat message took ")  # no estimate saved here


def test_model_status_compares_the_saved_estimate_with_the_tests_real_figure(
    qtbot: QtBot, settings: Settings, tiny_qwen3_gguf: Path
) -> None:
    from app.core.model_files import speed
    from app.core.model_files.gguf_info import inspect_gguf

    info = inspect_gguf(tiny_qwen3_gguf)
    model = dataclasses.replace(load_catalog().find("1.7b"), parameters=info.parameter_count)
    rate = speed.Speed(prompt_tokens_per_s=70.0, steps_per_s=35.0)  # 80/70 + 60/35: about 3 s for a chat message
    speed.save_estimates([speed.SpeedOption(model, info.quantization, rate, 0, True)])
    status = ModelStatus(settings, trial_loader=steered_loader)
    qtbot.addWidget(status)
    status.set_model_path(str(tiny_qwen3_gguf))
    assert status.speed_label.text().startswith("estimated about 3 s for a short chat message, 15 s for a 2 KB")
    status.test_button.click()
    qtbot.waitUntil(lambda: not status.test_running, timeout=WAIT_MS)
    assert re.fullmatch(
        r"a short chat message took \d+\.\d s in the test; the estimate was about 3 s", status.speed_label.text()
    )
    status.set_model_path(str(tiny_qwen3_gguf.with_name("another.gguf")))
    assert status.speed_label.text() == "—"


def test_model_status_shows_the_apps_loaded_model(qtbot: QtBot, settings: Settings, tiny_qwen3_gguf: Path) -> None:
    loaded = load_model(tiny_qwen3_gguf, n_ctx=512, n_threads=1, n_gpu_layers=0)
    try:
        status = ModelStatus(
            dataclasses.replace(settings, model_path=str(tiny_qwen3_gguf)), loaded_model=lambda: loaded
        )
        qtbot.addWidget(status)
        assert status.device_label.text().startswith("CPU")
        assert "weights" in status.memory_label.text() and "context cache" in status.memory_label.text()
        status.set_model_path(str(tiny_qwen3_gguf.with_name("another.gguf")))
        assert "Cannot use it" in status.details_label.text() and not status.test_button.isEnabled()
    finally:
        loaded.close()


def test_stopping_a_conversion_midway_tidies_the_models_folder_and_the_weights(
    qtbot: QtBot, settings: Settings, hub: FakeHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The real pipeline (fake hub, Cloakroom's converter), stopped while the converter runs.

    The converter reads in small chunks with a pause after each, only so that the tiny model's conversion lasts long
    enough to be stopped in the middle.
    """
    from app.core.model_files import hf_to_gguf
    from tests.models.hf_checkpoint import write_tiny_qwen3_checkpoint

    convert_chunk = hf_to_gguf._convert_chunk

    def slow_chunk(raw: bytes, source_dtype: str, output_type: str) -> Any:
        time.sleep(0.05)
        return convert_chunk(raw, source_dtype, output_type)

    monkeypatch.setattr(hf_to_gguf, "CHUNK_BYTES", 256 << 10)
    monkeypatch.setattr(hf_to_gguf, "_convert_chunk", slow_chunk)
    checkpoint = write_tiny_qwen3_checkpoint(tmp_path / "checkpoint")
    for path in sorted(checkpoint.iterdir()):
        hub.add("test-org/MemPrivacy-tiny-RL", path.name, path.read_bytes(), lfs=path.suffix == ".safetensors")
    weights = sum(path.stat().st_size for path in checkpoint.iterdir())
    real = load_catalog()
    tiny = tuple(
        dataclasses.replace(
            model,
            repo="test-org/MemPrivacy-tiny-RL",
            weights_bytes=weights,
            gguf_sizes={"BF16": weights, "Q8_0": weights // 2},
        )
        for model in real.models
    )
    for module in (setup_pages, setup_assistant):  # the pages offer the catalogue's models; the wizard recommends one
        monkeypatch.setattr(module, "load_catalog", lambda: dataclasses.replace(real, models=tiny))

    wizard = open_wizard(qtbot, settings)
    go_to_source(wizard, Source.CONVERT)
    page = wizard.convert_page
    page.quantization.setCurrentIndex(page.quantization.findData("Q8_0"))
    assert "test-org/MemPrivacy-tiny-RL" in page.summary.text()
    assert page.delete_download.isChecked() and not page.request().keep_download
    assert "deleted afterwards" in page.summary.text()
    wizard.next()
    progress = wizard.progress_page
    assert progress.stage_list.state_of("check") in ("active", "done")
    qtbot.waitUntil(lambda: progress.stage_list.state_of("convert") == "active", timeout=WAIT_MS)
    assert progress.stage_list.state_of("download") == "done"
    progress.stop_button.click()
    qtbot.waitUntil(lambda: not progress.running, timeout=WAIT_MS)
    assert progress.message.kind == "info"
    assert files_under(app_paths().models) == []
    assert files_under(app_paths().cache / "conversion") == []  # the weights too: keeping them was not asked for
