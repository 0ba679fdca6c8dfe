# zoo-cards: `make site` builds the sample zoo, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site serve check models test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

site: $(STAMP)        ## build the sample zoo into site/
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

serve: $(STAMP)       ## live preview: edit a card or replace a model, the page rebuilds
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

check: $(STAMP)       ## cross-check every card against its model
	$(BIN)/zoo check content

models: $(TEST_STAMP) ## rebuild the sample models (fixed seeds, byte-identical)
	$(BIN)/python scripts/make_models.py --content content

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests bench scripts
	$(BIN)/mypy

test: lint            ## ruff, mypy and pytest
	$(BIN)/pytest

bench: $(TEST_STAMP)  ## speed and memory, side by side (see bench/README.md)
	$(BIN)/python bench/bench_inspect.py --size-mb 512 --runs 5
	$(BIN)/python bench/bench_runtime.py --runs 7 --size-mb 64
	$(BIN)/python bench/bench_filter.py

clean:
	rm -rf site .cache .pytest_cache .mypy_cache .ruff_cache
