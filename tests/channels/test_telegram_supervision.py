"""`trolyso run` starts the Telegram channel only with a token, and says how it receives updates."""

from __future__ import annotations

import sys

import pytest
from pydantic import ValidationError

from bot.channels.telegram.app import mode_of, webhook_path
from bot.run import banner, child_specs
from bot.settings import Settings


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_token_no_channel_and_the_banner_says_why():
    plain = settings()
    assert "telegram" not in [spec.name for spec in child_specs(plain)]
    assert "off: TELEGRAM_BOT_TOKEN is not set" in banner(plain, [])


def test_token_adds_the_channel_with_its_health_check():
    configured = settings(telegram_bot_token="1:abc", telegram_health_port=18081)
    (spec,) = [spec for spec in child_specs(configured) if spec.name == "telegram"]
    assert spec.argv == [sys.executable, "-m", "bot.cli", "telegram"]
    assert spec.health_url == "http://127.0.0.1:18081/health"
    assert "on, long polling" in banner(configured, [])
    assert mode_of(configured) == "polling"


def test_webhook_mode_is_shown_with_its_url():
    url = "https://trolyso.example.gov.vn/telegram/webhook"
    configured = settings(telegram_bot_token="1:abc", telegram_webhook_url=url)
    assert mode_of(configured) == "webhook"
    assert f"on, webhook: {url}" in banner(configured, [])
    assert webhook_path(url) == "telegram/webhook"


@pytest.mark.parametrize("secret", ["", "has space", "dấu", "x" * 257])
def test_webhook_secret_must_use_telegram_characters(secret: str):
    with pytest.raises(ValidationError):
        Settings(_env_file=None, telegram_webhook_secret=secret)


def test_negative_rate_limit_is_refused():
    with pytest.raises(ValidationError):
        settings(telegram_rate_limit_per_minute=-1)
