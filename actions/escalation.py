"""The escalation form (commune, optional phone, consent), the escalation itself, and saying no or cancelling."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import sender, slot_events, utter
from actions.runtime import runtime
from bot.conversation.dialogue import prompted_since_user, transcript
from bot.conversation.escalation_form import (
    HOME_COMMUNE_SLOT,
    PENDING_SLOT,
    FilledForm,
    ServiceTimes,
    SlotCheck,
    ask_commune_message,
    ask_consent_message,
    ask_phone_message,
    ask_question_message,
    cancel,
    check_commune,
    check_consent,
    check_phone,
    check_question,
    confirm_commune_message,
    create_escalation,
    decline_offer,
    phone_value,
)
from bot.messages import Message
from bot.province import Commune


def known_commune(tracker: Tracker) -> Commune | None:
    """The citizen's commune as far as the conversation knows it: the one an earlier escalation named, else the
    one the page embedding the web widget declares (`data-commune`, sent as message metadata)."""
    page = (tracker.latest_message.get("metadata") or {}).get("commune")
    for code in (tracker.get_slot(HOME_COMMUNE_SLOT), page):
        commune = runtime().commune(str(code)) if code else None
        if commune is not None:
            return commune
    return None


class ValidateEscalationForm(FormValidationAction):
    """Checks each answer of the escalation form; a rejected answer is asked again with the reason."""

    def name(self) -> str:
        return "validate_escalation_form"

    @staticmethod
    def _apply(check: SlotCheck, slot: str, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        utter(dispatcher, check.messages)
        return {slot: check.value}

    def validate_escalation_question(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """The proposed question, confirmed with its button (or a typed yes), or any question in words."""
        confirmed = tracker.latest_message.get("intent", {}).get("name") == "affirm"
        check = check_question(slot_value, tracker.get_slot(PENDING_SLOT), confirmed)
        return self._apply(check, "escalation_question", dispatcher)

    def validate_commune(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        """A commune of the province (buttons when the name is ambiguous); a yes confirms the known commune, and
        "Chọn xã khác" forgets it and asks for the name."""
        intent = tracker.latest_message.get("intent", {}).get("name")
        check = check_commune(slot_value, runtime().province.communes, known_commune(tracker), intent)
        slots = self._apply(check, "commune", dispatcher)
        if intent == "deny":
            slots[HOME_COMMUNE_SLOT] = None
        return slots

    def validate_phone(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> dict[str, Any]:
        """A Vietnamese mobile number, or skipped."""
        return self._apply(check_phone(slot_value), "phone", dispatcher)

    def validate_consent(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        """Yes or no."""
        return self._apply(check_consent(slot_value), "consent", dispatcher)


def _ask(dispatcher: CollectingDispatcher, tracker: Tracker, message: Message) -> list[EventType]:
    """Ask, unless the validation just said what was wrong (it already asked again)."""
    if not prompted_since_user(tracker.events):
        utter(dispatcher, [message])
    return []


class ActionAskEscalationQuestion(Action):
    """Asks what to pass on."""

    def name(self) -> str:
        return "action_ask_escalation_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return _ask(dispatcher, tracker, ask_question_message(tracker.get_slot(PENDING_SLOT)))


class ActionAskCommune(Action):
    """Asks for the commune, or only to confirm it when the conversation knows it."""

    def name(self) -> str:
        return "action_ask_commune"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        known = known_commune(tracker)
        return _ask(dispatcher, tracker, confirm_commune_message(known) if known else ask_commune_message())


class ActionAskPhone(Action):
    """Asks for an optional phone number."""

    def name(self) -> str:
        return "action_ask_phone"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        return _ask(dispatcher, tracker, ask_phone_message())


class ActionAskConsent(Action):
    """Asks consent to share the question (and number) with the team."""

    def name(self) -> str:
        return "action_ask_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        channel, _ = sender(tracker)
        message = ask_consent_message(runtime().commune(tracker.get_slot("commune")),
                                      phone_value(tracker.get_slot("phone")), channel)
        return _ask(dispatcher, tracker, message)


class ActionCreateEscalation(Action):
    """Passes the question to the commune's team and gives the citizen the ticket code."""

    def name(self) -> str:
        return "action_create_escalation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        channel, chat_id = sender(tracker)
        form = FilledForm(
            channel=channel, chat_id=chat_id, question=str(tracker.get_slot("escalation_question") or ""),
            commune=runtime().commune(tracker.get_slot("commune")), phone=phone_value(tracker.get_slot("phone")),
            consent=tracker.get_slot("consent") is True, topic=tracker.get_slot("context_topic"),
            transcript=transcript(tracker.events),
        )
        settings = runtime().settings
        times = ServiceTimes(settings.escalation_remind_after_hours, settings.escalation_overdue_after_hours)
        outcome = await runtime().in_thread(lambda: create_escalation(form, runtime().submit_escalation, times))
        utter(dispatcher, outcome.messages)
        return slot_events(outcome.slots)


class ActionDeclineOffer(Action):
    """The citizen does not want the question passed on."""

    def name(self) -> str:
        return "action_decline_offer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        outcome = decline_offer()
        utter(dispatcher, outcome.messages)
        return slot_events(outcome.slots)


class ActionCancel(Action):
    """"Thôi" / "huỷ": stop the form (nothing is sent) or whatever was pending."""

    def name(self) -> str:
        return "action_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        outcome = cancel(form_was_active=tracker.latest_action_name == "action_deactivate_loop")
        utter(dispatcher, outcome.messages)
        return slot_events(outcome.slots)
