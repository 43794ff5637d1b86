# Tugan Qala Co-design. Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test browser unit app e2e lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## Start the app on the bundled Aksu demo; prints the facilitator and team links.
run: $(STAMP)
	$(BIN)/python -m codesign run --demo

## Unit, app (Streamlit AppTest) and e2e (Playwright + Chromium) tests.
test: $(STAMP) browser
	$(BIN)/python -m pytest

## e2e tests drive Debian's Chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
	  else echo "e2e tests need Chromium: apt-get install chromium" >&2; exit 1; fi; }

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

app: $(STAMP)
	$(BIN)/python -m pytest tests/app

e2e: $(STAMP) browser
	$(BIN)/python -m pytest tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/sketch_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
