# iadsim: the two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED ?= 1
OUT ?= out/caracas
N ?= 200

.PHONY: run test bench lint venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/iadsim run scenarios/caracas-2026-01-03.yaml --seed $(SEED) --out $(OUT)
	rm -rf $(OUT)-mc
	$(BIN)/iadsim mc scenarios/caracas-2026-01-03.yaml -n $(N) --workers 2 --seed $(SEED) --out $(OUT)-mc

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
