"""Keyed pseudonyms for sender ids, so logs can group a conversation without identifying the person."""

from __future__ import annotations

import hashlib
import hmac

from bot.keyfile import key_from_file
from bot.settings import Settings


def pseudonym(channel: str, sender_id: str, settings: Settings) -> str:
    """HMAC-SHA256 of "channel:sender" under the `PSEUDONYM_KEY` (default: a key kept in var/)."""
    key = settings.pseudonym_key.encode() if settings.pseudonym_key else key_from_file(
        settings.var_dir / "pseudonym.key"
    )
    return hmac.new(key, f"{channel}:{sender_id}".encode(), hashlib.sha256).hexdigest()[:32]
