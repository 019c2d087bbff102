"""`trolyso run`: the processes of the assistant (action servers, Rasa replicas, gateway, channels) under one
supervisor."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.masking import mask_url_password
from bot.rasa_endpoints import action_endpoint_env, endpoints_path, tracker_store_url, write_endpoints
from bot.rasa_model import RASA_ENV, model_path, rasa_executable
from bot.settings import PROJECT_ROOT, Settings
from bot.supervisor import ChildSpec, Supervisor, print_prefixed


def resolve_model(settings: Settings) -> Path:
    """The model file to serve: the configured file, else the one trained for the current inputs."""
    if settings.rasa_model is not None:
        return settings.rasa_model
    return model_path(settings.knowledge_dir, PROJECT_ROOT)


def replica_name(base: str, index: int, replicas: int) -> str:
    """`rasa` for a single replica; `rasa-1`, `rasa-2`... for several."""
    return base if replicas == 1 else f"{base}-{index + 1}"


def action_server_specs(settings: Settings) -> list[ChildSpec]:
    """The ACTION_SERVER_REPLICAS action servers, on consecutive ports from ACTION_SERVER_PORT."""
    ports = settings.action_server_ports
    return [
        ChildSpec(
            name=replica_name("actions", index, len(ports)),
            argv=[sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
            health_url=f"http://127.0.0.1:{port}/health",
            cwd=PROJECT_ROOT,
            env={"SANIC_HOST": "127.0.0.1"},
            start_timeout=120.0,
        )
        for index, port in enumerate(ports)
    ]


def rasa_specs(settings: Settings, endpoints: Path) -> list[ChildSpec]:
    """The RASA_REPLICAS Rasa servers, on consecutive ports from RASA_URL's, all on one `endpoints` file;
    replica i calls action server i mod ACTION_SERVER_REPLICAS."""
    model = resolve_model(settings)
    action_ports = settings.action_server_ports
    specs = []
    for index in range(settings.rasa_replicas):
        port = settings.rasa_port + index
        specs.append(ChildSpec(
            name=replica_name("rasa", index, settings.rasa_replicas),
            argv=[str(rasa_executable(PROJECT_ROOT)), "run", "--enable-api", "--model", str(model),
                  "--interface", "127.0.0.1", "--port", str(port),
                  "--endpoints", str(endpoints), "--credentials", "credentials.yml"],
            health_url=f"http://127.0.0.1:{port}/status",
            cwd=PROJECT_ROOT,
            env={**action_endpoint_env("127.0.0.1", action_ports[index % len(action_ports)]), **RASA_ENV},
            start_timeout=240.0,
        ))
    return specs


def child_specs(settings: Settings, endpoints: Path | None = None) -> list[ChildSpec]:
    """The action servers, the Rasa servers (on the generated `endpoints` file, by default where `run` writes
    it), the gateway and (when configured) the Telegram and Zalo channels, on 127.0.0.1."""
    specs = [
        *action_server_specs(settings),
        *rasa_specs(settings, endpoints or endpoints_path(settings)),
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


def conversation_store(settings: Settings) -> str:
    """The banner's line on where conversations are kept and locked (passwords masked)."""
    store = mask_url_password(tracker_store_url(settings))
    locks = f"Redis {mask_url_password(settings.redis_url)}" if settings.redis_url else "in-memory locks"
    return f"{store}; {locks}"


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
        f"  Rasa                  : {', '.join(settings.rasa_urls)}",
        f"  Hội thoại / Tracker   : {conversation_store(settings)}",
        f"  Telegram              : {telegram_status(settings)}",
        f"  Zalo                  : {zalo_status(settings)}",
        "  Dừng / Stop: Ctrl-C",
        "=" * 64,
    ]
    return "\n".join(lines)


def replica_problem(settings: Settings) -> str | None:
    """Why the replica settings cannot work, or None: several Rasa replicas need one lock store they share."""
    if settings.rasa_replicas > 1 and not settings.redis_url:
        return ("RASA_REPLICAS > 1 cần REDIS_URL (khóa cuộc trò chuyện dùng chung) / several Rasa replicas need "
                "REDIS_URL: without a shared lock store two replicas could handle one conversation at once")
    return None


def run(settings: Settings) -> int:
    """Run the assistant until interrupted; return the exit code."""
    model = resolve_model(settings)
    if not model.exists():
        print(f"✗ Rasa model {model} not found: run `make run` (it trains the model first).", file=sys.stderr)
        return 1
    problem = replica_problem(settings)
    if problem is not None:
        print(f"✗ {problem}", file=sys.stderr)
        return 1
    supervisor = Supervisor(child_specs(settings, write_endpoints(settings)))

    def on_ready(failed: list[str]) -> None:
        print_prefixed("supervisor", "\n" + banner(settings, failed))

    asyncio.run(supervisor.run(on_ready=on_ready))
    return 0
