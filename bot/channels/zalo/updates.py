"""What an incoming Zalo event says, read defensively: a Bot Platform update or an Official Account webhook event
becomes an `Incoming` (text, or a kind of message the assistant cannot read), or None when there is nothing to
answer (unknown events, malformed payloads, the bot's or the Official Account's own messages, group chats)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["text", "media"]

BOT_TEXT_EVENT = "message.text.received"
BOT_MEDIA_EVENTS = frozenset({"message.image.received", "message.sticker.received", "message.voice.received",
                              "message.video.received", "message.file.received", "message.link.received",
                              "message.location.received", "message.unsupported.received"})
OA_TEXT_EVENT = "user_send_text"
OA_MEDIA_EVENTS = frozenset({"user_send_image", "user_send_sticker", "user_send_gif", "user_send_audio",
                             "user_send_video", "user_send_file", "user_send_location", "user_send_link",
                             "user_send_business_card"})
OA_CHAT_PREFIX = "oa-"
"""Official Account followers' chat ids are `oa-<user id>`, so that they never collide with Bot Platform chats."""
PRIVATE = "PRIVATE"


@dataclass(frozen=True)
class Incoming:
    """One message from a citizen."""

    chat_id: str
    kind: Kind
    text: str = ""
    message_id: str | None = None
    """Zalo's id of the message, to drop a delivery repeated by Zalo."""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _id(value: Any) -> str | None:
    """A non-empty id (Zalo sends strings; numbers are accepted)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def unwrap(raw: Any) -> Any:
    """A webhook body is the update itself or, as some bots receive it, `{"ok": true, "result": update}`."""
    if isinstance(raw, dict) and "event_name" not in raw and isinstance(raw.get("result"), dict):
        return raw["result"]
    return raw


def parse_bot_update(raw: Any) -> Incoming | None:
    """A Bot Platform update (`event_name`, `message.chat.id`, `chat_type`, `from.is_bot`, `text`)."""
    update = unwrap(raw)
    if not isinstance(update, dict):
        return None
    event = update.get("event_name")
    message = update.get("message")
    if not isinstance(message, dict) or (event != BOT_TEXT_EVENT and event not in BOT_MEDIA_EVENTS):
        return None
    chat = message.get("chat")
    sender = message.get("from")
    chat_id = _id(chat.get("id")) if isinstance(chat, dict) else None
    if chat_id is None or chat_id.startswith(OA_CHAT_PREFIX) or not isinstance(chat, dict):
        return None
    if chat.get("chat_type", PRIVATE) != PRIVATE:
        return None  # bots cannot serve groups (README: "Zalo channel")
    if isinstance(sender, dict) and sender.get("is_bot") is True:
        return None
    message_id = _id(message.get("message_id"))
    if event == BOT_TEXT_EVENT:
        return Incoming(chat_id, "text", _text(message.get("text")), message_id)
    return Incoming(chat_id, "media", message_id=message_id)


def parse_oa_event(raw: Any) -> Incoming | None:
    """An Official Account webhook event from a follower (`user_send_text`, `user_send_image`…, `sender.id`)."""
    if not isinstance(raw, dict):
        return None
    event = raw.get("event_name")
    if event != OA_TEXT_EVENT and event not in OA_MEDIA_EVENTS:
        return None  # follows, the OA's own messages (`oa_send_*`), anything else
    sender = raw.get("sender")
    user_id = _id(sender.get("id")) if isinstance(sender, dict) else None
    if user_id is None:
        return None
    message = raw.get("message")
    if not isinstance(message, dict):
        message = {}
    chat_id = OA_CHAT_PREFIX + user_id
    message_id = _id(message.get("msg_id"))
    if event == OA_TEXT_EVENT:
        return Incoming(chat_id, "text", _text(message.get("text")), message_id)
    return Incoming(chat_id, "media", message_id=message_id)
