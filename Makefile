# SMM Academy — `make run` starts the site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run dev test lint check-content bench clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/flask --app app db upgrade
	@echo "SMM Academy on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

dev: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app --debug run --host $(HOST) --port $(PORT)

check-content: install
	$(BIN)/flask --app app courses check

lint: install
	$(BIN)/ruff check smmacademy tests bench app.py
	$(BIN)/ruff format --check smmacademy tests bench app.py
	$(BIN)/bandit -q -r smmacademy -c pyproject.toml

test: install
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory lint

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
