# The README's commands. `make run` needs nothing but Python; `make test` uses the real services.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=

# The suite runs on PostgreSQL, Redis, an S3 server it starts itself, and Chromium.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/microcreds
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_REDIS_CACHE_URL ?= redis://127.0.0.1:6379/1
TEST_ENV = DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	REDIS_CACHE_URL=$(TEST_REDIS_CACHE_URL) CELERY_TASK_ALWAYS_EAGER=1 \
	DEBUG=0 SECRET_KEY=test-only-secret-key-not-for-production-0123456789 \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 \
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
	WHITENOISE_USE_FINDERS=1 EMAIL_URL=consolemail:// ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	SITE_URL=http://testserver

# The suite runs on every core (pytest-xdist), one test file per worker at a time; each worker
# has its own test database and Redis databases (tests/worker_env.py). One worker more than the
# cores: browser, server and Celery tests spend much of their time waiting on other processes.
# TEST_WORKERS=0: one process.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
PYTEST = $(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: run test test-fast test-browser bench lint format install prerequisites

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	touch $@

# Development settings for the commands a newcomer types by hand (`.venv/bin/python manage.py
# ...`): written once if missing, never overwritten. Variables set in the environment still win
# (the test targets pass DEBUG=0).
.env:
	printf 'DEBUG=1\n' > $@

install: $(VENV)/.installed .env

run: $(VENV)/.installed .env
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# What the machine needs for the suite (Debian packages, PostgreSQL and Redis running).
prerequisites:
	bash tests/prerequisites.sh

test: prerequisites $(VENV)/.installed node_modules/.installed
	$(PYTEST) $(PYTEST_ARGS)

test-fast: prerequisites $(VENV)/.installed node_modules/.installed
	$(PYTEST) -m "not browser" $(PYTEST_ARGS)

test-browser: prerequisites $(VENV)/.installed node_modules/.installed
	$(PYTEST) -m browser $(PYTEST_ARGS)

# Benchmarks use their own database, migrated fresh; modules start the servers they measure.
BENCH_DATABASE ?= microcreds_bench
bench: prerequisites $(VENV)/.installed node_modules/.installed
	psql -h 127.0.0.1 -U postgres -qtc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DATABASE)'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres $(BENCH_DATABASE)
	$(TEST_ENV) DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DATABASE) $(PY) manage.py migrate -v0
	$(TEST_ENV) DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DATABASE) $(PY) -m benchmarks $(BENCH)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
