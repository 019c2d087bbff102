"""Dense index snapshots under `var/`: a restart with unchanged knowledge reads the index from disk."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from bot.retrieval.dense import DenseIndex

KEEP_SNAPSHOTS = 3
"""How many snapshots (the newest) are kept; older ones are deleted when a new one is written."""

log = logging.getLogger(__name__)


def snapshot_path(directory: Path, model_name: str, texts: list[str]) -> Path:
    """Where the snapshot for exactly these texts (in this order) embedded by this model lives."""
    digest = hashlib.sha256(model_name.encode())
    for text in texts:
        digest.update(b"\x00" + text.encode())
    return directory / f"dense-{digest.hexdigest()[:16]}.faiss"


def load_snapshot(path: Path, dim: int, expected_vectors: int) -> DenseIndex | None:
    """The snapshot at `path`, or None when it is missing or does not match (it is then rebuilt)."""
    if not path.is_file():
        return None
    try:
        index = DenseIndex.load(path, dim)
    except (RuntimeError, ValueError) as exc:
        log.warning("ignoring unreadable index snapshot %s: %s", path.name, exc)
        return None
    if len(index) != expected_vectors:
        log.warning("ignoring index snapshot %s: %d vectors, expected %d", path.name, len(index), expected_vectors)
        return None
    return index


def save_snapshot(index: DenseIndex, path: Path) -> None:
    """Write `index` to `path` and delete all but the newest snapshots beside it."""
    index.save(path)
    older = sorted(path.parent.glob("dense-*.faiss"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in older[KEEP_SNAPSHOTS:]:
        stale.unlink(missing_ok=True)
