# make run   - create .venv, install, serve on http://$(HOST):$(PORT) (127.0.0.1:8000 unless set)
# make test  - create .venv, install the test dependencies, run the whole suite
# make check - validate directory.yaml
# make bench - run every benchmark in bench/
#
# Installs are skipped while the requirement files are unchanged (stamp files in .venv).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test check bench clean

run: $(RUNTIME_STAMP)
	$(BIN)/python app.py

test: $(DEV_STAMP)
	$(BIN)/python -m pytest

check: $(RUNTIME_STAMP)
	$(BIN)/python -m routing check

bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

clean:
	rm -rf $(VENV) .pytest_cache
