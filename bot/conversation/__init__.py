"""The conversation logic behind the Rasa custom actions: replies, follow-ups, escalation form, feedback."""
