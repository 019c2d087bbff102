"""Group chats: which messages are meant for the bot, and the text it should read.

In a group the bot only reacts when addressed: a mention of its @username, a reply to one of its
messages, or a command written for it (`/start@username`). The community tech teams' groups
(`bot.channels.telegram.team`) are addressed the same way.
"""

from __future__ import annotations

import re

from telegram import Chat, Message, MessageEntity


def is_group(chat: Chat) -> bool:
    """True for groups and supergroups."""
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)


def addresses_bot(message: Message, bot_username: str, bot_id: int) -> bool:
    """True when `message` mentions the bot, replies to it, or carries a command for it."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    handle = "@" + bot_username.lower()
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.BOT_COMMAND]
    found = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
    for entity, text in found.items():
        if entity.type == MessageEntity.MENTION and text.lower() == handle:
            return True
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0 and text.lower().endswith(handle):
            return True
    return False


def without_mention(text: str, bot_username: str) -> str:
    """`text` with every `@bot_username` removed and spaces tidied."""
    pattern = re.compile(rf"@{re.escape(bot_username)}\b", re.IGNORECASE)
    return " ".join(pattern.sub(" ", text).split())
