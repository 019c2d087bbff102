"""Keyed pseudonyms for sender ids, so logs can group a conversation without identifying the person."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from bot.settings import Settings, get_settings


@lru_cache(maxsize=4)
def _key_from_file(path: Path) -> bytes:
    """The key stored in `path`, created (owner-only) on first use; concurrent first uses agree on one key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip().encode()


def pseudonym(channel: str, sender_id: str, settings: Settings | None = None) -> str:
    """HMAC-SHA256 of "channel:sender" under the `PSEUDONYM_KEY` (default: a key kept in var/)."""
    settings = settings or get_settings()
    key = settings.pseudonym_key.encode() if settings.pseudonym_key else _key_from_file(
        settings.var_dir / "pseudonym.key"
    )
    return hmac.new(key, f"{channel}:{sender_id}".encode(), hashlib.sha256).hexdigest()[:32]
