"""`rasa data validate` and the conversation tests of tests/stories/ against the trained model."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.rasa_model import ensure_trained, rasa_env, rasa_executable
from bot.settings import PROJECT_ROOT, Settings
from tests.processes import free_port

pytestmark = pytest.mark.integration

STORIES = PROJECT_ROOT / "tests" / "stories"


@pytest.fixture(scope="module")
def model() -> Path:
    """The model for the current inputs (trained now if needed; this also writes the generated NLU file)."""
    path, _ = ensure_trained(Settings().knowledge_dir)
    return path


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    # endpoints.yml names the action server port; the stories do not run custom actions, any port will do
    env = {**rasa_env(), "ACTION_SERVER_PORT": str(free_port())}
    return subprocess.run([str(rasa_executable()), *args], cwd=PROJECT_ROOT, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)


def test_data_validates_without_warnings(model: Path):
    result = run_rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-4000:]


def test_conversation_stories_pass(model: Path, tmp_path: Path):
    stories = yaml.safe_load((STORIES / "test_conversations.yml").read_text(encoding="utf-8"))["stories"]
    result = run_rasa("test", "core", "--model", str(model), "--stories", str(STORIES), "--e2e",
                      "--out", str(tmp_path), "--no-plot")
    assert result.returncode == 0, result.stdout[-4000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert "story:" not in failed, failed
    accuracy = json.loads((tmp_path / "story_report.json").read_text())["conversation_accuracy"]
    assert accuracy["correct"] == accuracy["total"] == len(stories), accuracy
