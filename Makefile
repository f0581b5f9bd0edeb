# make run   - create .venv, install, serve on http://$(HOST):$(PORT) (127.0.0.1:8000 unless set)
# make test  - create .venv, install the test dependencies, check the layers, lint, type-check, run the whole suite
# make check - validate directory.yaml
# make bench - run every benchmark in bench/
# make messages - extract the fixed wording into routing/locale/messages.pot and merge it into each language's .po
# make catalogs - compile each .po into the .mo the app reads (run, test and the install do it too)
# make lock  - re-pin requirements.txt and requirements-dev.txt (with hashes) from pyproject.toml
#
# Installs are skipped while the lock files are unchanged (stamp files in .venv).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint check bench lock clean messages catalogs

# Every language's compiled catalog; rebuilt whenever its .po changes.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard routing/locale/*/LC_MESSAGES/messages.po))
# `_`, `N_` and `pgettext` in Python; Jinja's `_`, `gettext` and {% trans %} in templates.
EXTRACT := -F babel.cfg -k N_ -k pgettext:1c,2 --sort-output --no-location --omit-header

run: $(RUNTIME_STAMP) $(CATALOGS)
	$(BIN)/python app.py

test: lint $(CATALOGS)
	$(BIN)/python -m pytest

# The dependency rule, the lint rules and the types: each fails the build on its own.
lint: $(DEV_STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check routing tests bench tools app.py
	$(BIN)/mypy

check: $(RUNTIME_STAMP) $(CATALOGS)
	$(BIN)/python -m routing check

bench: $(DEV_STAMP) $(CATALOGS)
	$(BIN)/python bench/run.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The locks carry hashes, so pip checks every download; the project itself is
# installed editable without dependencies, for the `routing` command.
$(RUNTIME_STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

$(DEV_STAMP): requirements-dev.txt pyproject.toml | $(BIN)/python
	$(PIP) -r requirements-dev.txt
	$(PIP) --no-deps -e .
	touch $@ $(RUNTIME_STAMP)

catalogs: $(CATALOGS)

%.mo: %.po $(RUNTIME_STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

messages: $(RUNTIME_STAMP)
	$(BIN)/pybabel extract $(EXTRACT) -o routing/locale/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i routing/locale/messages.pot -d routing/locale

lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.txt pyproject.toml
	.venv-lock/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.txt pyproject.toml
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
