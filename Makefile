# borlange-analysis: the two commands of the README.
#   make report     set up, fetch the data, build every report for Borlänge
#   make test       set up and run the whole test suite (unit, real data, notebooks, end-to-end)
# and a few more:
#   make test-unit  the unit tests only: no data, no network, under a minute
#   make check      ruff (lint and format) and mypy
# Offline: set BORLANGE_DATA_MIRROR to a folder laid out like shared/data.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KOMMUN ?= Borlänge
JOBS ?= 2

.PHONY: setup report test test-unit check fetch prepare lab clean

$(BIN)/borlange-analysis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

setup: $(BIN)/borlange-analysis

fetch: setup
	$(BIN)/borlange-analysis fetch

prepare: fetch
	$(BIN)/borlange-analysis prepare

report: prepare
	$(BIN)/borlange-analysis reports --kommun "$(KOMMUN)" --jobs $(JOBS)

test: fetch
	$(BIN)/python -m pytest tests notebooks --nbval-lax -p no:cacheprovider

test-unit: setup
	$(BIN)/python -m pytest tests/unit -p no:cacheprovider

check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf data/processed/*.parquet data/processed/manifest.json reports/*/
