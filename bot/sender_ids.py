"""The citizen channels, and the Rasa sender id that names one citizen's conversation on each.

A Telegram chat talks to Rasa as `tg:<chat id>`, a Zalo chat as `zalo:<chat id>` (a Zalo Official Account's
follower as `zalo:oa-<user id>`), a web-widget session as `web:<session id>`. A new citizen
channel gets its name and prefix here; escalations, deliveries and the question log then know it by name.
"""

from __future__ import annotations

from typing import Literal

Channel = Literal["telegram", "zalo", "web"]
SENDER_PREFIXES: dict[Channel, str] = {"telegram": "tg", "zalo": "zalo", "web": "web"}
"""Channel → prefix of its Rasa sender ids."""


def sender_id(channel: Channel, chat_id: int | str) -> str:
    """The Rasa sender id of a chat on `channel`: `sender_id("telegram", 42)` → "tg:42"."""
    return f"{SENDER_PREFIXES[channel]}:{chat_id}"


def parse_sender(sender: str) -> tuple[Channel, str]:
    """`tg:<chat id>` → ("telegram", id), `zalo:<chat id>` → ("zalo", id), `web:<session>` → ("web", session);
    anything else is a web session."""
    prefix, _, rest = sender.partition(":")
    for channel, known in SENDER_PREFIXES.items():
        if prefix == known and rest:
            return channel, rest
    return "web", sender


def is_channel(name: str) -> bool:
    """True for the name of a citizen channel."""
    return name in SENDER_PREFIXES

