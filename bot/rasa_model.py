"""Trains the Rasa model only when its inputs change, and finds the model to serve.

A model is named after the hash of its inputs (`config.yml`, `domain.yml`, every file under
`data/`), so an unchanged project reuses the model it already has.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from bot.settings import PROJECT_ROOT

RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}


def training_inputs(root: Path = PROJECT_ROOT) -> list[Path]:
    """The files a Rasa model is trained from, in a stable order."""
    data_files = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return [root / "config.yml", root / "domain.yml", *data_files]


def training_hash(root: Path = PROJECT_ROOT) -> str:
    """A short hash of the training inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return root / "models" / f"trolyso-{training_hash(root)}.tar.gz"


def rasa_executable(root: Path = PROJECT_ROOT) -> Path:
    """The `rasa` command of the project's Python 3.10 environment."""
    return root / ".venv-rasa" / "bin" / "rasa"


def rasa_env() -> dict[str, str]:
    """Environment for any Rasa command: telemetry off, TensorFlow quiet."""
    return {**os.environ, **RASA_ENV}


def ensure_trained(root: Path = PROJECT_ROOT) -> tuple[Path, bool]:
    """Train unless a model for the current inputs exists; return `(path, trained_now)`."""
    target = model_path(root)
    if target.exists():
        return target, False
    rasa = rasa_executable(root)
    if not rasa.exists():
        raise FileNotFoundError(f"{rasa} not found: run `make setup` first")
    command = [
        str(rasa), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--out", "models", "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    log = root / "var" / "log" / "rasa-train.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        completed = subprocess.run(command, cwd=root, env=rasa_env(), stdout=output, stderr=subprocess.STDOUT)
    if completed.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"rasa train failed (full log: {log}):\n{tail}")
    return target, True
