# SMM Academy — `make run` starts the site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per requirements file, named after its content: an edited file reinstalls.
# The dev stamp hashes both files because requirements-dev.txt includes requirements.txt.
STAMP := $(VENV)/.installed-runtime-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 5000

TEST_DATABASE_URL ?= postgresql+psycopg://smm:smm@127.0.0.1:5432/smmacademy_test

.PHONY: install install-dev translations browser-deps run dev test test-postgres lint check-content messages bench bench-deps clean

# Runtime only: what the site needs in production.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-runtime-*
	touch $(STAMP)

# Runtime plus the test and lint tools; it satisfies the runtime stamp as well.
$(DEV_STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-runtime-* $(VENV)/.installed-dev-*
	touch $(STAMP) $(DEV_STAMP)

install: $(STAMP) translations

# Compile the interface translations (translations/*/LC_MESSAGES/messages.mo, not committed).
translations: $(STAMP)
	$(BIN)/pybabel compile -d translations --statistics

install-dev: $(DEV_STAMP) translations

run: install
	$(BIN)/flask --app app db upgrade
	@echo "SMM Academy on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

dev: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app --debug run --host $(HOST) --port $(PORT)

check-content: install
	$(BIN)/flask --app app courses check

lint: install-dev
	$(BIN)/ruff check smmacademy tests bench app.py
	$(BIN)/ruff format --check smmacademy tests bench app.py
	$(BIN)/bandit -q -r smmacademy -c pyproject.toml

# Browser tests drive Debian's Chromium (Playwright's own download does not work offline).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# Unit, browser and accessibility tests on SQLite, then ruff and bandit. Tests run on every core
# (pytest-xdist), a file's tests on one worker so a module's live server starts once;
# TEST_WORKERS=0 runs them in one process (.ci/run, where the PostgreSQL pass needs a core).
TEST_WORKERS ?= auto
test: install-dev browser-deps
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile
	$(MAKE) --no-print-directory lint

# The suite again on PostgreSQL (needs a running server): every database-facing test, plus the
# PostgreSQL-only ones (two app servers on one database). Browser tests that only drive pages
# already ran on SQLite in `make test`; the app code under them is the same.
test-postgres: install-dev browser-deps
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/python -m pytest -q -m 'postgres or not browser'



# Extract UI strings into translations/messages.pot and merge them into every language's
# messages.po (new strings arrive untranslated; tests/test_i18n.py fails until they are translated).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k N_ \
	  --project="SMM Academy" --copyright-holder="SMM Academy" --no-wrap -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --no-wrap

# Lighthouse for the browser section (pinned in bench/package.json, into bench/node_modules).
bench-deps:
	@if command -v npm >/dev/null; then cd bench && npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: make bench skips the Lighthouse section" >&2; fi

bench: install-dev browser-deps bench-deps
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
