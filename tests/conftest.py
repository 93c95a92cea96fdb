"""Test-wide setup: Qt offscreen, an isolated Cloakroom home per test, calm hypothesis settings, and the helper
plugins (`pytest_plugins`: fixtures shared by several folders live in tests/helpers/, see tests/README.md).

Before writing a test that runs a real model, read tests/README.md ("Tests pass on any CPU"): never assert what a
real model writes by itself or a figure of the machine; steer the answer, or compare two runs on the same machine.

Qt must see QT_QPA_PLATFORM before any QApplication exists, so it is set at import time, before pytest-qt makes one.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers.paths import REPO_ROOT

# A loaded 2-core machine makes per-example deadlines flaky; examples are bounded by count instead.
settings.register_profile("cloakroom", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", parent=settings.get_profile("cloakroom"), max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "cloakroom"))

# Fixtures that more than one folder uses, each defined once. A test module imports helpers' functions and classes
# by name, never a fixture, and never anything from a conftest file.
pytest_plugins = [
    "tests.helpers.vault_keys",
    "tests.helpers.models",
    "tests.helpers.xserver",
    "tests.helpers.fake_hub",
    "tests.helpers.eval_data",
    "tests.helpers.cli",
    "tests.helpers.network",
    "tests.helpers.running_app",
]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config and cache folders, so nothing touches the real user's files."""
    home = tmp_path_factory.mktemp("cloakroom-home")
    monkeypatch.setenv("CLOAKROOM_HOME", str(home))
    return home


@pytest.fixture(scope="session", autouse=True)
def clipboard_emptied_at_exit() -> Iterator[None]:
    """Offscreen Qt segfaults at exit if Python-made QMimeData is still on the clipboard: clear it before then."""
    yield
    from PySide6.QtWidgets import QApplication

    application = QApplication.instance()
    if application is not None:
        application.clipboard().clear()
        application.processEvents()


X11_SKIP = pytest.mark.skip(reason="needs X11 (Xvfb, xclip, xdotool): runs on Linux only")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by folder, so `-m "not gui"` and friends work without decorating every test; off Linux, skip the
    tests that need an X server (CI runs the suite on Windows and macOS too)."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(REPO_ROOT).parts
        if "ui" in parts:
            item.add_marker(pytest.mark.gui)
        if not sys.platform.startswith("linux") and item.get_closest_marker("xvfb") is not None:
            item.add_marker(X11_SKIP)
