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

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler, filters

from bot.channels.telegram import team_texts as texts
from bot.channels.telegram.formatting import to_html
from bot.channels.telegram.groups import addresses_bot
from bot.channels.telegram.notifier import ChannelOutbound
from bot.channels.telegram.sender import NO_PREVIEW
from bot.escalations import messages
from bot.escalations.communes import Commune, TeamMember
from bot.escalations.intake import DATABASE_DOWN
from bot.escalations.notify import deliver_all
from bot.escalations.states import ANSWERED, CLOSED, WAITING, InvalidTransition
from bot.escalations.tickets import ALPHABET, LENGTH, find_ticket_code
from bot.escalations.workflow import NotTeamMember, TicketView, UnknownTicket, Workflow
from bot.localtime import format_duration, format_time

logger = logging.getLogger(__name__)

TEAM_GROUP = -3
"""PTB handler group of the team groups: before the channel's gate (-2), rate limit (-1) and handlers (0)."""
MAX_ANSWER_CHARS = 3500
"""Longest answer accepted, so that the citizen gets it in one Telegram message."""
MAX_ALERT_CHARS = 200
MAX_PLACEHOLDER_CHARS = 64
QUEUE_SHOWN = 15
QUESTION_PREVIEW_CHARS = 80
CLAIM, ANSWER = "claim", "answer"
TICKET_MESSAGE_MARKS = ("📩", "⏰")
"""How team notices and reminders begin (`bot.escalations.messages`); their first line names the ticket."""

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)
_CODE_FIRST = re.compile(rf"^\s*(TL[\s\-_.:#]*[{ALPHABET}]{{{LENGTH}}})\b(.*)$", re.IGNORECASE | re.DOTALL)


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
    buttons = [b for b in messages.team_buttons(code) if b["payload"] == messages.ANSWER_PAYLOAD.format(code=code)]
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["title"], callback_data=b["payload"])] for b in buttons])


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
        """Add the team-group handler, ahead of every other handler group."""
        application.add_handler(TypeHandler(Update, self.route), group=TEAM_GROUP)

    def is_team_chat(self, chat_id: int) -> bool:
        """True for a team's group."""
        return chat_id in self._communes

    async def route(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle an update of a team group and stop it there; leave any other chat's update alone."""
        chat = update.effective_chat
        if chat is None or not self.is_team_chat(chat.id):
            return
        query = update.callback_query
        try:
            if query is not None:
                await self._button(query, chat.id, context.bot)
            elif update.message is not None and not filters.StatusUpdate.ALL.check_update(update):
                await self._message(update.message, context.bot)
        except DATABASE_DOWN as error:
            logger.warning("team group of %s: database unavailable (%s)", self._team_of(chat.id), type(error).__name__)
            await self._apologise(context.bot, chat.id, query, texts.DATABASE_DOWN)
        except Exception:
            logger.exception("error in the team group of %s", self._team_of(chat.id))
            await self._apologise(context.bot, chat.id, query, texts.SOMETHING_WRONG)
        raise ApplicationHandlerStop

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
        return ",".join(c.code for c in self._communes[chat_id])

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
        return texts.NOT_WAITING.format(code=code, status=messages.STATUS_LABELS.get(status, status))

    # -- talking back ----------------------------------------------------------------------------------
    @staticmethod
    async def _alert(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
        """Answer a button press (a pop-up with `alert`); a stale press is not an error."""
        with contextlib.suppress(TelegramError):
            await query.answer(text[:MAX_ALERT_CHARS] if text else None, show_alert=alert or None)

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
        if action not in (CLAIM, ANSWER) or find_ticket_code(code) != code:
            await self._alert(query)
            return
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
            await self._ask_for_answer(query, code, member, bot)

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

    async def _ask_for_answer(self, query: CallbackQuery, code: str, member: TeamMember, bot: Bot) -> None:
        """«Trả lời»: ask the member to reply to the bot's prompt (a ForceReply) with the answer."""
        notice = query.message if isinstance(query.message, Message) else None
        await bot.send_message(
            query.message.chat.id,
            to_html(texts.ANSWER_PROMPT.format(mention=f"@{member.username}", code=code)),
            parse_mode=ParseMode.HTML,
            reply_markup=ForceReply(selective=True, input_field_placeholder=texts.ANSWER_PLACEHOLDER.format(
                code=code)[:MAX_PLACEHOLDER_CHARS]),
            reply_parameters=ReplyParameters(notice.message_id, allow_sending_without_reply=True) if notice else None,
        )
        await self._alert(query, texts.ANSWER_PROMPTED_ALERT)

    # -- messages --------------------------------------------------------------------------------------
    async def _message(self, message: Message, bot: Bot) -> None:
        command = _COMMAND.match(message.text or "")
        if command is not None:
            name, target, arguments = command.groups()
            if target and target.lower() != (bot.username or "").lower():
                return  # a command for another bot of the group
            action = {"traloi": self._answer_command, "phieu": self._status_command}.get(name.lower())
            if action is not None:
                await action(message, (arguments or "").strip(), bot)
            elif name.lower() in ("help", "start"):
                await self._reply(bot, message, texts.TEAM_HELP)
            else:
                await self._reply(bot, message, texts.UNKNOWN_COMMAND)
            return
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            await self._answer_reply(message, replied, bot)
        elif addresses_bot(message, bot.username, bot.id):
            await self._reply(bot, message, texts.TEAM_HELP)

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
        elif len(text) > MAX_ANSWER_CHARS:
            reply = texts.ANSWER_TOO_LONG.format(limit=f"{MAX_ANSWER_CHARS:,}".replace(",", "."))
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
            lines["status"].format(value=messages.STATUS_LABELS.get(ticket.status, ticket.status)),
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
            question = ticket.question if len(ticket.question) <= QUESTION_PREVIEW_CHARS else \
                ticket.question[:QUESTION_PREVIEW_CHARS].rstrip() + "…"
            lines.append(texts.QUEUE_LINE.format(
                code=ticket.ticket_code, commune=self._commune_name(ticket.commune_code),
                status=texts.QUEUE_STATUS[ticket.status].format(name=ticket.assignee_name or ticket.assignee),
                waited=format_duration(now - ticket.created_at), question=question))
        if len(tickets) > QUEUE_SHOWN:
            lines.append(texts.QUEUE_MORE.format(count=len(tickets) - QUEUE_SHOWN))
        return "\n".join(lines)
