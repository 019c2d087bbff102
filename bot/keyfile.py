"""Secrets kept in a file under var/ when none is configured (created once, readable by the owner only)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def key_from_file(path: Path) -> bytes:
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
