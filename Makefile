# Two commands: `make run` (set up and serve with demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
FLASK = $(VENV)/bin/flask --app portfolio
PYBABEL = $(VENV)/bin/pybabel
TRANSLATIONS = portfolio/translations
CATALOGS = $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED = $(CATALOGS:.po=.mo)
PYTEST_ARGS ?=

.PHONY: run serve test lint setup setup-dev translations extract-messages browser clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed translations
setup-dev: $(VENV)/.installed-dev translations

%.mo: %.po $(VENV)/.installed
	$(PYBABEL) compile -i $< -o $@

translations: $(COMPILED)

## Serve on http://127.0.0.1:$(PORT) with an embedded SQLite database and demo data.
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo bootstrap
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Production: gunicorn on the database named by DATABASE_URL (PostgreSQL).
serve: setup
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --workers $${WORKERS:-4} --bind $${BIND:-127.0.0.1:8000} wsgi:app

## The whole suite. PostgreSQL tests run when TEST_DATABASE_URL is set;
## browser tests run when Debian's chromium is installed (`make browser`).
test: setup-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check portfolio tests benchmarks scripts

## Debian's chromium for the browser tests (needs root; never a downloaded browser).
browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium)

## Refresh the catalogue after changing user-visible strings.
extract-messages: setup-dev
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2 -o $(TRANSLATIONS)/messages.pot portfolio templates reports
	$(PYBABEL) update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
