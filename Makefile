# Two commands for a fresh clone: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://parts:parts@127.0.0.1:5432/parts
REDIS ?= redis://127.0.0.1:6379/0
# Two cores here: one xdist worker per core.
XDIST ?= -n 2 --dist loadgroup

.PHONY: run reset test lint fmt worker beat install bench clean services fuzz faults messages compilemessages

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# First look: the database of DATABASE_URL, else the embedded PostgreSQL in .pgdata/ (started here,
# stopped when runserver ends or on Ctrl+C; docs/database.md); Celery tasks inline.
# DEMO_PARTS=500 loads a smaller demo faster; ADDRESS=127.0.0.1:8001 serves on another port.
DEMO_PARTS ?= 2000
# Where runserver answers; the demo logins are printed with the same address.
ADDRESS ?= 127.0.0.1:8000
run: install
	@command -v msgfmt >/dev/null && $(BIN)/python manage.py compilemessages -v0 --ignore=.venv \
	  || echo "note: gettext's msgfmt is missing, so the screens stay in English (apt install gettext)"
	@source scripts/run_env.sh && \
	  $(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py load_demo --if-empty --parts $(DEMO_PARTS) && \
	  $(BIN)/python manage.py demo_logins --url http://$(ADDRESS)/ && \
	  $(BIN)/python manage.py runserver $(ADDRESS)

# Stop the embedded PostgreSQL and delete its data (.pgdata/): the next `make run` loads a fresh demo.
reset: install
	$(BIN)/python -m config.embedded_db reset

# The whole suite, on PostgreSQL and Redis when they answer on localhost (else the embedded PostgreSQL).
test: install compilemessages
	@source scripts/test_env.sh && \
	  $(BIN)/python manage.py makemigrations --check --dry-run >/dev/null && \
	  $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# The translation catalogues (locale/, docs/i18n.md): compiled for `make test` (gettext's msgfmt).
compilemessages: install
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

# Extract new strings into both catalogues; translate zh_Hant, then scripts/hans_from_hant.py.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hant -l zh_Hans --no-location \
	  --ignore=.venv --ignore=bench --ignore=staticfiles --ignore=tests

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Models against migrations only: no database needs to run (the history check is skipped without one).
	$(BIN)/python -W "ignore:Got an error checking a consistent migration history" manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy core inventory suppliers kpis planning counting imports documents webhooks exchange demo config

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A Celery worker and beat against Redis (REDIS_URL) and PostgreSQL (DATABASE_URL). The webhooks queue
# (deliveries to partner systems) is served here too; in production it has workers of its own (Procfile).
worker: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} REDIS_URL=$${REDIS_URL:-$(REDIS)} $(BIN)/celery -A config worker -l info -Q celery,batch,webhooks -c 2

beat: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} REDIS_URL=$${REDIS_URL:-$(REDIS)} $(BIN)/celery -A config beat -l info

services:
	bash scripts/services.sh

# The API fuzzer (tests/fuzz) with many examples per operation and role; `make test` runs a few.
FUZZ_EXAMPLES ?= 100
fuzz: install
	@source scripts/test_env.sh && \
	  FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/fuzz $(XDIST) $(PYTEST_ARGS)

bench: install
	source scripts/test_env.sh && $(BIN)/python bench/posting.py

# PostgreSQL restarted under load (restarts the local cluster: not part of `make test`); see docs/operations.md "Faults".
faults: install
	source scripts/test_env.sh && $(BIN)/python bench/faults.py $(FAULTS_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
