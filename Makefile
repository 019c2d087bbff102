# Trợ lý số: `make run` sets everything up and starts the assistant; `make test` sets everything
# up and runs every check. Both are idempotent: environments and the Rasa model are reused when
# their inputs have not changed.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV_BIN := .venv/bin

.PHONY: setup train run test lint bench lock clean

setup:
	@scripts/setup.sh

train: setup
	@$(VENV_BIN)/trolyso train
	@$(VENV_BIN)/trolyso index

run: train
	@$(VENV_BIN)/trolyso run

lint: setup
	@$(VENV_BIN)/ruff check bot actions tests bench nlu_components

test: train lint
	@$(VENV_BIN)/trolyso kb validate knowledge/
	@$(VENV_BIN)/python -m pytest -q

bench: train
	@$(VENV_BIN)/python -m bench.retrieval

lock:
	@$(VENV_BIN)/pip freeze --exclude-editable | sed 's/^torch==\(.*\)+cpu$$/torch==\1/' > requirements/main.lock.new
	@.venv-rasa/bin/pip freeze > requirements/rasa.lock.new
	@echo "wrote requirements/*.lock.new: review, then replace the locks"

clean:
	rm -rf .venv .venv-rasa models var
