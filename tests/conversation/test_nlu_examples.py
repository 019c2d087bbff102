"""`ask_question` examples are generated from the knowledge base and make the Rasa model hash follow it."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.knowledge.nlu_examples import hand_written_examples, question_examples, render_nlu
from bot.knowledge.schema import KnowledgeEntry
from bot.rasa_model import GENERATED_NLU, generated_nlu, training_hash, training_inputs, write_generated_nlu
from bot.settings import PROJECT_ROOT
from bot.text import fold

ENTRY = """\
- id: vssid-la-gi
  topic: health_insurance
  question: Ứng dụng VssID là gì?
  alternates: [vssid la gi, app bao hiem xa hoi so, "cài [vssid] {làm} gì"]
  answer: VssID là ứng dụng của BHXH Việt Nam.
  source_url: https://baohiemxahoi.gov.vn
"""


def test_examples_cover_every_entry_once_and_skip_other_intents(entries: list[KnowledgeEntry]):
    taken = hand_written_examples(PROJECT_ROOT / "data", skip=PROJECT_ROOT / "data" / "generated")
    examples = question_examples(entries, taken)
    folded = [fold(e) for e in examples]
    assert len(folded) == len(set(folded))
    assert not set(folded) & taken
    assert {fold(e.question) for e in entries} <= set(folded)
    assert len(entries) <= len(examples) <= 4 * len(entries)
    assert not any(c in e for e in examples for c in "[]{}")


def test_rendered_file_is_rasa_nlu_yaml(entries: list[KnowledgeEntry]):
    examples = question_examples(entries[:5])
    data = yaml.safe_load(render_nlu(examples))
    [block] = data["nlu"]
    assert block["intent"] == "ask_question"
    assert [line[2:] for line in block["examples"].splitlines()] == examples


def make_project(root: Path) -> Path:
    root.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    (root / "data").mkdir()
    shutil.copy(PROJECT_ROOT / "data" / "nlu.yml", root / "data" / "nlu.yml")
    return root


def test_model_hash_follows_the_knowledge_questions_not_the_answers(tmp_path: Path):
    root = make_project(tmp_path / "project")
    knowledge_dir = tmp_path / "elsewhere" / "knowledge"  # KNOWLEDGE_DIR need not be under the project
    knowledge_dir.mkdir(parents=True)
    knowledge = knowledge_dir / "bhyt_dien_tu.yml"
    knowledge.write_text(ENTRY, encoding="utf-8")
    before = training_hash(knowledge_dir, root)
    path = write_generated_nlu(knowledge_dir, root)
    assert path == root / GENERATED_NLU and "Ứng dụng VssID là gì?" in path.read_text(encoding="utf-8")
    assert path not in training_inputs(root)
    assert training_hash(knowledge_dir, root) == before  # the generated file itself is not an input, its content is
    knowledge.write_text(ENTRY.replace("ứng dụng của BHXH", "ứng dụng chính thức của BHXH"), encoding="utf-8")
    assert training_hash(knowledge_dir, root) == before
    knowledge.write_text(ENTRY.replace("Ứng dụng VssID là gì?", "VssID dùng để làm gì?"), encoding="utf-8")
    assert training_hash(knowledge_dir, root) != before
    assert "VssID dùng để làm gì?" in generated_nlu(knowledge_dir, root)
