"""Chat channels that carry citizens' messages to Rasa and the assistant's answers back."""
