# Ruam: `make run` sets everything up and serves on http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
RUAM    = $(BIN)/ruam
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run serve install setup test test-postgres lint format messages bench clean

# Serves Ruam and runs the background worker beside it (notifications); Ctrl-C stops both.
# The demo on a laptop signs in without a second factor (RUAM_REQUIRE_2FA=0); make serve and
# production keep it on.
run: setup
	RUAM_REQUIRE_2FA=$${RUAM_REQUIRE_2FA:-0} bash -c 'trap "kill 0" EXIT; $(RUAM) db_worker --interval 2 -v0 & $(RUAM) runserver $(HOST):$(PORT)'

# As in production: gunicorn (ruam/serve.py) with WhiteNoise, and the worker at a lower CPU
# priority (nice 10: answers first, notices a moment later), on PostgreSQL (DATABASE_URL, default
# the local server's "ruam" database). See docs/OPERATIONS.md.
serve: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ruam} bash -c '\
	  set -e; $(RUAM) ensure-database; $(RUAM) migrate --noinput -v0; $(RUAM) load-reference -v0; \
	  $(RUAM) collectstatic --noinput -v0; \
	  export PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-var/prometheus}; \
	  rm -rf "$$PROMETHEUS_MULTIPROC_DIR"; mkdir -p "$$PROMETHEUS_MULTIPROC_DIR"; \
	  trap "kill 0" EXIT; nice -n 10 $(RUAM) db_worker --interval 1 -v0 & \
	  RUAM_BIND=$${RUAM_BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn -c python:ruam.serve'

# Everything but serving: venv, packages, front-end assets, database, reference and demo data.
setup: install
	$(RUAM) migrate --noinput
	$(RUAM) load-reference
	$(RUAM) load-demo
	$(RUAM) collectstatic --noinput -v0

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: install
	$(BIN)/pytest

# The same suite against PostgreSQL (the production database).
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ruam} RUAM_REQUIRE_POSTGRES=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Thai and English catalogues after changing translatable strings (needs gettext).
messages: install
	cd ruam && ../$(RUAM) makemessages -l th -l en --no-obsolete --ignore=data
	cd ruam && ../$(RUAM) compilemessages

bench: install
	$(BIN)/python bench/locate.py

clean:
	rm -rf $(VENV) node_modules var/static
