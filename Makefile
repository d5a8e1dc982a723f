# Carnet Pro — the two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run test lint bench check-deploy install install-dev chromium clean help

help:
	@echo "make run           installe, migre, charge les référentiels et la démo, sert http://$(HOST):$(PORT)"
	@echo "make test          installe les dépendances de test (et chromium), lance ruff et toute la suite"
	@echo "make bench         mesures de performance (bench/)"
	@echo "make check-deploy  manage.py check --deploy avec les réglages de production"

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 ou plus récent est nécessaire (trouvé : " + sys.version.split()[0] + ").")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.python-ok
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_referentiel data/referentiels/*.json
	$(MANAGE) load_demo --force
	@echo "Carnet Pro : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Debian's chromium for the browser tests (never `playwright install`: it downloads a browser).
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	echo "chromium absent : installation du paquet Debian chromium"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get install -y chromium || { $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }

lint: install-dev
	@mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

test: install-dev chromium lint
	@mkdir -p var
	CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "Aucun test n'a été collecté : la suite est vide, c'est une erreur."; exit 1; fi; \
	exit $$status

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production DEBUG=0 ALLOWED_HOSTS=carnet.example.org \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	$(MANAGE) check --deploy --fail-level WARNING

bench: install-dev
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var/test-media .pytest_cache .ruff_cache
