"""`trolyso run`: the three processes of the assistant under one supervisor."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.rasa_model import RASA_ENV, model_path, rasa_executable
from bot.settings import PROJECT_ROOT, Settings
from bot.supervisor import ChildSpec, Supervisor, print_prefixed


def resolve_model(settings: Settings) -> Path:
    """The model file to serve: the configured file, else the one trained for the current inputs."""
    if settings.rasa_model is not None:
        return settings.rasa_model
    return model_path(settings.knowledge_dir, PROJECT_ROOT)


def child_specs(settings: Settings) -> list[ChildSpec]:
    """Rasa, the action server, the gateway and (when configured) the Telegram and Zalo channels, on 127.0.0.1."""
    action_env = {"ACTION_SERVER_PORT": str(settings.action_server_port)}
    specs = [
        ChildSpec(
            name="actions",
            argv=[sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                  "--port", str(settings.action_server_port)],
            health_url=f"http://127.0.0.1:{settings.action_server_port}/health",
            cwd=PROJECT_ROOT,
            env={**action_env, "SANIC_HOST": "127.0.0.1"},
            start_timeout=120.0,
        ),
        ChildSpec(
            name="rasa",
            argv=[str(rasa_executable(PROJECT_ROOT)), "run", "--enable-api",
                  "--model", str(resolve_model(settings)),
                  "--interface", "127.0.0.1", "--port", str(settings.rasa_port),
                  "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
            health_url=f"http://127.0.0.1:{settings.rasa_port}/status",
            cwd=PROJECT_ROOT,
            env={**action_env, **RASA_ENV},
            start_timeout=240.0,
        ),
        ChildSpec(
            name="gateway",
            argv=[sys.executable, "-m", "uvicorn", "bot.gateway:gateway", "--factory",
                  "--host", settings.gateway_host, "--port", str(settings.gateway_port),
                  "--log-level", settings.log_level.lower()],
            health_url=f"http://{settings.gateway_host}:{settings.gateway_port}/openapi.json",
            cwd=PROJECT_ROOT,
            start_timeout=60.0,
        ),
    ]
    if settings.telegram_bot_token:
        specs.append(ChildSpec(
            name="telegram",
            argv=[sys.executable, "-m", "bot.cli", "telegram"],
            health_url=f"http://127.0.0.1:{settings.telegram_health_port}/health",
            cwd=PROJECT_ROOT,
            start_timeout=60.0,
        ))
    if settings.zalo_enabled:
        specs.append(ChildSpec(
            name="zalo",
            argv=[sys.executable, "-m", "bot.cli", "zalo"],
            health_url=f"http://127.0.0.1:{settings.zalo_health_port}/health",
            cwd=PROJECT_ROOT,
            start_timeout=60.0,
        ))
    return specs


def zalo_status(settings: Settings) -> str:
    """The banner's Zalo line: off and why, or on and how updates arrive (bot, Official Account)."""
    if not settings.zalo_enabled:
        return "tắt: chưa đặt ZALO_BOT_TOKEN / off: ZALO_BOT_TOKEN is not set"
    parts = []
    if settings.zalo_webhook_url:
        parts.append(f"bot: webhook {settings.zalo_webhook_url}")
    elif settings.zalo_bot_token:
        parts.append("bot: long polling")
    if settings.zalo_oa_enabled:
        parts.append(f"Official Account: webhook {settings.zalo_oa_webhook_path}")
    return "bật / on, " + ", ".join(parts)


def telegram_status(settings: Settings) -> str:
    """The banner's Telegram line: off and why, or on and how updates arrive."""
    if not settings.telegram_bot_token:
        return "tắt: chưa đặt TELEGRAM_BOT_TOKEN / off: TELEGRAM_BOT_TOKEN is not set"
    if settings.telegram_webhook_url:
        return f"bật, webhook / on, webhook: {settings.telegram_webhook_url}"
    return "bật, long polling / on, long polling"


def banner(settings: Settings, failed: list[str]) -> str:
    """The bilingual start-up banner with the URLs people need."""
    base = f"http://{settings.gateway_host}:{settings.gateway_port}"
    status = (
        "Trợ lý số đã sẵn sàng / Trợ lý số is ready" if not failed
        else f"Chưa sẵn sàng / not healthy: {', '.join(failed)}"
    )
    lines = [
        "=" * 64,
        f"  {status}",
        f"  Kiểm tra / Health     : {base}/healthz",
        f"  API trò chuyện / Chat : POST {base}/api/chat",
        f"  Thử widget / Widget   : {base}/demo  (nhúng / embed: {base}/widget.js)",
        f"  Tài liệu API / API doc: {base}/docs",
        f"  Rasa                  : {settings.rasa_url}",
        f"  Telegram              : {telegram_status(settings)}",
        f"  Zalo                  : {zalo_status(settings)}",
        "  Dừng / Stop: Ctrl-C",
        "=" * 64,
    ]
    return "\n".join(lines)


def run(settings: Settings) -> int:
    """Run the assistant until interrupted; return the exit code."""
    model = resolve_model(settings)
    if not model.exists():
        print(f"✗ Rasa model {model} not found: run `make run` (it trains the model first).", file=sys.stderr)
        return 1
    supervisor = Supervisor(child_specs(settings))

    def on_ready(failed: list[str]) -> None:
        print_prefixed("supervisor", "\n" + banner(settings, failed))

    asyncio.run(supervisor.run(on_ready=on_ready))
    return 0
