"""The community tech teams' Telegram groups: claim and answer escalations, look tickets up.

Every update from a team group (a chat listed as a team's `telegram_chat_id` in config/communes.yml) is
handled here, in a handler group that runs before the channel's gate, and goes no further: nothing said
in a team group reaches Rasa. Members are recognised by their Telegram username (the team's `members`).

- the «Nhận xử lý» button (`claim:TL-…`) claims the ticket and notes who did under the notice;
- the «Trả lời» button (`answer:TL-…`) asks the member to reply to the bot's message with the answer;
- a member's reply to one of the bot's messages about a ticket, or `/traloi <mã> <nội dung>`, answers it:
  the answer goes to every citizen waiting on the ticket's cluster, on their own channel;
- `/phieu <mã>` shows a ticket, `/phieu` the tickets still waiting; `/help` explains all this.

Team groups work best with the bot's privacy mode off (@BotFather → /setprivacy), so that plain
`/traloi` commands reach it; replies to the bot's messages always do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Collection, Coroutine
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram import team_texts as texts
from bot.channels.telegram.formatting import to_html
from bot.channels.telegram.groups import addresses_bot
from bot.channels.telegram.outbound import ChannelOutbound
from bot.channels.telegram.sender import NO_PREVIEW
from bot.db import DATABASE_UNREACHABLE_ERRORS
from bot.delivery import deliver_all
from bot.escalations import texts as escalation_texts
from bot.escalations.states import ANSWERED, CLOSED, WAITING, InvalidTransition
from bot.escalations.ticket_codes import ALPHABET, LENGTH, find_ticket_code
from bot.escalations.workflow import NotTeamMember, TicketView, UnknownTicket, Workflow
from bot.limits import TEAM_ANSWER_CHARS, TEAM_QUESTION_PREVIEW_CHARS, TELEGRAM_ALERT_CHARS, TELEGRAM_PLACEHOLDER_CHARS
from bot.localtime import format_duration, format_time
from bot.province import Commune, TeamMember

logger = logging.getLogger(__name__)

TEAM_GROUP = -3
"""PTB handler group of the team groups: before the channel's gate (-2), rate limit (-1) and handlers (0)."""
QUEUE_SHOWN = 15
CLAIM, ANSWER = "claim", "answer"
TICKET_BUTTON = re.compile(rf"^({CLAIM}|{ANSWER}):(TL-[{ALPHABET}]{{{LENGTH}}})$")
"""Callback data of the buttons under team notices and reminders (`bot.escalations.texts.team_buttons`)."""
TICKET_MESSAGE_MARKS = ("📩", "⏰")
"""How team notices and reminders begin (`bot.escalations.texts`); their first line names the ticket."""
NEW_MESSAGE = filters.UpdateType.MESSAGE

_CODE_FIRST = re.compile(rf"^\s*(TL[\s\-_.:#]*[{ALPHABET}]{{{LENGTH}}})\b(.*)$", re.IGNORECASE | re.DOTALL)

TeamCallback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def who(member: TeamMember) -> str:
    """How a member is named in the group: "Trần Thu Hương (@sonlam_huong)"."""
    return f"{member.display_name} (@{member.username})"


def ticket_in(message: Message) -> str | None:
    """The ticket a bot message stands for, when a reply to it answers that ticket: a notice or reminder
    (by its team buttons, or its first line once they are gone), or an answer prompt; None for any other
    message, e.g. the `/phieu` list, which names several tickets."""
    if message.reply_markup is not None:
        for row in message.reply_markup.inline_keyboard:
            for button in row:
                action, _, code = str(button.callback_data or "").partition(":")
                if action in (CLAIM, ANSWER) and find_ticket_code(code) == code:
                    return code
    text = message.text or ""
    if text.startswith(TICKET_MESSAGE_MARKS):
        return find_ticket_code(text.split("\n", 1)[0])
    return find_ticket_code(text) if texts.PROMPT_MARK in text else None


def answer_keyboard(code: str) -> InlineKeyboardMarkup:
    """Only the «Trả lời» button of a team notice (once the ticket is claimed)."""
    button = escalation_texts.answer_button(code)
    return InlineKeyboardMarkup([[InlineKeyboardButton(button.title, callback_data=button.payload)]])


def command_arguments(message: Message) -> str:
    """The text after a message's leading command (`/traloi@bot TL-7F3K2 nội dung` → `TL-7F3K2 nội dung`)."""
    entity = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    text = message.text or ""
    return text[entity.length:].strip() if entity is not None else ""


def command_target(message: Message) -> str | None:
    """The bot a leading command is written for (`/phieu@ten_bot` → "ten_bot"), None without `@`."""
    entity = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if entity is None:
        return None
    _, _, target = (message.text or "")[:entity.length].partition("@")
    return target or None


class TeamButtonHandler(CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]):
    """A `CallbackQueryHandler` for the button presses of some chats only (PTB's own takes no chat filter)."""

    def __init__(self, chat_ids: Collection[int], callback: TeamCallback,
                 pattern: re.Pattern[str] | None = None) -> None:
        super().__init__(callback, pattern=pattern)
        self.chat_ids = frozenset(chat_ids)

    def check_update(self, update: object) -> bool | object | None:
        """PTB's check, for a press in one of the chats."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or chat.id not in self.chat_ids:
            return None
        return super().check_update(update)


class TeamHandlers:
    """Handles every update from the team groups configured for the province."""

    def __init__(self, workflow: Workflow, outbound: ChannelOutbound) -> None:
        self.workflow = workflow
        self.outbound = outbound
        self._communes: dict[int, list[Commune]] = {}
        for commune in workflow.province.communes:
            if commune.team.telegram_chat_id is not None:
                self._communes.setdefault(commune.team.telegram_chat_id, []).append(commune)

    def register(self, application: Application) -> None:
        """Add the team groups' handlers, in a handler group ahead of every other; each handler stops the update
        there, so nothing said in a team group reaches the citizens' handlers (or Rasa)."""
        team_chats = filters.Chat(chat_id=list(self._communes))
        messages = team_chats & NEW_MESSAGE
        handlers: list[BaseHandler] = [
            CommandHandler("traloi", self._guarded(self.answer_command), filters=messages),
            CommandHandler("phieu", self._guarded(self.status_command), filters=messages),
            CommandHandler(["help", "start"], self._guarded(self.help), filters=messages),
            MessageHandler(messages & filters.COMMAND, self._guarded(self.unknown_command)),
            MessageHandler(messages & ~filters.StatusUpdate.ALL, self._guarded(self.message)),
            MessageHandler(team_chats, self._guarded(self.ignore)),
            TeamButtonHandler(self._communes, self._guarded(self.ticket_button), pattern=TICKET_BUTTON),
            TeamButtonHandler(self._communes, self._guarded(self.other_button)),
        ]
        application.add_handlers(handlers, group=TEAM_GROUP)

    def _guarded(self, handle: TeamCallback) -> TeamCallback:
        """`handle`, with its failures apologised for in the group, and the update stopped there."""

        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            chat_id = update.effective_chat.id if update.effective_chat else 0
            query = update.callback_query
            try:
                await handle(update, context)
            except DATABASE_UNREACHABLE_ERRORS as error:
                logger.warning("team group of %s: database unavailable (%s)", self._team_of(chat_id),
                               type(error).__name__)
                await self._apologise(context.bot, chat_id, query, texts.DATABASE_DOWN)
            except Exception:
                logger.exception("error in the team group of %s", self._team_of(chat_id))
                await self._apologise(context.bot, chat_id, query, texts.SOMETHING_WRONG)
            raise ApplicationHandlerStop

        return run

    # -- handlers ---------------------------------------------------------------------------------------
    async def answer_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/traloi <mã> <nội dung>."""
        assert update.message is not None
        await self._answer_command(update.message, command_arguments(update.message), context.bot)

    async def status_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/phieu <mã> · /phieu."""
        assert update.message is not None
        await self._status_command(update.message, command_arguments(update.message), context.bot)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help, /start: what the bot does in a team group."""
        assert update.message is not None
        await self._reply(context.bot, update.message, texts.TEAM_HELP)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any other command written for this bot; a command for another bot of the group is left alone."""
        message = update.message
        assert message is not None
        target = command_target(message)
        if target is None or target.lower() == (context.bot.username or "").lower():
            await self._reply(context.bot, message, texts.UNKNOWN_COMMAND)

    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A reply to one of the bot's messages answers its ticket; a mention of the bot gets the help."""
        message = update.message
        assert message is not None
        bot = context.bot
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            await self._answer_reply(message, replied, bot)
        elif addresses_bot(message, bot.username, bot.id):
            await self._reply(bot, message, texts.TEAM_HELP)

    async def ignore(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Service messages (members joining, a new title…): nothing to do."""

    async def ticket_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """«Nhận xử lý» (`claim:TL-…`) or «Trả lời» (`answer:TL-…`)."""
        query = update.callback_query
        assert query is not None and update.effective_chat is not None
        await self._button(query, update.effective_chat.id, context.bot)

    async def other_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press the team groups have no use for: answered, so that it stops spinning."""
        assert update.callback_query is not None
        await self._alert(update.callback_query)

    # -- who and what ----------------------------------------------------------------------------------
    def _member(self, chat_id: int, user: User | None) -> tuple[TeamMember | None, str]:
        """The team member behind `user` in this group, or None and the polite refusal to show."""
        username = user.username if user is not None else None
        if not username:
            return None, texts.NO_USERNAME_ALERT
        communes = self._communes[chat_id]
        for commune in communes:
            member = commune.team.member(username)
            if member is not None:
                return member, ""
        return None, texts.NOT_MEMBER_ALERT.format(username=username, team=communes[0].team.name)

    def _team_of(self, chat_id: int) -> str:
        """The commune codes of a team group, for logs (team groups are not personal data)."""
        return ",".join(c.code for c in self._communes.get(chat_id, []))

    def _commune_name(self, code: str) -> str:
        commune = self.workflow.province.commune(code)
        return commune.name if commune else code

    def _not_in_team(self, member: TeamMember, commune_code: str) -> str:
        """The refusal for a member of this group who is not in the team of the ticket's commune."""
        commune = self.workflow.province.commune(commune_code)
        team = commune.team.name if commune else commune_code
        return texts.NOT_MEMBER_ALERT.format(username=member.username, team=team)

    async def _ticket(self, chat_id: int, code: str) -> tuple[TicketView | None, str]:
        """The ticket, if it belongs to this group's team; else None and what to say."""
        try:
            ticket = await asyncio.to_thread(self.workflow.get, code)
        except UnknownTicket:
            return None, texts.UNKNOWN_TICKET.format(code=code)
        if ticket.commune_code not in {c.code for c in self._communes[chat_id]}:
            return None, texts.WRONG_TEAM.format(code=code, commune=self._commune_name(ticket.commune_code))
        return ticket, ""

    @staticmethod
    def _not_waiting(code: str, status: str, answering: bool) -> str:
        """Why a ticket no longer in `WAITING` cannot be claimed or answered."""
        if answering and status in (ANSWERED, CLOSED):
            return texts.ALREADY_ANSWERED.format(code=code)
        return texts.NOT_WAITING.format(code=code, status=escalation_texts.STATUS_LABELS.get(status, status))

    # -- talking back ----------------------------------------------------------------------------------
    @staticmethod
    async def _alert(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
        """Answer a button press (a pop-up with `alert`); a stale press is not an error."""
        with contextlib.suppress(TelegramError):
            await query.answer(text[:TELEGRAM_ALERT_CHARS] if text else None, show_alert=alert or None)

    @staticmethod
    async def _reply(bot: Bot, message: Message, text: str) -> None:
        """Answer `message` in its group, quoting it."""
        await bot.send_message(message.chat.id, to_html(text), parse_mode=ParseMode.HTML,
                               link_preview_options=NO_PREVIEW,
                               reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True))

    async def _apologise(self, bot: Bot, chat_id: int, query: CallbackQuery | None, text: str) -> None:
        """Say something went wrong, in the pop-up of a pressed button or in the group."""
        if query is not None:
            await self._alert(query, text, alert=True)
            return
        with contextlib.suppress(TelegramError):
            await bot.send_message(chat_id, to_html(text), parse_mode=ParseMode.HTML)

    @staticmethod
    async def _annotate(bot: Bot, message: object, line: str, keyboard: InlineKeyboardMarkup | None) -> None:
        """Add `line` under one of the bot's group messages and replace its buttons (best effort)."""
        if not isinstance(message, Message) or not message.text:
            return
        with contextlib.suppress(TelegramError):
            await bot.edit_message_text(to_html(f"{message.text}\n\n{line}"), chat_id=message.chat.id,
                                        message_id=message.message_id, parse_mode=ParseMode.HTML,
                                        reply_markup=keyboard, link_preview_options=NO_PREVIEW)

    # -- buttons ---------------------------------------------------------------------------------------
    async def _button(self, query: CallbackQuery, chat_id: int, bot: Bot) -> None:
        action, _, code = (query.data or "").partition(":")
        member, refusal = self._member(chat_id, query.from_user)
        if member is None:
            await self._alert(query, refusal, alert=True)
            return
        ticket, problem = await self._ticket(chat_id, code)
        if ticket is None:
            await self._alert(query, problem, alert=True)
        elif ticket.status not in WAITING:
            await self._alert(query, self._not_waiting(code, ticket.status, action == ANSWER), alert=True)
        elif action == CLAIM:
            await self._claim(query, ticket, member, bot)
        else:
            await self._ask_for_answer(query, chat_id, code, member, bot)

    async def _claim(self, query: CallbackQuery, ticket: TicketView, member: TeamMember, bot: Bot) -> None:
        """«Nhận xử lý»: claim the ticket (one winner among concurrent presses) and note it under the notice."""
        code = ticket.ticket_code
        try:
            outcome = await asyncio.to_thread(self.workflow.claim, code, member.username)
        except InvalidTransition as error:
            await self._alert(query, self._not_waiting(code, error.current, False), alert=True)
            return
        except NotTeamMember:
            await self._alert(query, self._not_in_team(member, ticket.commune_code), alert=True)
            return
        if outcome.won:
            await self._alert(query, texts.CLAIM_WON_ALERT.format(code=code))
            line = texts.CLAIMED_LINE.format(member=who(member))
            merged = [c for c in outcome.claimed if c != code]
            if merged:
                line += "\n" + texts.CLAIMED_TOO.format(codes=", ".join(merged))
            await self._annotate(bot, query.message, line, answer_keyboard(code))
        elif (outcome.assignee or "").lower() == member.username.lower():
            await self._alert(query, texts.CLAIM_ALREADY_YOURS_ALERT.format(code=code), alert=True)
        else:
            winner = outcome.assignee_name or f"@{outcome.assignee}"
            await self._alert(query, texts.CLAIM_LOST_ALERT.format(code=code, winner=winner), alert=True)

    async def _ask_for_answer(self, query: CallbackQuery, chat_id: int, code: str, member: TeamMember,
                              bot: Bot) -> None:
        """«Trả lời»: ask the member to reply to the bot's prompt (a ForceReply) with the answer."""
        notice = query.message if isinstance(query.message, Message) else None
        await bot.send_message(
            chat_id,
            to_html(texts.ANSWER_PROMPT.format(mention=f"@{member.username}", code=code)),
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True, input_field_placeholder=texts.ANSWER_PLACEHOLDER.format(
                code=code)[:TELEGRAM_PLACEHOLDER_CHARS]),
            reply_parameters=ReplyParameters(notice.message_id, allow_sending_without_reply=True) if notice else None,
        )
        await self._alert(query, texts.ANSWER_PROMPTED_ALERT)

    # -- messages ---------------------------------------------------------------------------------------
    async def _answer_command(self, message: Message, arguments: str, bot: Bot) -> None:
        """/traloi <mã> <nội dung>."""
        match = _CODE_FIRST.match(arguments)
        code = find_ticket_code(match.group(1)) if match else None
        if match is None or code is None:
            await self._reply(bot, message, texts.TRALOI_USAGE)
            return
        await self._answer(message, code, match.group(2), bot, None)

    async def _answer_reply(self, message: Message, replied: Message, bot: Bot) -> None:
        """A reply to a bot message about a ticket (its notice, a reminder, the answer prompt) answers it."""
        code = ticket_in(replied)
        if code is None:
            await self._reply(bot, message, texts.NO_CODE_IN_REPLY)
        elif not message.text:
            await self._reply(bot, message, texts.TEXT_ONLY_ANSWER)
        else:
            notice = replied if replied.reply_markup is not None else None
            await self._answer(message, code, message.text, bot, notice)

    async def _answer(self, message: Message, code: str, text: str, bot: Bot, notice: Message | None) -> None:
        """Answer ticket `code` (its whole cluster) and send the answer to the waiting citizens."""
        member, refusal = self._member(message.chat.id, message.from_user)
        if member is None:
            await self._reply(bot, message, refusal)
            return
        ticket, problem = await self._ticket(message.chat.id, code)
        text = text.strip()
        if ticket is None:
            reply = problem
        elif not text:
            reply = texts.EMPTY_ANSWER.format(code=code)
        elif len(text) > TEAM_ANSWER_CHARS:
            reply = texts.ANSWER_TOO_LONG.format(limit=f"{TEAM_ANSWER_CHARS:,}".replace(",", "."))
        else:
            reply = await self._send_answer(ticket, member, text, notice, bot)
        await self._reply(bot, message, reply)

    async def _send_answer(self, ticket: TicketView, member: TeamMember, text: str, notice: Message | None,
                           bot: Bot) -> str:
        """Record the answer, deliver it to the citizens; return the report for the group."""
        code = ticket.ticket_code
        try:
            outcome = await asyncio.to_thread(self.workflow.answer, code, member.username, text)
        except InvalidTransition as error:
            return self._not_waiting(code, error.current, True)
        except NotTeamMember:
            return self._not_in_team(member, ticket.commune_code)
        failed = await asyncio.to_thread(deliver_all, outcome.deliveries, self.outbound.notifier())
        logger.info("ticket %s answered in its team group: %d citizen(s), %d not reached", code,
                    len(outcome.deliveries), len(failed))
        lines = [texts.ANSWER_SENT.format(member=who(member), code=code)]
        merged = [c for c in outcome.answered if c != code]
        if merged:
            lines.append(texts.ANSWER_SENT_CLUSTER.format(codes=", ".join(merged)))
        if failed:
            lines.append(texts.ANSWER_NOT_DELIVERED.format(count=len(failed)))
        if notice is not None:
            await self._annotate(bot, notice, texts.ANSWERED_LINE.format(member=who(member)), None)
        return "\n".join(lines)

    async def _status_command(self, message: Message, arguments: str, bot: Bot) -> None:
        """/phieu <mã>: one ticket; /phieu: the group's tickets still waiting."""
        if not arguments:
            await self._reply(bot, message, await self._queue(message.chat.id))
            return
        code = find_ticket_code(arguments)
        if code is None:
            await self._reply(bot, message, texts.STATUS_USAGE)
            return
        ticket, problem = await self._ticket(message.chat.id, code)
        await self._reply(bot, message, problem if ticket is None else self._describe(ticket))

    def _describe(self, ticket: TicketView) -> str:
        lines = texts.STATUS_LINES
        parts = [
            texts.STATUS_HEADER.format(code=ticket.ticket_code, commune=self._commune_name(ticket.commune_code)),
            lines["status"].format(value=escalation_texts.STATUS_LABELS.get(ticket.status, ticket.status)),
            lines["channel"].format(value=texts.CHANNEL_NAMES.get(ticket.channel, ticket.channel)),
            lines["created"].format(value=format_time(ticket.created_at)),
        ]
        if ticket.assignee:
            parts.append(lines["assignee"].format(value=f"{ticket.assignee_name or ''} (@{ticket.assignee})".strip()))
        parts.append(lines["question"].format(value=ticket.question))
        if ticket.answer:
            parts.append(lines["answer"].format(value=ticket.answer))
        return "\n".join(parts)

    async def _queue(self, chat_id: int) -> str:
        communes = self._communes[chat_id]
        tickets: list[TicketView] = []
        for commune in communes:
            tickets += await asyncio.to_thread(self.workflow.queue, commune.code)
        if not tickets:
            return texts.QUEUE_EMPTY
        tickets.sort(key=lambda t: t.created_at)
        now = self.workflow.clock()
        lines = [texts.QUEUE_HEADER.format(count=len(tickets))]
        for ticket in tickets[:QUEUE_SHOWN]:
            question = ticket.question if len(ticket.question) <= TEAM_QUESTION_PREVIEW_CHARS else \
                ticket.question[:TEAM_QUESTION_PREVIEW_CHARS].rstrip() + "…"
            lines.append(texts.QUEUE_LINE.format(
                code=ticket.ticket_code, commune=self._commune_name(ticket.commune_code),
                status=texts.QUEUE_STATUS[ticket.status].format(name=ticket.assignee_name or ticket.assignee),
                waited=format_duration(now - ticket.created_at), question=question))
        if len(tickets) > QUEUE_SHOWN:
            lines.append(texts.QUEUE_MORE.format(count=len(tickets) - QUEUE_SHOWN))
        return "\n".join(lines)
