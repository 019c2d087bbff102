"""Actions that answer: questions, topic menus, feedback, ticket status, and the last-resort fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, latest_text, sender, slot_events, utter
from actions.runtime import runtime, warm_up_in_worker
from bot.conversation.answering import ConversationState
from bot.conversation.buttons import QUESTION_ENTITY, TICKET_ENTITY
from bot.conversation.feedback import Rating, handle_feedback, rated_answer
from bot.conversation.reopen import reopen_ticket
from bot.conversation.ticket_status import ticket_status_message
from bot.conversation.topics import menu_topic, topic_from_text
from bot.escalations.ticket_codes import find_ticket_code
from bot.messages import Message

warm_up_in_worker()


def _state(tracker: Tracker) -> ConversationState:
    question_id = tracker.get_slot("question_id")
    return ConversationState(
        context_entry=tracker.get_slot("context_entry"),
        context_question=tracker.get_slot("context_question"),
        choices=tuple(tracker.get_slot("choices") or ()),
        question_id=int(question_id) if question_id is not None else None,
    )


class ActionAnswerQuestion(Action):
    """Any question (and anything the NLU did not recognise): answer, clarify or abstain."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker)
        entry_id = next(tracker.get_latest_entity_values("entry_id"), None)
        if latest_intent(tracker) == "choose_entry" and entry_id:
            outcome = await runtime().in_thread(lambda: runtime().answerer().answer_entry(entry_id))
        elif (code := find_ticket_code(text)) is not None:
            status = await runtime().in_thread(lambda: ticket_status_message(code, runtime().escalation_status))
            utter(dispatcher, [status])
            return []
        else:
            channel, chat_id = sender(tracker)
            state = _state(tracker)
            outcome = await runtime().in_thread(
                lambda: runtime().answerer().answer_text(text, state, channel, chat_id))
        utter(dispatcher, outcome.messages)
        return slot_events(outcome.slots)


class ActionChooseTopic(Action):
    """The topic menu, or the first questions of the topic the citizen chose or named."""

    def name(self) -> str:
        return "action_choose_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        topic = None
        if latest_intent(tracker) == "choose_topic":
            key = next(tracker.get_latest_entity_values("topic"), None)
            topic = menu_topic(key) if key else topic_from_text(latest_text(tracker))
        outcome = await runtime().in_thread(lambda: runtime().answerer().choose_topic(topic))
        utter(dispatcher, outcome.messages)
        return slot_events(outcome.slots)


def _entity(tracker: Tracker, name: str) -> str | None:
    """The value of entity `name` in the citizen's last message (a pressed button's payload), if any."""
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


class ActionFeedback(Action):
    """👍 / 👎 on the answer the button was shown under (a typed one: on the last answer)."""

    def name(self) -> str:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        rating: Rating = "good" if latest_intent(tracker) == "feedback_good" else "bad"
        state = _state(tracker)
        channel, chat_id = sender(tracker)
        ticket = _entity(tracker, TICKET_ENTITY)
        rated = rated_answer(find_ticket_code(ticket) if ticket else None, _entity(tracker, QUESTION_ENTITY),
                             _entity(tracker, "entry_id"), state.question_id, state.context_entry)
        outcome = await runtime().in_thread(lambda: handle_feedback(
            rating, rated, channel, chat_id, runtime().record_feedback))
        utter(dispatcher, outcome.messages)
        return slot_events(outcome.slots)


class ActionTicketStatus(Action):
    """"Phiếu TL-7F3K2 thế nào rồi?"; without a code ("phiếu của tôi"): every ticket of this citizen's chat."""

    def name(self) -> str:
        return "action_ticket_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        code = find_ticket_code(latest_text(tracker))
        channel, chat_id = sender(tracker)
        utter(dispatcher, [await runtime().in_thread(lambda: ticket_status_message(
            code, runtime().escalation_status, lambda: runtime().citizen_tickets(channel, chat_id)))])
        return []


class ActionReopenTicket(Action):
    """Reopens the ticket named in the payload (offered after a 👎 on a team's answer)."""

    def name(self) -> str:
        return "action_reopen_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        named = _entity(tracker, TICKET_ENTITY) or latest_text(tracker)
        channel, chat_id = sender(tracker)
        outcome = await runtime().in_thread(lambda: reopen_ticket(
            find_ticket_code(named), lambda code: runtime().reopen_ticket(code, channel, chat_id)))
        utter(dispatcher, outcome.messages)
        return slot_events(outcome.slots)


class ActionDefaultFallback(Action):
    """When no rule fits the conversation: a polite request to rephrase, and the message is forgotten."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        utter(dispatcher, [Message("Xin lỗi, tôi chưa hiểu ý bạn. Bạn có thể viết lại câu hỏi ngắn gọn hơn "
                                   "được không ạ?")])
        return [UserUtteranceReverted()]
