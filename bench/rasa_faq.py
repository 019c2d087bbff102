"""The "plain Rasa FAQ bot" baseline: every knowledge entry as a retrieval intent answered by ResponseSelector.

This is the usual Rasa recipe for FAQs: each entry becomes the retrieval intent `faq/<entry id>` whose
examples are the entry's question and alternates (as written, diacritics included), its answer the
response `utter_faq/<entry id>`, and one rule maps the intent `faq` to the action `utter_faq`. The
NLU model is trained with `.venv-rasa/bin/rasa train nlu` and queried by `bench/rasa_faq_worker.py`
running in `.venv-rasa`'s Python, which loads the model once and parses every query.

A model is named after the hash of the project generated for it, so the same entries and epochs
reuse the model already trained under `workdir`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.schema import KnowledgeEntry
from bot.rasa_model import rasa_env
from bot.settings import PROJECT_ROOT
from bot.text import collapse_spaces

RETRIEVAL_INTENT = "faq"
RANKING_LENGTH = 10
WORKER = Path(__file__).with_name("rasa_faq_worker.py")
RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
RASA_COMMAND = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
_ENTITY_BRACKETS = str.maketrans("[]{}", "()()")


@dataclass
class RasaFaqRun:
    """What the baseline did on one knowledge base and one query set."""

    rankings: list[list[tuple[str, float]]]
    """Per query: entry ids with the ResponseSelector's confidence, best first, at most ten."""
    latencies_ms: list[float]
    """Per query: the time of one parse, with the model already loaded."""
    train_seconds: float
    """Wall time of the training that produced the model (also when the model was reused)."""
    reused_model: bool
    """True when a model trained earlier for the same generated project was used."""
    peak_rss_mb: float | None
    """Peak resident memory of the worker process (model loaded, every query parsed)."""
    train_peak_rss_mb: float | None
    """Peak resident memory of the `rasa train nlu` process that produced the model."""
    load_seconds: float
    """Time the worker took to load the model."""
    model_path: Path


def pipeline_config(epochs: int) -> dict[str, Any]:
    """The usual Rasa FAQ pipeline: sparse features, DIET for intents, ResponseSelector for `faq`."""
    return {
        "recipe": "default.v1",
        "language": "vi",
        "assistant_id": "rasa-faq-baseline",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "RegexFeaturizer"},
            {"name": "LexicalSyntacticFeaturizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
            {"name": "DIETClassifier", "epochs": epochs, "constrain_similarities": True},
            {"name": "EntitySynonymMapper"},
            {"name": "ResponseSelector", "epochs": epochs, "retrieval_intent": RETRIEVAL_INTENT,
             "constrain_similarities": True, "ranking_length": RANKING_LENGTH},
        ],
        "policies": [{"name": "RulePolicy"}],
    }


def example_text(text: str) -> str:
    """One training example line: single-line, and no brackets Rasa would read as entity annotations."""
    return collapse_spaces(text).translate(_ENTITY_BRACKETS)


def training_examples(entries: Sequence[KnowledgeEntry]) -> dict[str, list[str]]:
    """Each entry's distinct examples; a text already used by an earlier entry is left to that entry.

    Rasa cannot learn one sentence as two labels, so a sentence shared by two entries stays with the
    first one, unless it is all the later entry has.
    """
    used: set[str] = set()
    examples: dict[str, list[str]] = {}
    for entry in entries:
        texts = list(dict.fromkeys(t for t in (example_text(t) for t in entry.texts()) if t))
        own = [t for t in texts if t.lower() not in used] or texts[:1]
        used.update(t.lower() for t in own)
        examples[entry.id] = own
    return examples


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, as Rasa's own files write `examples: |`."""


_BlockDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                                       style="|" if "\n" in value else None))


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=1_000_000)


def project_files(entries: Sequence[KnowledgeEntry], epochs: int) -> dict[str, str]:
    """The Rasa project for `entries`: relative path → YAML text."""
    ids = [entry.id for entry in entries]
    if len(set(ids)) != len(ids):
        raise ValueError("entry ids must be unique")
    examples = training_examples(entries)
    nlu = {"version": "3.1", "nlu": [
        {"intent": f"{RETRIEVAL_INTENT}/{entry_id}", "examples": "".join(f"- {t}\n" for t in texts)}
        for entry_id, texts in examples.items()
    ]}
    domain = {
        "version": "3.1",
        "intents": [RETRIEVAL_INTENT],
        "responses": {f"utter_{RETRIEVAL_INTENT}/{e.id}": [{"text": e.answer}] for e in entries},
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }
    rules = {"version": "3.1", "rules": [
        {"rule": "answer every FAQ", "steps": [{"intent": RETRIEVAL_INTENT}, {"action": f"utter_{RETRIEVAL_INTENT}"}]},
    ]}
    return {
        "config.yml": _dump(pipeline_config(epochs)),
        "domain.yml": _dump(domain),
        "data/nlu.yml": _dump(nlu),
        "data/rules.yml": _dump(rules),
    }


def project_hash(files: dict[str, str]) -> str:
    """A short hash of the generated project's paths and contents."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(files[name].encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _write_project(files: dict[str, str], folder: Path) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _train(project: Path, models: Path, name: str) -> tuple[float, float | None]:
    """Run `rasa train nlu` in `project`; return its wall time and peak RSS (MB)."""
    if not RASA_COMMAND.exists():
        raise FileNotFoundError(f"{RASA_COMMAND} not found: run `make setup` first")
    command = [str(RASA_COMMAND), "train", "nlu", "--config", "config.yml", "--domain", "domain.yml",
               "--nlu", "data", "--out", str(models), "--fixed-model-name", name]
    log = models / f"{name}.train.log"
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=project, env=rasa_env(), stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    shutil.rmtree(project / ".rasa", ignore_errors=True)  # Rasa's training cache: large, never reused here
    if process.returncode != 0 or not (models / f"{name}.tar.gz").exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"rasa train nlu failed (full log: {log}):\n{tail}")
    return seconds, usage.ru_maxrss / 1024 if usage.ru_maxrss else None


def ensure_model(entries: Sequence[KnowledgeEntry], workdir: Path, epochs: int) -> tuple[Path, dict[str, Any], bool]:
    """Train the FAQ model for `entries` unless one exists; return `(model, training facts, reused)`."""
    workdir = Path(workdir).resolve()
    files = project_files(entries, epochs)
    name = f"faq-{project_hash(files)}"
    models = workdir / "models"
    model = models / f"{name}.tar.gz"
    facts_file = models / f"{name}.json"
    if model.exists() and facts_file.exists():
        return model, json.loads(facts_file.read_text()), True
    project = workdir / "projects" / name
    _write_project(files, project)
    models.mkdir(parents=True, exist_ok=True)
    seconds, peak = _train(project, models, name)
    facts = {"train_seconds": round(seconds, 3), "train_peak_rss_mb": peak, "entries": len(entries), "epochs": epochs}
    facts_file.write_text(json.dumps(facts))
    return model, facts, False


def _parse_all(model: Path, queries: Sequence[str], workdir: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Run the worker on every query; return its per-query records and its summary."""
    runs = workdir / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    stamp = f"{os.getpid()}-{time.time_ns()}"
    queries_file, out_file = runs / f"queries-{stamp}.jsonl", runs / f"results-{stamp}.jsonl"
    log = runs / f"worker-{stamp}.log"
    queries_file.write_text("".join(json.dumps({"query": q}, ensure_ascii=False) + "\n" for q in queries),
                            encoding="utf-8")
    command = [str(RASA_PYTHON), str(WORKER), str(model), "--queries", str(queries_file), "--out", str(out_file),
               "--intent", RETRIEVAL_INTENT, "--top", str(RANKING_LENGTH)]
    try:
        with log.open("w") as output:
            completed = subprocess.run(command, env=rasa_env(), stdout=output, stderr=subprocess.STDOUT, check=False)
        if completed.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise RuntimeError(f"the Rasa FAQ worker failed (full log: {log}):\n{tail}")
        lines = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    finally:
        queries_file.unlink(missing_ok=True)
        out_file.unlink(missing_ok=True)
    records = [line for line in lines if "summary" not in line]
    summary = next((line["summary"] for line in lines if "summary" in line), {})
    if len(records) != len(queries):
        raise RuntimeError(f"the worker answered {len(records)} of {len(queries)} queries (log: {log})")
    log.unlink(missing_ok=True)
    return records, summary


def rasa_faq_rankings(entries: Sequence[KnowledgeEntry], queries: Sequence[str], workdir: Path,
                      epochs: int = 100) -> RasaFaqRun:
    """Train (or reuse) the plain Rasa FAQ bot on `entries` and rank the entries for every query."""
    workdir = Path(workdir).resolve()
    model, facts, reused = ensure_model(entries, workdir, epochs)
    records, summary = _parse_all(model, queries, workdir)
    rankings = [[(str(entry_id), float(confidence)) for entry_id, confidence in record["ranking"]]
                for record in records]
    return RasaFaqRun(
        rankings=rankings,
        latencies_ms=[float(record["latency_ms"]) for record in records],
        train_seconds=float(facts["train_seconds"]),
        reused_model=reused,
        peak_rss_mb=summary.get("peak_rss_mb"),
        train_peak_rss_mb=facts.get("train_peak_rss_mb"),
        load_seconds=float(summary.get("load_seconds", 0.0)),
        model_path=model,
    )
