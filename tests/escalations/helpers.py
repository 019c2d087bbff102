"""Small helpers shared by the escalation tests."""

from __future__ import annotations

import hashlib

import numpy as np

from bot.delivery import Delivery
from bot.escalations.intake import EscalationRequest
from bot.settings import PROJECT_ROOT
from bot.text import fold

COMMUNES_FILE = PROJECT_ROOT / "config" / "communes.yml"
"""The sample province the tests run on (the `COMMUNES_FILE` default)."""


def request(question: str = "VNeID báo lỗi không đăng nhập được", commune: str = "SL03", chat_id: str = "s-1",
            channel: str = "web", phone: str | None = None, consent: bool = False) -> EscalationRequest:
    """An escalation request with sensible defaults."""
    return EscalationRequest(channel=channel, chat_id=chat_id, question=question,
                             transcript=[("citizen", question), ("bot", "Tôi chưa chắc chắn.")],
                             commune_code=commune, phone=phone, consent=consent, topic="dich_vu_cong")


class WordEmbedder:
    """A deterministic bag-of-words embedder: texts sharing most of their words get a high cosine."""

    name = "test/bag-of-words"
    dim = 256

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in fold(text).split():
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-12)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """One normalised row per text."""
        return np.stack([self._vector(t) for t in texts])

    encode_passages = encode_queries


class RecordingNotifier:
    """A `Notifier` that keeps what it was asked to send (optionally failing the first `fail` calls)."""

    def __init__(self, fail: int = 0) -> None:
        self.sent: list[Delivery] = []
        self._fail = fail

    def deliver(self, delivery: Delivery) -> None:
        """Record the delivery, or raise while failures remain."""
        if self._fail:
            self._fail -= 1
            raise ConnectionError("simulated network failure")
        self.sent.append(delivery)
