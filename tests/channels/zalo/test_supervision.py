"""`trolyso run` starts the Zalo channel only when a bot token or an Official Account is configured, and the
banner says how it receives messages."""

from __future__ import annotations

import sys

import pytest
from pydantic import ValidationError

from bot.channels.zalo.app import mode_of, webhook_path
from bot.run import banner, child_specs
from bot.settings import Settings

OA = {"zalo_oa_app_id": "1", "zalo_oa_app_secret": "s", "zalo_oa_secret_key": "k", "zalo_oa_refresh_token": "r"}


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_token_no_channel_and_the_banner_says_why():
    plain = settings()
    assert "zalo" not in [spec.name for spec in child_specs(plain)]
    assert "off: ZALO_BOT_TOKEN is not set" in banner(plain, [])
    assert mode_of(plain) is None
    assert not settings(zalo_oa_app_id="1", zalo_oa_secret_key="k").zalo_enabled  # half an Official Account


def test_a_token_adds_the_channel_with_its_health_check():
    configured = settings(zalo_bot_token="1:abc", zalo_health_port=18082)
    (spec,) = [spec for spec in child_specs(configured) if spec.name == "zalo"]
    assert spec.argv == [sys.executable, "-m", "bot.cli", "zalo"]
    assert spec.health_url == "http://127.0.0.1:18082/health"
    assert "on, bot: long polling" in banner(configured, [])
    assert mode_of(configured) == "polling"


def test_webhook_mode_and_the_official_account_are_shown():
    url = "https://trolyso.example.gov.vn/zalo/webhook"
    configured = settings(zalo_bot_token="1:abc", zalo_webhook_url=url, **OA)
    assert mode_of(configured) == "webhook" and webhook_path(url) == "/zalo/webhook"
    assert f"bot: webhook {url}, Official Account: webhook /zalo/oa/webhook" in banner(configured, [])
    official_only = settings(**OA)
    assert "zalo" in [spec.name for spec in child_specs(official_only)] and mode_of(official_only) is None


@pytest.mark.parametrize("secret", ["", "short", "has space", "dấu-dấu-dấu", "x" * 257])
def test_the_webhook_secret_is_8_to_256_safe_characters(secret: str):
    with pytest.raises(ValidationError):
        Settings(_env_file=None, zalo_webhook_secret=secret)


def test_negative_rate_limit_is_refused():
    with pytest.raises(ValidationError):
        settings(zalo_rate_limit_per_minute=-1)
