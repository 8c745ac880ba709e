# Every target a newcomer needs; README.md names them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: install install-bench run test test-quick test-databases test-sqlite test-postgres lint format migrate import clean benchmark
.PHONY: serve serve-proxy loadtest slowprobe messages worker

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The benchmark's optional peer, a search library it runs the same query mix through
# (the `bench` extra, benchmark/peer.py); the site never needs it. docs/performance.md.
install-bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'

migrate: install
	$(BIN)/python manage.py migrate --noinput

import: migrate
	$(BIN)/python manage.py import_synopses

# The background worker that imports admin uploads runs beside the development server, in a
# process group of its own (setsid; its autoreloader has a child): when the server stops
# (Ctrl+C, or a crash) the trap ends the whole group. docs/editors.md.
run: import
	@setsid $(BIN)/python manage.py import_worker & worker=$$!; \
	trap 'kill -TERM -$$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# `make benchmark BENCHMARK_ARGS="--synopses 100000"` on the database DATABASE_URL selects
# (use a database of its own: one with other data is refused). README: Performance.
BENCHMARK_ARGS ?= --quick
benchmark: migrate
	$(BIN)/python manage.py benchmark $(BENCHMARK_ARGS)

# After changing a UI string: update every catalogue, translate, compile (docs/interface.md).
# Needs GNU gettext; the compiled .mo files are committed, so `make run` does not.
messages: install
	$(BIN)/python manage.py makemessages -l en -l da -l de -l es -l fr -l th --no-location --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=benchmark --ignore=scripts --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The two runs share nothing (an in-memory SQLite database; a test database of its own on
# PostgreSQL; free ports, temporary folders and Redis key prefixes per test), so they run at
# once, one per core: on two cores that takes the time of the longer run, not of both
# (docs/testing.md). --output-sync holds each run's output and prints it whole when the run
# ends, so the two never interleave; the verdicts come last, and make fails if either run did.
# `make test-sqlite` or `make test-postgres` alone shows its progress as it goes.
test: lint
	@$(MAKE) --no-print-directory test-databases

# Everything but the tests marked slow (subprocesses, servers, fuzzing, lockouts) and the
# browser tests, on both databases: docs/testing.md.
QUICK_MARKERS ?= not slow and not browser
test-quick: lint
	@$(MAKE) --no-print-directory test-databases PYTEST_ARGS='-m "$(QUICK_MARKERS)" $(PYTEST_ARGS)'

test-databases: install
	@verdicts=$$(mktemp -d); trap 'rm -rf "$$verdicts"' EXIT; \
	echo "==> the suite on SQLite and on PostgreSQL at once; each run's output follows as it ends"; \
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres \
		VERDICTS="$$verdicts"; \
	status=$$?; echo ""; cat "$$verdicts/sqlite" "$$verdicts/postgres" 2>/dev/null; exit $$status

# Ends a run's recipe with pytest's exit status, and under `make test` leaves the run's verdict
# (passed or FAILED) in VERDICTS for the lines printed after both runs.
verdict = status=$$?; \
	if [ $$status -eq 0 ]; then line="$(2): passed"; else line="$(2): FAILED (pytest exit status $$status)"; fi; \
	if [ -n "$(VERDICTS)" ]; then echo "==> $$line" > "$(VERDICTS)/$(1)"; fi; \
	exit $$status

test-sqlite: install
	@echo "==> test suite on SQLite"
	@env -u DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS); $(call verdict,sqlite,SQLite)

# Runs the suite again on PostgreSQL when it answers; says so loudly when it does not.
# REQUIRE_POSTGRES=1 (set by .ci/run) turns a missing server into a failure.
test-postgres: install
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=3).close()" "$(TEST_DATABASE_URL)" 2>/dev/null; then \
		echo "==> test suite on PostgreSQL ($(TEST_DATABASE_URL))"; \
		DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest $(PYTEST_ARGS); $(call verdict,postgres,PostgreSQL); \
	else \
		warning="!! PostgreSQL is NOT reachable at $(TEST_DATABASE_URL): its run of the suite was SKIPPED"; \
		if [ -n "$$REQUIRE_POSTGRES" ]; then warning="$$warning, a failure under REQUIRE_POSTGRES"; fi; \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! PostgreSQL is NOT reachable at $(TEST_DATABASE_URL)"; \
		echo "!! The PostgreSQL run of the suite was SKIPPED."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		if [ -n "$(VERDICTS)" ]; then echo "$$warning" > "$(VERDICTS)/postgres"; fi; \
		if [ -n "$$REQUIRE_POSTGRES" ]; then exit 1; fi; \
	fi

# --- Production serving (docs/production.md) ------------------------------------------------------------
# `make serve`: gunicorn + whitenoise with settings from the environment; DJANGO_DEBUG defaults
# to 0 here, so a real DJANGO_SECRET_KEY is required. See README.md, "Production".
serve: install
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-0}; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py migrate --noinput && \
	exec $(BIN)/gunicorn --config python:catalogue.gunicorn

# The import worker alone, for production beside `make serve` (docs/production.md).
worker: install
	exec $(BIN)/python manage.py import_worker --no-reload

# `make serve-proxy`: the production set-up, nginx (deploy/nginx.conf, Debian's nginx-light)
# on PROXY_BIND in front of gunicorn on GUNICORN_BIND (loopback), which trusts its
# X-Forwarded-For. docs/production.md, "Serving".
PROXY_BIND ?= 127.0.0.1:8000
serve-proxy: install
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-0} GUNICORN_BIND=$${GUNICORN_BIND:-127.0.0.1:8001} \
		DJANGO_TRUSTED_PROXIES=$${DJANGO_TRUSTED_PROXIES:-127.0.0.1} PROXY_BIND=$(PROXY_BIND); \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py migrate --noinput && \
	exec $(BIN)/python scripts/serve_proxy.py

# `make loadtest` against a server already started with `make serve` (loopback only).
LOADTEST_URL ?= http://127.0.0.1:8000
LOADTEST_ARGS ?=
loadtest: install
	$(BIN)/python scripts/loadtest.py --url $(LOADTEST_URL) $(LOADTEST_ARGS)

# `make slowprobe`: 50 slow-loris sockets for 60 s while a visitor asks for a film page each
# second (scripts/slowprobe.py, loopback only); SLOWPROBE_ARGS e.g. "--slow 5 --seconds 20".
SLOWPROBE_ARGS ?=
slowprobe: install
	$(BIN)/python -m scripts.slowprobe --url $(LOADTEST_URL) $(SLOWPROBE_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3 test-artifacts
