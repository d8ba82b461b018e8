# Bazaar: two commands. `make run` sets up and starts the site; `make test` sets up and runs the
# whole suite. Everything below is what they do, step by step.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench setup uv deps browser services lint format migrate demo worker clean

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv

deps: uv
	@$(UV) sync --frozen --quiet

setup: deps
	@$(PY) manage.py migrate --noinput -v 0

demo: setup
	@$(PY) manage.py seed_demo

run: demo
	@$(PY) manage.py collectstatic --noinput -v 0
	@echo ""
	@echo "  Bazaar is running at http://$(HOST):$(PORT)/"
	@$(PY) manage.py demo_logins
	@echo ""
	@$(PY) manage.py runserver $(HOST):$(PORT)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Which backends the tests use: the services on 127.0.0.1 when they answer, else the embedded
# default. REQUIRE_SERVICES=1 turns "they do not answer" into a failure.
test: deps browser
	@set -e; eval "$$($(PY) -m tests.services)"; \
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && \
	$(VENV)/bin/mypy && \
	$(PY) manage.py makemigrations --check --dry-run -v 0 && \
	$(PY) -m pytest $(PYTEST_ARGS)

bench: deps
	@eval "$$($(PY) -m tests.services --require)"; $(PY) -m pytest -m bench -p no:randomly -s --reuse-db bench $(PYTEST_ARGS)

lint: deps
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

format: deps
	@$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

# A Celery worker with beat, for the services setup. Without REDIS_URL tasks already run inside
# the web process and there is no broker for a worker to listen on.
worker: deps
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)"; exit 1; }
	@$(VENV)/bin/celery -A config worker -B --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
