# Tugan Qala Co-design. Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test browser postgres proxy unit app e2e lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## Start the app on the bundled Aksu demo; prints the facilitator and team links.
run: $(STAMP)
	$(BIN)/python -m codesign run --demo

## Unit, app (Streamlit AppTest) and e2e (Playwright + Chromium) tests; the store tests run on the
## file store and on PostGIS (a throwaway cluster started by tools/pg_cluster.sh unless
## CODESIGN_TEST_DATABASE_URL names a test database).
test: $(STAMP) browser postgres proxy
	$(BIN)/python -m pytest

## e2e tests drive Debian's Chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
	  else echo "e2e tests need Chromium: apt-get install chromium" >&2; exit 1; fi; }

## The PostGIS store's tests need Debian's PostgreSQL 15 and PostGIS (not a running server).
postgres:
	@{ [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ]; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-15-postgis-3; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-15-postgis-3; \
	  else echo "PostGIS store tests need: apt-get install postgresql postgresql-15-postgis-3" >&2; exit 1; fi; }

## The e2e test of several app processes behind one address needs Debian's HAProxy (deploy/haproxy/).
proxy:
	@{ command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	  else echo "the proxy e2e test needs HAProxy: apt-get install haproxy" >&2; exit 1; fi; }

unit: $(STAMP) postgres
	$(BIN)/python -m pytest tests/unit

app: $(STAMP)
	$(BIN)/python -m pytest tests/app

e2e: $(STAMP) browser postgres proxy
	$(BIN)/python -m pytest tests/e2e

## Style, types (mypy over codesign/) and numpydoc sections of public functions.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/numpydoc lint $$(git ls-files 'codesign/*.py' 'codesign/**/*.py')

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/sketch_bench.py
	$(BIN)/python bench/vertex_bench.py
	$(BIN)/python bench/paper_bench.py
	$(BIN)/python bench/norms_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
