"""Custom Rasa NLU components (loaded by Rasa in `.venv-rasa` from the project root)."""
