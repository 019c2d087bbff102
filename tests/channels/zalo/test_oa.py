"""The Official Account transport against the fake OA API: signatures, token refresh and rotation, the reply
window."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.channels.zalo.chats import open_reply_window, take_reply_slots
from bot.channels.zalo.oa import OaApiError, OutsideReplyWindow, Tokens, TokenStore, ZaloOaApi, valid_signature
from bot.channels.zalo.sender import OaTransport, ZaloSender
from bot.limits import ZALO_OA_REPLIES_PER_WINDOW, ZALO_OA_REPLY_WINDOW_HOURS
from bot.messages import Message
from bot.models import ZaloOaToken, utcnow
from tests.fake_zalo import FakeZaloOa, oa_signature

USER = "2468458835296117922"
CHAT = f"oa-{USER}"


def oa_api(fake: FakeZaloOa, engine: Engine, refresh_token: str | None = None) -> ZaloOaApi:
    tokens = TokenStore(engine, refresh_token or fake.refresh_token)
    return ZaloOaApi(fake.app_id, fake.app_secret, tokens, fake.root_url, fake.root_url)


def test_the_signature_is_checked_on_the_exact_body():
    app_id, secret = "2553928453557884079", "oa-secret"
    body = json.dumps({"app_id": app_id, "event_name": "user_send_text", "timestamp": "1699003881354"})
    good = oa_signature(app_id, body, "1699003881354", secret)
    assert valid_signature(body.encode(), good, app_id, secret)
    assert valid_signature(body.encode(), good.removeprefix("mac="), app_id, secret)
    assert not valid_signature(body.encode(), good, app_id, "another secret")
    assert not valid_signature((body + " ").encode(), good, app_id, secret)
    assert not valid_signature(body.encode(), None, app_id, secret)
    assert not valid_signature(body.encode(), good, "another app", secret)
    assert not valid_signature(b"\xff", good, app_id, secret) and not valid_signature(b"[]", good, app_id, secret)


async def test_the_first_send_refreshes_the_token_and_stores_the_new_pair(fake_zalo_oa: FakeZaloOa, engine: Engine):
    api = oa_api(fake_zalo_oa, engine)
    try:
        await api.send_text(USER, "Xin chào bạn")
        await api.send_text(USER, "Lần hai")
    finally:
        await api.aclose()
    assert [m.text for m in fake_zalo_oa.messages_to(CHAT)] == ["Xin chào bạn", "Lần hai"]
    assert fake_zalo_oa.refreshes == 1  # the access token was reused for the second message
    with Session(engine) as session:
        row = session.get(ZaloOaToken, 1)
        assert row is not None and row.refresh_token == "refresh-1" and row.access_token == "access-1"


async def test_an_expired_access_token_is_refreshed_and_the_message_sent_again(fake_zalo_oa: FakeZaloOa,
                                                                                engine: Engine):
    api = oa_api(fake_zalo_oa, engine)
    try:
        await api.send_text(USER, "một")
        fake_zalo_oa.expire_access_token()
        await api.send_text(USER, "hai")
    finally:
        await api.aclose()
    assert [m.text for m in fake_zalo_oa.messages_to(CHAT)] == ["một", "hai"]
    assert fake_zalo_oa.refreshes == 2 and len(fake_zalo_oa.refused) == 1


async def test_a_used_up_refresh_token_is_a_clear_error(fake_zalo_oa: FakeZaloOa, engine: Engine):
    api = oa_api(fake_zalo_oa, engine, refresh_token="an-old-one")
    try:
        with pytest.raises(OaApiError) as raised:
            await api.send_text(USER, "một")
    finally:
        await api.aclose()
    assert raised.value.code == -14014 and fake_zalo_oa.messages_to(CHAT) == []


def test_rotated_tokens_survive_a_restart_and_a_new_configured_refresh_token_starts_over(engine: Engine):
    store = TokenStore(engine, "first")
    assert store.current() == Tokens("", "first", None)
    rotated = Tokens("access-1", "second", utcnow() + timedelta(hours=25))
    assert store.replace("first", rotated)
    assert not store.replace("first", Tokens("access-x", "third", None))  # that refresh token was used already
    assert TokenStore(engine, "first").current() == rotated  # a restart with the same setting keeps the new pair
    assert TokenStore(engine, "re-authorised").current() == Tokens("", "re-authorised", None)


def test_the_reply_window_allows_eight_replies_within_48_hours(engine: Engine):
    now = utcnow()
    assert not take_reply_slots(engine, CHAT, 1, now)  # the follower never wrote
    open_reply_window(engine, CHAT, now)
    assert take_reply_slots(engine, CHAT, ZALO_OA_REPLIES_PER_WINDOW - 1, now)
    assert not take_reply_slots(engine, CHAT, 2, now)  # would make nine
    assert take_reply_slots(engine, CHAT, 1, now)
    assert not take_reply_slots(engine, CHAT, 1, now)
    open_reply_window(engine, CHAT, now)  # the follower wrote again
    late = now + timedelta(hours=ZALO_OA_REPLY_WINDOW_HOURS, minutes=1)
    assert take_reply_slots(engine, CHAT, 1, now + timedelta(hours=47)) and not take_reply_slots(engine, CHAT, 1, late)


async def test_outside_the_window_nothing_is_sent(fake_zalo_oa: FakeZaloOa, engine: Engine):
    sender = ZaloSender(engine, oa=OaTransport(oa_api(fake_zalo_oa, engine), engine))
    try:
        with pytest.raises(OutsideReplyWindow):
            await sender.send_to(CHAT, Message("Tổ đã trả lời"))
        open_reply_window(engine, CHAT)
        assert await sender.send_to(f"zalo:{CHAT}", Message("Tổ đã trả lời")) == 1
    finally:
        await sender.aclose()
    assert [m.text for m in fake_zalo_oa.messages_to(CHAT)] == ["Tổ đã trả lời"]
