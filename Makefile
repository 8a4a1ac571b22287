# Sentier — the README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ENV_FILE := var/sentier.env
# Loads the local demo keys into the environment of one recipe line.
WITH_ENV := set -a && . ./$(ENV_FILE) && set +a &&

.PHONY: demo test test-fast install otp lint format migrate-check serve clean

$(BIN)/.installed: requirements/base.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(BIN)/.installed

$(ENV_FILE):
	$(PYTHON) scripts/dev_env.py $(ENV_FILE)

demo: install $(ENV_FILE)
	$(WITH_ENV) $(BIN)/python manage.py migrate --verbosity 0
	$(WITH_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(WITH_ENV) $(BIN)/python manage.py load_demo
	@echo "Sentier : http://127.0.0.1:8000  (Ctrl+C pour arrêter)"
	$(WITH_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

otp: install $(ENV_FILE)
	@$(WITH_ENV) $(BIN)/python manage.py demo_otp $(EMAIL)

# The whole suite, browser journeys included, on every core (pytest-xdist; each worker gets
# its own test database). DATABASE_URL=postgres://… runs it on PostgreSQL.
test: install
	$(BIN)/pytest -n auto --dist worksteal

test-fast: install
	$(BIN)/pytest -n auto --dist worksteal -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/sentier.sqlite3
