"""`trolyso tune`: the rebuilt e5-small fine-tuned on one deployment's own knowledge, and nothing else.

Training triplets come from the entries alone: every question and alternate, in the forms the index embeds
(normalised with abbreviations expanded, and without diacritics; an abbreviated twin normalises to the expanded
form, so it is the same text), is an anchor (`query: `); its positive is another text of the same entry
(`passage: `: the question for an alternate, the start of the answer for the question); its hard negative is
the question of one of the entries nearest to it by the untuned model (the near-duplicates that cause misses:
the same error for two products, top-up against withdrawal), and the batch's other passages are its in-batch
negatives (MultipleNegativesRankingLoss). The word-embedding matrix (250,037 rows) stays frozen: it is most of
the parameters, and the knowledge's words are a sliver of it. The output folder is keyed by a hash of the
knowledge, the base model's stamp and the training settings, so an unchanged knowledge base reuses it.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bot.knowledge.schema import KnowledgeEntry
from bot.retrieval.documents import ANSWER_CHARS
from bot.retrieval.neural.build import PASSAGE_PROMPT, QUERY_PROMPT, build_stamp
from bot.retrieval.normalize import normalize

TUNE_FORMAT = 1
"""Raised whenever the triplets or the training loop change, so that older tuned folders are retrained."""
STAMP_FILE = "tune.json"
TUNED_PREFIX = "e5-small-tuned-"


@dataclass(frozen=True)
class TuneSettings:
    """How the model is trained (part of the output folder's key)."""

    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 3e-5
    warmup_share: float = 0.1
    hard_negatives: int = 3
    """Nearest other entries an anchor's hard negative is drawn from."""
    seed: int = 15
    max_tokens: int = 128
    """Texts are cut to this many tokens while training (an answer's start; the questions are shorter)."""


@dataclass(frozen=True)
class Triplet:
    """An anchor question, a text of the same entry, and the question of a near other entry."""

    entry_id: str
    anchor: str
    positive: str
    negative: str


@dataclass(frozen=True)
class TuneResult:
    """Where the tuned model is, whether this call trained it, and how long training took."""

    path: Path
    trained: bool
    triplets: int = 0
    seconds: float = 0.0


def entry_forms(text: str) -> list[str]:
    """The forms of a text the index embeds: normalised, and without diacritics when that differs."""
    forms = normalize(text)
    return [forms.cleaned] if forms.cleaned == forms.stripped else [forms.cleaned, forms.stripped]


def knowledge_key(entries: Sequence[KnowledgeEntry], settings: TuneSettings) -> str:
    """A short hash of what the tuned model depends on: the entries' texts, the base model, the settings."""
    content = [[e.id, e.question, list(e.alternates), e.answer] for e in sorted(entries, key=lambda e: e.id)]
    payload = json.dumps({"entries": content, "base": build_stamp(), "settings": asdict(settings),
                          "format": TUNE_FORMAT}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def tuned_model_path(models_dir: Path, entries: Sequence[KnowledgeEntry], settings: TuneSettings) -> Path:
    """The folder of the model tuned on `entries` with `settings`."""
    return models_dir / f"{TUNED_PREFIX}{knowledge_key(entries, settings)}"


def nearest_entries(question_vectors: np.ndarray, count: int) -> list[list[int]]:
    """For each entry, the `count` other entries whose question embeddings are nearest to its own."""
    similarity = question_vectors @ question_vectors.T
    np.fill_diagonal(similarity, -np.inf)
    order = np.argsort(-similarity, axis=1)[:, :count]
    return [row.tolist() for row in order]


def training_triplets(entries: Sequence[KnowledgeEntry], neighbours: list[list[int]],
                      rng: random.Random) -> list[Triplet]:
    """Every anchor form of every entry with a positive of its entry and a hard negative from a near entry."""
    triplets = []
    for index, entry in enumerate(entries):
        question_forms = entry_forms(entry.question)
        answer_forms = entry_forms(entry.answer[:ANSWER_CHARS])
        near_questions = [form for other in neighbours[index] for form in entry_forms(entries[other].question)]
        anchors = [(form, answer_forms) for form in question_forms]
        anchors += [(form, question_forms) for alternate in entry.alternates for form in entry_forms(alternate)]
        for anchor, positives in anchors:
            triplets.append(Triplet(entry.id, anchor, rng.choice(positives), rng.choice(near_questions)))
    return triplets


def entry_batches(triplets: Sequence[Triplet], batch_size: int, rng: random.Random) -> list[list[Triplet]]:
    """The triplets in shuffled batches where no entry appears twice, so no in-batch negative is a positive.

    Entries with the most triplets left are drawn first, so the last batches are not one entry's leftovers.
    """
    queues: dict[str, list[Triplet]] = {}
    for triplet in triplets:
        queues.setdefault(triplet.entry_id, []).append(triplet)
    for queue in queues.values():
        rng.shuffle(queue)
    batches = []
    while queues:
        ids = list(queues)
        rng.shuffle(ids)
        ids.sort(key=lambda entry_id: len(queues[entry_id]), reverse=True)
        batch = [queues[entry_id].pop() for entry_id in ids[:batch_size]]
        batches.append(batch)
        queues = {entry_id: queue for entry_id, queue in queues.items() if queue}
    rng.shuffle(batches)
    return batches


def ensure_tuned(base: Path, entries: Sequence[KnowledgeEntry], models_dir: Path,
                 settings: TuneSettings | None = None) -> TuneResult:
    """Tune the base model on `entries` unless a model tuned on the same knowledge exists under `models_dir`."""
    settings = settings or TuneSettings()
    folder = tuned_model_path(models_dir, entries, settings)
    if (folder / STAMP_FILE).is_file():
        return TuneResult(folder, trained=False)
    models_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=f".{folder.name}-") as scratch:
        staged = Path(scratch) / "model"
        count = tune(base, entries, staged, settings)
        seconds = time.perf_counter() - started
        stamp = {"knowledge": knowledge_key(entries, settings), "entries": len(entries), "triplets": count,
                 "seconds": round(seconds, 1), "base": build_stamp(), "settings": asdict(settings)}
        (staged / STAMP_FILE).write_text(json.dumps(stamp, indent=2), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        staged.rename(folder)
    return TuneResult(folder, trained=True, triplets=count, seconds=seconds)


def tune(base: Path, entries: Sequence[KnowledgeEntry], out: Path, settings: TuneSettings) -> int:
    """Fine-tune the model in `base` on `entries`, save it in `out`; the number of training triplets."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    rng = random.Random(settings.seed)
    torch.manual_seed(settings.seed)
    model = SentenceTransformer(str(base), device="cpu")
    questions = model.encode_document([entry_forms(e.question)[0] for e in entries], batch_size=32,
                                      convert_to_numpy=True, normalize_embeddings=True)
    triplets = training_triplets(entries, nearest_entries(np.asarray(questions), settings.hard_negatives), rng)
    for name, parameter in model.named_parameters():
        if name.endswith("word_embeddings.weight"):
            parameter.requires_grad_(False)
    loss = MultipleNegativesRankingLoss(model)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(parameters, lr=settings.learning_rate)
    epochs = [entry_batches(triplets, settings.batch_size, rng) for _ in range(settings.epochs)]
    steps = sum(len(batches) for batches in epochs)
    warmup = max(1, int(steps * settings.warmup_share))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup))))
    serving_length = model.max_seq_length
    model.max_seq_length = settings.max_tokens
    model.train()
    bar = tqdm(total=steps, desc="tuning", unit="batch")
    for batch in (batch for batches in epochs for batch in batches):
        features = [model.preprocess([t.anchor for t in batch], prompt=QUERY_PROMPT),
                    model.preprocess([t.positive for t in batch], prompt=PASSAGE_PROMPT),
                    model.preprocess([t.negative for t in batch], prompt=PASSAGE_PROMPT)]
        value = loss(features, torch.empty(0))
        optimiser.zero_grad()
        value.backward()
        optimiser.step()
        schedule.step()
        bar.update(1)
        bar.set_postfix(loss=f"{value.item():.3f}")
    bar.close()
    model.eval()
    model.max_seq_length = serving_length
    model.save(str(out))
    return len(triplets)
