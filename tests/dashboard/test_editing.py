"""Writing one entry into a knowledge file: only its block changes, and a change adding an error is refused."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.editing import save_entry, splice_entry
from bot.knowledge.store import dump_entries, load_knowledge, parse_entries
from tests.dashboard.test_live_sync import entry

FILE = """# Kỹ năng số (thử)
- id: kns-mot
  topic: digital_skills
  question: Câu hỏi một là gì?
  answer: Một.

# --- phần hai ---
- id: kns-hai
  topic: digital_skills
  question: Câu hỏi hai là gì?
  answer: Hai.
"""


def test_replacing_an_entry_keeps_comments_and_the_other_entries_byte_for_byte():
    located = parse_entries(FILE, "f.yml").entries
    changed = entry("kns-mot", "Câu hỏi một đã sửa là gì?")
    text = splice_entry(FILE, located, changed)
    assert text.startswith("# Kỹ năng số (thử)\n" + dump_entries([changed]))
    assert text.endswith("\n" + FILE[FILE.index("# --- phần hai ---"):])
    assert [e.entry.id for e in parse_entries(text, "f.yml").entries] == ["kns-mot", "kns-hai"]
    last = splice_entry(FILE, located, entry("kns-hai", "Câu hỏi hai đã sửa?"))
    assert last.startswith(FILE[:FILE.index("- id: kns-hai")]) and "Câu hỏi hai đã sửa?" in last
    appended = splice_entry(FILE, located, entry("kns-ba", "Câu hỏi ba?"))
    assert appended == FILE + "\n" + dump_entries([entry("kns-ba", "Câu hỏi ba?")])


def test_a_change_that_adds_an_error_is_refused_and_nothing_is_written(settings, knowledge_dir: Path, client):
    engine = client.app.state.dashboard.engine
    existing = load_knowledge(knowledge_dir).entries[0].entry
    before = {p.name: p.read_bytes() for p in knowledge_dir.iterdir() if p.is_file()}
    duplicate = entry("kns-trung-cau-hoi", existing.question)
    result = save_entry(duplicate.model_copy(update={"topic": existing.topic}), actor="admin", action="create",
                        engine=engine, settings=settings)
    assert not result.saved and any("same question as entry" in p.message for p in result.errors)
    moved = existing.model_copy(update={"topic": "digital_skills" if existing.topic != "digital_skills" else
                                        "public_services"})
    assert not save_entry(moved, actor="admin", action="update", engine=engine, settings=settings).saved
    assert {p.name: p.read_bytes() for p in knowledge_dir.iterdir() if p.is_file()} == before
