# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
BASE_URL ?= http://127.0.0.1:8080
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck contract-test bench fixtures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ingram-mock serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check mock_server tools tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check mock_server tools tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

contract-test: $(STAMP)
	$(BIN)/ingram-mock contract-test --base-url $(BASE_URL) $(ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/load.py

fixtures: $(STAMP)
	$(BIN)/python tools/fixture_gen.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
