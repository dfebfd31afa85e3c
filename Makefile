# Two commands set everything up on a machine with python3 and make: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsarchive --db archive.duckdb ingest seeds/ || test $$? -eq 1
	$(BIN)/newsarchive --db archive.duckdb stats

# The browser tests drive Debian's chromium through chromedriver: scripts/ensure-chromium finds or installs them.
test: $(STAMP)
	scripts/ensure-chromium
	$(BIN)/python -m pytest

# ruff (lint and format), mypy (archive/store and archive/dedup strict), import-linter (layers in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Every bench script drives the installed `newsarchive` command; figures and commands: docs/BENCHMARKS.md.
# About 45 minutes on the shared 2-core machine (dedup_scale builds a 100,000-article archive), and web.py
# about 20 more (it builds its own 100,000-article archive to serve).
bench: $(STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/revisit.py
	$(BIN)/python bench/dedup_scale.py
	$(BIN)/python bench/dedup_eval.py
	$(BIN)/python bench/stories_eval.py --split test
	$(BIN)/python bench/bad_input.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) *.egg-info archive.duckdb archive.duckdb.wal .pytest_cache
