# Samla: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format demo messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A local development .env (git-ignored): DEBUG on and a random SECRET_KEY, so every
# `manage.py` command works in this checkout. Deployments set their own environment instead.
.env:
	printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

install: $(STAMP) .env

demo: install
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py demo_setup
	DEBUG=1 $(BIN)/python manage.py demo_attendees
	DEBUG=1 $(BIN)/python manage.py demo_practice

run: demo
	@echo ""
	@echo "Organisers start at http://127.0.0.1:8000/organiser/login/ (the workspace; demo log-in above)"
	@echo ""
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	mkdir -p var/static
	$(BIN)/python -m pytest --ds=config.settings_test $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/test.sqlite3* test-artifacts

messages: install
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py makemessages -l sv --ignore=.venv --ignore=bench --ignore=tests --ignore=var --ignore=fixtures
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py compilemessages -l sv
