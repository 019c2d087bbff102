"""Stores that Rasa (in `.venv-rasa`, run from the project root) loads at run time from the generated endpoints
file (`bot/rasa_endpoints.py`): Rasa's SQL tracker store and Redis lock store, made safe for restarts and
replicas. Unlike `nlu_components/` they are not part of the trained model."""
