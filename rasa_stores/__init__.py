"""Stores that Rasa (in `.venv-rasa`, run from the project root) loads at run time from the generated endpoints
file; unlike `nlu_components/` they are not part of the trained model."""
