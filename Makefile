# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
BASE_URL ?= http://127.0.0.1:8080
# Two install stamps: `make run` installs what serving needs (pip install -e .), the
# other targets the development toolchain too (pip install -e '.[dev]').
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# Two workers: the suite is mostly live servers and waiting, and these machines have 2 cores.
PYTEST_ARGS ?= -n 2

.PHONY: run test lint typecheck contract-test bench fixtures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/ingram-mock serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP)
	$(BIN)/ruff check mock_server tools tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check mock_server tools tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

contract-test: $(DEV_STAMP)
	$(BIN)/ingram-mock contract-test --base-url $(BASE_URL) $(ARGS)

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/load.py

fixtures: $(DEV_STAMP)
	$(BIN)/python tools/fixture_gen.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
