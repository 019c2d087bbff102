"""Rasa custom actions of Trợ lý số: thin wrappers that call the `bot` package."""
