"""Downloads from a fake hub on 127.0.0.1 (`HF_ENDPOINT`): progress, resume, checksums, disk space, errors."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from app.cli import main
from app.core.errors import Cancelled
from app.core.model_files.download import DOWNLOAD_STAGES, download_gguf, download_snapshot
from app.core.model_files.download_checks import git_blob_id
from app.core.model_files.errors import ChecksumMismatch, DownloadError, InvalidModelFile, NotEnoughDiskSpace
from app.core.model_files.hub_client import HubClient
from app.core.model_files.library import registered_model
from tests.helpers.fake_hub import COMMIT, FakeHub
from tests.helpers.files import files_in

REPO = "someone/MemPrivacy-test-GGUF"
FILE = "tiny-qwen3-F16.gguf"


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.events.append((stage, done, total))

    def of(self, stage: str) -> list[tuple[int, int]]:
        return [(done, total) for name, done, total in self.events if name == stage]


def test_download_reports_progress_verifies_and_validates(
    hub: FakeHub, models_dir: Path, tiny_qwen3_gguf: Path
) -> None:
    data = tiny_qwen3_gguf.read_bytes()
    hub.add(REPO, FILE, data)
    recorder = Recorder()
    result = download_gguf(REPO, FILE, progress=recorder)
    assert result.path == models_dir / FILE
    assert hashlib.sha256(result.path.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert result.check.info.architecture == "qwen3" and result.check.loaded
    downloads = recorder.of("download")
    assert [done for done, _ in downloads] == sorted(done for done, _ in downloads)
    assert downloads[-1] == (len(data), len(data))
    assert len(downloads) > 3  # more than start and end: it reports while streaming
    assert recorder.of("verify")[-1] == (len(data), len(data))
    assert recorder.of("load")[-1] == (1, 1)
    assert [name for name, *_ in recorder.events].index("verify") < [name for name, *_ in recorder.events].index("load")
    assert list(dict.fromkeys(name for name, *_ in recorder.events)) == list(DOWNLOAD_STAGES)  # what the wizard lists
    assert files_in(models_dir) == [FILE]
    assert len(hub.gets("/cdn/")) == 1


def test_a_connection_dropped_midway_is_resumed_with_a_range_request(
    hub: FakeHub, models_dir: Path, tiny_qwen3_gguf: Path
) -> None:
    data = tiny_qwen3_gguf.read_bytes()
    cut = len(data) // 3
    hub.add(REPO, FILE, data, drop_after=cut)
    result = download_gguf(REPO, FILE)
    assert result.path.read_bytes() == data
    gets = hub.gets("/cdn/")
    assert len(gets) == 2
    assert gets[0].range is None
    assert gets[1].range is not None
    resumed_at = int(gets[1].range.removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_at <= cut
    assert files_in(models_dir) == [FILE]


def test_a_cancelled_download_resumes_in_the_next_run(hub: FakeHub, models_dir: Path, tiny_qwen3_gguf: Path) -> None:
    data = tiny_qwen3_gguf.read_bytes()
    hub.add(REPO, FILE, data)
    cancel = threading.Event()

    def cancel_after_a_third(stage: str, done: int, total: int) -> None:
        if stage == "download" and done >= total // 3:
            cancel.set()

    with pytest.raises(Cancelled, match="resumes"):
        download_gguf(REPO, FILE, progress=cancel_after_a_third, cancel=cancel)
    part = models_dir / f"{FILE}.part"
    kept = part.stat().st_size
    assert 0 < kept < len(data)
    assert not (models_dir / FILE).exists()

    result = download_gguf(REPO, FILE)
    assert result.path.read_bytes() == data
    assert hub.gets("/cdn/")[-1].range == f"bytes={kept}-"
    assert files_in(models_dir) == [FILE]


def test_a_checksum_mismatch_is_rejected_and_nothing_is_kept(
    hub: FakeHub, models_dir: Path, tiny_qwen3_gguf: Path
) -> None:
    hub.add(REPO, FILE, tiny_qwen3_gguf.read_bytes(), advertise_sha256="ab" * 32)
    with pytest.raises(ChecksumMismatch, match="SHA-256"):
        download_gguf(REPO, FILE)
    assert files_in(models_dir) == []


def test_a_given_sha256_that_differs_from_the_published_one_stops_before_downloading(
    hub: FakeHub, models_dir: Path, tiny_qwen3_gguf: Path
) -> None:
    hub.add(REPO, FILE, tiny_qwen3_gguf.read_bytes())
    with pytest.raises(ChecksumMismatch, match="nothing was downloaded"):
        download_gguf(REPO, FILE, expected_sha256="cd" * 32)
    assert hub.gets("/cdn/") == []
    assert files_in(models_dir) == []


def test_not_enough_disk_space_is_refused_up_front(hub: FakeHub, models_dir: Path) -> None:
    hub.add(REPO, FILE, b"GGUF", advertise_size=10**16)  # 10 PB
    with pytest.raises(NotEnoughDiskSpace, match="Not enough free disk space"):
        download_gguf(REPO, FILE)
    assert hub.gets("/cdn/") == []
    assert files_in(models_dir) == []


def test_a_file_that_is_not_a_model_is_deleted_after_download(hub: FakeHub, models_dir: Path) -> None:
    hub.add(REPO, FILE, b"<!DOCTYPE html><html>not a model</html>")
    with pytest.raises(InvalidModelFile, match="web page"):
        download_gguf(REPO, FILE)
    assert files_in(models_dir) == []


def test_missing_files_repositories_and_gated_repositories_are_explained(hub: FakeHub, tiny_qwen3_gguf: Path) -> None:
    hub.add(REPO, FILE, b"x")
    with pytest.raises(DownloadError, match=r"There is no file other.gguf"):
        download_gguf(REPO, "other.gguf")
    with pytest.raises(DownloadError, match="There is no repository"):
        HubClient().list_files("nobody/nothing")
    with pytest.raises(DownloadError, match="There is no repository nobody/nothing"):
        download_gguf("nobody/nothing", FILE)
    hub.add("gated/model", FILE, b"x")
    hub.gated.add("gated/model")
    with pytest.raises(DownloadError, match="refused access"):
        download_gguf("gated/model", FILE)
    with pytest.raises(DownloadError, match=r"not a .gguf file"):
        download_gguf(REPO, "model.safetensors")


def test_an_identical_existing_file_is_reused_and_a_different_one_refused(
    hub: FakeHub, models_dir: Path, tiny_qwen3_gguf: Path
) -> None:
    data = tiny_qwen3_gguf.read_bytes()
    hub.add(REPO, FILE, data)
    models_dir.mkdir(parents=True)
    (models_dir / FILE).write_bytes(data)
    assert download_gguf(REPO, FILE).check.info.architecture == "qwen3"
    assert hub.gets("/cdn/") == []
    (models_dir / FILE).write_bytes(data[:-1] + b"\0")
    with pytest.raises(DownloadError, match="different file"):
        download_gguf(REPO, FILE)


def test_snapshot_downloads_lfs_and_small_files_and_skips_complete_ones(hub: FakeHub, tmp_path: Path) -> None:
    weights = bytes(range(256)) * 4000
    config = b'{"model_type": "qwen3"}'
    hub.add("org/model", "model.safetensors", weights)
    hub.add("org/model", "config.json", config, lfs=False)
    hub.add("org/model", "notes.bin", b"ignored")
    recorder = Recorder()
    paths = download_snapshot("org/model", tmp_path / "snap", progress=recorder)
    assert sorted(path.name for path in paths) == ["config.json", "model.safetensors"]
    assert (tmp_path / "snap" / "model.safetensors").read_bytes() == weights
    assert (tmp_path / "snap" / "config.json").read_bytes() == config
    assert recorder.of("download")[-1] == (len(weights) + len(config), len(weights) + len(config))
    assert files_in(tmp_path / "snap") == ["config.json", "model.safetensors"]
    requests_before = len(hub.requests)
    download_snapshot("org/model", tmp_path / "snap")
    assert [request.path for request in hub.requests[requests_before:]] == ["/api/models/org/model/revision/main"]


def test_a_small_file_is_checked_against_its_git_blob_id(hub: FakeHub, tmp_path: Path) -> None:
    entry = hub.add("org/model", "config.json", b'{"a": 1}', lfs=False)
    remote = HubClient().file_info("org/model", "config.json")
    assert remote.git_blob_id == git_blob_id(entry.data) and remote.sha256 is None
    assert remote.commit == COMMIT
    entry.data = b'{"a": 2}'  # same size, other content: the hub now serves bytes that do not match its id
    with pytest.raises(ChecksumMismatch, match="git blob id"):
        HubClient().download(remote, tmp_path / "config.json")
    assert files_in(tmp_path) == []


def test_git_blob_id_matches_git() -> None:
    assert git_blob_id(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    assert git_blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


def test_cli_download_shows_progress_and_registers(
    hub: FakeHub, models_dir: Path, tiny_qwen3_gguf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub.add(REPO, FILE, tiny_qwen3_gguf.read_bytes())
    assert main(["model", "download", REPO, FILE, "--use"]) == 0
    captured = capsys.readouterr()
    assert "Downloading: 100%" in captured.err
    assert "Verifying checksum: 100%" in captured.err
    assert registered_model() == models_dir / FILE


def test_cli_download_failure_is_one_line(hub: FakeHub, models_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub.add(REPO, FILE, b"GGUF", advertise_size=10**16)
    assert main(["model", "download", REPO, FILE]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cloakroom: Not enough free disk space") and "Traceback" not in err
    assert registered_model() is None
