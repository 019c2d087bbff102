"""Trains the Rasa model only when its inputs change, and finds the model to serve.

A model is named after the hash of its inputs (`config.yml`, `domain.yml`, every file under
`data/`, the custom components in `nlu_components/`, and the `ask_question` examples generated
from the knowledge base in `KNOWLEDGE_DIR`), so an unchanged project reuses the model it already has.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from bot.knowledge.nlu_examples import hand_written_examples, question_examples, render_nlu
from bot.knowledge.store import load_knowledge
from bot.settings import PROJECT_ROOT

RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
GENERATED_DIR = Path("data") / "generated"
GENERATED_NLU = GENERATED_DIR / "ask_question.yml"


def training_inputs(root: Path = PROJECT_ROOT) -> list[Path]:
    """The hand-written files a Rasa model is trained from (custom NLU components included), in a stable order."""
    data_files = sorted(p for p in (root / "data").rglob("*")
                        if p.is_file() and not p.is_relative_to(root / GENERATED_DIR))
    components = sorted((root / "nlu_components").glob("*.py"))
    return [root / "config.yml", root / "domain.yml", *data_files, *components]


def generated_nlu(knowledge_dir: Path, root: Path = PROJECT_ROOT) -> str:
    """The text of the `ask_question` NLU file generated from the knowledge base in `knowledge_dir`."""
    loaded = load_knowledge(knowledge_dir)
    if loaded.errors:
        raise RuntimeError(f"the knowledge base has errors (run `trolyso kb validate`): {loaded.errors[0]}")
    taken = hand_written_examples(root / "data", skip=root / GENERATED_DIR)
    return render_nlu(question_examples([located.entry for located in loaded.entries], taken))


def write_generated_nlu(knowledge_dir: Path, root: Path = PROJECT_ROOT, text: str | None = None) -> Path:
    """Write the generated NLU file (only when its content changed) and return its path."""
    path = root / GENERATED_NLU
    text = generated_nlu(knowledge_dir, root) if text is None else text
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def training_hash(knowledge_dir: Path, root: Path = PROJECT_ROOT, generated: str | None = None) -> str:
    """A short hash of the training inputs' paths and contents, the generated examples included."""
    digest = hashlib.sha256()
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    digest.update(str(GENERATED_NLU).encode())
    digest.update((generated_nlu(knowledge_dir, root) if generated is None else generated).encode())
    return digest.hexdigest()[:12]


def model_path(knowledge_dir: Path, root: Path = PROJECT_ROOT, generated: str | None = None) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return root / "models" / f"trolyso-{training_hash(knowledge_dir, root, generated)}.tar.gz"


def rasa_executable(root: Path = PROJECT_ROOT) -> Path:
    """The `rasa` command of the project's Python 3.10 environment."""
    return root / ".venv-rasa" / "bin" / "rasa"


def rasa_env() -> dict[str, str]:
    """Environment for any Rasa command: telemetry off, TensorFlow quiet."""
    return {**os.environ, **RASA_ENV}


def ensure_trained(knowledge_dir: Path, root: Path = PROJECT_ROOT) -> tuple[Path, bool]:
    """Write the examples generated from `knowledge_dir`, then train unless a model for the current inputs
    exists; return `(path, trained_now)`."""
    generated = generated_nlu(knowledge_dir, root)
    write_generated_nlu(knowledge_dir, root, generated)
    target = model_path(knowledge_dir, root, generated)
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
