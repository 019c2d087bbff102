"""The knowledge files as last read, read again only when a file changed (for pages that show entries)."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.knowledge.store import LoadResult, knowledge_files, load_knowledge


class KnowledgeFolder:
    """Entries of a knowledge folder, cached by the files' names, sizes and modification times."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._result = LoadResult()

    def _current_stamp(self) -> tuple:
        files = knowledge_files(self.folder) if self.folder.exists() else []
        return tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)

    def load(self) -> LoadResult:
        """The entries (with file and line) and reading problems, re-read when a file changed."""
        with self._lock:
            stamp = self._current_stamp()
            if stamp != self._stamp:
                self._result, self._stamp = load_knowledge(self.folder), stamp
            return self._result
