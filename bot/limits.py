"""Every length limit on text, named by what it limits (one place, so that one concept keeps one value).

Figures are characters unless the name says otherwise.
"""

from __future__ import annotations

# -- what citizens send ---------------------------------------------------------------------------------
CHAT_MESSAGE_CHARS = 2000
"""The longest message a citizen may send on a channel: the chat API answers HTTP 422 above it, the Telegram
channel a polite refusal (the web widget, `bot/web/static/widget.js` `MAX_TEXT`, stops typing there)."""
CHAT_REQUEST_BYTES = 16 * 1024
"""The largest body of a `POST /api/chat` request (HTTP 413 above it)."""
ANSWERABLE_QUESTION_CHARS = 600
"""The longest message read as one question: longer ones are several questions or a pasted document, so the
citizen is asked to shorten it (or to pass it to the community tech team)."""
ESCALATION_QUESTION_CHARS = 1500
"""The longest question the escalation form passes to a team; a longer one is cut."""
ESCALATION_PENDING_SHOWN_CHARS = 300
"""The escalation form shows the question it proposes to send up to this length (all of it is sent)."""
STORED_QUESTION_CHARS = CHAT_MESSAGE_CHARS
"""A question as stored (an escalation's question and transcript lines, the question log): what a channel
accepts, so nothing a citizen sent is cut."""
ESCALATION_TRANSCRIPT_TURNS = 8
"""The last messages of the conversation passed with an escalation, for the team's context."""

# -- what the door between citizens and the conversation engine remembers (`bot/door.py`) -------------------
OFFERED_PAYLOADS_PER_CONVERSATION = 64
"""The most recent button payloads remembered per conversation: pressing one of them reaches Rasa as a command."""
OFFERING_CONVERSATIONS = 50_000
"""Conversations whose offered payloads a process remembers (the least recently active are forgotten first)."""

# -- what community tech teams and the ICT department write ---------------------------------------------------
TEAM_ANSWER_CHARS = 3500
"""The longest answer a team member may send to citizens (on Telegram or the dashboard), so that the citizen
gets it in one Telegram message."""
KNOWLEDGE_QUESTION_CHARS = 500
"""A knowledge entry's question (the same bound as `bot.knowledge.schema.KnowledgeEntry.question`)."""
KNOWLEDGE_ANSWER_CHARS = 20_000
"""A knowledge entry's answer (the same bound as `bot.knowledge.schema.KnowledgeEntry.answer`)."""
KNOWLEDGE_REVIEW_NOTE_CHARS = 2_000
"""A knowledge entry's review note (the same bound as `bot.knowledge.schema.KnowledgeEntry.review_note`)."""
KNOWLEDGE_SEARCH_CHARS = 200
"""A search typed on the dashboard's knowledge page."""
DASHBOARD_SEARCH_CHARS = 200
"""A search typed on the dashboard's FAQ-gap and ticket pages."""
SIGN_IN_FIELD_CHARS = 256
"""A username or password typed on the dashboard's sign-in page (read no further)."""
USERNAME_CHARS = 64
"""A dashboard username, as stored (the sign-in form accepts no more)."""
PASSWORD_MIN_CHARS = 10
"""The shortest password of a dashboard account."""

# -- what the assistant shows ------------------------------------------------------------------------------
BUTTON_TITLE_CHARS = 60
"""A button title; longer ones are shortened (phones show little more than this on one button)."""
TEAM_QUESTION_PREVIEW_CHARS = 80
"""A question in the team group's list of waiting tickets (`/phieu`)."""
CITIZEN_TICKETS_LISTED = 5
"""How many of a citizen's tickets "phiếu của tôi" lists, newest first."""

# -- Telegram's own limits (Bot API) --------------------------------------------------------------------
TELEGRAM_MESSAGE_UTF16 = 4096
"""A Telegram message, in UTF-16 code units once its entities are parsed; longer answers are split."""
TELEGRAM_CALLBACK_DATA_BYTES = 64
"""The callback data of an inline button, in UTF-8 bytes."""
TELEGRAM_ALERT_CHARS = 200
"""The pop-up shown to the person who pressed a button."""
TELEGRAM_PLACEHOLDER_CHARS = 64
"""The placeholder of the input field under a forced reply."""

# -- Zalo's own limits --------------------------------------------------------------------------------
ZALO_MESSAGE_CHARS = 2000
"""A Zalo message (Bot Platform `sendMessage`, Official Account text message); longer answers are split."""
ZALO_WEBHOOK_BODY_BYTES = 256 * 1024
"""The largest webhook request the Zalo channel reads (one event is a few hundred bytes)."""
ZALO_NUMBERED_OPTIONS = 9
"""The most options one reply offers as numbers (the citizen types one digit); more are shown unnumbered."""
ZALO_OA_REPLY_WINDOW_HOURS = 48
"""How long after a follower's message an Official Account may reply free of charge (Zalo OA help centre)."""
ZALO_OA_REPLIES_PER_WINDOW = 8
"""How many replies an Official Account may send in that window; later messages would be paid ones."""
